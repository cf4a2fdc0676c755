// The Kafka host's transaction paths on a fake Kafka (fake_kafka.h): a
// commit refused (abortable) or fatal, a producer fenced at start,
// partitions lost or revoked in the middle of a transaction, a rebalance
// inside a batch poll, a stage consumer fenced (static membership), a
// partition paused for draining and assigned again, and stage-to-stage
// messages kept in the process.
//
// Each faulty run is compared with a clean run of the same workload: the
// committed outputs must be the same (nothing lost, nothing twice), and so
// must the committed service metrics (what an aborted transaction counted
// is dropped).
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "consumers/kafka_host.h"
#include "engine/partitioner.h"
#include "engine/text.h"
#include "engine/topics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kafka/topic_names.h"
#include "observe/live_metrics.h"
#include "observe/readiness.h"
#include "orderflow/internal/v1/internal.pb.h"
#include "orderflow/v1/orderflow.pb.h"
#include "tests/host/fake_kafka.h"
#include "tests/host/host_setup.h"
#include "tests/support/sample_records.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;

constexpr int kOrders = 60;

void PublishOrders(const Config& config, FakeKafka& kafka) {
  for (int i = 0; i < kOrders; ++i) {
    const v1::OrderPlaced o = testing::OneLineOrder(Cat("O-", i), kStart + i * 1000);
    Send(config, kafka, Topic::kOrders, o.order_id(), kStart + i * 1000, o);
    if (i % 20 == 10) {  // one that does not decode: a dead letter
      const std::string key = Cat("O-bad-", i);
      kafka.Append(KafkaTopic(config.kafka.topic_prefix, Topic::kOrders),
                   PartitionOf(key, config.engine.order_partitions),
                   {key, "\xff\xff\xff", kStart + i * 1000});
    }
  }
}

struct RunResult {
  absl::Status status;
  HostCounters counters;
  std::multiset<std::pair<std::string, std::string>> statuses;  // committed
  ServiceMetrics metrics;  // committed, as published
  std::map<std::string, int64_t> dead_letters;  // committed, by reason
  // The inventory changelog's last record per SKU: (on hand, reserved).
  std::map<std::string, std::pair<int64_t, int64_t>> stock;
  std::string log;
  // The stages' assignment changes, as the last snapshot has them.
  std::vector<StageAssignmentChange> assignment_changes;
};

// Runs a host on `kafka` until it has been idle for a while.
RunResult RunHost(const Config& config, FakeKafka& kafka,
                  int64_t abort_every = 0, MetricsBoard* board_given = nullptr) {
  RunResult r;
  std::ostringstream log;
  MetricsBoard own_board;
  MetricsBoard& board = board_given != nullptr ? *board_given : own_board;
  std::atomic<bool> stop{false};
  kafka.StopWhenIdle(&stop);
  HostOptions options;
  options.log = &log;
  options.env = &kafka;
  options.abort_every = abort_every;
  absl::StatusOr<std::unique_ptr<KafkaHost>> host =
      KafkaHost::Create(config, &board, nullptr, options);
  if (!host.ok()) {
    r.status = host.status();
    return r;
  }
  r.status = (*host)->Run(stop);
  r.counters = (*host)->counters();
  const std::string topic = KafkaTopic(config.kafka.topic_prefix, Topic::kOrderStatus);
  for (int p = 0; p < kafka.Partitions(topic); ++p) {
    for (const FakeRecord& rec : kafka.Log(topic, p)) {
      r.statuses.insert({rec.key, rec.value.value_or("")});
    }
  }
  const std::string changelog =
      KafkaTopic(config.kafka.topic_prefix, InternalTopic::kInventoryChangelog);
  for (int p = 0; p < kafka.Partitions(changelog); ++p) {
    for (const FakeRecord& rec : kafka.Log(changelog, p)) {
      if (rec.key.empty() || !rec.value) continue;
      internal::v1::StockState s;
      if (!s.ParseFromString(*rec.value)) continue;
      r.stock[rec.key] = {s.on_hand(), s.reserved()};
    }
  }
  if (auto latest = board.Latest()) {
    r.metrics = latest->metrics.metrics;
    r.dead_letters = latest->host.dead_letters;
    r.assignment_changes = latest->host.assignment_changes;
  }
  r.log = log.str();
  return r;
}

