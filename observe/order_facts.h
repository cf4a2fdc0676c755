// The facts an order's output records establish: the statuses it went
// through and when, its delivery task, its escalations raised and cleared,
// when it shipped and was delivered. Folded from the records in the order
// they were read, by whoever reads the outputs: order timelines
// (`orderflow inspect`), the month-end reconciliation, the demo's summary.
//
//   OrderFacts facts;
//   facts.AddStatus(status_changed, record_time);
//   facts.AddTask(delivery_task);
//   facts.AddEscalation(escalation, record_time);
//   if (facts.shipped_at) ...
//
// A record read twice (an aborted transaction seen by a reader that is
// not read_committed, then its retry) establishes nothing new: statuses
// are listed once each and an escalation counts once. The records of one
// order only: the caller keeps one OrderFacts per order id.
#ifndef ORDERFLOW_OBSERVE_ORDER_FACTS_H_
#define ORDERFLOW_OBSERVE_ORDER_FACTS_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/time.h"
#include "engine/topics.h"
#include "google/protobuf/message.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

struct OrderFacts {
  // The latest status record: its status, since when (its occurredAt, else
  // the record's time) and its reasons. UNSPECIFIED before any.
  v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
  EpochMillis status_since = 0;
  std::vector<std::string> reasons;
  // Every status the order had, each once, in the order first seen.
  std::vector<v1::OrderStatus> statuses;
  // A SHIPPED, DELIVERED or DELIVERY_FAILED status was seen (HasShipped).
  bool shipped = false;
  // The first SHIPPED status's time; the latest DELIVERED status's.
  std::optional<EpochMillis> shipped_at, delivered_at;
  // As the latest status records that carry them say.
  std::optional<EpochMillis> placed_at, promised_at;

  // The latest delivery task's action, and the promises of the latest
  // CREATE (nullopt when it had none).
  v1::TaskAction task = v1::TASK_ACTION_UNSPECIFIED;
  std::optional<EpochMillis> ship_by, deliver_by;

  // Each escalation raised, once, in the order raised; one cleared stays
  // (open false). Raised again after it was cleared (an order id the
  // engine forgot and saw again), it is open and last again.
  struct Escalation {
    std::string id;
    v1::EscalationKind kind = v1::ESCALATION_KIND_UNSPECIFIED;
    int32_t level = 0;
    EpochMillis raised_at = 0;  // detectedAt, else the record's time
    bool open = true;
  };
  std::vector<Escalation> escalations;

  // Whether the order had status `s` at some point.
  bool Had(v1::OrderStatus s) const;

  // `time` is the record's own (its envelope or Kafka time), for a record
  // that does not carry its occurredAt or detectedAt.
  void AddStatus(const v1::OrderStatusChanged& s, EpochMillis time);
  void AddTask(const v1::DeliveryTask& t);
  void AddEscalation(const v1::Escalation& e, EpochMillis time);
  // One of the three for a record of `topic`; `m` is of the topic's
  // generated type (MessageTypeOf). Other topics establish nothing here.
  void Add(Topic topic, const google::protobuf::Message& m, EpochMillis time);
};

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_ORDER_FACTS_H_
