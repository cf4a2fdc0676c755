#include "tests/engine/held_messages.h"

#include <utility>

#include "engine/order_status.h"
#include "engine/text.h"
#include "gtest/gtest.h"
#include "orderflow/internal/v1/internal.pb.h"

namespace orderflow::testing {

using internal::v1::AllocationRequest;
using internal::v1::AllocationResult;

void HeldMessages::SendToInventory(const StockRequest& m) {
  AllocationRequest message;
  ToProto(m, &message);
  held_.push_back(Message{true, message.SerializeAsString()});
}

void HeldMessages::SendToOrders(const StockAnswer& m) {
  AllocationResult message;
  ToProto(m, &message);
  held_.push_back(Message{false, message.SerializeAsString()});
}

void HeldMessages::Hold(const std::vector<Message>& messages) {
  held_.insert(held_.end(), messages.begin(), messages.end());
}

std::vector<std::string> HeldMessages::Describe() const {
  std::vector<std::string> lines;
  for (const Message& m : held_) {
    if (m.to_inventory) {
      AllocationRequest r;
      r.ParseFromString(m.bytes);
      lines.push_back(Cat("request ",
                          WithoutPrefix(AllocationRequest::Action_Name(r.action()),
                                        "ACTION_"),
                          " ", r.order_id(), " ", r.sku(), " L", r.line() + 1));
    } else {
      AllocationResult a;
      a.ParseFromString(m.bytes);
      std::string line = Cat("result ", a.order_id(), " ", a.sku(), " L",
                             a.line() + 1, " ", a.reserved(), "/", a.requested());
      if (!a.preempted_by().empty()) line += Cat(" preempted_by ", a.preempted_by());
      if (!a.taken_back_by().empty()) line += Cat(" taken_back_by ", a.taken_back_by());
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

size_t HeldMessages::Find(std::string_view prefix) const {
  const std::vector<std::string> lines = Describe();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (std::string_view(lines[i]).substr(0, prefix.size()) == prefix) return i;
  }
  ADD_FAILURE() << "no held message starts with \"" << prefix << "\"";
  return held_.size();
}

void HeldMessages::Deliver(Pipeline& pipeline, size_t index) {
  if (index >= held_.size()) {
    ADD_FAILURE() << "no held message #" << index;
    return;
  }
  const Message m = held_[index];
  held_.erase(held_.begin() + static_cast<std::ptrdiff_t>(index));
  if (m.to_inventory) {
    AllocationRequest r;
    ASSERT_TRUE(r.ParseFromString(m.bytes));
    pipeline.InventoryShardFor(r.sku()).OnAllocationRequest(r, *this);
  } else {
    AllocationResult a;
    ASSERT_TRUE(a.ParseFromString(m.bytes));
    pipeline.OrderShardFor(a.order_id()).OnAllocationResult(a, *this);
  }
}

void HeldMessages::DeliverAll(Pipeline& pipeline) {
  while (!held_.empty()) Deliver(pipeline, 0);
}

void HeldMessages::AtOrders(
    Pipeline& pipeline, std::string_view order_id, EpochMillis at,
    const std::function<void(OrderShard&, Emitter&)>& apply) {
  OrderShard& shard = pipeline.OrderShardFor(order_id);
  shard.AdvanceClock(at, *this);
  apply(shard, *this);
}

void HeldMessages::AtInventory(
    Pipeline& pipeline, std::string_view sku, EpochMillis at,
    const std::function<void(InventoryShard&, Emitter&)>& apply) {
  InventoryShard& shard = pipeline.InventoryShardFor(sku);
  shard.AdvanceClock(at);
  apply(shard, *this);
}

}  // namespace orderflow::testing
