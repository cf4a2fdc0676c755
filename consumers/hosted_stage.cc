#include "consumers/hosted_stage.h"

#include <algorithm>

#include "engine/dead_letter.h"
#include "engine/topics.h"
#include "engine/text.h"
#include "orderflow/internal/v1/internal.pb.h"

namespace orderflow {
namespace {

// What both stages share: shards by partition, restore and changelog.
template <typename Shard, typename KeyStateProto>
class ShardedStage : public HostedStage {
 public:
  explicit ShardedStage(const EngineConfig& config) : config_(config) {}

  void AddShard(int partition) override {
    auto shard = std::make_unique<Shard>(config_);
    shard->set_track_changes(true);
    shards_[partition] = std::move(shard);
    clock_written_[partition] = 0;
  }
  void DropAll() override {
    shards_.clear();
    clock_written_.clear();
  }
  bool HasShard(int partition) const override {
    return shards_.count(partition) > 0;
  }
  EpochMillis clock() const override {
    EpochMillis latest = 0;
    for (const auto& [p, shard] : shards_) latest = std::max(latest, shard->clock());
    return latest;
  }
  std::vector<int> partitions() const override {
    std::vector<int> out;
    for (const auto& [p, shard] : shards_) out.push_back(p);
    return out;
  }

  absl::Status Restore(int partition, std::string_view key,
                       const std::optional<std::string_view>& value) override {
    auto it = shards_.find(partition);
    if (it == shards_.end()) {
      return absl::InternalError(Cat("no shard for partition ", partition));
    }
    Shard& shard = *it->second;
    if (key.empty()) {
      internal::v1::ShardClock clock;
      if (value && !clock.ParseFromArray(value->data(), value->size())) {
        return absl::DataLossError("undecodable clock record");
      }
      shard.RestoreClock(clock.clock_ms());
      clock_written_[partition] = shard.clock();
      shard.TakeChangedKeys();
      return absl::OkStatus();
    }
    // Reused from record to record (parsing clears it first), so that a
    // restore of a million keys does not allocate each one's message anew.
    KeyStateProto& state = restored_state_;
    if (value && !state.ParseFromArray(value->data(), value->size())) {
      return absl::DataLossError(Cat("undecodable changelog record for '",
                                     key, "' in partition ", partition));
    }
    if (!value) state = Tombstone(key);
    absl::Status s = shard.RestoreKey(key, state);
    shard.TakeChangedKeys();
    return s;
  }

  void FlushChanges(bool with_clock, const ChangelogSink& sink) override {
    for (auto& [partition, shard] : shards_) {
      for (const std::string& key : shard->TakeChangedKeys()) {
        shard->FillKeyState(key, &changed_state_);
        if (IsEmpty(changed_state_)) {
          sink(partition, key, std::nullopt);
        } else {
          changed_state_.SerializeToString(&changed_bytes_);
          sink(partition, key, changed_bytes_);
        }
      }
      if (with_clock && shard->clock() != clock_written_[partition]) {
        internal::v1::ShardClock clock;
        clock.set_clock_ms(shard->clock());
        sink(partition, "", clock.SerializeAsString());
        clock_written_[partition] = shard->clock();
      }
    }
  }

 protected:
  virtual KeyStateProto Tombstone(std::string_view key) const = 0;
  virtual bool IsEmpty(const KeyStateProto& state) const = 0;

  Shard* ShardFor(int partition) {
    auto it = shards_.find(partition);
    return it == shards_.end() ? nullptr : it->second.get();
  }

  // Decodes `source.payload` into record_, or dead-letters it.
  bool Decode(InputTopic topic, const RecordSource& source, EpochMillis now,
              Emitter& out) {
    if (record_.Decode(topic, source.payload)) return true;
    DeadLetterUndecodable(topic, source, now, out);
    return false;
  }

  const EngineConfig& config_;
  std::map<int, std::unique_ptr<Shard>> shards_;
  // Each record is decoded into this one, reused so that its messages'
  // strings and lines keep their memory (decoding clears them first).
  InputRecord record_;
  // FlushChanges' state message and its bytes, reused from key to key.
  KeyStateProto changed_state_;
  // Restore's, the same way.
  KeyStateProto restored_state_;
  std::string changed_bytes_;
  std::map<int, EpochMillis> clock_written_;
};

class OrderStage : public ShardedStage<OrderShard, internal::v1::OrderKeyState> {
 public:
  using ShardedStage::ShardedStage;
  std::string_view name() const override { return "order"; }
  bool FlushesEachBatch() const override { return true; }

