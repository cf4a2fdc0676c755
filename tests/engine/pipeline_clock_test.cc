// The pipeline's clock: every shard's clock follows it, a shard restored
// behind it included (the pipeline moves the shards only when its clock
// moves, unless a shard was handed out since).
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

TEST(PipelineClockTest, AShardRestoredBehindTheClockIsMovedToItByTheNextRecord) {
  EngineConfig config;
  config.order_partitions = 2;
  config.inventory_partitions = 2;
  Recorder out;
  Pipeline pipeline(config, out);
  pipeline.AdvanceClock(kT0);
  const internal::v1::OrderShardSnapshot orders = pipeline.order_shard(0).Snapshot();
  const internal::v1::InventoryShardSnapshot inventory =
      pipeline.inventory_shard(1).Snapshot();
  pipeline.AdvanceClock(kT0 + Hours(1));
  ASSERT_EQ(pipeline.order_shard(1).clock(), kT0 + Hours(1));

  ASSERT_TRUE(pipeline.order_shard(0).Restore(orders).ok());
  ASSERT_TRUE(pipeline.inventory_shard(1).Restore(inventory).ok());
  ASSERT_EQ(pipeline.order_shard(0).clock(), kT0);
  ASSERT_EQ(pipeline.inventory_shard(1).clock(), kT0);

  // A record at the pipeline's clock: the clock moves nowhere, the
  // restored shards move to it.
  pipeline.OnInventoryEvent(Receipt("SKU-1", 5, kT0 + Hours(1)), At(kT0 + Hours(1)));
  EXPECT_EQ(pipeline.order_shard(0).clock(), kT0 + Hours(1));
  EXPECT_EQ(pipeline.inventory_shard(1).clock(), kT0 + Hours(1));
  EXPECT_EQ(pipeline.clock(), kT0 + Hours(1));
}

}  // namespace
}  // namespace orderflow::testing
