// TimelineFeed: batches recorded in the order they were added, Flush()
// waiting for them, undecodable bytes passed on, what is still waiting
// recorded when the feed goes away, and batches' memory handed back.
#include "observe/timeline_feed.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "observe/order_timeline.h"
#include "tests/engine/builders.h"

namespace orderflow {
namespace {

using ::orderflow::testing::kT0;
using ::orderflow::testing::Order;
using ::orderflow::testing::Ts;
using ::testing::ElementsAre;

TimelineFeed::Entry Placed(std::string_view id, EpochMillis at) {
  return {false, Topic::kOrders, std::string(id), at,
          Order(id, {{"SKU-A", 1}}).SerializeAsString()};
}

TimelineFeed::Entry StatusOut(std::string_view id, v1::OrderStatus status,
                              EpochMillis at) {
  v1::OrderStatusChanged m;
  m.set_order_id(std::string(id));
  m.set_status(status);
  *m.mutable_occurred_at() = Ts(at);
  return {true, Topic::kOrderStatus, std::string(id), at, m.SerializeAsString()};
}

std::vector<std::string> Directions(const OrderTimelines& t, std::string_view id) {
  std::vector<std::string> out;
  const std::optional<nlohmann::ordered_json> order = t.OrderJson(id);
  if (!order) return out;
  for (const auto& e : (*order)["timeline"]) {
    out.push_back(std::string(e["direction"]) + " " + std::string(e["topic"]));
  }
  return out;
}

TEST(TimelineFeedTest, BatchesRecordedInOrderOnceFlushed) {
  OrderTimelines timelines(ObserveSettings{});
  TimelineFeed feed(&timelines);
  const int kBatches = 50;  // more than may wait: Add() has to wait too
  for (int b = 0; b < kBatches; ++b) {
    std::vector<TimelineFeed::Entry> batch;
    for (int i = 0; i < 100; ++i) {
      const std::string id = "O-" + std::to_string(b * 100 + i);
      batch.push_back(Placed(id, kT0));
      batch.push_back(StatusOut(id, v1::ORDER_STATUS_ACCEPTED, kT0));
    }
    feed.Add(std::move(batch));
  }
  feed.Flush();
  EXPECT_EQ(timelines.order_count(), kBatches * 100);
  EXPECT_EQ(timelines.entry_count(), kBatches * 200);
  EXPECT_THAT(Directions(timelines, "O-4321"),
              ElementsAre("in orders", "out order-status"));
}

// The feed parses nothing: bytes that do not parse reach the timelines,
// which show them as undecodable.
TEST(TimelineFeedTest, UndecodableBytesAreShownAsSuch) {
  OrderTimelines timelines(ObserveSettings{});
  TimelineFeed feed(&timelines);
  TimelineFeed::Entry bad = Placed("O-1", kT0);
  bad.value = "\xff\xff\xff";
  feed.Add({Placed("O-1", kT0), bad, StatusOut("O-1", v1::ORDER_STATUS_ACCEPTED, kT0)});
  feed.Flush();
  EXPECT_THAT(Directions(timelines, "O-1"),
              ElementsAre("in orders", "in orders", "out order-status"));
  EXPECT_EQ((*timelines.OrderJson("O-1"))["timeline"][1]["summary"],
            "undecodable record");
}

TEST(TimelineFeedTest, WhatIsWaitingIsRecordedWhenTheFeedGoes) {
  OrderTimelines timelines(ObserveSettings{});
  {
    TimelineFeed feed(&timelines);
    for (int b = 0; b < 20; ++b) {
      feed.Add({Placed("O-" + std::to_string(b), kT0)});
    }
  }
  EXPECT_EQ(timelines.order_count(), 20);
}

// A recorded batch's memory comes back from a later Add, empty, to be
// filled again.
TEST(TimelineFeedTest, ARecordedBatchComesBackEmptyToBeFilledAgain) {
  OrderTimelines timelines(ObserveSettings{});
  TimelineFeed feed(&timelines);
  std::vector<TimelineFeed::Entry> batch;
  for (int i = 0; i < 100; ++i) batch.push_back(Placed("O-" + std::to_string(i), kT0));
  EXPECT_TRUE(feed.Add(std::move(batch)).empty());
  feed.Flush();
  const std::vector<TimelineFeed::Entry> back = feed.Add({Placed("O-100", kT0)});
  EXPECT_TRUE(back.empty());
  EXPECT_GE(back.capacity(), 100u);
  feed.Flush();
  EXPECT_EQ(timelines.order_count(), 101);
}

}  // namespace
}  // namespace orderflow
