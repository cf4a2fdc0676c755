// A Pipeline's two stages driven by hand, as two processes see each
// other through the stage topics: what a shard sends the other stage is
// held, serialized as on its topic, until the test delivers it, so that
// one message can be held back while later ones go ahead. Public outputs
// go straight to the Recorder given.
//
//   HeldMessages held(out_);
//   held.AtOrders(pipeline(), "O-1", at, [&](OrderShard& s, Emitter& e) {
//     s.OnShipment(picked, source, e);  // its ACTION_PICKED is held
//   });
//   held.Deliver(pipeline(), held.Find("result O-1"));  // goes ahead
//   held.DeliverAll(pipeline());  // the rest, in order, until none is left
#ifndef ORDERFLOW_TESTS_ENGINE_HELD_MESSAGES_H_
#define ORDERFLOW_TESTS_ENGINE_HELD_MESSAGES_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/emitter.h"
#include "engine/pipeline.h"
#include "tests/engine/recorder.h"

namespace orderflow::testing {

class HeldMessages : public Emitter {
 public:
  explicit HeldMessages(Recorder& out) : out_(out) {}

  void SendStatus(const StatusOutput& s) override { out_.SendStatus(s); }
  void SendTask(const TaskOutput& t) override { out_.SendTask(t); }
  void Escalated(const v1::Escalation& m) override { out_.Escalated(m); }
  void DeadLettered(const v1::DeadLetter& m) override { out_.DeadLettered(m); }
  void AmendmentDecided(const v1::AmendmentResult& m) override {
    out_.AmendmentDecided(m);
  }
  void SendToInventory(const StockRequest& m) override;
  void SendToOrders(const StockAnswer& m) override;

  // One message on its way: an AllocationRequest (to the inventory
  // stage) or an AllocationResult, serialized.
  struct Message {
    bool to_inventory;
    std::string bytes;
  };
  const std::vector<Message>& held() const { return held_; }
  // The same messages held here too (those of a run restored from saved
  // shards, still on their topics).
  void Hold(const std::vector<Message>& messages);
  // Each held message in a line: "request <ACTION> <orderId> <sku> L<n>"
  // or "result <orderId> <sku> L<n> <reserved>/<requested>" with
  // "preempted_by <id>" or "taken_back_by <id>" when set.
  std::vector<std::string> Describe() const;
  // The index of the first held message whose line starts with `prefix`;
  // held().size() (and a test failure) when there is none.
  size_t Find(std::string_view prefix) const;

  // Hands the held message `index` to the shard of its key in `pipeline`;
  // what that shard sends is held in turn, after the others.
  void Deliver(Pipeline& pipeline, size_t index);
  // Delivers the first held message until none is left.
  void DeliverAll(Pipeline& pipeline);

  // A record applied by one shard alone, at `at` (its clock moved there
  // first, firing what falls due); what it sends is held.
  void AtOrders(Pipeline& pipeline, std::string_view order_id, EpochMillis at,
                const std::function<void(OrderShard&, Emitter&)>& apply);
  void AtInventory(Pipeline& pipeline, std::string_view sku, EpochMillis at,
                   const std::function<void(InventoryShard&, Emitter&)>& apply);

 private:
  Recorder& out_;
  std::vector<Message> held_;
};

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_ENGINE_HELD_MESSAGES_H_