  void Apply(InputTopic topic, const RecordSource& source, bool event_time,
             Emitter& out) override {
    OrderShard* shard = ShardFor(source.partition);
    if (shard == nullptr) return;
    if (topic != InputTopic::kAllocationResults && event_time) {
      shard->AdvanceClock(source.timestamp, out);
    }
    if (!Decode(topic, source, shard->clock(), out)) return;
    // The observer hears of a public input before the outputs it causes.
    auto observed = [&](Topic t) {
      if (observer_) observer_(t, source);
    };
    record_.Visit(Overloaded{
        [&](const v1::OrderPlaced& m) {
          observed(Topic::kOrders);
          shard->OnOrderPlaced(m, source, out);
        },
        [&](const v1::CancellationRequested& m) {
          observed(Topic::kCancellations);
          shard->OnCancellation(m, source, out);
        },
        [&](const v1::ShipmentEvent& m) {
          observed(Topic::kShipments);
          shard->OnShipment(m, source, out);
        },
        [&](const v1::InvoiceIssued& m) {
          observed(Topic::kInvoices);
          shard->OnInvoice(m, source, out);
        },
        [&](const v1::CustomerContact& m) {
          observed(Topic::kCustomerContacts);
          shard->OnCustomerContact(m, source, out);
        },
        [&](const v1::HoldEvent& m) {
          observed(Topic::kHolds);
          shard->OnHold(m, source, out);
        },
        [&](const v1::OrderAmended& m) {
          observed(Topic::kAmendments);
          shard->OnAmendment(m, source, out);
        },
        [&](const internal::v1::AllocationResult& m) {
          shard->OnAllocationResult(m, out);
        },
        [](const v1::InventoryEvent&) {},
        [](const internal::v1::AllocationRequest&) {}});
    // A deadline already past when the record made its order known fires
    // at once, detected at this clock (rule 6), not on the next record.
    shard->AdvanceClock(shard->clock(), out);
  }

  void ApplyAllocationResult(int partition, const StockAnswer& m,
                             Emitter& out) override {
    if (OrderShard* shard = ShardFor(partition)) shard->OnAllocationResult(m, out);
  }

  void AdvanceClock(EpochMillis now, Emitter& out) override {
    for (auto& [p, shard] : shards_) shard->AdvanceClock(now, out);
  }
  bool HasDueTimer(EpochMillis now) const override {
    for (const auto& [p, shard] : shards_) {
      if (shard->NextTimer().due <= now) return true;
    }
    return false;
  }

  ServiceMetrics TakeMetrics() override {
    ServiceMetrics all;
    for (auto& [p, shard] : shards_) all.Merge(shard->TakeMetrics());
    return all;
  }
  void CountBacklog(EpochMillis now, Backlog& backlog) const override {
    for (const auto& [p, shard] : shards_) shard->CountBacklog(now, backlog);
  }
  void ForEachOpenEscalation(
      const std::set<int>& partitions,
      const std::function<void(const v1::Escalation&)>& f) const override {
    for (const auto& [p, shard] : shards_) {
      if (partitions.count(p) > 0) shard->ForEachOpenEscalation(f);
    }
  }
  void ObserveInputs(InputObserver observer) override {
    observer_ = std::move(observer);
  }

 protected:
  InputObserver observer_;
  internal::v1::OrderKeyState Tombstone(std::string_view) const override {
    return {};
  }
  bool IsEmpty(const internal::v1::OrderKeyState& s) const override {
    return !s.has_order() && s.early_size() == 0;
  }
};

class InventoryStage
    : public ShardedStage<InventoryShard, internal::v1::StockState> {
 public:
  using ShardedStage::ShardedStage;
  std::string_view name() const override { return "inventory"; }

  void Apply(InputTopic topic, const RecordSource& source, bool event_time,
             Emitter& out) override {
    InventoryShard* shard = ShardFor(source.partition);
    if (shard == nullptr) return;
    if (topic != InputTopic::kAllocationRequests && event_time) {
      shard->AdvanceClock(source.timestamp);
    }
    if (!Decode(topic, source, shard->clock(), out)) return;
    record_.Visit(Overloaded{
        [&](const v1::InventoryEvent& m) {
          shard->OnInventoryEvent(m, source, out);
        },
        [&](const internal::v1::AllocationRequest& m) {
          shard->OnAllocationRequest(m, out);
        },
        [](const auto&) {}});
  }

  void ApplyAllocationRequest(int partition, const StockRequest& m,
                              Emitter& out) override {
    if (InventoryShard* shard = ShardFor(partition)) shard->OnAllocationRequest(m, out);
  }

  void AdvanceClock(EpochMillis now, Emitter&) override {
    for (auto& [p, shard] : shards_) shard->AdvanceClock(now);
  }
  bool HasDueTimer(EpochMillis) const override { return false; }

 protected:
  internal::v1::StockState Tombstone(std::string_view key) const override {
    internal::v1::StockState s;
    s.set_sku(std::string(key));
    return s;
  }
  bool IsEmpty(const internal::v1::StockState&) const override { return false; }

};

}  // namespace

std::unique_ptr<HostedStage> MakeOrderStage(const EngineConfig& config) {
  return std::make_unique<OrderStage>(config);
}
std::unique_ptr<HostedStage> MakeInventoryStage(const EngineConfig& config) {
  return std::make_unique<InventoryStage>(config);
}

}  // namespace orderflow
