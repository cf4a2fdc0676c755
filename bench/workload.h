// A synthetic input stream for the engine: what the ERP, the warehouse and
// the carriers would write to orderflow's input topics over some hours or
// days. The benchmark and the crash-and-restore test drive the engine with
// it.
//
//   WorkloadOptions options;
//   options.records = 200000;
//   std::vector<InputRecord> stream = GenerateWorkload(options);
//   for (size_t i = 0; i < stream.size(); ++i) {
//     Feed(stream[i], pipeline, static_cast<int64_t>(i + 1));
//   }
//
// The stream is a deterministic function of the options (the generator
// draws from sim/random.h's Random, which uses no std:: distributions), so
// a seed names the same records on every machine. The simulated world's
// pieces (the SKU catalogue, the stock ledger, the record builders) are
// sim/'s; the order of the draws, and so the stream, is this generator's.
//
// What it looks like, with the default options:
//  - Orders arrive as a Poisson process, `orders_per_minute` on average,
//    with 1-5 lines on distinct SKUs (45/25/15/10/5 %), 1-5 units a line
//    (60/20/10/6/4 %), service levels STANDARD/EXPRESS/OVERNIGHT 70/20/10 %,
//    20 % with an explicit promisedDeliveryAt. SKUs are drawn from
//    `sku_count` SKUs by a Zipf law (exponent `zipf_exponent`). Orders are
//    valid per rule 1 except `invalid_rate` of them (one defect
//    each: no customerId, quantity 0, quantity over the limit, no
//    unitPriceMinor, incomplete address, promise before placement).
//  - About `cancel_rate` of orders are cancelled, 80 % within two hours,
//    the rest up to a day later (a few of those after shipping); a
//    fraction `early_cancel_fraction` of the cancellations reaches the
//    engine just before its order.
//  - Stock: a SKU is counted (an inventory SNAPSHOT) when an order first
//    wants it, except `out_of_stock_sku_fraction` of SKUs that start with
//    nothing. Each SKU is replenished by a reorder-point policy: when its
//    position (on hand - reserved - backordered + on order) falls below
//    `reorder_days` of its expected demand, a RECEIPT of 2-5 days of
//    demand (at least 10 units) plus its backlog arrives 12-48 h later.
//    The reorder point is a little above the mean demand over the lead
//    time, so stock is tight: a slow receipt runs a SKU dry and orders
//    backorder until it lands (about 10 % of accepted orders). A few
//    ADJUSTMENTs (shrinkage, found units) happen along the way.
//  - Shipments follow allocation. The generator keeps a model of the
//    engine's stock ledger (sim/stock_ledger.h; rules 2 and 3: reservation,
//    partial holds, backorders served by priority, releases on
//    cancellation), so it knows when an order becomes ALLOCATED without
//    reading the engine's outputs, and a shipment is only generated for
//    an allocated order. The
//    warehouse PACKs and SHIPs it before shipBy - 4h (`late_ship_rate` of
//    orders ship late, around shipBy); the carrier DELIVERs it after a
//    transit time typical of its service level, or reports
//    DELIVERY_FAILED (`delivery_failed_rate`), most of which are
//    delivered a day later.
//  - Kafka-isms: `duplicate_rate` of orders and shipment events are
//    delivered twice; `conflict_rate` of orders are re-sent with different
//    content (DUPLICATE_ORDER); a few shipments name an order that never
//    comes; `late_record_rate` of records carry a timestamp a few seconds
//    older than the record before them.
//
// The model is the generator's own and is simplified where the engine's
// outcome cannot matter to it; if the two ever disagree, the engine only
// sees a shipment for an order it holds as BACKORDERED, which it accepts.
//
// With `v11` set, the v1.1 mix (DOMAIN.md "Extensions (v1.1)") on top of
// the same traffic: stock kept at three warehouses in two countries (every
// SKU at one of them; configure the engine with MixSourcing()), so that an
// order whose lines come from two warehouses ships in two tasks, and
// `split_task_rate` of orders ship each task in two parcels; the
// warehouse PICKs the order, PACKs each parcel, and each is SHIPPED, DELIVERED or
// DELIVERY_FAILED with its taskId and lines; `amend_rate` of orders get
// an amendment (a new address, or an upgrade to EXPRESS once allocated;
// those that come after packing are rejected); `hold_rate` get a hold
// (placed within minutes, mostly released within half its limit, one in
// ten aged past it, some released with CANCEL_ORDER, a few placed days
// later, after shipping) and the warehouse waits for the release;
// `contact_rate` get a customer contact hours or days after the order,
// most of them resolved later, one in ten followed by a second one. The
// v1 records stay those of the v1 stream only as far as their draws go:
// the extra draws shift everything after the first of them.
//
// Records come out in event-time order, so the first hours of a stream
// are mostly orders: at 300 orders a minute, 1,000,000 records cover about
// 26 hours. Lower `orders_per_minute` to cover days (deadlines, ageing,
// expiry) in fewer records.
#ifndef ORDERFLOW_BENCH_WORKLOAD_H_
#define ORDERFLOW_BENCH_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/input_record.h"
#include "engine/pipeline.h"
#include "engine/sourcing_config.h"
#include "engine/time.h"
#include "engine/topics.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow::workload {

