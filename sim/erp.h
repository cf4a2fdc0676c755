// The demo's ERP: a week of a web shop, seeded and deterministic (the same
// seed, the same records), on simulated time: the caller says how far time
// has come with Step(now) and gets every record due by then, in time
// order, through a RecordSink.
//
//   ErpSimulator erp({.seed = 7, .orders_per_day = 1500, .start = monday},
//                    [&](Topic t, const std::string& key,
//                        const google::protobuf::Message& m, EpochMillis at) {
//                      ... publish or write it ...
//                    });
//   erp.Step(monday + Days(7));
//   erp.Finish();
//
// What it sends: orders with a daily rhythm (quiet nights, busy
// afternoons) on popular and slow SKUs, stock counted on the first morning
// and received every morning, cancellations, invoices for what shipped,
// and the faults ERPs send: invalid orders, the same order twice, an order
// id reused, an order sent after a newer one (out of order, its timestamp
// older).
//
// Orders, stock and cancellations draw from one generator and depend on
// nothing but the options; invoices draw from their own, since they depend
// on when shipments are heard of (OnShipped).
//
// With `extensions` (v1.1, rules 9-12) the same orders, stock and
// cancellations come (the same draws), and besides them, from a third
// generator: stock counted and received at three warehouses in two
// countries (sim/warehouses.h), orders sent to four countries, about 5 %
// of orders amended (a new address, a faster service level, a quantity
// changed; some requested so late that the warehouse has picked or packed
// and the engine refuses them), and about 5 % held (payment, fraud or
// address checks: most released to go on, some released cancelling the
// order, a few left open past their type's limit).
#ifndef ORDERFLOW_SIM_ERP_H_
#define ORDERFLOW_SIM_ERP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"
#include "sim/catalogue.h"
#include "sim/random.h"
#include "sim/records.h"
#include "sim/week.h"

namespace orderflow {

struct ErpOptions {
  uint64_t seed = 1;
  int orders_per_day = 1500;
  EpochMillis start = kSimulatedMonday;
  // v1.1: warehouses, destinations, amendments and holds (above). Off: the
  // v1 stream, byte for byte as before.
  bool extensions = false;
};

// What the ERP sent of v1.1's records (extensions on).
struct ErpExtras {
  int64_t amendments = 0;
  int64_t late_amendments = 0;  // requested once the warehouse has likely picked
  int64_t holds = 0;
  int64_t holds_resumed = 0;
  int64_t holds_cancelling = 0;
  int64_t holds_aged = 0;  // released only after their type's limit
};

// How many SKUs the ERP's shop sells.
inline constexpr int kSimulatedSkus = 200;

class ErpSimulator {
 public:
  ErpSimulator(const ErpOptions& options, RecordSink out);

  // The ERP bills an order once it hears that it shipped (from the
  // order-status topic): an invoice a few hours later, 3 % of them wrong
  // (a quantity, a price or a line), as month-end alignment finds them.
  void OnShipped(const std::string& id, EpochMillis shipped_at);

  // Everything due up to `now`, in time order.
  void Step(EpochMillis now);

  // Sends what is still held back (an order meant to go out late): call
  // once at the end.
  void Finish();

  int64_t orders_sent() const { return static_cast<int64_t>(placed_at_.size()); }
  const std::map<std::string, EpochMillis>& placed_at() const { return placed_at_; }
  const ErpExtras& extras() const { return extras_; }

 private:
  void CountStock();
  void ReceiveStock(EpochMillis at);
  void PlaceOrder(EpochMillis at);
  void Invoice(const std::string& id, EpochMillis at);
  // v1.1 (erp_changes.cc): stock split over the warehouses; where an order
  // goes; its amendment and hold, drawn and planned when it is placed.
  void SendStock(uint32_t sku, v1::InventoryKind kind, int64_t units, EpochMillis at);
  void SetDestination(v1::Address& address);
  void PlanChanges(const v1::OrderPlaced& order, EpochMillis at);
  void PlanAmendment(const v1::OrderPlaced& order, EpochMillis at);
  void PlanHold(const v1::OrderPlaced& order, EpochMillis at);
  void Later(EpochMillis at, Topic topic, const std::string& key,
             std::shared_ptr<const google::protobuf::Message> record);

  StdRandom rng_;
  StdRandom invoice_rng_;
  double per_day_;
  EpochMillis start_;
  RecordSink out_;
  SkuCatalogue skus_;
  bool stock_counted_ = false;
  int order_count_ = 0;
  EpochMillis next_order_, next_receipt_;
  std::priority_queue<std::pair<EpochMillis, std::string>,
                      std::vector<std::pair<EpochMillis, std::string>>,
                      std::greater<>>
      cancellations_, invoices_;
  std::map<std::string, EpochMillis> placed_at_;
  // The lines of orders not yet invoiced, and the orders billed.
  std::map<std::string, std::vector<v1::OrderLine>> lines_;
  std::set<std::string> invoiced_;
  std::unique_ptr<v1::OrderPlaced> held_back_;
  // v1.1.
  bool extensions_;
  StdRandom world_rng_;
  struct Planned {
    Topic topic;
    std::string key;
    std::shared_ptr<const google::protobuf::Message> record;
  };
  std::multimap<EpochMillis, Planned> planned_;  // equal times: as planned
  ErpExtras extras_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_ERP_H_