class HostTest : public ::testing::Test {
 protected:
  HostTest() : config_(TestConfig()), kafka_(TopicsOf(config_)) {
    Prepare(config_, kafka_);
  }

  // A first host takes in the stock and stops; the orders come for the
  // host under test, which starts from the changelogs.
  static void Prepare(const Config& config, FakeKafka& kafka) {
    PublishStock(config, kafka);
    const RunResult r = RunHost(config, kafka);
    ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
    PublishOrders(config, kafka);
  }

  RunResult Run() { return RunHost(config_, kafka_); }

  // The same workload without faults, on a Kafka of its own.
  static RunResult Clean() {
    const Config config = TestConfig();
    FakeKafka kafka(TopicsOf(config));
    Prepare(config, kafka);
    return RunHost(config, kafka);
  }

  std::string Group(const char* role) const {
    return Cat(config_.kafka.group_prefix, ".", role);
  }

  static void ExpectSameOutcome(const RunResult& r, const RunResult& clean) {
    ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
    EXPECT_EQ(r.statuses, clean.statuses);  // none lost, none twice
    EXPECT_EQ(r.metrics.received, clean.metrics.received);
    EXPECT_EQ(r.dead_letters, clean.dead_letters);
    EXPECT_EQ(r.metrics.accepted, clean.metrics.accepted);
    EXPECT_EQ(r.metrics.allocated_without_backorder,
              clean.metrics.allocated_without_backorder);
  }

  Config config_;
  FakeKafka kafka_;
};

TEST_F(HostTest, CleanRunAllocatesEveryOrderOnce) {
  const RunResult r = Run();
  ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  EXPECT_EQ(r.metrics.received, kOrders);
  EXPECT_EQ(r.metrics.allocated_without_backorder, kOrders);
  int64_t dead_letters = 0;
  for (const auto& [reason, n] : r.dead_letters) dead_letters += n;
  EXPECT_EQ(dead_letters, 3);
  std::map<std::string, int> allocated;
  for (const auto& [key, value] : r.statuses) {
    v1::OrderStatusChanged s;
    ASSERT_TRUE(s.ParseFromString(value));
    if (s.status() == v1::ORDER_STATUS_ALLOCATED) ++allocated[key];
  }
  EXPECT_EQ(allocated.size(), static_cast<size_t>(kOrders));
  for (const auto& [key, n] : allocated) EXPECT_EQ(n, 1) << key;
  EXPECT_EQ(r.counters.aborts, 0);
  EXPECT_GT(r.counters.restored_records, 0);  // the stock, from the changelog
}

// The first poll of each stage brings its assignment (its shards restored
// inside it) and records, which belong to no life of the partitions yet:
// the batch is dropped and the host rewinds, but the shards are not
// restored a second time, nothing having been applied to them since.
TEST_F(HostTest, ARewindRightAfterTheAssignmentRestoresNothingAgain) {
  int64_t changelog_records = 0;
  for (InternalTopic t :
       {InternalTopic::kOrderChangelog, InternalTopic::kInventoryChangelog}) {
    const std::string topic = KafkaTopic(config_.kafka.topic_prefix, t);
    for (int p = 0; p < kafka_.Partitions(topic); ++p) {
      changelog_records += static_cast<int64_t>(kafka_.Log(topic, p).size());
    }
  }
  ASSERT_GT(changelog_records, 0);  // the stock
  const RunResult r = Run();
  ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  EXPECT_THAT(r.log, HasSubstr("rewound to the committed offsets and state"));
  EXPECT_EQ(r.counters.restored_records, changelog_records) << r.log;
  EXPECT_EQ(r.metrics.allocated_without_backorder, kOrders);
}

