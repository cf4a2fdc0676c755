#include "tests/engine/saved_shards.h"

#include "absl/status/status.h"
#include "engine/deterministic.h"
#include "gtest/gtest.h"
#include "orderflow/internal/v1/internal.pb.h"

namespace orderflow::testing {

SavedShards SaveShards(Pipeline& pipeline) {
  SavedShards saved;
  for (int i = 0; i < pipeline.order_shard_count(); ++i) {
    saved.orders.push_back(pipeline.order_shard(i).Snapshot().SerializeAsString());
  }
  for (int i = 0; i < pipeline.inventory_shard_count(); ++i) {
    saved.inventory.push_back(
        pipeline.inventory_shard(i).Snapshot().SerializeAsString());
  }
  return saved;
}

void LoadShards(const SavedShards& saved, Pipeline& pipeline) {
  ASSERT_EQ(saved.orders.size(), static_cast<size_t>(pipeline.order_shard_count()));
  ASSERT_EQ(saved.inventory.size(),
            static_cast<size_t>(pipeline.inventory_shard_count()));
  for (int i = 0; i < pipeline.order_shard_count(); ++i) {
    internal::v1::OrderShardSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(saved.orders[i]));
    const absl::Status status = pipeline.order_shard(i).Restore(snapshot);
    ASSERT_TRUE(status.ok()) << status;
  }
  for (int i = 0; i < pipeline.inventory_shard_count(); ++i) {
    internal::v1::InventoryShardSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(saved.inventory[i]));
    const absl::Status status = pipeline.inventory_shard(i).Restore(snapshot);
    ASSERT_TRUE(status.ok()) << status;
  }
  pipeline.SyncClockFromShards();
}

void RestoreKeyByKey(Pipeline& original, const std::vector<std::string>& ids,
                     Pipeline& restored, int times) {
  ASSERT_EQ(restored.order_shard_count(), original.order_shard_count());
  ASSERT_EQ(restored.inventory_shard_count(), original.inventory_shard_count());
  for (int i = 0; i < original.order_shard_count(); ++i) {
    OrderShard& from = original.order_shard(i);
    OrderShard& to = restored.order_shard(i);
    for (const std::string& id : ids) {
      internal::v1::OrderKeyState state;
      ASSERT_TRUE(state.ParseFromString(from.KeyState(id).SerializeAsString()));
      for (int n = 0; n < times; ++n) {
        const absl::Status status = to.RestoreKey(id, state);
        ASSERT_TRUE(status.ok()) << status;
      }
      EXPECT_EQ(Deterministic(to.KeyState(id)), Deterministic(from.KeyState(id)));
    }
    to.RestoreClock(from.clock());
  }
  for (int i = 0; i < original.inventory_shard_count(); ++i) {
    internal::v1::InventoryShardSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(
        original.inventory_shard(i).Snapshot().SerializeAsString()));
    const absl::Status status = restored.inventory_shard(i).Restore(snapshot);
    ASSERT_TRUE(status.ok()) << status;
  }
  restored.SyncClockFromShards();
}

void ExpectSameShards(Pipeline& restored, Pipeline& original) {
  const SavedShards got = SaveShards(restored);
  const SavedShards want = SaveShards(original);
  EXPECT_EQ(got.orders, want.orders);
  EXPECT_EQ(got.inventory, want.inventory);
}

}  // namespace orderflow::testing
