// /healthz and /readyz: the readiness decision in each state, and the
// routes' status codes and bodies, without an engine or a socket.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "observe/health.h"
#include "observe/readiness.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;
using State = Readiness::State;

constexpr EpochMillis kStart = 1772409600000;  // 2026-03-02T00:00:00Z

// A host that started at kStart, holds order partitions 0 and 1 and
// inventory partition 0, committed everything it read, and reported at
// `reported`.
LiveSnapshot Serving(EpochMillis reported) {
  LiveSnapshot s;
  s.wall_time = reported;
  s.host.started_at = kStart;
  s.host.partitions = {{"order", {0, 1}}, {"inventory", {0}}};
  s.host.commits = 5;
  s.host.last_commit_at = reported - Seconds(1);
  return s;
}

ReadinessPolicy Policy() { return ReadinessPolicyFor(100, 0); }

TEST(ReadinessPolicy, DefaultIsThreeCommitIntervalsButAtLeastTenSeconds) {
  EXPECT_EQ(ReadinessPolicyFor(100, 0).commit_within, Seconds(10));
  EXPECT_EQ(ReadinessPolicyFor(Seconds(5), 0).commit_within, Seconds(15));
  EXPECT_EQ(ReadinessPolicyFor(100, Seconds(3)).commit_within, Seconds(3));
  EXPECT_EQ(ReadinessPolicyFor(100, 0).silent_within, Seconds(5));
  EXPECT_EQ(ReadinessPolicyFor(100, Seconds(3)).silent_within, Seconds(3));
  EXPECT_EQ(ReadinessPolicyFor(100, Seconds(60)).silent_within, Seconds(30));
}

TEST(Readiness, ServingAndCommittedIsReady) {
  const LiveSnapshot s = Serving(kStart + Seconds(30));
  Readiness r = DecideReadiness(Policy(), &s, false, kStart + Seconds(31));
  EXPECT_TRUE(r.ready());
  EXPECT_EQ(r.reason, "");
}

TEST(Readiness, IdleWithNothingToCommitStaysReady) {
  LiveSnapshot s = Serving(kStart + Minutes(10));
  s.host.last_commit_at = kStart + Seconds(5);  // nothing since
  EXPECT_TRUE(DecideReadiness(Policy(), &s, false, kStart + Minutes(10)).ready());
}

TEST(Readiness, StoppingWinsOverEverything) {
  const LiveSnapshot s = Serving(kStart + Seconds(30));
  Readiness r = DecideReadiness(Policy(), &s, true, kStart + Seconds(30));
  EXPECT_EQ(r.state, State::kStopping);
  EXPECT_THAT(r.reason, HasSubstr("stopping"));
  EXPECT_EQ(DecideReadiness(Policy(), nullptr, true, kStart).state, State::kStopping);
}

TEST(Readiness, NoSnapshotYetIsStarting) {
  Readiness r = DecideReadiness(Policy(), nullptr, false, kStart);
  EXPECT_EQ(r.state, State::kStarting);
  EXPECT_THAT(r.reason, HasSubstr("starting"));
}

TEST(Readiness, ASilentHostIsRestoringOrRebalancing) {
  const LiveSnapshot s = Serving(kStart + Seconds(30));
  // Within the limit: a snapshot comes about once a second.
  EXPECT_TRUE(DecideReadiness(Policy(), &s, false, kStart + Seconds(35)).ready());
  Readiness r = DecideReadiness(Policy(), &s, false, kStart + Seconds(42));
  EXPECT_EQ(r.state, State::kBusy);
  EXPECT_THAT(r.reason, HasSubstr("has not reported for 12 s"));
  EXPECT_THAT(r.reason, HasSubstr("restoring"));
}

TEST(Readiness, NoPartitionIsNoAssignmentYet) {
  LiveSnapshot s = Serving(kStart + Seconds(3));
  s.host.partitions = {{"order", {}}, {"inventory", {}}};
  Readiness r = DecideReadiness(Policy(), &s, false, kStart + Seconds(3));
  EXPECT_EQ(r.state, State::kUnassigned);
  EXPECT_THAT(r.reason, HasSubstr("no assignment yet"));
  s.host.partitions.clear();  // a snapshot without stages
  EXPECT_EQ(DecideReadiness(Policy(), &s, false, kStart + Seconds(3)).state,
            State::kUnassigned);
  // One partition of one stage is enough (more processes than inventory
  // partitions leave some without any).
  s.host.partitions = {{"order", {3}}, {"inventory", {}}};
  EXPECT_TRUE(DecideReadiness(Policy(), &s, false, kStart + Seconds(3)).ready());
}

