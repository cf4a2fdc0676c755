// The pure parts of the monthly review: calendar months in UTC, which
// month a record belongs to, the ranking of problems (ties by name, the
// same on any arrival order), the month before absent, holds by type, and
// the formats of changes and rates.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/text.h"
#include "gtest/gtest.h"
#include "replay/replay_line.h"
#include "report/calendar_month.h"
#include "report/monthly_html.h"
#include "report/monthly_report.h"
#include "report/monthly_text.h"

namespace orderflow {
namespace {

EpochMillis At(const char* rfc3339) { return *ParseTime(rfc3339); }

CalendarMonth Month(const char* text) {
  std::string error;
  std::optional<CalendarMonth> m = ParseCalendarMonth(text, &error);
  EXPECT_TRUE(m.has_value()) << text << ": " << error;
  return m.value_or(CalendarMonth{});
}

TEST(CalendarMonth, RunsFromTheFirstInUtc) {
  EXPECT_EQ(FormatTime(Month("2026-03").start()), "2026-03-01T00:00:00Z");
  EXPECT_EQ(FormatTime(Month("2026-03").end()), "2026-04-01T00:00:00Z");
  EXPECT_EQ(FormatTime(Month("2026-12").end()), "2027-01-01T00:00:00Z");
  EXPECT_EQ(Month("2026-02").days(), 28);
  EXPECT_EQ(Month("2028-02").days(), 29);
  EXPECT_EQ(Month("2026-03").days(), 31);
  EXPECT_EQ(Month("2026-01").Previous(), Month("2025-12"));
  EXPECT_EQ(Month("2026-03").Previous(), Month("2026-02"));
  EXPECT_EQ(Month("2026-03").Name(), "2026-03");
  EXPECT_EQ(DescribeMonth(Month("2026-03")), "March 2026");
  EXPECT_EQ(MonthSpan(Month("2026-02")), "2026-02-01 to 2026-02-28");
}

TEST(CalendarMonth, BadTextIsNamed) {
  std::string error;
  for (const char* bad : {"", "2026-3", "2026-003", "202603", "26-03", "2026-W10",
                          "2026-xx", "2026-03 ", "March"}) {
    EXPECT_FALSE(ParseCalendarMonth(bad, &error)) << bad;
    EXPECT_EQ(error, "expected a month like 2026-03") << bad;
  }
  EXPECT_FALSE(ParseCalendarMonth("2026-13", &error));
  EXPECT_EQ(error, "the month must be 01 to 12");
  EXPECT_FALSE(ParseCalendarMonth("2026-00", &error));
  EXPECT_FALSE(ParseCalendarMonth("1970-12", &error));
  EXPECT_EQ(error, "the year must be 1971 or later");
}

// ------------------------------------------------------------ the builder

v1::Escalation Raised(const std::string& order, v1::EscalationKind kind, const char* at,
                      int level = 1, const std::string& root_cause = "",
                      const std::string& contact_id = "") {
  v1::Escalation e;
  e.set_order_id(order);
  e.set_kind(kind);
  e.set_level(level);
  e.set_state(v1::ESCALATION_STATE_RAISED);
  SetTimestamp(At(at), e.mutable_detected_at());
  e.set_root_cause(root_cause);
  e.set_escalation_id(
      kind == v1::ESCALATION_KIND_CUSTOMER_CONTACT
          ? Cat(order, "/CUSTOMER_CONTACT/", level, "/2026-01-01T00:00:00Z/", contact_id)
          : Cat(order, "/X/", level));
  return e;
}

v1::Escalation Contact(const std::string& order, const char* at,
                       const std::string& root_cause, const std::string& id) {
  return Raised(order, v1::ESCALATION_KIND_CUSTOMER_CONTACT, at, 1, root_cause, id);
}

v1::OrderStatusChanged Accepted(const std::string& order, const char* placed) {
  v1::OrderStatusChanged c;
  c.set_order_id(order);
  c.set_status(v1::ORDER_STATUS_ACCEPTED);
  SetTimestamp(At(placed), c.mutable_occurred_at());
  SetTimestamp(At(placed), c.mutable_placed_at());
  return c;
}

v1::HoldEvent Hold(const std::string& order, const std::string& id,
                   v1::HoldAction action, const char* at,
                   v1::HoldType type = v1::HOLD_TYPE_UNSPECIFIED) {
  v1::HoldEvent h;
  h.set_order_id(order);
  h.set_hold_id(id);
  h.set_action(action);
  h.set_type(type);
  SetTimestamp(At(at), h.mutable_occurred_at());
  return h;
}

std::vector<std::string> Names(const std::vector<RankedProblem>& problems) {
  std::vector<std::string> names;
  for (const RankedProblem& p : problems) names.push_back(p.name);
  return names;
}

TEST(MonthlyReportBuilder, ARecordBelongsToTheMonthOfItsTimeInUtc) {
  MonthlyReportBuilder b(Month("2026-03"));
  b.Add(Raised("A", v1::ESCALATION_KIND_BACKORDER_AGED, "2026-02-28T23:59:59.999Z"));
  b.Add(Raised("B", v1::ESCALATION_KIND_BACKORDER_AGED, "2026-03-01T00:00:00Z"));
  b.Add(Raised("C", v1::ESCALATION_KIND_BACKORDER_AGED, "2026-03-31T23:59:59.999Z"));
  b.Add(Raised("D", v1::ESCALATION_KIND_BACKORDER_AGED, "2026-04-01T00:00:00Z"));
  b.Add(Raised("E", v1::ESCALATION_KIND_BACKORDER_AGED, "2026-01-31T23:59:59.999Z"));
  b.Add(Accepted("A", "2026-02-28T23:59:59.999Z"));
  b.Add(Accepted("B", "2026-03-01T00:00:00Z"));
  b.Add(Accepted("B", "2026-03-01T00:00:00Z"));  // one order, counted once
  b.Add(Accepted("D", "2026-04-01T00:00:00Z"));
  const MonthlyReport r = b.Build();
  EXPECT_EQ(r.escalations_raised, 2);
  EXPECT_EQ(r.previous_escalations_raised, 1);
  ASSERT_EQ(r.top_escalations.size(), 1u);
  EXPECT_EQ(r.top_escalations[0].count, 2);
  EXPECT_EQ(r.top_escalations[0].previous, 1);
  EXPECT_EQ(r.top_escalations[0].example_orders, (std::vector<std::string>{"B", "C"}));
  ASSERT_EQ(r.top_escalations[0].per_day.size(), 31u);
  EXPECT_EQ(r.top_escalations[0].per_day[0], 1);
  EXPECT_EQ(r.top_escalations[0].per_day[30], 1);
  EXPECT_EQ(r.orders_placed, 1);
  EXPECT_EQ(r.previous_orders_placed, 1);
  EXPECT_EQ(r.status_changes, 4);
}

TEST(MonthlyReportBuilder, TiesRankByNameWhateverTheArrivalOrder) {
  std::vector<v1::Escalation> records = {
      Raised("O-1", v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, "2026-03-02T10:00:00Z"),
      Raised("O-2", v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK, "2026-03-03T10:00:00Z"),
      Raised("O-3", v1::ESCALATION_KIND_BACKORDER_AGED, "2026-03-04T10:00:00Z"),
      Raised("O-4", v1::ESCALATION_KIND_HOLD_AGED, "2026-03-05T10:00:00Z"),
      Raised("O-5", v1::ESCALATION_KIND_HOLD_AGED, "2026-03-05T10:00:00Z"),
      Contact("O-6", "2026-03-06T10:00:00Z", "ON_HOLD", "C-1"),
      Contact("O-7", "2026-03-06T10:00:00Z", "BACKORDER", "C-2"),
      Contact("O-8", "2026-03-06T10:00:00Z", "SHIPMENT_LATE", "C-3"),
      Contact("O-9", "2026-03-06T10:00:00Z", "DELIVERY_LATE", "C-4")};
  std::mt19937 shuffle(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(records.begin(), records.end(), shuffle);
    MonthlyReportBuilder b(Month("2026-03"));
    for (const v1::Escalation& e : records) b.Add(e);
    const MonthlyReport r = b.Build();
    // HOLD_AGED 2 first; then CUSTOMER_CONTACT 4 ahead of it; the kinds
    // raised once each by name.
    EXPECT_EQ(Names(r.top_escalations),
              (std::vector<std::string>{"CUSTOMER_CONTACT", "HOLD_AGED",
                                        "BACKORDER_AGED"}));
    EXPECT_EQ(r.top_escalations[1].example_orders,
              (std::vector<std::string>{"O-4", "O-5"}));  // same time: by order id
    EXPECT_EQ(Names(r.top_root_causes),
              (std::vector<std::string>{"BACKORDER", "DELIVERY_LATE", "ON_HOLD"}));
    ASSERT_EQ(r.contacts_by_root_cause.size(), 4u);
    EXPECT_EQ(r.contacts_by_root_cause[3].name, "SHIPMENT_LATE");
    EXPECT_EQ(r.contacts, 4);
  }
}

TEST(MonthlyReportBuilder, NoMonthBeforeMakesEveryProblemNew) {
  MonthlyReportBuilder b(Month("2026-03"));
  b.Add(Contact("O-1", "2026-03-02T10:00:00Z", "BACKORDER", "C-1"));
  b.Add(Contact("O-1", "2026-03-02T11:00:00Z", "BACKORDER", "C-2"));
  b.Add(Contact("O-2", "2026-03-02T09:00:00Z", "BACKORDER", "C-3"));
  // Level 2 of a contact is no second contact.
  b.Add(Raised("O-1", v1::ESCALATION_KIND_CUSTOMER_CONTACT, "2026-03-03T10:00:00Z", 2,
               "BACKORDER", "C-1"));
  const MonthlyReport r = b.Build();
  ASSERT_EQ(r.top_root_causes.size(), 1u);
  const RankedProblem& p = r.top_root_causes[0];
  EXPECT_EQ(p.count, 3);
  EXPECT_EQ(p.previous, 0);
  EXPECT_EQ(p.example_orders, (std::vector<std::string>{"O-2", "O-1"}));
  EXPECT_EQ(DescribeRankedProblem(1, p, r.previous_month, "contacts"),
            "1. BACKORDER: 3 contacts, 2026-02: 0, new, e.g. O-2, O-1");
  EXPECT_EQ(r.top_escalations[0].count, 4);  // every RAISED record
  EXPECT_EQ(r.previous_escalations_raised, 0);
  // No orders read: no rate.
  EXPECT_EQ(FormatPer100(r.contacts, r.orders_placed), "n/a");
  // Contact kinds unknown without the input records.
  ASSERT_EQ(r.contacts_by_kind.size(), 1u);
  EXPECT_EQ(r.contacts_by_kind[0].name, "not read");
  const std::string text = RenderMonthlyText(r);
  EXPECT_NE(text.find("no input records read"), std::string::npos);
  EXPECT_NE(RenderMonthlyHtml(r).find("</html>"), std::string::npos);
}

TEST(MonthlyReportBuilder, ContactKindsComeFromTheInputByContactId) {
  MonthlyReportBuilder b(Month("2026-03"));
  v1::CustomerContact c;
  c.set_contact_id("C-1");
  c.set_kind(v1::CONTACT_KIND_DAMAGED);
  b.Add(c);
  c.set_kind(v1::CONTACT_KIND_LATE);  // a repeat keeps the first
  b.Add(c);
  b.Add(Contact("O-1", "2026-03-02T10:00:00Z", "NONE_FOUND", "C-1"));
  const MonthlyReport r = b.Build();
  ASSERT_EQ(r.contacts_by_kind.size(), 1u);
  EXPECT_EQ(r.contacts_by_kind[0].name, "DAMAGED");
  EXPECT_EQ(r.contact_records, 2);
}

TEST(MonthlyReportBuilder, HoldsByTypeWithTimeOnHold) {
  MonthlyReportBuilder b(Month("2026-03"));
  using enum v1::HoldAction;
  // Placed in February, released in March: released, not placed, in March.
  b.Add(Hold("A", "H", HOLD_ACTION_PLACE, "2026-02-28T22:00:00Z", v1::HOLD_TYPE_ADDRESS));
  b.Add(Hold("A", "H", HOLD_ACTION_RELEASE, "2026-03-01T02:00:00Z"));
  // Out of order: the release is matched to its place all the same.
  b.Add(Hold("B", "H", HOLD_ACTION_RELEASE, "2026-03-02T03:00:00Z"));
  b.Add(Hold("B", "H", HOLD_ACTION_PLACE, "2026-03-02T01:00:00Z", v1::HOLD_TYPE_PAYMENT));
  b.Add(Hold("C", "H", HOLD_ACTION_PLACE, "2026-03-03T01:00:00Z", v1::HOLD_TYPE_PAYMENT));
  b.Add(Hold("C", "H", HOLD_ACTION_PLACE, "2026-03-03T02:00:00Z", v1::HOLD_TYPE_PAYMENT));
  b.Add(Hold("C", "H", HOLD_ACTION_RELEASE, "2026-03-03T06:00:00Z"));
  b.Add(Hold("C", "H", HOLD_ACTION_RELEASE, "2026-03-03T09:00:00Z"));  // a repeat
  b.Add(Hold("D", "H", HOLD_ACTION_RELEASE, "2026-03-04T09:00:00Z"));  // no place
  b.Add(Hold("E", "H", HOLD_ACTION_PLACE, "2026-03-31T23:00:00Z", v1::HOLD_TYPE_FRAUD));
  b.Add(Hold("E", "H", HOLD_ACTION_RELEASE, "2026-04-01T01:00:00Z"));  // April
  b.Add(Hold("F", "H", HOLD_ACTION_PLACE, "2026-03-05T00:00:00Z"));  // no type
  const MonthlyReport r = b.Build();
  ASSERT_EQ(r.holds.size(), 6u);
  const HoldFigures& payment = r.holds[v1::HOLD_TYPE_PAYMENT - 1];
  EXPECT_EQ(payment.type, v1::HOLD_TYPE_PAYMENT);
  EXPECT_EQ(payment.placed, 2);
  EXPECT_EQ(payment.released, 2);
  EXPECT_EQ(payment.time_on_hold.Percentile(0.5), Hours(2));
  EXPECT_EQ(payment.time_on_hold.Percentile(0.9), Hours(5));
  const HoldFigures& address = r.holds[v1::HOLD_TYPE_ADDRESS - 1];
  EXPECT_EQ(address.placed, 0);
  EXPECT_EQ(address.released, 1);
  EXPECT_EQ(address.time_on_hold.Percentile(0.5), Hours(4));
  const HoldFigures& fraud = r.holds[v1::HOLD_TYPE_FRAUD - 1];
  EXPECT_EQ(fraud.placed, 1);
  EXPECT_EQ(fraud.released, 0);
  EXPECT_EQ(r.hold_events, 12);
}

TEST(MonthlyText, ChangesAndRates) {
  EXPECT_EQ(FormatChange(5, 2), "+3 (+150.0 %)");
  EXPECT_EQ(FormatChange(1, 2), "-1 (-50.0 %)");
  EXPECT_EQ(FormatChange(2, 2), "0 (0.0 %)");
  EXPECT_EQ(FormatChange(0, 3), "-3 (-100.0 %)");
  EXPECT_EQ(FormatChange(4, 0), "new");
  EXPECT_EQ(FormatChange(0, 0), "0");
  EXPECT_EQ(FormatPer100(6, 9), "66.7");
  EXPECT_EQ(FormatPer100(0, 9), "0.0");
  EXPECT_EQ(FormatPer100(1, 0), "n/a");
}

}  // namespace
}  // namespace orderflow