// A record's topic is the engine's (engine/topics.h), as for every
// simulator: the workload writes orders, cancellations, shipments and
// inventory.
using Topic = ::orderflow::Topic;

// "orders", "cancellations", "shipments", "inventory" (and with the v1.1
// mix "amendments", "holds", "customer-contacts"): ShortName's names of
// the topics the workload writes, empty for any other. Its own switch,
// which Feed inlines: a call to ShortName for every record costs the
// benchmark about 40 instructions a record.
std::string_view TopicName(Topic topic);

// One record as a consumer would hand it to the engine.
struct InputRecord {
  Topic topic;
  std::string key;  // order id; the SKU for inventory
  EpochMillis timestamp;
  // The decoded value; its alternative matches `topic`.
  std::variant<v1::OrderPlaced, v1::CancellationRequested, v1::ShipmentEvent,
               v1::InventoryEvent, v1::OrderAmended, v1::HoldEvent,
               v1::CustomerContact>
      value;
};

struct WorkloadOptions {
  uint64_t seed = 1;
  size_t records = 100000;  // exactly this many are generated
  EpochMillis start = 1772409600000;  // 2026-03-02T00:00:00Z

  double orders_per_minute = 300;
  int32_t sku_count = 100000;
  double zipf_exponent = 1.0;
  int32_t customer_count = 500000;

  double invalid_rate = 0.005;
  double cancel_rate = 0.05;
  double early_cancel_fraction = 0.02;
  double out_of_stock_sku_fraction = 0.05;
  double reorder_days = 1.6;  // mean lead time is 1.25 days
  double adjustment_rate = 0.01;  // per order placed
  double late_ship_rate = 0.03;
  double delivery_failed_rate = 0.03;
  double duplicate_rate = 0.003;
  double conflict_rate = 0.0005;
  double unknown_shipment_rate = 0.0005;  // per order placed
  double late_record_rate = 0.01;

  // The v1.1 mix (above). Off: no draw of it is made, and the stream is
  // the v1 stream the pinned digests (bench/CMakeLists.txt) were taken of.
  bool v11 = false;
  double split_task_rate = 0.02;  // of orders: each task in two parcels
  double amend_rate = 0.05;
  double hold_rate = 0.05;
  double contact_rate = 0.03;

  // The v1 stream plus only the holds and contacts of the v1.1 mix, drawn
  // as there (`hold_rate`, `contact_rate`; the warehouse waits for a
  // hold's release): no warehouses, parcels or amendments, so the engine
  // needs no sourcing configured. Implied by `v11`.
  bool holds_and_contacts = false;
};

// The warehouses of the v1.1 mix, for EngineConfig::sourcing: WH-DE-1
// (rank 1; DE, AT, NL), WH-DE-2 (rank 2; DE) and WH-FR (rank 1; FR).
SourcingConfig MixSourcing();

// The stream, in the order a consumer would read it.
std::vector<InputRecord> GenerateWorkload(const WorkloadOptions& options);

// "200000 records over 69.4 h: 61234 orders (312 invalid), ..." for logs.
std::string Describe(const std::vector<InputRecord>& stream);

// Applies `record` to `pipeline` as replay would: partition 0, `offset` the
// record's position (1-based), `payload` the value's original bytes if the
// caller has them (they only end up in dead letters).
void Feed(const InputRecord& record, Pipeline& pipeline, int64_t offset,
          std::string_view payload = {});

// The record's value in protobuf binary, as it travels on Kafka.
std::string EncodeValue(const InputRecord& record);

// A record as it comes off the wire: still protobuf binary.
struct EncodedRecord {
  Topic topic;
  std::string key;
  EpochMillis timestamp;
  std::string value;
};
EncodedRecord Encode(const InputRecord& record);

// Decodes encoded records and applies them as a Kafka host does (one
// engine InputRecord, engine/input_record.h, whose messages are reused).
class Decoder {
 public:
  // False (and nothing applied) when the value does not parse.
  bool Feed(const EncodedRecord& record, Pipeline& pipeline, int64_t offset);

 private:
  ::orderflow::InputRecord decoded_;
};

}  // namespace orderflow::workload

#endif  // ORDERFLOW_BENCH_WORKLOAD_H_