TEST_F(HostTest, AbortableCommitFailureAbortsRestoresAndReconsumes) {
  const RunResult clean = Clean();
  kafka_.max_poll_records = 10;  // many transactions
  kafka_.commit_failures = {absl::OkStatus(), absl::OkStatus(),
                            absl::AbortedError("broker refused the commit")};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.counters.aborts, 1);
  EXPECT_EQ(r.counters.producer_rebuilds, 0);
  EXPECT_GT(r.counters.restored_records, 0);     // state from the changelog
  EXPECT_GT(r.counters.inputs, clean.counters.inputs);  // read again
  EXPECT_THAT(r.log, HasSubstr("committing failed: broker refused the commit"));
  EXPECT_THAT(r.log, HasSubstr("rewound to the committed offsets and state"));
}

TEST_F(HostTest, FatalCommitErrorRebuildsTheProducerThenRewinds) {
  const RunResult clean = Clean();
  kafka_.max_poll_records = 10;
  kafka_.commit_failures = {absl::OkStatus(), absl::InternalError("fenced")};
  const int producers_before = kafka_.producers_made;
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.counters.producer_rebuilds, 1);
  EXPECT_EQ(kafka_.producers_made, producers_before + 2);
  EXPECT_THAT(r.log, HasSubstr("rewound to the committed offsets and state"));
}

TEST_F(HostTest, AbortsOnPurposeKeepTheStockInTheChangelog) {
  const RunResult clean = Clean();
  ASSERT_FALSE(clean.stock.empty());
  kafka_.max_poll_records = 10;
  const RunResult r = RunHost(config_, kafka_, /*abort_every=*/2);
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.stock, clean.stock);
  EXPECT_GE(r.counters.aborts, 3);
}

TEST_F(HostTest, FatalAbortRebuildsTheProducerAndKeepsTheStock) {
  const RunResult clean = Clean();
  kafka_.max_poll_records = 10;
  kafka_.abort_failures = {
      absl::OkStatus(), absl::OkStatus(),
      absl::FailedPreconditionError(
          "Failed to end transaction: Broker: Producer attempted a "
          "transactional operation in an invalid state")};
  const RunResult r = RunHost(config_, kafka_, /*abort_every=*/2);
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.stock, clean.stock);
  EXPECT_EQ(r.counters.producer_rebuilds, 1);
  EXPECT_THAT(r.log, HasSubstr("aborting failed"));
}

// A broker answers a commit before it writes the transaction's markers;
// until then read_committed readers stop short of it. A rewind right after
// a commit (here: the next transaction aborted on purpose) must still
// rebuild the shards with that commit's state records, since the consumers
// resume after its offsets: else the stock it reserved is lost for good.
TEST_F(HostTest, RewindRightAfterACommitWaitsForItsMarkers) {
  const RunResult clean = Clean();
  kafka_.max_poll_records = 10;
  kafka_.marker_delay_polls = 8;
  const RunResult r = RunHost(config_, kafka_, /*abort_every=*/2);
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.stock, clean.stock);
  EXPECT_GE(r.counters.aborts, 3);
  EXPECT_THAT(r.log, HasSubstr("waiting for the last transaction's markers"));
}

// Markers that never come (a transaction left open by a process that
// stopped, aborted only at its timeout): the restore waits a bounded time,
// then takes the partition as far as it is stable.
TEST_F(HostTest, RestoreStopsWaitingForMarkersThatDoNotCome) {
  kafka_.max_poll_records = 10;
  kafka_.marker_delay_polls = 1 << 30;
  const auto started = kafka_.Now();
  const RunResult r = RunHost(config_, kafka_, /*abort_every=*/2);
  ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  EXPECT_THAT(r.log, HasSubstr("restored to its last stable offset"));
  EXPECT_LT(kafka_.Now() - started, std::chrono::minutes(10));
}

