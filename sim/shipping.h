// The demo's warehouse and carrier: take delivery tasks and report what
// happens to them, on simulated time (Step(now) sends every event due by
// then, in time order, through a RecordSink). Picked and packed within
// hours, shipped before shipBy (5 % late), delivered after a transit
// fitting the service level, 3 % of deliveries failing first and
// delivered a day later. A CANCEL task stops whatever has not left the
// warehouse. Seeded: the same tasks in the same order give the same
// events.
//
// With `parcels` (v1.1, rules 9-12) the warehouse works task by task (an
// order sourced from two warehouses has two tasks) and says which: every
// event carries the task id, and SHIPPED, DELIVERY_FAILED and DELIVERED the
// lines of their parcel. A task with more than one unit is packed in two
// parcels `split_share` of the time, the second leaving hours after the
// first. UPDATE replaces a task's lines and address while nothing has
// shipped; HOLD stops work on a task and RELEASE resumes it (what was due
// while it was held is done from then on, in the same order and spacing);
// CANCEL stops the parcels not yet shipped, and a CANCEL of a task id never
// seen those of every task of the order (the engine cancels the rest of a
// partly shipped order under the order's v1 task id).
#ifndef ORDERFLOW_SIM_SHIPPING_H_
#define ORDERFLOW_SIM_SHIPPING_H_

#include <cstdint>
#include <map>
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
  // v1.1: tasks by task id, parcels with lines (above). Off: the v1
  // events, byte for byte as before.
  bool parcels = false;
  double split_share = 0.07;  // tasks of 2+ units packed in two parcels
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

  // Parcels: tasks packed in two parcels so far.
  int64_t split_tasks() const { return split_tasks_; }

 private:
  struct Event {
    EpochMillis at;
    std::string order_id, shipment_id;
    v1::ShipmentStatus status;
    // Parcels: the task, which of its parcels (0 or 1), and how far its
    // time was already moved by holds.
    std::string task_id;
    int parcel = 0;
    Millis shifted = 0;
    bool operator>(const Event& o) const { return at > o.at; }
  };
  void Plan(EpochMillis at, const std::string& id, const std::string& shipment,
            v1::ShipmentStatus status) {
    events_.push({at, id, shipment, status, {}, 0, 0});
  }
  // Parcels (shipping_parcels.cc).
  struct TaskState {
    v1::DeliveryTask task;
    int parcels = 1;
    bool held = false;
    bool cancelled = false;
    Millis shift = 0;  // how far holds moved its remaining events
    std::vector<Event> deferred;  // came due while held
    std::vector<std::vector<v1::ShipmentLine>> contents;  // by parcel, once shipped
  };
  void OnParcelTask(const v1::DeliveryTask& task, EpochMillis now);
  // What has not left of any of the order's tasks stays.
  void CancelOrder(const std::string& order_id);
  void PlanParcels(TaskState& state, EpochMillis now);
  void StepParcels(EpochMillis now);
  void SendParcelEvent(TaskState& state, const Event& e);

  ShippingOptions options_;
  StdRandom rng_;
  RecordSink out_;
  std::set<std::string> planned_, shipped_, cancelled_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::map<std::string, TaskState> tasks_;  // parcels: by task id
  int64_t split_tasks_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_SHIPPING_H_
