// The simulated world around the engine in one piece: the ERP, the
// warehouse and carrier, and (with v1.1's extensions) the help desk, on
// one simulated clock. The caller feeds it the engine's delivery tasks and
// shipped orders, and moves time on; what the world sends comes out
// through one RecordSink, in time order within each Step.
//
//   SimulatedWorld world({.seed = 1, .orders_per_day = 1500}, send);
//   world.Step(now);              // records due by now
//   world.OnTask(task);           // from the engine's delivery-tasks
//   world.OnShipped(id, at);      // from its order-status: invoices
//
// `orderflow demo` and the closed-loop tests of tests/sim run it.
#ifndef ORDERFLOW_SIM_WORLD_H_
#define ORDERFLOW_SIM_WORLD_H_

#include <string>
#include <vector>

#include "sim/erp.h"
#include "sim/help_desk.h"
#include "sim/shipping.h"

namespace orderflow {

struct WorldOptions {
  uint64_t seed = 1;
  int orders_per_day = 1500;
  EpochMillis start = kSimulatedMonday;
  // v1.1: warehouses, parcels, amendments, holds, customer contacts. Off:
  // the v1 world (one stock, one parcel an order, nothing else).
  bool extensions = true;
};

class SimulatedWorld {
 public:
  SimulatedWorld(const WorldOptions& options, RecordSink out);

  // Every record due by `now`: the ERP's and the warehouse's, ordered by
  // time, then the help desk's.
  void Step(EpochMillis now);
  // The warehouse plans from when the task was created (the engine's own
  // delay is not the warehouse's); the help desk learns the promise.
  void OnTask(const v1::DeliveryTask& task);
  // The ERP invoices what shipped.
  void OnShipped(const std::string& order_id, EpochMillis at) { erp_.OnShipped(order_id, at); }
  // What the ERP still holds back: once, at the end.
  void Finish();

  const ErpSimulator& erp() const { return erp_; }
  const ShippingSimulator& shipping() const { return shipping_; }
  const HelpDesk& help_desk() const { return help_desk_; }

 private:
  struct Sent {
    Topic topic;
    std::string key;
    std::unique_ptr<google::protobuf::Message> value;
    EpochMillis at;
  };
  RecordSink Buffer();
  void Flush();

  RecordSink out_;
  bool extensions_;
  std::vector<Sent> sent_;
  ErpSimulator erp_;
  ShippingSimulator shipping_;
  HelpDesk help_desk_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_SIM_WORLD_H_
