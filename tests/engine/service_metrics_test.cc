// The metric formulas on hand-made numbers: percentiles by nearest rank,
// merging, age buckets at their edges, rates and the top three kinds.
#include "engine/service_metrics.h"

#include "gtest/gtest.h"

namespace orderflow {
namespace {

TEST(CycleTimesTest, PercentilesAreNearestRankToTheMinute) {
  CycleTimes t;
  EXPECT_EQ(t.Percentile(0.5), std::nullopt);
  for (int minutes : {10, 20, 30, 40, 50, 60, 70, 80, 90, 100}) {
    t.Add(Minutes(minutes) + Seconds(59));  // seconds are dropped
  }
  EXPECT_EQ(t.count(), 10);
  EXPECT_EQ(t.Percentile(0.50), Minutes(50));   // rank 5
  EXPECT_EQ(t.Percentile(0.90), Minutes(90));   // rank 9, not 10
  EXPECT_EQ(t.Percentile(0.99), Minutes(100));  // rank 10
  EXPECT_EQ(t.Percentile(0.01), Minutes(10));
  EXPECT_EQ(t.sum(), Minutes(550));
}

TEST(CycleTimesTest, MergingGivesTheDistributionOfBoth) {
  CycleTimes a, b, both;
  for (int m : {5, 5, 7}) { a.Add(Minutes(m)); both.Add(Minutes(m)); }
  for (int m : {1, 9, 9, 9}) { b.Add(Minutes(m)); both.Add(Minutes(m)); }
  a.Merge(b);
  EXPECT_EQ(a.minutes(), both.minutes());
  EXPECT_EQ(a.count(), 7);
  EXPECT_EQ(a.Percentile(0.5), Minutes(7));  // 1 5 5 [7] 9 9 9
}

TEST(CycleTimesTest, NegativeDurationsCountAsZero) {
  CycleTimes t;
  t.Add(-Hours(1));
  EXPECT_EQ(t.Percentile(0.5), 0);
}

TEST(BacklogTest, AgeBucketsIncludeTheirLowerEdge) {
  EXPECT_EQ(AgeBucketOf(0), AgeBucket::kUnder4h);
  EXPECT_EQ(AgeBucketOf(Hours(4) - 1), AgeBucket::kUnder4h);
  EXPECT_EQ(AgeBucketOf(Hours(4)), AgeBucket::k4hTo1d);
  EXPECT_EQ(AgeBucketOf(Days(1)), AgeBucket::k1dTo3d);
  EXPECT_EQ(AgeBucketOf(Days(3)), AgeBucket::k3dTo7d);
  EXPECT_EQ(AgeBucketOf(Days(7) - 1), AgeBucket::k3dTo7d);
  EXPECT_EQ(AgeBucketOf(Days(7)), AgeBucket::kOver7d);
}

TEST(BacklogTest, CountsOnlyOpenOrders) {
  Backlog b;
  b.Add(v1::ORDER_STATUS_ALLOCATED, Hours(1));
  b.Add(v1::ORDER_STATUS_SHIPPED, Days(2));
  b.Add(v1::ORDER_STATUS_DELIVERY_FAILED, Days(2));
  b.Add(v1::ORDER_STATUS_DELIVERED, Days(2));
  b.Add(v1::ORDER_STATUS_CANCELLED, Days(2));
  b.Add(v1::ORDER_STATUS_REJECTED, Days(2));
  EXPECT_EQ(b.total(), 3);
  EXPECT_EQ(b.of_status(v1::ORDER_STATUS_ALLOCATED), 1);
  EXPECT_EQ(b.of_age(AgeBucket::k1dTo3d), 2);
  Backlog twice = b;
  twice.Merge(b);
  EXPECT_EQ(twice.total(), 6);
}

StatusChange Change(v1::OrderStatus from, v1::OrderStatus to, EpochMillis at,
                    EpochMillis promised = Hours(48)) {
  return {from, to, at, /*placed_at=*/0, promised};
}

TEST(ServiceMetricsTest, CountsEachTransitionByItsRule) {
  using S = v1::OrderStatus;
  ServiceMetrics m;
  const S none = v1::ORDER_STATUS_UNSPECIFIED;
  // a: allocated at once, shipped after 2h, delivered on time (at the promise)
  m.OnStatusChanged(Change(none, v1::ORDER_STATUS_ACCEPTED, 0));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_ALLOCATED, 0));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_ALLOCATED, v1::ORDER_STATUS_SHIPPED, Hours(2)));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_SHIPPED, v1::ORDER_STATUS_DELIVERED, Hours(48)));
  // b: backordered, then allocated (not "without a backorder"), delivery
  // failed, delivered a minute late
  m.OnStatusChanged(Change(none, v1::ORDER_STATUS_ACCEPTED, 0));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_BACKORDERED, 0));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_BACKORDERED, v1::ORDER_STATUS_ALLOCATED, Hours(5)));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_ALLOCATED, v1::ORDER_STATUS_SHIPPED, Hours(6)));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_SHIPPED, v1::ORDER_STATUS_DELIVERY_FAILED, Hours(30)));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_DELIVERY_FAILED, v1::ORDER_STATUS_DELIVERED,
                           Hours(48) + Minutes(1)));
  // c: rejected; d: accepted and cancelled
  m.OnStatusChanged(Change(none, v1::ORDER_STATUS_REJECTED, 0, 0));
  m.OnStatusChanged(Change(none, v1::ORDER_STATUS_ACCEPTED, 0));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_CANCELLED, 0));

  EXPECT_EQ(m.received, 4);
  EXPECT_EQ(m.accepted, 3);
  EXPECT_EQ(m.rejected, 1);
  EXPECT_EQ(m.allocated_without_backorder, 1);
  EXPECT_EQ(m.backordered, 1);
  EXPECT_EQ(m.cancelled, 1);
  EXPECT_EQ(m.shipped, 2);
  EXPECT_EQ(m.delivered, 2);
  EXPECT_EQ(m.delivered_on_time, 1);
  EXPECT_EQ(m.delivery_failures, 1);

  const ServiceSummary s = Summarize(m);
  EXPECT_DOUBLE_EQ(*s.accuracy_rate, 3.0 / 4);
  EXPECT_DOUBLE_EQ(*s.fill_rate, 1.0 / 3);
  EXPECT_DOUBLE_EQ(*s.backorder_rate, 1.0 / 3);
  EXPECT_DOUBLE_EQ(*s.cancellation_rate, 1.0 / 4);
  EXPECT_DOUBLE_EQ(*s.on_time_rate, 1.0 / 2);
  EXPECT_EQ(s.placed_to_shipped.p50, Hours(2));
  EXPECT_EQ(s.placed_to_shipped.p99, Hours(6));
  EXPECT_EQ(s.placed_to_delivered.p50, Hours(48));
}

