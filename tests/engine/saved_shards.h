// A pipeline's shards saved as their snapshots' bytes, as a changelog keeps
// them, and loaded into another pipeline: the round trip that every rule's
// "restored after a crash" test makes.
//
//   const SavedShards saved = SaveShards(pipeline);
//   Pipeline restored(config, restored_out);
//   LoadShards(saved, restored);
//   ASSERT_FALSE(::testing::Test::HasFatalFailure());
//   EXPECT_EQ(SaveShards(restored).orders, saved.orders);  // same bytes
//   ... (the same records fed to both)
//   ExpectSameShards(restored, pipeline);  // and the same state at the end
#ifndef ORDERFLOW_TESTS_ENGINE_SAVED_SHARDS_H_
#define ORDERFLOW_TESTS_ENGINE_SAVED_SHARDS_H_

#include <string>
#include <vector>

#include "engine/pipeline.h"

namespace orderflow::testing {

struct SavedShards {
  std::vector<std::string> orders, inventory;  // one per shard, in order
};

SavedShards SaveShards(Pipeline& pipeline);

// Restores every shard of `pipeline` (of the layout `saved` came from) and
// then its clock from the shards'. A snapshot that does not parse or
// restore is a fatal test failure.
void LoadShards(const SavedShards& saved, Pipeline& pipeline);

// Restores `restored` (of the layout of `original`) as a host reads back
// a changelog: each order shard key by key, the state of each of `ids`
// through its bytes, `times` times over (as a changelog replayed over a
// restored state may give a key again), and then its clock; each
// inventory shard from its snapshot's bytes; then the pipeline's clock
// from the shards'. Expects each key's state read back to be the same; a
// state that does not parse or restore is a fatal test failure.
void RestoreKeyByKey(Pipeline& original, const std::vector<std::string>& ids,
                     Pipeline& restored, int times = 1);

// Expects every shard of `restored` to save to the same bytes as the
// same shard of `original`: orders and inventory alike.
void ExpectSameShards(Pipeline& restored, Pipeline& original);

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_ENGINE_SAVED_SHARDS_H_
