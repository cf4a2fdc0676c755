#include "tests/restore/restore_harness.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <type_traits>

#include "google/protobuf/util/json_util.h"

namespace orderflow::restore {
namespace {

// The message of a recorded line.
std::unique_ptr<google::protobuf::Message> Parse(const std::string& line,
                                                 std::string* topic) {
  const size_t tab = line.find('\t');
  *topic = line.substr(0, tab);
  std::unique_ptr<google::protobuf::Message> m;
  if (*topic == "order-status") m = std::make_unique<v1::OrderStatusChanged>();
  else if (*topic == "delivery-tasks") m = std::make_unique<v1::DeliveryTask>();
  else if (*topic == "escalations") m = std::make_unique<v1::Escalation>();
  else if (*topic == "amendment-results") m = std::make_unique<v1::AmendmentResult>();
  else m = std::make_unique<v1::DeadLetter>();
  if (!m->ParseFromString(line.substr(tab + 1))) return nullptr;
  return m;
}


}  // namespace

std::string Readable(const std::string& line) {
  std::string topic, json;
  const auto m = Parse(line, &topic);
  if (m == nullptr ||
      !google::protobuf::util::MessageToJsonString(*m, &json).ok()) {
    json = "<unreadable>";
  }
  return topic + " " + json;
}

std::string KindOf(const std::string& line) {
  std::string topic;
  const auto m = Parse(line, &topic);
  if (m == nullptr) return "unreadable";
  if (auto* s = dynamic_cast<v1::OrderStatusChanged*>(m.get())) {
    return topic + " " + v1::OrderStatus_Name(s->status()).substr(13);
  }
  if (auto* t = dynamic_cast<v1::DeliveryTask*>(m.get())) {
    return topic + " " + v1::TaskAction_Name(t->action()).substr(12);
  }
  if (auto* e = dynamic_cast<v1::Escalation*>(m.get())) {
    return topic + " " + v1::EscalationState_Name(e->state()).substr(17) +
           " " + v1::EscalationKind_Name(e->kind()).substr(16);
  }
  if (auto* a = dynamic_cast<v1::AmendmentResult*>(m.get())) {
    return topic + " " + v1::AmendmentOutcome_Name(a->outcome()).substr(18);
  }
  return topic + " " + static_cast<v1::DeadLetter*>(m.get())->reason();
}


Stream TwoDaysOfTraffic(uint64_t seed, bool v11) {
  workload::WorkloadOptions options;
  options.seed = seed;
  options.records = kStreamRecords;
  options.orders_per_minute = kStreamOrdersPerMinute;
  options.v11 = v11;
  return workload::GenerateWorkload(options);
}

EngineConfig Partitions(int32_t orders, int32_t inventory) {
  EngineConfig config;
  config.order_partitions = orders;
  config.inventory_partitions = inventory;
  return config;
}

EngineConfig WithShortRetention(EngineConfig config) {
  config.closed_order_retention = Hours(12);
  config.early_cancellation_retention = Hours(6);
  config.early_shipment_retention = Hours(6);
  return config;
}

void ExpectEveryKind(const Stream& stream, const Outputs& outputs,
                     const std::vector<std::string>& kinds) {
  ASSERT_EQ(stream.size(), kStreamRecords);
  std::cout << workload::Describe(stream) << "\n";
  std::map<std::string, size_t> counts;
  for (const std::string& line : outputs.lines) ++counts[KindOf(line)];
  for (const auto& [kind, n] : counts) std::cout << "  " << kind << ": " << n << "\n";
  for (const std::string& kind : kinds) EXPECT_GT(counts[kind], 0u) << kind;
}


Outputs RunStraight(const EngineConfig& config, const Stream& stream) {
  RecordingEmitter out;
  Pipeline pipeline(config, out);
  for (size_t i = 0; i < stream.size(); ++i) {
    out.current_input = i;
    workload::Feed(stream[i], pipeline, static_cast<int64_t>(i + 1));
  }
  return {std::move(out.lines), std::move(out.caused_by)};
}

namespace {

// The shards' state as a changelog would carry it.
struct SavedShards {
  std::vector<std::string> orders;
  std::vector<std::string> inventory;
  EpochMillis clock = 0;
};

SavedShards Save(Pipeline& pipeline) {
  SavedShards saved;
  saved.clock = pipeline.clock();
  for (int i = 0; i < pipeline.order_shard_count(); ++i) {
    saved.orders.emplace_back();
    EXPECT_TRUE(pipeline.order_shard(i).Snapshot().SerializeToString(
        &saved.orders.back()));
  }
  for (int i = 0; i < pipeline.inventory_shard_count(); ++i) {
    saved.inventory.emplace_back();
    EXPECT_TRUE(pipeline.inventory_shard(i).Snapshot().SerializeToString(
        &saved.inventory.back()));
  }
  return saved;
}

// A fresh pipeline with every shard restored from `saved`. Checks that the
// restored shards save to the very same bytes.
std::unique_ptr<Pipeline> Rebuild(const EngineConfig& config, Emitter& out,
                                  const SavedShards& saved) {
  auto pipeline = std::make_unique<Pipeline>(config, out);
  for (int i = 0; i < pipeline->order_shard_count(); ++i) {
    internal::v1::OrderShardSnapshot snapshot;
    EXPECT_TRUE(snapshot.ParseFromString(saved.orders[i]));
    const absl::Status status = pipeline->order_shard(i).Restore(snapshot);
    EXPECT_TRUE(status.ok()) << "order shard " << i << ": " << status;
  }
  for (int i = 0; i < pipeline->inventory_shard_count(); ++i) {
    internal::v1::InventoryShardSnapshot snapshot;
    EXPECT_TRUE(snapshot.ParseFromString(saved.inventory[i]));
    const absl::Status status = pipeline->inventory_shard(i).Restore(snapshot);
    EXPECT_TRUE(status.ok()) << "inventory shard " << i << ": " << status;
  }
  pipeline->SyncClockFromShards();
  EXPECT_EQ(pipeline->clock(), saved.clock);
  const SavedShards again = Save(*pipeline);
  for (size_t i = 0; i < saved.orders.size(); ++i) {
    EXPECT_TRUE(again.orders[i] == saved.orders[i])
        << "order shard " << i << " saves differently after a restore";
  }
  for (size_t i = 0; i < saved.inventory.size(); ++i) {
    EXPECT_TRUE(again.inventory[i] == saved.inventory[i])
        << "inventory shard " << i << " saves differently after a restore";
  }
  return pipeline;
}

}  // namespace

Outputs RunWithCrashes(const EngineConfig& config, const Stream& stream,
                       const std::vector<size_t>& cuts) {
  RecordingEmitter out;
  auto pipeline = std::make_unique<Pipeline>(config, out);
  size_t next_cut = 0;
  for (size_t i = 0; i < stream.size(); ++i) {
    while (next_cut < cuts.size() && cuts[next_cut] == i) {
      const SavedShards saved = Save(*pipeline);
      pipeline.reset();
      pipeline = Rebuild(config, out, saved);
      ++next_cut;
    }
    out.current_input = i;
    workload::Feed(stream[i], *pipeline, static_cast<int64_t>(i + 1));
  }
  return {std::move(out.lines), std::move(out.caused_by)};
}

testing::AssertionResult SameOutputs(const Outputs& expected,
                                     const Outputs& actual) {
  const size_t n = std::min(expected.lines.size(), actual.lines.size());
  size_t i = 0;
  while (i < n && expected.lines[i] == actual.lines[i]) ++i;
  if (i == n && expected.lines.size() == actual.lines.size()) {
    return testing::AssertionSuccess();
  }
  auto failure = testing::AssertionFailure();
  failure << "outputs differ from output #" << i << " on ("
          << expected.lines.size() << " expected, " << actual.lines.size()
          << " actual)";
  if (i < expected.lines.size()) {
    failure << "\n  expected (input #" << expected.caused_by[i] << "): "
            << Readable(expected.lines[i]);
  }
  if (i < actual.lines.size()) {
    failure << "\n  actual   (input #" << actual.caused_by[i] << "): "
            << Readable(actual.lines[i]);
  }
  return failure;
}

namespace {


// ------------------------------------------------------------ changelogs

// What a Kafka host writes after each record: for every shard, the state
// of each key the record changed, compacted to the last value per key, and
// the shard's clock.
struct Changelog {
  std::vector<std::map<std::string, std::string>> orders, inventory;
  std::vector<EpochMillis> order_clocks, inventory_clocks;
};

void TrackChanges(Pipeline& pipeline) {
  for (int i = 0; i < pipeline.order_shard_count(); ++i) {
    pipeline.order_shard(i).set_track_changes(true);
    pipeline.order_shard(i).TakeChangedKeys();
  }
  for (int i = 0; i < pipeline.inventory_shard_count(); ++i) {
    pipeline.inventory_shard(i).set_track_changes(true);
    pipeline.inventory_shard(i).TakeChangedKeys();
  }
}

void WriteChanges(Pipeline& pipeline, Changelog& log) {
  log.orders.resize(pipeline.order_shard_count());
  log.inventory.resize(pipeline.inventory_shard_count());
  log.order_clocks.resize(pipeline.order_shard_count());
  log.inventory_clocks.resize(pipeline.inventory_shard_count());
  for (int i = 0; i < pipeline.order_shard_count(); ++i) {
    OrderShard& shard = pipeline.order_shard(i);
    for (const std::string& id : shard.TakeChangedKeys()) {
      EXPECT_TRUE(shard.KeyState(id).SerializeToString(&log.orders[i][id]));
    }
    log.order_clocks[i] = shard.clock();
  }
  for (int i = 0; i < pipeline.inventory_shard_count(); ++i) {
    InventoryShard& shard = pipeline.inventory_shard(i);
    for (const std::string& sku : shard.TakeChangedKeys()) {
      EXPECT_TRUE(shard.KeyState(sku).SerializeToString(&log.inventory[i][sku]));
    }
    log.inventory_clocks[i] = shard.clock();
  }
}

// The first order (or SKU) whose saved state differs between two shards'
// snapshots, or "" when they are equal.
template <typename Snapshot>
std::string FirstDifference(const std::string& a_bytes,
                            const std::string& b_bytes) {
  Snapshot a, b;
  if (!a.ParseFromString(a_bytes) || !b.ParseFromString(b_bytes)) {
    return "<unparsable snapshot>";
  }
  std::string json_a, json_b;
  if constexpr (std::is_same_v<Snapshot, internal::v1::OrderShardSnapshot>) {
    const int n = std::max(a.orders_size(), b.orders_size());
    for (int i = 0; i < n; ++i) {
      if (i >= a.orders_size() || i >= b.orders_size() ||
          a.orders(i).SerializeAsString() != b.orders(i).SerializeAsString()) {
        if (i < a.orders_size()) {
          (void)google::protobuf::util::MessageToJsonString(a.orders(i), &json_a);
        }
        if (i < b.orders_size()) {
          (void)google::protobuf::util::MessageToJsonString(b.orders(i), &json_b);
        }
        return "live " + json_a + "\n  restored " + json_b;
      }
    }
  } else {
    const int n = std::max(a.skus_size(), b.skus_size());
    for (int i = 0; i < n; ++i) {
      if (i >= a.skus_size() || i >= b.skus_size() ||
          a.skus(i).SerializeAsString() != b.skus(i).SerializeAsString()) {
        if (i < a.skus_size()) {
          (void)google::protobuf::util::MessageToJsonString(a.skus(i), &json_a);
        }
        if (i < b.skus_size()) {
          (void)google::protobuf::util::MessageToJsonString(b.skus(i), &json_b);
        }
        return "live " + json_a + "\n  restored " + json_b;
      }
    }
  }
  return a_bytes == b_bytes ? "" : "clock or early records";
}

// A fresh pipeline restored key by key from `log`; its shards must save
// to the same bytes as the live ones (`live`).
std::unique_ptr<Pipeline> RebuildFromChangelog(const EngineConfig& config,
                                               Emitter& out,
                                               const Changelog& log,
                                               const SavedShards& live) {
  auto pipeline = std::make_unique<Pipeline>(config, out);
  for (int i = 0; i < pipeline->order_shard_count(); ++i) {
    OrderShard& shard = pipeline->order_shard(i);
    for (const auto& [id, bytes] : log.orders[i]) {
      internal::v1::OrderKeyState state;
      EXPECT_TRUE(state.ParseFromString(bytes));
      const absl::Status status = shard.RestoreKey(id, state);
      EXPECT_TRUE(status.ok()) << "order " << id << ": " << status;
    }
    shard.RestoreClock(log.order_clocks[i]);
  }
  for (int i = 0; i < pipeline->inventory_shard_count(); ++i) {
    InventoryShard& shard = pipeline->inventory_shard(i);
    for (const auto& [sku, bytes] : log.inventory[i]) {
      internal::v1::StockState state;
      EXPECT_TRUE(state.ParseFromString(bytes));
      const absl::Status status = shard.RestoreKey(sku, state);
      EXPECT_TRUE(status.ok()) << "SKU " << sku << ": " << status;
    }
    shard.RestoreClock(log.inventory_clocks[i]);
  }
  pipeline->SyncClockFromShards();
  EXPECT_EQ(pipeline->clock(), live.clock);
  const SavedShards restored = Save(*pipeline);
  for (size_t i = 0; i < live.orders.size(); ++i) {
    EXPECT_EQ(FirstDifference<internal::v1::OrderShardSnapshot>(
                  live.orders[i], restored.orders[i]),
              "")
        << "order shard " << i << " differs after a changelog restore";
  }
  for (size_t i = 0; i < live.inventory.size(); ++i) {
    EXPECT_EQ(FirstDifference<internal::v1::InventoryShardSnapshot>(
                  live.inventory[i], restored.inventory[i]),
              "")
        << "inventory shard " << i << " differs after a changelog restore";
  }
  TrackChanges(*pipeline);
  return pipeline;
}

}  // namespace

Outputs RunWithChangelogCrashes(const EngineConfig& config,
                                const Stream& stream,
                                const std::vector<size_t>& cuts) {
  RecordingEmitter out;
  auto pipeline = std::make_unique<Pipeline>(config, out);
  TrackChanges(*pipeline);
  Changelog log;
  size_t next_cut = 0;
  for (size_t i = 0; i < stream.size(); ++i) {
    while (next_cut < cuts.size() && cuts[next_cut] == i) {
      const SavedShards live = Save(*pipeline);
      pipeline.reset();
      pipeline = RebuildFromChangelog(config, out, log, live);
      ++next_cut;
    }
    out.current_input = i;
    workload::Feed(stream[i], *pipeline, static_cast<int64_t>(i + 1));
    WriteChanges(*pipeline, log);
  }
  return {std::move(out.lines), std::move(out.caused_by)};
}

std::vector<size_t> Cuts(uint64_t seed, size_t count, size_t records) {
  std::mt19937_64 rng(seed);
  std::vector<size_t> cuts;
  for (size_t i = 0; i < count; ++i) cuts.push_back(1 + rng() % (records - 1));
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

}  // namespace orderflow::restore
