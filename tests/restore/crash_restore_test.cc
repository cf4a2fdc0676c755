// Crash and restore over the pure core (tests/restore/restore_harness.h):
// the outputs of a run stopped, saved and rebuilt, once or several times,
// equal those of an uninterrupted run byte for byte. Also: the same stream
// twice gives the same outputs, whatever the number of shards.
//
// The stream is bench/workload.h's, a little over two days of traffic.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/workload.h"
#include "gtest/gtest.h"
#include "tests/restore/restore_harness.h"

namespace orderflow::restore {
namespace {

// Two days of traffic, so that deadlines and backorder ageing fall due
// (and, with short retentions, early records expire and closed orders are
// forgotten), some of them across a cut.
const std::vector<workload::InputRecord>& Stream() {
  static const std::vector<workload::InputRecord> stream =
      TwoDaysOfTraffic(20260302, /*v11=*/false);
  return stream;
}

EngineConfig ShortRetention() { return WithShortRetention(Partitions(4, 4)); }

const Outputs& Reference4x4() {
  static const Outputs outputs = RunStraight(Partitions(4, 4), Stream());
  return outputs;
}

const Outputs& ReferenceShortRetention() {
  static const Outputs outputs = RunStraight(ShortRetention(), Stream());
  return outputs;
}

// ------------------------------------------------------------------ tests

// The comparisons below mean something only if the stream drives the
// engine through its rules, timers included.
TEST(CrashRestore, StreamExercisesTheRules) {
  ExpectEveryKind(Stream(), Reference4x4(), {
                      "order-status ACCEPTED",
                      "order-status REJECTED",
                      "order-status BACKORDERED",
                      "order-status ALLOCATED",
                      "order-status SHIPPED",
                      "order-status DELIVERED",
                      "order-status DELIVERY_FAILED",
                      "order-status CANCELLED",
                      "delivery-tasks CREATE",
                      "delivery-tasks CANCEL",
                      "escalations RAISED VALIDATION_FAILED",
                      "escalations RAISED CANCEL_AFTER_SHIPMENT",
                      "escalations RAISED SHIP_DEADLINE_AT_RISK",
                      "escalations RAISED SHIP_DEADLINE_MISSED",
                      "escalations RAISED DELIVERY_DEADLINE_MISSED",
                      "escalations RAISED BACKORDER_AGED",
                      "escalations CLEARED BACKORDER_AGED",
                      "escalations CLEARED DELIVERY_FAILED",
                      "dead-letter DUPLICATE_ORDER",
  });
}

class CrashRestoreAtCut : public testing::TestWithParam<int> {};

TEST_P(CrashRestoreAtCut, OutputsEqualAnUninterruptedRun) {
  const size_t cut = Cuts(7, 3, kStreamRecords)[GetParam()];
  SCOPED_TRACE("crash after " + std::to_string(cut) + " records");
  EXPECT_TRUE(SameOutputs(Reference4x4(),
                          RunWithCrashes(Partitions(4, 4), Stream(), {cut})));
}
INSTANTIATE_TEST_SUITE_P(ThreeCuts, CrashRestoreAtCut, testing::Values(0, 1, 2));

TEST(CrashRestore, SeveralCrashesInOneRun) {
  EXPECT_TRUE(SameOutputs(Reference4x4(),
                          RunWithCrashes(Partitions(4, 4), Stream(),
                                         Cuts(11, 5, kStreamRecords))));
}

TEST(CrashRestore, SeveralCrashesWithOneShardPerStage) {
  const EngineConfig config = Partitions(1, 1);
  EXPECT_TRUE(SameOutputs(RunStraight(config, Stream()),
                          RunWithCrashes(config, Stream(), Cuts(13, 4, kStreamRecords))));
}

TEST(CrashRestore, SeveralCrashesWithShortRetention) {
  const EngineConfig config = ShortRetention();
  const Outputs& straight = ReferenceShortRetention();
  // Shipments for orders that never come expire in this stream.
  EXPECT_TRUE(std::any_of(
      straight.lines.begin(), straight.lines.end(), [](const std::string& l) {
        return l.find("UNMATCHED_SHIPMENT") != std::string::npos;
      }));
  EXPECT_TRUE(SameOutputs(straight, RunWithCrashes(config, Stream(), Cuts(17, 5, kStreamRecords))));
}

// The same crashes, restored key by key from a changelog (what the Kafka
// host does) instead of from whole-shard snapshots.
TEST(CrashRestore, SeveralCrashesRestoredFromAChangelog) {
  EXPECT_TRUE(SameOutputs(Reference4x4(),
                          RunWithChangelogCrashes(Partitions(4, 4), Stream(),
                                                  Cuts(11, 5, kStreamRecords))));
}

TEST(CrashRestore, SeveralCrashesRestoredFromAChangelogWithShortRetention) {
  EXPECT_TRUE(SameOutputs(ReferenceShortRetention(),
                          RunWithChangelogCrashes(ShortRetention(), Stream(),
                                                  Cuts(19, 4, kStreamRecords))));
}

TEST(Replay, SameStreamTwiceGivesTheSameOutputs) {
  EXPECT_TRUE(SameOutputs(Reference4x4(), RunStraight(Partitions(4, 4), Stream())));
}

TEST(Replay, OutputsDoNotDependOnTheNumberOfShards) {
  EXPECT_TRUE(SameOutputs(Reference4x4(), RunStraight(Partitions(1, 1), Stream())));
  EXPECT_TRUE(SameOutputs(Reference4x4(), RunStraight(Partitions(7, 3), Stream())));
}

}  // namespace
}  // namespace orderflow::restore