// Rule 12: an order released from its hold while its stock answers are
// awaited is ACCEPTED again, but accepted (and received) once.
TEST(ServiceMetricsTest, BackFromHoldIsNotAcceptedTwice) {
  ServiceMetrics m;
  m.OnStatusChanged(Change(v1::ORDER_STATUS_UNSPECIFIED, v1::ORDER_STATUS_ACCEPTED, 0));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_ON_HOLD, 0));
  m.OnStatusChanged(Change(v1::ORDER_STATUS_ON_HOLD, v1::ORDER_STATUS_ACCEPTED, 0));
  EXPECT_EQ(m.received, 1);
  EXPECT_EQ(m.accepted, 1);
}

TEST(ServiceMetricsTest, RatesWithNothingToDivideByAreAbsent) {
  const ServiceSummary s = Summarize(ServiceMetrics{});
  EXPECT_FALSE(s.accuracy_rate.has_value());
  EXPECT_FALSE(s.on_time_rate.has_value());
  EXPECT_FALSE(s.placed_to_shipped.p50.has_value());
  EXPECT_TRUE(s.kinds_by_raised.empty());
}

TEST(ServiceMetricsTest, TopKindsByRaisedThenByName) {
  ServiceMetrics m;
  auto raise = [&m](v1::EscalationKind k, int n) {
    for (int i = 0; i < n; ++i) m.OnEscalation(k, v1::ESCALATION_STATE_RAISED);
  };
  raise(v1::ESCALATION_KIND_VALIDATION_FAILED, 2);
  raise(v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, 5);
  raise(v1::ESCALATION_KIND_BACKORDER_AGED, 2);
  raise(v1::ESCALATION_KIND_DELIVERY_FAILED, 1);
  m.OnEscalation(v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED,
                 v1::ESCALATION_STATE_CLEARED);
  const ServiceSummary s = Summarize(m);
  ASSERT_EQ(s.kinds_by_raised.size(), 4u);
  EXPECT_EQ(s.kinds_by_raised[0].first, v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED);
  EXPECT_EQ(s.kinds_by_raised[1].first, v1::ESCALATION_KIND_BACKORDER_AGED);
  EXPECT_EQ(s.kinds_by_raised[2].first, v1::ESCALATION_KIND_VALIDATION_FAILED);
  EXPECT_EQ(m.escalations_cleared[v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED], 1);
}

}  // namespace
}  // namespace orderflow
