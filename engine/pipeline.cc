#include "engine/pipeline.h"

#include <algorithm>

#include "engine/partitioner.h"

namespace orderflow {
namespace {

std::string_view RoutingKey(const RecordSource& source, std::string_view id) {
  return source.key.empty() ? id : source.key;
}

}  // namespace

Pipeline::Pipeline(const EngineConfig& config, Emitter& out)
    : config_(config), router_(*this, out) {
  for (int i = 0; i < std::max(1, config.order_partitions); ++i) {
    orders_.push_back(std::make_unique<OrderShard>(config_));
  }
  for (int i = 0; i < std::max(1, config.inventory_partitions); ++i) {
    inventory_.push_back(std::make_unique<InventoryShard>(config_));
  }
}

OrderShard& Pipeline::OrderShardFor(std::string_view order_id) {
  if (orders_.size() == 1) return *orders_[0];  // no key to hash
  return *orders_[PartitionOf(order_id, order_shard_count())];
}
InventoryShard& Pipeline::InventoryShardFor(std::string_view sku) {
  if (inventory_.size() == 1) return *inventory_[0];
  return *inventory_[PartitionOf(sku, inventory_shard_count())];
}

void Pipeline::AdvanceClock(EpochMillis now) {
  // A record older than the clock is applied at the clock.
  const EpochMillis until = std::max(clock_, now);
  // What the shards set since: next_due_ stays a time nothing is due
  // before (it may be early, when a timer moved later or went).
  for (auto& shard : orders_) {
    next_due_ = std::min(next_due_, shard->TakeEarliestTimerSet());
  }
  if (TimerMayBeDueBy(until)) FireTimersDueBy(until);
  clock_ = until;
  // Nothing is due by now in any shard: the shards' clocks just move
  // (twice a record, mostly to where they are already).
  if (shard_clocks_ == until) return;
  for (auto& shard : orders_) shard->MoveClock(clock_);
  for (auto& shard : inventory_) shard->AdvanceClock(clock_);
  shard_clocks_ = until;
}

void Pipeline::FireTimersDueBy(EpochMillis until) {
  while (TimerMayBeDueBy(until)) {
    OrderShard* earliest = nullptr;
    OrderShard::TimerRef first{kNever, {}};
    for (auto& shard : orders_) {
      const OrderShard::TimerRef t = shard->NextTimer();
      if (t.due < first.due || (t.due == first.due && t.due != kNever &&
                                t.order_id < first.order_id)) {
        first = t;
        earliest = shard.get();
      }
    }
    if (earliest == nullptr || first.due > until) {
      next_due_ = first.due;
      next_due_known_ = true;
      return;
    }
    earliest->FireNextTimer(router_);
    next_due_known_ = false;
    Drain();
  }
}

void Pipeline::Arrive(EpochMillis t) { AdvanceClock(t); }

void Pipeline::Settle() {
  Drain();
  AdvanceClock(clock_);
}

void Pipeline::Router::SendToInventory(const StockRequest& m) {
  pipeline_.InventoryShardFor(m.sku).OnAllocationRequest(m, *this);
}

void Pipeline::Drain() {
  Router::Answers& round = router_.delivering_;
  while (!router_.queue_.empty()) {
    round.Swap(router_.queue_);
    for (const StockAnswer& answer : round) {
      OrderShardFor(answer.order_id).OnAllocationResult(answer, router_);
    }
    round.Clear();
  }
}

void Pipeline::OnOrderPlaced(const v1::OrderPlaced& m,
                             const RecordSource& source) {
  Arrive(source.timestamp);
  OrderShardFor(RoutingKey(source, m.order_id())).OnOrderPlaced(m, source, router_);
  Settle();
}

void Pipeline::OnCancellation(const v1::CancellationRequested& m,
                              const RecordSource& source) {
  Arrive(source.timestamp);
  OrderShardFor(RoutingKey(source, m.order_id()))
      .OnCancellation(m, source, router_);
  Settle();
}

void Pipeline::OnShipment(const v1::ShipmentEvent& m,
                          const RecordSource& source) {
  Arrive(source.timestamp);
  OrderShardFor(RoutingKey(source, m.order_id())).OnShipment(m, source, router_);
  Settle();
}

void Pipeline::OnInvoice(const v1::InvoiceIssued& m,
                         const RecordSource& source) {
  Arrive(source.timestamp);
  OrderShardFor(RoutingKey(source, m.order_id())).OnInvoice(m, source, router_);
  Settle();
}

void Pipeline::OnCustomerContact(const v1::CustomerContact& m,
                                 const RecordSource& source) {
  Arrive(source.timestamp);
  OrderShardFor(RoutingKey(source, m.order_id()))
      .OnCustomerContact(m, source, router_);
  Settle();
}

void Pipeline::OnHold(const v1::HoldEvent& m, const RecordSource& source) {
  Arrive(source.timestamp);
  OrderShardFor(RoutingKey(source, m.order_id())).OnHold(m, source, router_);
  Settle();
}

void Pipeline::OnAmendment(const v1::OrderAmended& m,
                           const RecordSource& source) {
  Arrive(source.timestamp);
  OrderShardFor(RoutingKey(source, m.order_id())).OnAmendment(m, source, router_);
  Settle();
}

void Pipeline::OnInventoryEvent(const v1::InventoryEvent& m,
                                const RecordSource& source) {
  Arrive(source.timestamp);
  InventoryShardFor(RoutingKey(source, m.sku()))
      .OnInventoryEvent(m, source, router_);
  Settle();
}

void Pipeline::Apply(const InputRecord& record, const RecordSource& source) {
  record.Visit(Overloaded{
      [&](const v1::OrderPlaced& m) { OnOrderPlaced(m, source); },
      [&](const v1::CancellationRequested& m) { OnCancellation(m, source); },
      [&](const v1::ShipmentEvent& m) { OnShipment(m, source); },
      [&](const v1::InventoryEvent& m) { OnInventoryEvent(m, source); },
      [&](const v1::InvoiceIssued& m) { OnInvoice(m, source); },
      [&](const v1::CustomerContact& m) { OnCustomerContact(m, source); },
      [&](const v1::HoldEvent& m) { OnHold(m, source); },
      [&](const v1::OrderAmended& m) { OnAmendment(m, source); },
      [](const internal::v1::AllocationRequest&) {},
      [](const internal::v1::AllocationResult&) {}});
}

void Pipeline::SyncClockFromShards() {
  for (auto& shard : orders_) clock_ = std::max(clock_, shard->clock());
  for (auto& shard : inventory_) clock_ = std::max(clock_, shard->clock());
  shard_clocks_.reset();
}

ServiceMetrics Pipeline::Metrics() const {
  ServiceMetrics total;
  for (const auto& shard : orders_) total.Merge(shard->metrics());
  return total;
}

Backlog Pipeline::CountBacklog() const {
  Backlog backlog;
  for (const auto& shard : orders_) shard->CountBacklog(clock_, backlog);
  return backlog;
}

}  // namespace orderflow