TEST_F(HostTest, RetriableCommitErrorsAreTriedAgain) {
  const RunResult clean = Clean();
  kafka_.commit_failures = {absl::UnavailableError("coordinator loading"),
                            absl::UnavailableError("coordinator loading")};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.counters.aborts, 0);
  EXPECT_EQ(r.counters.producer_rebuilds, 0);
}

TEST_F(HostTest, FencedAtStartIsAClearError) {
  kafka_.init_failures = {absl::InternalError(
      "Producer fenced by a newer instance")};
  const RunResult r = Run();
  EXPECT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("initialising transactions as 'orderflow.0'"));
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("Producer fenced by a newer instance"));
}

TEST_F(HostTest, PartitionsLostMidTransactionAbort) {
  const RunResult clean = Clean();
  config_.kafka.commit_interval = 50;  // transactions stay open across polls
  kafka_.max_poll_records = 10;
  kafka_.rebalances = {
      {Group("order-stage"), 0, 20, FakeRebalance::What::kLose},
      {Group("order-stage"), 0, 20, FakeRebalance::What::kAssignAll}};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_GE(r.counters.aborts, 1);
  EXPECT_THAT(r.log, HasSubstr("rewound to the committed offsets and state"));
}

TEST_F(HostTest, RevokedMidTransactionCommitsFirst) {
  const RunResult clean = Clean();
  config_.kafka.commit_interval = 50;
  kafka_.max_poll_records = 10;
  kafka_.rebalances = {
      {Group("order-stage"), 0, 20, FakeRebalance::What::kRevoke},
      {Group("order-stage"), 0, 20, FakeRebalance::What::kAssignAll}};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.counters.aborts, 0);
  EXPECT_GE(r.counters.commits, 2);
}

TEST_F(HostTest, RebalanceInsideABatchPollRewinds) {
  const RunResult clean = Clean();
  kafka_.max_poll_records = 10;
  kafka_.rebalances = {{Group("order-stage"), 0, 20,
                        FakeRebalance::What::kAssignAll, /*inside_poll=*/true}};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_THAT(r.log, HasSubstr("rewound to the committed offsets and state"));
}

// The order stage's partitions revoked, then assigned again some polls
// later: from the revocation /readyz says unassigned (though the process
// still holds its inventory partitions), restoring while the changelog is
// read, then ready; the snapshots keep each change.
TEST_F(HostTest, ReadyzIsUnassignedFromARevocationAndRestoringUntilRestored) {
  config_.kafka.commit_interval = 50;
  kafka_.max_poll_records = 10;
  kafka_.rebalances = {
      {Group("order-stage"), 20, 0, FakeRebalance::What::kRevoke},
      {Group("order-stage"), 26, 0, FakeRebalance::What::kAssignAll}};
  MetricsBoard board;
  std::vector<std::string> said;  // what /readyz said at each poll, once each
  kafka_.on_poll = [&] {
    const std::shared_ptr<const LiveSnapshot> latest = board.Latest();
    const EpochMillis now = latest != nullptr ? latest->wall_time : 0;
    const Readiness r =
        DecideReadiness(ReadinessPolicyFor(50, 0), latest.get(), false, now);
    const std::string state = r.ready() ? "ready" : r.reason.substr(0, r.reason.find(':'));
    if (said.empty() || said.back() != state) said.push_back(state);
  };
  const RunResult r = RunHost(config_, kafka_, 0, &board);
  kafka_.on_poll = nullptr;
  ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  EXPECT_EQ(r.metrics.allocated_without_backorder, kOrders);
  // The first assignment restores the stock; the second, the orders.
  // The order stage is assigned first: the process is not ready before
  // the inventory stage's assignment has come and is restored too.
  const std::vector<std::string> expected = {
      "starting", "unassigned", "restoring", "ready", "unassigned", "restoring", "ready"};
  EXPECT_EQ(said, expected) << r.log;

  std::vector<std::string> order_changes;
  for (const StageAssignmentChange& c : r.assignment_changes) {
    if (c.stage == "order") order_changes.push_back(StageAssignmentName(c.state));
  }
  EXPECT_EQ(order_changes,
            std::vector<std::string>({"unassigned", "restoring", "restored",
                                      "unassigned", "restoring", "restored"}));
  ASSERT_FALSE(r.assignment_changes.empty());
  EXPECT_EQ(r.assignment_changes.back().partitions, std::vector<int>({0, 1}));
}

