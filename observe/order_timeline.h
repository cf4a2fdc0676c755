// Order investigation: every input and output that concerns an order, with
// its time, and the order's current state as those records tell it. What
// `orderflow inspect ORDER_ID` prints and GET /api/orders/<id> serves.
//
//   OrderTimelines timelines(config.observe);
//   timelines.RecordInput("orders", key, record_time, order_placed);
//   timelines.RecordOutput("order-status", m.order_id(), occurred_at, m);
//   std::optional<nlohmann::ordered_json> j = timelines.OrderJson("O-1042");
//   std::cout << RenderOrderText(*j);
//
// What is recorded. Inputs: `orders`, `cancellations`, `shipments`,
// `invoices`, under the record's key (the order id). `inventory` is keyed by
// SKU and concerns no single order: it is ignored. Outputs:
// `order-status`, `delivery-tasks`, `escalations` under the order id, and
// `dead-letter` under the key of the record it came from (dead letters of
// inventory records are ignored). An empty key, an unknown topic, a topic
// on the wrong side (an output given to RecordInput) or a message that is
// not the topic's type is ignored. Entries are kept in the order they were
// recorded: the order in which the engine saw and decided them. Record the
// outputs a timer fires before the input that made time pass (replay
// advances the clock first), so they come out in the engine's order.
//
// Times are engine times: an input's record timestamp, an output's envelope
// time (occurredAt, createdAt, detectedAt, deadLetteredAt).
//
// Memory is bounded (config/config_file.h, ObserveSettings):
// - at most `timeline_max_entries` entries per order: the oldest go first
//   and are counted (`droppedEntries`), except the order's first OrderPlaced
//   record, which is kept as long as the bound is at least 2;
// - at most `timeline_max_orders` orders: when a new order would exceed it,
//   a closed order goes first (the one that closed earliest), otherwise the
//   order least recently recorded to;
// - a closed order (DELIVERED, CANCELLED, REJECTED) is dropped
//   `timeline_retention` after it closed, in engine time: the largest time
//   recorded so far, or a later one given to Expire(). A status that opens
//   it again (the same id reused after the engine forgot it) keeps it.
// An entry holds its message as protobuf binary. Recording parses nothing
// (but see RecordEncoded): the current state, JSON and summaries are made
// when the order is read, from the entries kept and a state that the
// dropped entries were folded into, so dropped entries still count.
// Measured on a simulated week (9,179 orders, 55,700 entries) when each
// order also kept its state: 18 MB, about 2 KB per order of six entries;
// at the defaults (100,000 orders) expect at most some 200-300 MB when
// full. Without the state, `orderflow inspect --replay` of a seeded ERP
// week (`orderflow simulate erp --days 7`) peaks 6 MB lower (31 MB
// against 37 MB resident, engine included).
//
// Thread-safe: one mutex. The host's loop records while an HTTP thread
// reads.
#ifndef ORDERFLOW_OBSERVE_ORDER_TIMELINE_H_
#define ORDERFLOW_OBSERVE_ORDER_TIMELINE_H_

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "config/config_file.h"
#include "engine/time.h"
#include "engine/topics.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"

namespace orderflow {

// What is told of the records OrderTimelines keeps, for a view kept beside
// them (EscalationWorklist): each record it accepts, after KeepOnly's
// filter and before its own bounds, and each KeepOnly. Called on the
// recording thread, under the timelines' lock: it must not call back.
class TimelineListener {
 public:
  virtual ~TimelineListener() = default;
  // `payload` is an encoding of the topic's type.
  virtual void OnRecorded(Topic topic, std::string_view order_id,
                          EpochMillis time, std::string_view payload) = 0;
  virtual void OnKeepOnly(
      const std::function<bool(std::string_view order_id)>& keep) = 0;
};

class OrderTimelines {
 public:
  explicit OrderTimelines(const ObserveSettings& settings);
  ~OrderTimelines();
  OrderTimelines(const OrderTimelines&) = delete;
  OrderTimelines& operator=(const OrderTimelines&) = delete;

  // `topic` is the short name ("orders"; a Kafka name
  // "<prefix>.orders.v1" is also understood). `order_id` is the record's
  // key. `value` is the decoded message of the topic's type.
  void RecordInput(std::string_view topic, std::string_view order_id,
                   EpochMillis time, const google::protobuf::Message& value);
  void RecordOutput(std::string_view topic, std::string_view order_id,
                    EpochMillis time, const google::protobuf::Message& value);
  // Either of the two for a record already in protobuf binary: what a host
  // that has decoded or produced the bytes calls, so that they are neither
  // serialized nor parsed again. `payload` must be an encoding of the
  // topic's type (MessageTypeOf); it is kept as it is and parsed only when
  // the order is read (OrderJson) or its entry dropped, except that an
  // order-status record's status and time are read here (for closing the
  // order) and a dead letter is parsed (to tell its source). An entry whose
  // bytes do not parse is shown as undecodable and tells nothing about the
  // state. A host that has parsed the bytes already gives them `parsed`
  // too (of the topic's type), and they are not parsed again.
  void RecordEncoded(bool output, Topic topic, std::string_view order_id,
                     EpochMillis time, std::string payload,
                     const google::protobuf::Message* parsed = nullptr);

