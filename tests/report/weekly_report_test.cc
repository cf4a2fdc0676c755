// The pure parts of the weekly report: ISO weeks, which week and day a
// record belongs to, the backlog as of a moment, the top problems and
// their example orders, the number formats, and the SVG charts.
#include <string>

#include "engine/service_metrics.h"
#include "gtest/gtest.h"
#include "replay/replay_line.h"
#include "report/html_report.h"
#include "report/iso_week.h"
#include "report/summary_rows.h"
#include "report/svg_chart.h"
#include "report/text_report.h"
#include "report/weekly_report.h"

namespace orderflow {
namespace {

EpochMillis At(const char* rfc3339) { return *ParseTime(rfc3339); }

IsoWeek Week(const char* text) {
  std::string error;
  std::optional<IsoWeek> w = ParseIsoWeek(text, &error);
  EXPECT_TRUE(w.has_value()) << text << ": " << error;
  return w.value_or(IsoWeek{});
}

TEST(IsoWeek, StartsOnMondayUtc) {
  EXPECT_EQ(FormatTime(Week("2026-W09").start()), "2026-02-23T00:00:00Z");
  EXPECT_EQ(FormatTime(Week("2026-W09").end()), "2026-03-02T00:00:00Z");
  EXPECT_EQ(FormatTime(Week("2026-W10").start()), "2026-03-02T00:00:00Z");
  // Week 1 holds 4 January: it may start in the year before.
  EXPECT_EQ(FormatTime(Week("2026-W01").start()), "2025-12-29T00:00:00Z");
  EXPECT_EQ(FormatTime(Week("2021-W01").start()), "2021-01-04T00:00:00Z");
  EXPECT_EQ(FormatTime(Week("2020-W53").start()), "2020-12-28T00:00:00Z");
  EXPECT_EQ(Week("2026-W09").Name(), "2026-W09");
}

TEST(IsoWeek, OfATime) {
  EXPECT_EQ(IsoWeekOf(At("2026-03-01T23:59:59.999Z")), Week("2026-W09"));
  EXPECT_EQ(IsoWeekOf(At("2026-03-02T00:00:00Z")), Week("2026-W10"));
  EXPECT_EQ(IsoWeekOf(At("2027-01-01T12:00:00Z")), Week("2026-W53"));
  EXPECT_EQ(IsoWeekOf(At("2025-12-29T00:00:00Z")), Week("2026-W01"));
  EXPECT_EQ(IsoWeekOf(At("1970-01-01T00:00:00Z")), (IsoWeek{1970, 1}));
  EXPECT_EQ(Week("2026-W01").Previous(), Week("2025-W52"));
  EXPECT_EQ(Week("2021-W01").Previous(), Week("2020-W53"));
  EXPECT_EQ(IsoWeeksInYear(2026), 53);
  EXPECT_EQ(IsoWeeksInYear(2025), 52);
  EXPECT_EQ(IsoWeeksInYear(2020), 53);
}

TEST(IsoWeek, BadTextIsNamed) {
  std::string error;
  for (const char* bad : {"", "2026-09", "2026-W9", "2026W09", "2026-W009", "26-W09",
                          "2026-W00", "2026-Wxx", "2026-W09 ", "last week"}) {
    EXPECT_FALSE(ParseIsoWeek(bad, &error)) << bad;
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(ParseIsoWeek("2025-W53", &error));
  EXPECT_EQ(error, "2025 has ISO weeks W01 to W52");
  EXPECT_TRUE(ParseIsoWeek("2026-W53", &error));
}

TEST(IsoWeek, DatesAndWeekdays) {
  EXPECT_EQ(FormatDate(At("2026-02-23T10:00:00Z")), "2026-02-23");
  EXPECT_EQ(WeekdayName(At("2026-02-23T10:00:00Z")), "Mon");
  EXPECT_EQ(WeekdayName(At("2026-03-01T23:00:00Z")), "Sun");
  EXPECT_EQ(DescribeWeek(Week("2026-W09")), "Mon 2026-02-23 to Sun 2026-03-01");
}

// ------------------------------------------------------------ the builder

v1::OrderStatusChanged Change(const std::string& id, v1::OrderStatus previous,
                              v1::OrderStatus status, const char* at,
                              const char* placed, const char* promised = nullptr) {
  v1::OrderStatusChanged c;
  c.set_order_id(id);
  c.set_previous_status(previous);
  c.set_status(status);
  SetTimestamp(At(at), c.mutable_occurred_at());
  SetTimestamp(At(placed), c.mutable_placed_at());
  if (promised) SetTimestamp(At(promised), c.mutable_promised_delivery_at());
  return c;
}

v1::Escalation Raised(const std::string& id, v1::EscalationKind kind, const char* at,
                      v1::EscalationState state = v1::ESCALATION_STATE_RAISED) {
  v1::Escalation e;
  e.set_order_id(id);
  e.set_kind(kind);
  e.set_level(1);
  e.set_state(state);
  SetTimestamp(At(at), e.mutable_detected_at());
  return e;
}

constexpr auto U = v1::ORDER_STATUS_UNSPECIFIED;
constexpr auto ACC = v1::ORDER_STATUS_ACCEPTED;
constexpr auto ALLOC = v1::ORDER_STATUS_ALLOCATED;
constexpr auto BO = v1::ORDER_STATUS_BACKORDERED;
constexpr auto SHIP = v1::ORDER_STATUS_SHIPPED;
constexpr auto DEL = v1::ORDER_STATUS_DELIVERED;
constexpr auto REJ = v1::ORDER_STATUS_REJECTED;

TEST(WeeklyReportBuilder, ARecordBelongsToTheWeekOfItsTime) {
  WeeklyReportBuilder b(Week("2026-W10"));
  // Sunday's last millisecond is the previous week, Monday 00:00 this one,
  // next Monday 00:00 neither.
  b.Add(Change("A", U, ACC, "2026-03-01T23:59:59.999Z", "2026-03-01T23:59:59.999Z"));
  b.Add(Change("B", U, ACC, "2026-03-02T00:00:00Z", "2026-03-02T00:00:00Z"));
  b.Add(Change("C", U, REJ, "2026-03-08T23:59:59Z", "2026-03-08T23:59:59Z"));
  b.Add(Change("D", U, ACC, "2026-03-09T00:00:00Z", "2026-03-09T00:00:00Z"));
  b.Add(Change("E", U, ACC, "2026-02-22T23:00:00Z", "2026-02-22T23:00:00Z"));
  const WeeklyReport r = b.Build();
  EXPECT_EQ(r.previous.metrics.received, 1);
  EXPECT_EQ(r.current.metrics.received, 2);
  EXPECT_EQ(r.current.metrics.rejected, 1);
  EXPECT_EQ(r.days[0].metrics.received, 1);  // Monday: B
  EXPECT_EQ(r.days[6].metrics.received, 1);  // Sunday: C
  EXPECT_EQ(r.status_changes, 5);
  EXPECT_EQ(FormatTime(r.first_time), "2026-02-22T23:00:00Z");
  EXPECT_EQ(FormatTime(r.last_time), "2026-03-09T00:00:00Z");
}

TEST(WeeklyReportBuilder, FeedsTheSameRulesAsTheEngine) {
  // The week's metrics are exactly ServiceMetrics fed the same changes.
  const std::vector<v1::OrderStatusChanged> changes = {
      Change("A", U, ACC, "2026-03-02T08:00:00Z", "2026-03-02T08:00:00Z", "2026-03-07T08:00:00Z"),
      Change("A", ACC, ALLOC, "2026-03-02T08:00:00Z", "2026-03-02T08:00:00Z", "2026-03-07T08:00:00Z"),
      Change("A", ALLOC, SHIP, "2026-03-02T10:30:00Z", "2026-03-02T08:00:00Z", "2026-03-07T08:00:00Z"),
      Change("A", SHIP, DEL, "2026-03-08T08:00:01Z", "2026-03-02T08:00:00Z", "2026-03-07T08:00:00Z"),
      Change("B", U, ACC, "2026-03-03T08:00:00Z", "2026-03-03T08:00:00Z", "2026-03-08T08:00:00Z"),
      Change("B", ACC, BO, "2026-03-03T08:00:00Z", "2026-03-03T08:00:00Z", "2026-03-08T08:00:00Z"),
  };
  WeeklyReportBuilder b(Week("2026-W10"));
  ServiceMetrics direct;
  for (const auto& c : changes) {
    b.Add(c);
    direct.OnStatusChanged({c.previous_status(), c.status(), ToMillis(c.occurred_at()),
                            ToMillis(c.placed_at()), ToMillis(c.promised_delivery_at())});
  }
  b.Add(Raised("B", v1::ESCALATION_KIND_BACKORDER_AGED, "2026-03-04T08:00:00Z"));
  direct.OnEscalation(v1::ESCALATION_KIND_BACKORDER_AGED, v1::ESCALATION_STATE_RAISED);
  const WeeklyReport r = b.Build();
  const ServiceMetrics& m = r.current.metrics;
  EXPECT_EQ(m.received, direct.received);
  EXPECT_EQ(m.allocated_without_backorder, direct.allocated_without_backorder);
  EXPECT_EQ(m.backordered, direct.backordered);
  EXPECT_EQ(m.delivered_on_time, direct.delivered_on_time);
  EXPECT_EQ(m.delivered_on_time, 0);  // one second late
  EXPECT_EQ(m.placed_to_shipped.minutes(), direct.placed_to_shipped.minutes());
  EXPECT_EQ(m.escalations_raised, direct.escalations_raised);
  EXPECT_EQ(FormatDuration(m.placed_to_shipped.Percentile(0.5)), "2h30m");
}

// Rule 13: a contact is its level-1 CUSTOMER_CONTACT escalation, in the
// week its order was received; rule 11: one amendment result, one count.
TEST(WeeklyReportBuilder, ContactsAndAmendments) {
  WeeklyReportBuilder b(Week("2026-W10"));
  b.Add(Change("A", U, ACC, "2026-03-02T08:00:00Z", "2026-03-02T08:00:00Z"));
  b.Add(Change("B", U, ACC, "2026-03-03T08:00:00Z", "2026-03-03T08:00:00Z"));
  b.Add(Change("C", U, ACC, "2026-03-04T08:00:00Z", "2026-03-04T08:00:00Z"));
  b.Add(Change("D", U, ACC, "2026-03-05T08:00:00Z", "2026-03-05T08:00:00Z"));
  b.Add(Change("P", U, ACC, "2026-02-27T08:00:00Z", "2026-02-27T08:00:00Z"));
  auto contact = [](const std::string& order, const std::string& contact_id,
                    const std::string& kind_text, const char* at,
                    const std::string& cause, int level = 1) {
    v1::Escalation e = Raised(order, v1::ESCALATION_KIND_CUSTOMER_CONTACT, at);
    e.set_level(level);
    e.set_escalation_id(order + "/CUSTOMER_CONTACT/" + std::to_string(level) +
                        "/2026-03-02T08:00:00Z/" + contact_id);
    e.set_message("Customer contact " + contact_id + " (" + kind_text +
                  ") about order " + order + " at ...");
    e.set_root_cause(cause);
    return e;
  };
  b.Add(contact("A", "K (1)", "LATE by phone", "2026-03-04T09:00:00Z", "SHIPMENT_LATE"));
  b.Add(contact("A", "K (1)", "LATE", "2026-03-05T09:00:00Z", "SHIPMENT_LATE", 2));
  b.Add(contact("B", "K-2", "WHERE_IS_MY_ORDER", "2026-03-10T09:00:00Z", "NONE_FOUND"));
  b.Add(contact("P", "K-3", "BILLING", "2026-03-03T09:00:00Z", "INVOICE_MISMATCH"));
  v1::AmendmentResult applied, rejected;
  applied.set_outcome(v1::AMENDMENT_OUTCOME_APPLIED);
  SetTimestamp(At("2026-03-03T10:00:00Z"), applied.mutable_occurred_at());
  rejected.set_outcome(v1::AMENDMENT_OUTCOME_REJECTED);
  SetTimestamp(At("2026-02-28T10:00:00Z"), rejected.mutable_occurred_at());
  b.Add(applied);
  b.Add(rejected);

  const WeeklyReport r = b.Build();
  const ServiceMetrics& m = r.current.metrics;
  // A's and B's (B's came the week after), not P's: P was received before.
  EXPECT_EQ(m.contacts(), 2);
  EXPECT_EQ(m.contacts_by_kind[v1::CONTACT_KIND_LATE], 1);
  EXPECT_EQ(m.contacts_by_kind[v1::CONTACT_KIND_WHERE_IS_MY_ORDER], 1);
  EXPECT_EQ(m.contacts_by_root_cause[RootCauseIndex("SHIPMENT_LATE")], 1);
  EXPECT_DOUBLE_EQ(*Summarize(m).contacts_per_100_orders, 50.0);  // 2 for 4
  EXPECT_EQ(r.previous.metrics.contacts_by_kind[v1::CONTACT_KIND_BILLING], 1);
  EXPECT_DOUBLE_EQ(*Summarize(r.previous.metrics).contacts_per_100_orders, 100.0);
  EXPECT_EQ(m.amendments_applied, 1);
  EXPECT_EQ(m.amendments_rejected, 0);
  EXPECT_EQ(r.previous.metrics.amendments_rejected, 1);
}

TEST(WeeklyReportBuilder, BacklogIsTheLatestStatusBeforeEachEnd) {
  WeeklyReportBuilder b(Week("2026-W10"));
  // Placed long before the previous week, still open: 7d+ at both ends.
  b.Add(Change("OLD", U, ACC, "2026-02-01T10:00:00Z", "2026-02-01T10:00:00Z"));
  b.Add(Change("OLD", ACC, BO, "2026-02-01T10:00:00Z", "2026-02-01T10:00:00Z"));
  // Allocated in the previous week, shipped Tuesday, delivered Thursday.
  b.Add(Change("X", U, ACC, "2026-02-28T20:00:00Z", "2026-02-28T20:00:00Z"));
  b.Add(Change("X", ACC, ALLOC, "2026-02-28T20:00:00Z", "2026-02-28T20:00:00Z"));
  b.Add(Change("X", ALLOC, SHIP, "2026-03-03T12:00:00Z", "2026-02-28T20:00:00Z"));
  b.Add(Change("X", SHIP, DEL, "2026-03-05T12:00:00Z", "2026-02-28T20:00:00Z"));
  // Placed on Sunday at 22:00: 0-4h at the end of the week.
  b.Add(Change("Y", U, ACC, "2026-03-08T22:00:00Z", "2026-03-08T22:00:00Z"));
  // A change after the week does not count.
  b.Add(Change("Y", ACC, ALLOC, "2026-03-09T00:00:00Z", "2026-03-08T22:00:00Z"));
  const WeeklyReport r = b.Build();

  const Backlog& before = r.previous.backlog_at_end;  // 2026-03-02T00:00Z
  EXPECT_EQ(before.total(), 2);
  EXPECT_EQ(before.of_status(BO), 1);
  EXPECT_EQ(before.of_status(ALLOC), 1);
  EXPECT_EQ(before.of_age(AgeBucket::kOver7d), 1);
  EXPECT_EQ(before.of_age(AgeBucket::k1dTo3d), 1);  // X: 28h

  EXPECT_EQ(r.days[0].backlog_at_end.of_status(ALLOC), 1);  // Monday: X allocated
  EXPECT_EQ(r.days[1].backlog_at_end.of_status(SHIP), 1);   // Tuesday: X shipped
  EXPECT_EQ(r.days[3].backlog_at_end.of_status(SHIP), 0);   // Thursday: X delivered
  EXPECT_EQ(r.days[3].backlog_at_end.total(), 1);

  const Backlog& end = r.current.backlog_at_end;
  EXPECT_EQ(end.total(), 2);
  EXPECT_EQ(end.of_status(ACC), 1);  // Y, not yet ALLOCATED
  EXPECT_EQ(end.of_age(AgeBucket::kUnder4h), 1);
  EXPECT_EQ(end.of_age(AgeBucket::kOver7d), 1);
}

TEST(WeeklyReportBuilder, TopProblemsWithTheFirstRaisedOrders) {
  WeeklyReportBuilder b(Week("2026-W10"));
  using K = v1::EscalationKind;
  const K at_risk = v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK;
  const K aged = v1::ESCALATION_KIND_BACKORDER_AGED;
  const K invalid = v1::ESCALATION_KIND_VALIDATION_FAILED;
  const K failed = v1::ESCALATION_KIND_DELIVERY_FAILED;
  // Given out of time order, as Kafka partitions interleave.
  b.Add(Raised("O-9", at_risk, "2026-03-04T00:00:00Z"));
  b.Add(Raised("O-10", at_risk, "2026-03-02T00:00:00Z"));
  b.Add(Raised("O-2", at_risk, "2026-03-03T00:00:00Z"));
  b.Add(Raised("O-1", at_risk, "2026-03-03T00:00:00Z"));
  b.Add(Raised("O-5", at_risk, "2026-03-01T00:00:00Z"));  // previous week
  b.Add(Raised("O-5", at_risk, "2026-03-02T01:00:00Z", v1::ESCALATION_STATE_CLEARED));
  // One order raised at two levels: two raised, one example.
  b.Add(Raised("O-3", aged, "2026-03-05T00:00:00Z"));
  b.Add(Raised("O-3", aged, "2026-03-07T00:00:00Z"));
  // Ties on two are ordered by name: BACKORDER_AGED before VALIDATION_FAILED.
  b.Add(Raised("O-4", invalid, "2026-03-02T00:00:00Z"));
  b.Add(Raised("O-6", invalid, "2026-03-02T00:00:00Z"));
  b.Add(Raised("O-7", failed, "2026-03-02T00:00:00Z"));
  const WeeklyReport r = b.Build();
  ASSERT_EQ(r.top_problems.size(), 3u);
  EXPECT_EQ(r.top_problems[0].kind, at_risk);
  EXPECT_EQ(r.top_problems[0].raised, 4);
  EXPECT_EQ(r.top_problems[0].example_orders,
            (std::vector<std::string>{"O-10", "O-1", "O-2"}));
  EXPECT_EQ(r.top_problems[1].kind, aged);
  EXPECT_EQ(r.top_problems[1].raised, 2);
  EXPECT_EQ(r.top_problems[1].example_orders, (std::vector<std::string>{"O-3"}));
  EXPECT_EQ(r.top_problems[2].kind, invalid);
  EXPECT_EQ(DescribeProblem(1, r.top_problems[0]),
            "1. SHIP_DEADLINE_AT_RISK: 4 raised, e.g. O-10, O-1, O-2");
  EXPECT_EQ(r.current.metrics.escalations_cleared[at_risk], 1);
  EXPECT_EQ(r.previous.metrics.escalations_raised[at_risk], 1);
}

TEST(WeeklyReportBuilder, NoRecordsGiveAnEmptyReport) {
  const WeeklyReport r = WeeklyReportBuilder(Week("2026-W10")).Build();
  EXPECT_TRUE(r.top_problems.empty());
  const std::string text = RenderText(r);
  EXPECT_NE(text.find("no records in 2026-W10 or later"), std::string::npos);
  EXPECT_NE(text.find("none: no escalation was raised"), std::string::npos);
  EXPECT_NE(RenderHtml(r).find("No escalation was raised"), std::string::npos);
}

// ---------------------------------------------------------------- formats

TEST(SummaryRows, Formats) {
  EXPECT_EQ(FormatRate(std::nullopt), "n/a");
  EXPECT_EQ(FormatRate(2.0 / 3), "66.7 %");
  EXPECT_EQ(FormatRate(1.0), "100.0 %");
  EXPECT_EQ(FormatDuration(std::nullopt), "n/a");
  EXPECT_EQ(FormatDuration(Minutes(0)), "0h00m");
  EXPECT_EQ(FormatDuration(Hours(26) + Minutes(40)), "26h40m");
  EXPECT_EQ(FormatDuration(-Minutes(65)), "-1h05m");
}

TEST(SummaryRows, ChangesAgainstThePreviousWeek) {
  WeeklyReportBuilder b(Week("2026-W10"));
  // Previous week: 1 of 2 accepted (50 %). This week: 1 of 1 (100 %).
  b.Add(Change("A", U, ACC, "2026-02-24T08:00:00Z", "2026-02-24T08:00:00Z"));
  b.Add(Change("B", U, REJ, "2026-02-24T09:00:00Z", "2026-02-24T09:00:00Z"));
  b.Add(Change("C", U, ACC, "2026-03-03T08:00:00Z", "2026-03-03T08:00:00Z"));
  const WeeklyReport r = b.Build();
  std::map<std::string, SummaryRow> rows;
  for (const SummarySection& s : SummarySections(r)) {
    for (const SummaryRow& row : s.rows) rows[row.label] = row;
  }
  EXPECT_EQ(rows["received"].change, "-1");
  EXPECT_EQ(rows["rejected"].change, "-1");
  EXPECT_EQ(rows["accepted"].change, "0");
  EXPECT_EQ(rows["accuracy (accepted / received)"].current, "100.0 %");
  EXPECT_EQ(rows["accuracy (accepted / received)"].previous, "50.0 %");
  EXPECT_EQ(rows["accuracy (accepted / received)"].change, "+50.0 pp");
  EXPECT_EQ(rows["fill rate (no backorder)"].change, "+0.0 pp");  // 0 % and 0 %
  EXPECT_EQ(rows["on-time delivery"].change, "n/a");
  EXPECT_EQ(rows["placed -> shipped p50"].current, "n/a");
}

// ------------------------------------------------------------------- SVG

TEST(SvgChart, EscapesAndScales) {
  EXPECT_EQ(XmlEscape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  EXPECT_EQ(NiceScale(0, true).top, 5);
  EXPECT_EQ(NiceScale(7, true).top, 8);
  EXPECT_EQ(NiceScale(7, true).step, 2);
  EXPECT_EQ(NiceScale(1369, true).top, 1500);
  EXPECT_DOUBLE_EQ(NiceScale(0.3, false).top, 0.3);
  EXPECT_DOUBLE_EQ(NiceScale(96, false).top, 100);
}

TEST(SvgChart, ChartsAreClosedAndLabelled) {
  Chart c;
  c.title = "Orders <per> day";
  c.y_label = "orders";
  c.categories = {"Mon", "Tue", "Wed"};
  c.series = {{"received", "#000", {1, 2, std::nullopt}}, {"shipped", "#111", {0, 3, 4}}};
  for (const std::string& svg : {GroupedBarChart(c), StackedBarChart(c), LineChart(c)}) {
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
    EXPECT_NE(svg.find("<title>Orders &lt;per&gt; day</title>"), std::string::npos);
    EXPECT_NE(svg.find(">orders</text>"), std::string::npos);
    EXPECT_NE(svg.find(">received</text>"), std::string::npos);
    EXPECT_NE(svg.find(">Wed</text>"), std::string::npos);
  }
  const std::string bars = HorizontalBarChart(
      "kinds", "raised", {{"A_KIND", 5, true, "top 1"}, {"B_KIND", 1, false, ""}});
  EXPECT_NE(bars.find("5 (top 1)"), std::string::npos);
  EXPECT_NE(bars.find("font-weight=\"bold\">A_KIND"), std::string::npos);
}

}  // namespace
}  // namespace orderflow
