// The demo's help desk (v1.1, rule 13): customers who write or call about
// their orders, as often as what happened to the order gives them reason
// to. It watches the records the simulated world sends (orders, holds,
// cancellations, shipment events) and the engine's delivery tasks (an
// order accepted, and its promise), and sends customer contacts on
// simulated time (Step(now), in time order, through a RecordSink):
//
//   a delivery failed         50 %  WHERE_IS_MY_ORDER, hours later
//   the promise passed, not   60 %  LATE, hours after the promise
//     yet delivered
//   delivered late            35 %  LATE (if they had not already)
//   on hold                   20 %  WHERE_IS_MY_ORDER, within the hour
//   any accepted order         1 %  BILLING, OTHER or WHERE_IS_MY_ORDER
//   delivered on time          1 %  DAMAGED, WRONG_ITEM or MISSING_ITEM
//
// 60 % of contacts are resolved (the same contactId again, with
// resolvedAt) within a day or so. Seeded: the same records in the same
// order give the same contacts.
#ifndef ORDERFLOW_SIM_HELP_DESK_H_
#define ORDERFLOW_SIM_HELP_DESK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"
#include "sim/random.h"
#include "sim/records.h"

namespace orderflow {

// What the help desk sent, by what the customer had reason to contact
// about.
struct HelpDeskCounts {
  int64_t contacts = 0;
  int64_t resolved = 0;
  int64_t after_failed_delivery = 0;
  int64_t late = 0;  // the promise passed before delivery, or delivered late
  int64_t on_hold = 0;
  int64_t without_cause = 0;  // the base rate: billing, damaged, ...
};

class HelpDesk {
 public:
  HelpDesk(uint64_t seed, RecordSink out) : rng_(seed ^ 0xc0ffee), out_(std::move(out)) {}

  // A record the simulated world sent: orders (the customer), holds,
  // cancellations and shipment events; other topics are ignored.
  void Observe(Topic topic, const google::protobuf::Message& record, EpochMillis at);

  // A delivery task of the engine: the first CREATE of an order says it
  // was accepted, and when it was promised.
  void OnTask(const v1::DeliveryTask& task);

  // Sends every contact (and resolution) due by `now`, in time order.
  void Step(EpochMillis now);

  const HelpDeskCounts& counts() const { return counts_; }

 private:
  struct OrderFate {
    std::string customer_id;
    EpochMillis deliver_by = 0;  // 0: no task yet
    bool cancelled = false;
    bool failed = false;
    bool delivered = false;
    bool late_contact = false;
  };
  struct Planned {
    std::string order_id;
    std::shared_ptr<v1::CustomerContact> contact;  // null: check the promise
  };
  void Contact(const std::string& order_id, v1::ContactKind kind, EpochMillis at,
               std::string_view text);

  StdRandom rng_;
  RecordSink out_;
  std::map<std::string, OrderFate> orders_;
  std::multimap<EpochMillis, Planned> planned_;  // equal times: as planned
  int64_t next_contact_ = 1;
  HelpDeskCounts counts_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_HELP_DESK_H_