  // Moves engine time to `now` (never back) and drops closed orders whose
  // retention has passed. Recording does this by itself with the record's
  // time; a host whose clock moves without records calls it now and then.
  void Expire(EpochMillis now);

  // The order as JSON, or nullopt when no timeline is kept for `order_id`:
  //   {"orderId": "O-1042",
  //    "state": {"status": "DELIVERED", "since": "...", "reasons": [],
  //              "closed": true, "customerId": ..., "serviceLevel": ...,
  //              "placedAt", "promisedDeliveryAt", "shipBy", "deliverBy",
  //              "shippedAt", "deliveredAt", "lines": [...],
  //              "shipment": {...}, "openEscalations": [...],
  //              "deliveryTasks": [...], "parcels": [...],
  //              "unshipped": [...], "restCancelled": false},
  //    "timeline": [{"time", "direction": "in"|"out", "topic", "summary",
  //                  "record": {...protobuf JSON...}}, ...],
  //    "droppedEntries": 0}
  // Unknown values are null. Times are RFC 3339 UTC. The order's tasks,
  // parcels and what is unshipped are observe/order_timeline_parcels.h's.
  // A v1 order has one task and, once shipped, one parcel carrying every
  // line ("whole": true).
  std::optional<nlohmann::ordered_json> OrderJson(
      std::string_view order_id) const;

  // True when a timeline is kept for `order_id` and begins with its
  // OrderPlaced: everything about the order from its placement on went
  // through here. False for an order whose earlier records another process
  // handled (it came here by a rebalance or a restart), and for one whose
  // cancellation or shipment came before it (then the records before the
  // order are what this process cannot tell apart from the first case).
  bool KeepsWholeHistory(std::string_view order_id) const;

  // Keeps only the orders for which `keep` is true, now and from now on:
  // the timelines of the others are dropped, and their records ignored
  // until the next call. What a host calls when its order partitions
  // change, so that it never answers with the partial, stale timeline of
  // an order whose partition went elsewhere. Null keeps every order (the
  // default).
  void KeepOnly(std::function<bool(std::string_view order_id)> keep);

  // Tells `listener` (null: none) of what is recorded from now on, and of
  // each KeepOnly; it must outlive the timelines. Set before recording.
  void SetListener(TimelineListener* listener);

  // Timelines kept now, and entries in them.
  int64_t order_count() const;
  int64_t entry_count() const;

 private:
  struct State;
  struct Timeline;
  // Serializes `value` (of the topic's type, generated or dynamic), then
  // Record.
  void RecordMessage(Topic topic, std::string_view order_id, EpochMillis time,
                     const google::protobuf::Message& value);
  // `payload` is an encoding of the topic's type; `parsed`, if not null,
  // the message it encodes.
  void Record(Topic topic, std::string_view order_id, EpochMillis time,
              std::string payload,
              const google::protobuf::Message* parsed = nullptr);
  Timeline& Touch(std::string_view order_id);
  void ExpireLocked(EpochMillis now);
  void Erase(std::string_view order_id);

  const ObserveSettings settings_;
  mutable std::mutex mu_;
  std::function<bool(std::string_view)> keep_;  // null: every order
  TimelineListener* listener_ = nullptr;
  EpochMillis now_ = 0;
  int64_t entries_ = 0;
  // Keyed by a view of the timeline's own id, which stays where it is
  // while the timeline lives, as do the views below.
  absl::flat_hash_map<std::string_view, std::unique_ptr<Timeline>> orders_;
  // Least recently recorded to first.
  std::list<std::string_view> lru_;
  // Closed orders by (closed at, id): the first to expire or to evict.
  std::set<std::pair<EpochMillis, std::string_view>> closed_;
};

// The plain text for a terminal, from OrderJson()'s JSON (or the same JSON
// fetched from a running engine): a header with the state, then one line
// per entry:
//   2026-03-02T10:00:00Z  in   orders         order placed: EXPRESS, ...
std::string RenderOrderText(const nlohmann::ordered_json& order);

// Where the whole history of an order that `timelines` does not keep in
// full is read (observe/order_history.h: from Kafka): its OrderJson, or
// nullopt when nothing is known of it, or why it could not be read.
using OrderHistorySource =
    std::function<absl::StatusOr<std::optional<nlohmann::ordered_json>>(
        std::string_view order_id)>;

// The HTTP route GET /api/orders/<id>: 200 and the order as compact JSON,
// or 404 and {"error": "..."} when the order is not known. The order is
// answered from `timelines` when they keep its whole history
// (KeepsWholeHistory) or there is no `history`; otherwise from `history`,
// falling back on what `timelines` keep when it knows nothing or fails. A
// failure with something kept adds "incomplete": "<why>" to the JSON (and
// `inspect` prints it); with nothing kept it answers 503 and the reason.
std::pair<int, std::string> HandleOrderRequest(
    const OrderTimelines& timelines, std::string_view order_id,
    const OrderHistorySource& history = nullptr);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_ORDER_TIMELINE_H_
