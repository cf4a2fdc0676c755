// One engine stage as the Kafka host runs it: a shard per assigned
// partition, fed records from that partition of the stage's input topics,
// and the translation between the stage's state and changelog records.
//
// The host owns the consumer, the transactions and the offsets; a
// HostedStage only knows how to apply a record and how to save and restore
// its shards. Records must come from a partition whose shard exists.
#ifndef ORDERFLOW_CONSUMERS_HOSTED_STAGE_H_
#define ORDERFLOW_CONSUMERS_HOSTED_STAGE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/config.h"
#include "engine/emitter.h"
#include "engine/input_record.h"
#include "engine/inventory_shard.h"
#include "engine/order_shard.h"
#include "engine/record.h"
#include "engine/service_metrics.h"
#include "engine/stage_messages.h"
#include "orderflow/internal/v1/internal.pb.h"

namespace orderflow {

// A changelog record: the key's state, or nullopt for a tombstone.
// `value` is valid only during the call.
using ChangelogSink =
    std::function<void(int partition, const std::string& key,
                       std::optional<std::string_view> value)>;

class HostedStage {
 public:
  virtual ~HostedStage() = default;

  // "order" or "inventory", for messages.
  virtual std::string_view name() const = 0;

  virtual void AddShard(int partition) = 0;
  virtual void DropAll() = 0;
  virtual bool HasShard(int partition) const = 0;
  virtual std::vector<int> partitions() const = 0;

  // Applies one record of `topic` from `source.partition`. A value that
  // does not decode becomes a dead letter (UNDECODABLE). With
  // `event_time`, the shard's clock first moves to the record's timestamp
  // (not for a stage-to-stage record, which carries its cause's time in
  // its value: engine/stage_messages.h). Timers the record made overdue
  // fire right after it.
  virtual void Apply(InputTopic topic, const RecordSource& source,
                     bool event_time, Emitter& out) = 0;
  // Stage-to-stage messages handed over in the process instead of through
  // their topics (see kafka_host.h), to the shard of `partition`: requests
  // to the inventory stage, results to the order stage (the other stage
  // ignores them).
  virtual void ApplyAllocationRequest(int /*partition*/, const StockRequest&,
                                      Emitter& /*out*/) {}
  virtual void ApplyAllocationResult(int /*partition*/, const StockAnswer&,
                                     Emitter& /*out*/) {}
  // Moves every shard's clock to `now`, firing what is due.
  virtual void AdvanceClock(EpochMillis now, Emitter& out) = 0;
  virtual bool HasDueTimer(EpochMillis now) const = 0;

  // Applies one changelog record to the shard of `partition`: value
  // nullopt is a tombstone; the empty key holds the shard's clock.
  virtual absl::Status Restore(int partition, std::string_view key,
                               const std::optional<std::string_view>& value) = 0;
  // Hands every state change since the last call to `sink`; with
  // `with_clock`, also each shard's clock when it moved (event time: on
  // the wall clock a restored shard simply takes up the time of day).
  virtual void FlushChanges(bool with_clock, const ChangelogSink& sink) = 0;
  // Whether the host should call FlushChanges after each batch of records
  // it applies, and not only at the commit. A key that changes again
  // before the commit is then written twice (the changelog keeps the
  // last), so this pays where a key changes about once a transaction: an
  // order (placed, allocated and handed to shipping in one go), not a
  // popular SKU. What it buys is a shorter commit: the records are
  // serialized and on their way while the transaction is still open.
  virtual bool FlushesEachBatch() const { return false; }

  // Service metrics (order stage only; the inventory stage counts none):
  // what every shard counted since the last call, handed over, and the
  // open orders by status and age at `now` added to `backlog`.
  virtual ServiceMetrics TakeMetrics() { return {}; }
  virtual void CountBacklog(EpochMillis /*now*/, Backlog& /*backlog*/) const {}
  // Every escalation the orders of `partitions`' shards hold open, as a
  // RAISED record (OrderShard::ForEachOpenEscalation). Order stage only.
  virtual void ForEachOpenEscalation(
      const std::set<int>& /*partitions*/,
      const std::function<void(const v1::Escalation&)>& /*f*/) const {}
  // The latest clock of the stage's shards (0 without shards).
  virtual EpochMillis clock() const = 0;

  // Order investigation: `observer` is told of each public input record
  // (orders, cancellations, shipments, invoices) that decoded, just before
  // it is applied, after the timers its time made due have fired, so that
  // it can be placed among the outputs in the engine's order. One that does
  // not decode is not told of (it is dead-lettered). Order stage only.
  using InputObserver =
      std::function<void(Topic topic, const RecordSource& source)>;
  virtual void ObserveInputs(InputObserver /*observer*/) {}
};

std::unique_ptr<HostedStage> MakeOrderStage(const EngineConfig& config);
std::unique_ptr<HostedStage> MakeInventoryStage(const EngineConfig& config);

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_HOSTED_STAGE_H_