// A static member fenced by its own rejoin (librdkafka, after its session
// timed out on its side while the broker was restarting): the stage's
// consumer is made again, the open transaction aborted, both stages
// rewound, and nothing is lost or applied twice.
TEST_F(HostTest, AStageFencedByItsOwnRejoinJoinsAgainAndRewinds) {
  const RunResult clean = Clean();
  config_.kafka.commit_interval = 50;  // transactions stay open across polls
  kafka_.max_poll_records = 10;
  kafka_.fencings = {{Group("inventory-stage"), 3, 0}};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.stock, clean.stock);
  EXPECT_EQ(r.counters.consumer_rebuilds, 1);
  EXPECT_GE(r.counters.aborts, 1);
  EXPECT_THAT(r.log, HasSubstr("inventory stage consumer fenced"));
  EXPECT_THAT(r.log, HasSubstr("rewound to the committed offsets and state"));
}

TEST_F(HostTest, AStageFencedAfterItsRecordsJoinsAgainAndRewinds) {
  const RunResult clean = Clean();
  config_.kafka.commit_interval = 50;
  kafka_.max_poll_records = 10;
  kafka_.fencings = {{Group("order-stage"), 0, 25}};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_EQ(r.stock, clean.stock);
  EXPECT_EQ(r.counters.consumer_rebuilds, 1);
  EXPECT_GT(r.counters.inputs, clean.counters.inputs);  // read again
}

// Two processes with one instance_id fence each other again and again.
TEST_F(HostTest, FencedAgainAndAgainIsAClearError) {
  for (int i = 0; i < 10; ++i) kafka_.fencings.push_back({Group("order-stage"), 2, 0});
  const RunResult r = Run();
  EXPECT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("another process runs with kafka.instance_id '0'"));
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("group.instance.id 'orderflow.order-stage.0'"));
  EXPECT_EQ(r.counters.consumer_rebuilds, 4);
}

// After a broker restart the group's coordinator moves, and the first
// questions for the committed offsets fail ("Not coordinator"). Left to
// the client, the partitions would stay assigned and never be fetched.
TEST_F(HostTest, CommittedOffsetsAskedAgainUntilTheCoordinatorAnswers) {
  const RunResult clean = Clean();
  kafka_.max_poll_records = 10;
  // The rewind after the third commit meets the moved coordinator.
  kafka_.commit_failures = {absl::OkStatus(), absl::OkStatus(),
                            absl::AbortedError("broker refused the commit")};
  kafka_.committed_failures_after_commits = kafka_.commits + 2;
  kafka_.committed_failures = {absl::UnavailableError("Broker: Not coordinator"),
                               absl::UnavailableError("Broker: Not coordinator"),
                               absl::UnavailableError("Broker: Not coordinator")};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_TRUE(kafka_.committed_failures.empty());
  EXPECT_EQ(r.counters.aborts, 1);
  EXPECT_THAT(r.log, HasSubstr("rewound to the committed offsets and state"));
  EXPECT_THAT(r.log, HasSubstr("Broker: Not coordinator; asking again in"));
  EXPECT_THAT(r.log, HasSubstr("fetched after 4 tries"));
}

TEST_F(HostTest, CommittedOffsetsAskedAgainOnTheFirstAssignment) {
  const RunResult clean = Clean();
  kafka_.committed_failures = {
      absl::UnavailableError("Broker: Coordinator load in progress"),
      absl::UnavailableError("Broker: Not coordinator")};
  const RunResult r = Run();
  ExpectSameOutcome(r, clean);
  EXPECT_TRUE(kafka_.committed_failures.empty());
  EXPECT_THAT(r.log, HasSubstr("fetched after 3 tries"));
}

