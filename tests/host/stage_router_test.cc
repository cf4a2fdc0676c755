// The stage router's state machine (consumers/stage_router.h), without
// Kafka: high watermarks and the clock are the test's.
#include "consumers/stage_router.h"

#include <sstream>

#include "gtest/gtest.h"

namespace orderflow {
namespace {

using Routing = StageRouter::Routing;
using Inputs = StageRouter::Inputs;
using Clock = StageRouter::Clock;

class StageRouterTest : public ::testing::Test {
 protected:
  StageRouterTest() : router_("requests", 2, "results", 2, log_) {}

  // Every internal partition ends at `high`.
  StageRouter::HighWatermark EndsAt(int64_t high) {
    return [high](const std::string&, int32_t) -> std::optional<int64_t> {
      return high;
    };
  }
  void SeeEnds(int64_t offset) {
    for (const char* topic : {"requests", "results"}) {
      for (int p = 0; p < 2; ++p) router_.OnPartitionEnd(topic, p, offset);
    }
  }

  std::ostringstream log_;
  StageRouter router_;
  Clock::time_point t0_ = Clock::time_point{} + std::chrono::hours(1);
};

TEST_F(StageRouterTest, StartsThroughTheTopics) {
  EXPECT_EQ(router_.routing(), Routing::kTopics);
  EXPECT_FALSE(router_.local());
  EXPECT_EQ(router_.OnAssignmentChanged({"orders"}, false, t0_), Inputs::kUnchanged);
  EXPECT_EQ(router_.routing(), Routing::kTopics);
}

TEST_F(StageRouterTest, HoldingEverythingDrainsThenGoesLocalOnceEndsAreReached) {
  EXPECT_EQ(router_.OnAssignmentChanged({"orders"}, true, t0_), Inputs::kPause);
  EXPECT_EQ(router_.routing(), Routing::kDraining);
  // Ends not reached yet.
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(5)), Inputs::kUnchanged);
  SeeEnds(4);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(5)), Inputs::kUnchanged);
  SeeEnds(5);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(5)), Inputs::kResume);
  EXPECT_EQ(router_.routing(), Routing::kLocal);
  EXPECT_NE(log_.str().find("now stay in it"), std::string::npos);
}

TEST_F(StageRouterTest, EmptyTopicsNeedNoEnds) {
  router_.OnAssignmentChanged({}, true, t0_);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(0)), Inputs::kResume);
  EXPECT_TRUE(router_.local());
}

TEST_F(StageRouterTest, EndsAreTakenOnlyWhenNoneOfOursIsInFlight) {
  router_.OnAssignmentChanged({}, true, t0_);
  int asked = 0;
  auto count = [&](const std::string&, int32_t) -> std::optional<int64_t> {
    ++asked;
    return 3;
  };
  EXPECT_EQ(router_.TryFinishDraining(t0_, true, count), Inputs::kUnchanged);
  EXPECT_EQ(asked, 0);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, count), Inputs::kUnchanged);
  EXPECT_EQ(asked, 4);
  // One of ours produced: the targets are taken again (higher now).
  router_.OnInternalProduced();
  SeeEnds(3);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(4)), Inputs::kUnchanged);
  SeeEnds(4);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(4)), Inputs::kResume);
}

TEST_F(StageRouterTest, AnUnknownEndIsAskedAgain) {
  router_.OnAssignmentChanged({}, true, t0_);
  auto unknown = [](const std::string&, int32_t) -> std::optional<int64_t> {
    return std::nullopt;
  };
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, unknown), Inputs::kUnchanged);
  SeeEnds(2);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(2)), Inputs::kResume);
}

TEST_F(StageRouterTest, LosingAPartitionGoesBackToTheTopics) {
  router_.OnAssignmentChanged({}, true, t0_);
  router_.TryFinishDraining(t0_, false, EndsAt(0));
  ASSERT_TRUE(router_.local());
  EXPECT_EQ(router_.OnAssignmentChanged({"orders"}, false, t0_), Inputs::kUnchanged);
  EXPECT_EQ(router_.routing(), Routing::kTopics);
  EXPECT_NE(log_.str().find("go through their topics"), std::string::npos);
}