StageAssignmentChange Change(EpochMillis at, std::string stage,
                             StageAssignment state, std::vector<int> partitions) {
  return StageAssignmentChange{at, std::move(stage), state, std::move(partitions)};
}

// The two stages rebalance as two groups: a process still holding its
// inventory partitions is not ready while its order partitions are
// revoked and until the next assignment's shards are restored.
TEST(Readiness, AStageRevokedIsUnassignedEvenWhileTheOtherHoldsItsOwn) {
  LiveSnapshot s = Serving(kStart + Seconds(30));
  s.host.partitions = {{"order", {}}, {"inventory", {0}}};
  s.host.assignment["inventory"] =
      Change(kStart, "inventory", StageAssignment::kRestored, {0});
  s.host.assignment["order"] =
      Change(kStart + Seconds(30), "order", StageAssignment::kUnassigned, {0, 2});
  Readiness r = DecideReadiness(Policy(), &s, false, kStart + Seconds(30));
  EXPECT_EQ(r.state, State::kUnassigned);
  EXPECT_EQ(r.reason,
            "unassigned: the order stage's partitions 0 2 were revoked; its next "
            "assignment has not come yet");

  s.host.assignment["order"] =
      Change(kStart + Seconds(31), "order", StageAssignment::kRestoring, {0, 1, 2});
  r = DecideReadiness(Policy(), &s, false, kStart + Seconds(31));
  EXPECT_EQ(r.state, State::kRestoring);
  EXPECT_EQ(r.reason,
            "restoring: the order stage restores partitions 0 1 2 from its changelog");
  // A restore longer than silent_within is still told as restoring.
  EXPECT_EQ(DecideReadiness(Policy(), &s, false, kStart + Seconds(50)).state,
            State::kRestoring);

  s.host.partitions = {{"order", {0, 1, 2}}, {"inventory", {0}}};
  s.host.assignment["order"] =
      Change(kStart + Seconds(32), "order", StageAssignment::kRestored, {0, 1, 2});
  s.wall_time = kStart + Seconds(32);
  EXPECT_TRUE(DecideReadiness(Policy(), &s, false, kStart + Seconds(32)).ready());
}

TEST(Readiness, UnassignedWinsOverRestoringAndStoppingOverBoth) {
  LiveSnapshot s = Serving(kStart + Seconds(30));
  s.host.assignment["inventory"] =
      Change(kStart, "inventory", StageAssignment::kRestoring, {1});
  s.host.assignment["order"] = Change(kStart, "order", StageAssignment::kUnassigned, {});
  Readiness r = DecideReadiness(Policy(), &s, false, kStart + Seconds(30));
  EXPECT_EQ(r.state, State::kUnassigned);
  EXPECT_THAT(r.reason, HasSubstr("the order stage's group has not assigned it partitions yet"));
  EXPECT_EQ(DecideReadiness(Policy(), &s, true, kStart + Seconds(30)).state,
            State::kStopping);
}

TEST(Readiness, InputWaitingUncommittedTooLongIsNotCommitting) {
  LiveSnapshot s = Serving(kStart + Seconds(60));
  s.host.last_commit_at = kStart + Seconds(40);
  s.host.uncommitted_since = kStart + Seconds(48);
  // 10 s of waiting is within the default limit (10 s).
  EXPECT_TRUE(DecideReadiness(Policy(), &s, false, kStart + Seconds(58)).ready());
  Readiness r = DecideReadiness(Policy(), &s, false, kStart + Seconds(60));
  EXPECT_EQ(r.state, State::kNotCommitting);
  EXPECT_EQ(r.reason, "no commit for 20 s: input has waited 12 s (limit 10 s)");
  // Never committed: counted from the start.
  s.host.last_commit_at = 0;
  EXPECT_THAT(DecideReadiness(Policy(), &s, false, kStart + Seconds(60)).reason,
              HasSubstr("no commit for 60 s"));
  // A longer configured limit keeps it ready.
  EXPECT_TRUE(DecideReadiness(ReadinessPolicyFor(100, Seconds(30)), &s, false,
                              kStart + Seconds(60))
                  .ready());
}