// SIGTERM while the coordinator is missing: the host asks no more and
// stops cleanly at once, without a last commit, instead of asking on for a
// minute (a process that did not end within 90 s of SIGTERM in the soak).
TEST_F(HostTest, AStopWhileCommittedOffsetsAreAskedForEndsTheAsking) {
  kafka_.committed_failures.assign(
      1000, absl::UnavailableError("Broker: Not coordinator"));
  kafka_.stop_at_committed_failure = 3;
  const auto started = kafka_.Now();
  const int asked_before = kafka_.committed_questions;
  const RunResult r = Run();
  EXPECT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  EXPECT_EQ(kafka_.committed_questions - asked_before, 3);
  EXPECT_LT(kafka_.Now() - started, std::chrono::seconds(10));
  EXPECT_THAT(r.log, HasSubstr("stopping while asking for the committed offsets"));
  EXPECT_THAT(r.log, HasSubstr("stopping without a last commit"));
}

// SIGTERM while commits time out (a broker that went away): the commit
// is not tried again, no new producer is made, and the host stops at once
// instead of retrying for minutes (a stop that did not end within 90 s
// in the soak). What was not committed is processed again by whoever
// takes over.
TEST_F(HostTest, AStopWhileCommitsFailEndsTheRetries) {
  kafka_.commit_failures.assign(1000, absl::UnavailableError("Local: Timed out"));
  kafka_.stop_at_commit_failure = 2;
  const RunResult r = Run();
  EXPECT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  EXPECT_GE(kafka_.commit_failures.size(), 990u) << "tried again after the stop";
  EXPECT_EQ(r.counters.producer_rebuilds, 0) << r.log;
  EXPECT_THAT(r.log, HasSubstr("committing failed: Local: Timed out"));
}

// A coordinator missing for longer than a move takes: the host ends with
// an error that says so (a supervisor restarts it, the group's other
// members take over meanwhile) rather than sitting on partitions it does
// not fetch.
TEST_F(HostTest, CommittedOffsetsMissingPastTheBoundIsAClearError) {
  kafka_.committed_failures.assign(
      1000, absl::UnavailableError("Broker: Not coordinator"));
  const auto started = kafka_.Now();
  const int asked_before = kafka_.committed_questions;
  const RunResult r = Run();
  EXPECT_FALSE(r.status.ok()) << r.log;
  EXPECT_TRUE(absl::IsUnavailable(r.status)) << r.status;
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr(Cat("group ", Group("order-stage"),
                            ": no committed offsets after ")));
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("over 60 s"));
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("the last: Broker: Not coordinator"));
  EXPECT_LE(kafka_.Now() - started, std::chrono::seconds(70));
  EXPECT_LT(kafka_.committed_questions - asked_before, 60);  // backed off, not spinning
  EXPECT_EQ(r.counters.inputs, 0);
}

TEST_F(HostTest, CommittedOffsetsRefusedIsAnErrorAtOnce) {
  kafka_.committed_failures = {
      absl::InternalError("Broker: Group authorization failed")};
  const int asked_before = kafka_.committed_questions;
  const RunResult r = Run();
  EXPECT_FALSE(r.status.ok()) << r.log;
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("Group authorization failed"));
  EXPECT_EQ(kafka_.committed_questions - asked_before, 1);
}