TEST_F(StageRouterTest, LosingAPartitionWhileDrainingGoesBackToTheTopics) {
  router_.OnAssignmentChanged({}, true, t0_);
  // The inputs paused for draining are read again.
  EXPECT_EQ(router_.OnAssignmentChanged({"orders"}, false, t0_), Inputs::kResume);
  EXPECT_EQ(router_.routing(), Routing::kTopics);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(0)), Inputs::kUnchanged);
  EXPECT_EQ(router_.routing(), Routing::kTopics);
}

TEST_F(StageRouterTest, EndsSeenByAStageThatChangedNoLongerCount) {
  router_.OnAssignmentChanged({}, true, t0_);
  SeeEnds(5);
  // The order stage was assigned again: what its consumer (results)
  // reported before is forgotten.
  router_.OnAssignmentChanged({"results"}, true, t0_);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(5)), Inputs::kUnchanged);
  router_.OnPartitionEnd("results", 0, 5);
  router_.OnPartitionEnd("results", 1, 5);
  EXPECT_EQ(router_.TryFinishDraining(t0_, false, EndsAt(5)), Inputs::kResume);
}

TEST_F(StageRouterTest, GivesUpDrainingAfterTheTimeout) {
  router_.OnAssignmentChanged({}, true, t0_);
  EXPECT_EQ(router_.TryFinishDraining(t0_ + std::chrono::seconds(29), false, EndsAt(7)),
            Inputs::kUnchanged);
  EXPECT_EQ(router_.TryFinishDraining(t0_ + std::chrono::seconds(31), false, EndsAt(7)),
            Inputs::kResume);
  EXPECT_EQ(router_.routing(), Routing::kTopics);
  EXPECT_NE(log_.str().find("did not drain in 30 s"), std::string::npos);
}

TEST_F(StageRouterTest, RewindWhileDrainingStartsDrainingOver) {
  router_.OnAssignmentChanged({}, true, t0_);
  SeeEnds(5);
  const auto later = t0_ + std::chrono::seconds(25);
  EXPECT_EQ(router_.OnRewind(true, later), Inputs::kPause);
  EXPECT_EQ(router_.routing(), Routing::kDraining);
  // The ends seen before the rewind no longer count, and the 30 s start
  // again from the rewind.
  EXPECT_EQ(router_.TryFinishDraining(later + std::chrono::seconds(10), false, EndsAt(5)),
            Inputs::kUnchanged);
  SeeEnds(5);
  EXPECT_EQ(router_.TryFinishDraining(later + std::chrono::seconds(10), false, EndsAt(5)),
            Inputs::kResume);
}

TEST_F(StageRouterTest, RewindDropsQueuedMessagesAndKeepsLocal) {
  router_.OnAssignmentChanged({}, true, t0_);
  router_.TryFinishDraining(t0_, false, EndsAt(0));
  router_.Queue(StockRequest{});
  EXPECT_EQ(router_.OnRewind(true, t0_), Inputs::kUnchanged);
  EXPECT_TRUE(router_.local());
  EXPECT_EQ(router_.DeliverQueued([](const auto&) {}), 0);
}

TEST_F(StageRouterTest, QueuedMessagesAreDeliveredFirstInFirstOut) {
  StockRequest a;
  a.sku = "A";
  StockAnswer b;
  b.order_id = "B";
  router_.Queue(a);
  router_.Queue(b);
  std::vector<std::string> seen;
  const int64_t n = router_.DeliverQueued(
      [&](const std::variant<StockRequest, StockAnswer>& m) {
        if (const auto* r = std::get_if<StockRequest>(&m)) {
          seen.push_back(r->sku);
          if (r->sku == "A") {
            StockRequest c;
            c.sku = "C";
            router_.Queue(c);  // delivering may queue more
          }
        } else {
          seen.push_back(std::get<StockAnswer>(m).order_id);
        }
      });
  EXPECT_EQ(n, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C"}));
}

}  // namespace
}  // namespace orderflow
