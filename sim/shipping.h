// The demo's warehouse and carrier: take delivery tasks and report what
// happens to them, on simulated time (Step(now) sends every event due by
// then, in time order, through a RecordSink). Picked and packed within
// hours, shipped before shipBy (5 % late), delivered after a transit
// fitting the service level, 3 % of deliveries failing first and
// delivered a day later. A CANCEL task stops whatever has not left the
// warehouse. Seeded: the same tasks in the same order give the same
// events.
#ifndef ORDERFLOW_SIM_SHIPPING_H_
#define ORDERFLOW_SIM_SHIPPING_H_

#include <cstdint>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"
#include "sim/random.h"
#include "sim/records.h"

namespace orderflow {

// What the simulated warehouse and carrier do.
struct ShippingOptions {
  uint64_t seed = 1;
  double max_hours_to_ship = 5.5;  // after packing, when on time
  double late_share = 0.05;        // shipped after shipBy
  double failed_share = 0.03;      // first delivery attempt fails
};

class ShippingSimulator {
 public:
  ShippingSimulator(const ShippingOptions& options, RecordSink out)
      : options_(options), rng_(options.seed ^ 0x5eed), out_(std::move(out)) {}

  // Plans a CREATE task's events from `now` (a task seen again is
  // ignored); a CANCEL task stops the order's events unless it shipped.
  void OnTask(const v1::DeliveryTask& task, EpochMillis now);

  // Reports every planned event due by `now`, in time order.
  void Step(EpochMillis now);

 private:
  struct Event {
    EpochMillis at;
    std::string order_id, shipment_id;
    v1::ShipmentStatus status;
    bool operator>(const Event& o) const { return at > o.at; }
  };
  void Plan(EpochMillis at, const std::string& id, const std::string& shipment,
            v1::ShipmentStatus status) {
    events_.push({at, id, shipment, status});
  }

  ShippingOptions options_;
  StdRandom rng_;
  RecordSink out_;
  std::set<std::string> planned_, shipped_, cancelled_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_SHIPPING_H_