// A record whose output the producer refuses (its dead letter is over the
// producer's size limit) would abort every transaction that holds it, and
// the rewind would bring it back, forever: after the bound it is found
// alone in a transaction, dead-lettered UNCOMMITTABLE (with a short prefix
// of its value, which fits), and every other order goes on as in a clean
// run.
TEST_F(HostTest, ARecordWhoseOutputIsRefusedIsDeadLetteredAndTheRestGoesOn) {
  const RunResult clean = Clean();
  kafka_.max_poll_records = 10;
  kafka_.max_record_bytes = 4096;
  kafka_.max_aborts = 200;  // ends a host that would abort forever
  const std::string key = "O-huge";
  kafka_.Append(KafkaTopic(config_.kafka.topic_prefix, Topic::kOrders),
                PartitionOf(key, config_.engine.order_partitions),
                {key, std::string(20000, '\x9c'), kStart + 5500});
  const RunResult r = Run();
  ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  EXPECT_EQ(r.statuses, clean.statuses);  // none lost, none twice
  EXPECT_EQ(r.metrics.accepted, clean.metrics.accepted);
  std::map<std::string, int64_t> dead_letters = clean.dead_letters;
  ++dead_letters["UNCOMMITTABLE"];
  EXPECT_EQ(r.dead_letters, dead_letters);
  EXPECT_LT(kafka_.aborts, 20);
  EXPECT_THAT(r.log, HasSubstr("committing one record per transaction"));
  EXPECT_THAT(r.log, HasSubstr("it will be dead-lettered (UNCOMMITTABLE)"));
  // The dead letter on the topic: a prefix, the size and the digest.
  const std::string topic = KafkaTopic(config_.kafka.topic_prefix, Topic::kDeadLetter);
  int found = 0;
  for (int p = 0; p < kafka_.Partitions(topic); ++p) {
    for (const FakeRecord& rec : kafka_.Log(topic, p)) {
      v1::DeadLetter d;
      ASSERT_TRUE(d.ParseFromString(rec.value.value_or("")));
      if (d.reason() != "UNCOMMITTABLE") continue;
      ++found;
      EXPECT_EQ(d.key(), key);
      EXPECT_EQ(d.payload(), std::string(1024, '\x9c'));
      EXPECT_TRUE(d.truncated());
      EXPECT_EQ(d.original_payload_size(), 20000);
      EXPECT_EQ(d.payload_sha256().size(), 64u);
    }
  }
  EXPECT_EQ(found, 1);
}

// librdkafka keeps a partition's pause through a rebalance. The host
// pauses the public inputs while it drains the stage-to-stage topics
// (it holds everything); a member joining then takes order partition 1
// away mid-drain: partition 0, assigned again, must be read again (it
// stayed paused for good: broker.soak_short, an engine restarted with its
// static member and another joining).
TEST_F(HostTest, PartitionsPausedForDrainingAreReadAfterARebalance) {
  const RunResult clean = Clean();
  using What = FakeRebalance::What;
  const std::string orders = Group("order-stage");
  kafka_.rebalances = {{orders, 2, 0, What::kRevoke},
                       {orders, 2, 0, What::kAssignAll},
                       {orders, 2, 0, What::kRevoke},
                       {orders, 2, 0, What::kAssignAll, false, {0}}};
  const RunResult r = Run();
  ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  std::multiset<std::pair<std::string, std::string>> partition_0;
  for (const auto& status : clean.statuses) {
    if (PartitionOf(status.first, config_.engine.order_partitions) == 0) {
      partition_0.insert(status);
    }
  }
  ASSERT_FALSE(partition_0.empty());
  EXPECT_EQ(r.statuses.size(), partition_0.size()) << r.log;
  EXPECT_EQ(r.statuses, partition_0);
  EXPECT_THAT(r.log, HasSubstr("stage-to-stage messages go through their topics"));
}

TEST_F(HostTest, HoldingEverythingKeepsStageMessagesInTheProcess) {
  const RunResult r = Run();
  ASSERT_TRUE(r.status.ok()) << r.status << "\n" << r.log;
  EXPECT_THAT(r.log, HasSubstr("stage-to-stage messages now stay in it"));
  EXPECT_GT(r.counters.local, 0);
  EXPECT_EQ(r.counters.internal, 0);
}

}  // namespace
}  // namespace orderflow