// The routes through the server's request handling (HttpServer::Answer).
struct Answered {
  int status = 0;
  nlohmann::json body;
};
Answered Get(const HttpServer& server, const std::string& path) {
  std::string in = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string out;
  server.Answer(in, out);
  Answered a;
  a.status = std::stoi(out.substr(9, 3));
  a.body = nlohmann::json::parse(out.substr(out.find("\r\n\r\n") + 4));
  return a;
}

TEST(HealthRoutes, HealthzIsAliveWhateverTheHost) {
  MetricsBoard board;
  HttpServer server;
  ServeHealth(board, Policy(), [] { return true; }, server, [] { return kStart; });
  Answered a = Get(server, "/healthz");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body["alive"], true);
}

TEST(HealthRoutes, ReadyzIs503WithAReasonThen200) {
  MetricsBoard board;
  HttpServer server;
  bool stopping = false;
  EpochMillis now = kStart;
  ServeHealth(board, Policy(), [&] { return stopping; }, server, [&] { return now; });

  Answered starting = Get(server, "/readyz");
  EXPECT_EQ(starting.status, 503);
  EXPECT_EQ(starting.body["ready"], false);
  EXPECT_EQ(starting.body["state"], "starting");

  now = kStart + Seconds(2);
  board.Publish(Serving(now));
  Answered ready = Get(server, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body["ready"], true);
  EXPECT_EQ(ready.body["partitions"]["order"], nlohmann::json({0, 1}));
  EXPECT_EQ(ready.body["partitions"]["inventory"], nlohmann::json({0}));

  stopping = true;
  Answered stopped = Get(server, "/readyz");
  EXPECT_EQ(stopped.status, 503);
  EXPECT_EQ(stopped.body["state"], "stopping");
}

// What /readyz said during a rebalance too short to be polled: each
// change of a stage's assignment, with the readiness it gave.
TEST(HealthRoutes, ReadyzHistoryTellsEachAssignmentChangeAndItsReadiness) {
  MetricsBoard board;
  HttpServer server;
  ServeHealth(board, Policy(), [] { return false; }, server, [] { return kStart; });
  EXPECT_EQ(Get(server, "/readyz/history").body["changes"], nlohmann::json::array());

  LiveSnapshot s = Serving(kStart + Seconds(2));
  s.host.assignment_changes = {
      Change(kStart, "inventory", StageAssignment::kRestored, {0}),
      Change(kStart + 10, "order", StageAssignment::kUnassigned, {0, 2}),
      Change(kStart + 900, "order", StageAssignment::kRestoring, {1}),
      Change(kStart + 950, "order", StageAssignment::kRestored, {0, 1, 2})};
  board.Publish(s);
  Answered a = Get(server, "/readyz/history");
  EXPECT_EQ(a.status, 200);
  const nlohmann::json& changes = a.body["changes"];
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0]["stage"], "inventory");
  EXPECT_EQ(changes[0]["ready"], true);
  EXPECT_EQ(changes[1]["at"], kStart + 10);
  EXPECT_EQ(changes[1]["state"], "unassigned");
  EXPECT_EQ(changes[1]["partitions"], nlohmann::json({0, 2}));
  EXPECT_EQ(changes[1]["ready"], false);
  EXPECT_EQ(changes[1]["readiness"], "unassigned");
  EXPECT_THAT(changes[1]["reason"].get<std::string>(), HasSubstr("revoked"));
  EXPECT_EQ(changes[2]["state"], "restoring");
  EXPECT_EQ(changes[2]["readiness"], "restoring");
  EXPECT_EQ(changes[3]["state"], "restored");
  EXPECT_EQ(changes[3]["ready"], true);
  EXPECT_FALSE(changes[3].contains("reason"));
}

}  // namespace
}  // namespace orderflow
