// Configuration counts: the number of shards per stage (EngineConfig's
// partition counts) changes where state lives, never what comes out.
// (Every rule suite also runs under each layout of kShardLayouts.)
#include <set>

#include "tests/engine/engine_test.h"
#include "tests/engine/scenarios.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::Gt;
using ::testing::IsEmpty;

std::vector<std::string> Summaries(const std::vector<Output>& outputs) {
  std::vector<std::string> lines;
  for (const Output& o : outputs) lines.push_back(Summary(o));
  return lines;
}
std::vector<std::string> AllBytes(const std::vector<Output>& outputs) {
  std::vector<std::string> bytes;
  for (const Output& o : outputs) bytes.push_back(Bytes(o));
  return bytes;
}

EngineConfig WithShards(int32_t orders, int32_t inventory) {
  EngineConfig config;
  config.order_partitions = orders;
  config.inventory_partitions = inventory;
  return config;
}

TEST(PartitionCountTest, DefaultIsFourShardsPerStage) {
  const EngineConfig config;
  Recorder out;
  Pipeline pipeline(config, out);
  EXPECT_EQ(pipeline.order_shard_count(), 4);
  EXPECT_EQ(pipeline.inventory_shard_count(), 4);
}

TEST(PartitionCountTest, ShardCountsFollowTheConfiguration) {
  const EngineConfig config = WithShards(7, 3);
  Recorder out;
  Pipeline pipeline(config, out);
  EXPECT_EQ(pipeline.order_shard_count(), 7);
  EXPECT_EQ(pipeline.inventory_shard_count(), 3);
}

TEST(PartitionCountTest, BusyDaysGiveTheSameOutputsWithAnyShardCounts) {
  for (const uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::vector<Input> inputs = BusyDays(seed);
    const std::vector<Output> one_shard = RunScript(WithShards(1, 1), inputs);

    // The run is a real one: every kind of output appears.
    std::set<size_t> kinds;
    for (const Output& o : one_shard) kinds.insert(o.index());
    EXPECT_EQ(kinds.size(), 4u);
    EXPECT_THAT(one_shard.size(), Gt(200u));
    size_t invoice_mismatches = 0;
    for (const Output& o : one_shard) {
      const auto* e = std::get_if<v1::Escalation>(&o);
      invoice_mismatches += e != nullptr && e->kind() == v1::ESCALATION_KIND_INVOICE_MISMATCH;
    }
    EXPECT_THAT(invoice_mismatches, Gt(3u));

    for (const auto& [orders, inventory] :
         std::vector<std::pair<int32_t, int32_t>>{
             {4, 4}, {7, 7}, {1, 7}, {7, 1}, {2, 5}, {13, 3}}) {
      SCOPED_TRACE("order_partitions=" + std::to_string(orders) +
                   " inventory_partitions=" + std::to_string(inventory));
      const std::vector<Output> sharded = RunScript(WithShards(orders, inventory), inputs);
      ASSERT_THAT(Summaries(sharded), ElementsAreArray(Summaries(one_shard)));
      EXPECT_THAT(AllBytes(sharded), ElementsAreArray(AllBytes(one_shard)));
    }
  }
}

TEST(PartitionCountTest, SevenShardsReallySpreadTheWork) {
  const EngineConfig config = WithShards(7, 7);
  Recorder out;
  Pipeline pipeline(config, out);
  const std::vector<Input> inputs = BusyDays(1);
  // Everything but the final clock line, so that no order is forgotten.
  for (size_t i = 0; i + 1 < inputs.size(); ++i) {
    Apply(pipeline, inputs[i], static_cast<int64_t>(i + 1));
  }
  int order_shards_used = 0, inventory_shards_used = 0;
  for (int i = 0; i < 7; ++i) {
    order_shards_used += pipeline.order_shard(i).known_orders() > 0;
    inventory_shards_used += pipeline.inventory_shard(i).sku_count() > 0;
  }
  EXPECT_GE(order_shards_used, 5);
  EXPECT_GE(inventory_shards_used, 3);
  EXPECT_THAT(out.ContractViolations(), IsEmpty());
}

}  // namespace
}  // namespace orderflow::testing
