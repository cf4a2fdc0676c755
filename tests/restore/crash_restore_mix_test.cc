// Crash and restore over the v1.1 mix (bench/workload.h, `v11`): stock at
// three warehouses, split shipments and parcels by task, amendments, holds
// and customer contacts, over two days of traffic. Stopped, saved and
// rebuilt at several points and with several shard layouts, the engine
// emits exactly what an uninterrupted run emits, byte for byte
// (tests/restore/restore_harness.h).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/workload.h"
#include "gtest/gtest.h"
#include "tests/restore/restore_harness.h"

namespace orderflow::restore {
namespace {

const Stream& MixStream() {
  static const Stream stream = TwoDaysOfTraffic(20260415, /*v11=*/true);
  return stream;
}

// The mix's warehouses configured, `orders` x `inventory` shards.
EngineConfig MixConfig(int32_t orders, int32_t inventory) {
  EngineConfig config = Partitions(orders, inventory);
  config.sourcing = workload::MixSourcing();
  return config;
}

// Short retentions: closed orders forgotten, early records expiring.
EngineConfig MixShortRetention() { return WithShortRetention(MixConfig(4, 4)); }

const Outputs& Reference4x4() {
  static const Outputs outputs = RunStraight(MixConfig(4, 4), MixStream());
  return outputs;
}

// The comparisons mean something only if the stream takes the engine
// through rules 9 to 13 (and the v1 rules as before). Its dead letters
// are only those it means to cause.
TEST(CrashRestoreMix, StreamExercisesTheNewRules) {
  ExpectEveryKind(MixStream(), Reference4x4(), {
                         "order-status ALLOCATED",
                         "order-status ON_HOLD",
                         "order-status PARTIALLY_SHIPPED",
                         "order-status PARTIALLY_DELIVERED",
                         "order-status SHIPPED",
                         "order-status DELIVERED",
                         "order-status CANCELLED",
                         "delivery-tasks CREATE",
                         "delivery-tasks UPDATE",
                         "delivery-tasks HOLD",
                         "delivery-tasks RELEASE",
                         "amendment-results APPLIED",
                         "amendment-results REJECTED",
                         "escalations RAISED AMENDMENT_REJECTED",
                         "escalations RAISED HOLD_AGED",
                         "escalations CLEARED HOLD_AGED",
                         "escalations RAISED HOLD_AFTER_SHIPMENT",
                         "escalations RAISED CUSTOMER_CONTACT",
                         "escalations CLEARED CUSTOMER_CONTACT",
                         "escalations RAISED DELIVERY_FAILED",
  });
}

class CrashRestoreMixAtCut : public testing::TestWithParam<int> {};

TEST_P(CrashRestoreMixAtCut, OutputsEqualAnUninterruptedRun) {
  const size_t cut = Cuts(23, 3, kStreamRecords)[GetParam()];
  SCOPED_TRACE("crash after " + std::to_string(cut) + " records");
  EXPECT_TRUE(SameOutputs(Reference4x4(),
                          RunWithCrashes(MixConfig(4, 4), MixStream(), {cut})));
}
INSTANTIATE_TEST_SUITE_P(ThreeCuts, CrashRestoreMixAtCut, testing::Values(0, 1, 2));

TEST(CrashRestoreMix, SeveralCrashesInOneRun) {
  EXPECT_TRUE(SameOutputs(Reference4x4(), RunWithCrashes(MixConfig(4, 4), MixStream(),
                                                         Cuts(29, 5, kStreamRecords))));
}

TEST(CrashRestoreMix, SeveralCrashesWithOneShardPerStage) {
  const EngineConfig config = MixConfig(1, 1);
  EXPECT_TRUE(SameOutputs(RunStraight(config, MixStream()),
                          RunWithCrashes(config, MixStream(), Cuts(31, 4, kStreamRecords))));
}

TEST(CrashRestoreMix, SeveralCrashesWithUnevenShards) {
  const EngineConfig config = MixConfig(7, 3);
  EXPECT_TRUE(SameOutputs(RunStraight(config, MixStream()),
                          RunWithCrashes(config, MixStream(), Cuts(37, 4, kStreamRecords))));
}

TEST(CrashRestoreMix, SeveralCrashesRestoredFromAChangelog) {
  EXPECT_TRUE(SameOutputs(Reference4x4(),
                          RunWithChangelogCrashes(MixConfig(4, 4), MixStream(),
                                                  Cuts(41, 5, kStreamRecords))));
}

TEST(CrashRestoreMix, SeveralCrashesRestoredFromAChangelogWithShortRetention) {
  const EngineConfig config = MixShortRetention();
  EXPECT_TRUE(SameOutputs(RunStraight(config, MixStream()),
                          RunWithChangelogCrashes(config, MixStream(),
                                                  Cuts(43, 4, kStreamRecords))));
}

TEST(ReplayMix, OutputsDoNotDependOnTheNumberOfShards) {
  EXPECT_TRUE(SameOutputs(Reference4x4(), RunStraight(MixConfig(1, 1), MixStream())));
  EXPECT_TRUE(SameOutputs(Reference4x4(), RunStraight(MixConfig(7, 3), MixStream())));
}

}  // namespace
}  // namespace orderflow::restore
