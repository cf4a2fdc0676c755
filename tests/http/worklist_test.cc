// The team lead's worklist (escalation_worklist.h): its order, filters,
// bound and partitions, fed as run and the demo feed it (through the
// order timelines), and GET /api/escalations's answers.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "observe/escalation_worklist.h"
#include "observe/order_timeline.h"

namespace orderflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr EpochMillis kMonday = 1772409600000;  // 2026-03-02T00:00:00Z

v1::Escalation Raised(std::string order, v1::EscalationKind kind, int level,
                      EpochMillis at) {
  v1::Escalation e;
  e.set_escalation_id(order + "/" + v1::EscalationKind_Name(kind) + "/" +
                      std::to_string(level));
  e.set_order_id(order);
  e.set_kind(kind);
  e.set_level(level);
  e.set_state(v1::ESCALATION_STATE_RAISED);
  SetTimestamp(at, e.mutable_detected_at());
  e.set_message("facts of " + order);
  return e;
}

v1::Escalation Cleared(v1::Escalation e) {
  e.set_state(v1::ESCALATION_STATE_CLEARED);
  return e;
}

std::vector<std::string> Ids(const EscalationWorklist::Page& page) {
  std::vector<std::string> ids;
  for (const OpenEscalation& r : page.rows) ids.push_back(r.order_id);
  return ids;
}

TEST(EscalationWorklistTest, HighestLevelFirstThenOldest) {
  EscalationWorklist w;
  w.Apply(Raised("O-1", v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK, 1, kMonday), 0);
  w.Apply(Raised("O-2", v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2, kMonday + 5), 0);
  w.Apply(Raised("O-3", v1::ESCALATION_KIND_DELIVERY_DEADLINE_MISSED, 3, kMonday + 9), 0);
  w.Apply(Raised("O-4", v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2, kMonday + 1), 0);
  w.Apply(Raised("O-5", v1::ESCALATION_KIND_BACKORDER_AGED, 1, kMonday - 1), 0);
  EXPECT_THAT(Ids(w.List({})), ElementsAre("O-3", "O-4", "O-2", "O-5", "O-1"));
  EXPECT_EQ(w.List({}).open, 5);
}

TEST(EscalationWorklistTest, ClearedLeavesAndRaisedAgainReplaces) {
  EscalationWorklist w;
  const v1::Escalation a = Raised("O-1", v1::ESCALATION_KIND_BACKORDER_AGED, 1, kMonday);
  const v1::Escalation b = Raised("O-1", v1::ESCALATION_KIND_BACKORDER_AGED, 2, kMonday + 1);
  w.Apply(a, 0);
  w.Apply(b, 0);
  EXPECT_EQ(w.size(), 2);  // one row per escalation id, as the order page
  w.Apply(Cleared(a), 0);
  ASSERT_EQ(w.List({}).rows.size(), 1u);
  EXPECT_EQ(w.List({}).rows[0].level, 2);
  w.Apply(Cleared(a), 0);  // cleared twice: nothing
  w.Apply(b, 0);           // the same RAISED again: still one row
  EXPECT_EQ(w.size(), 1);
  w.Apply(Cleared(b), 0);
  EXPECT_EQ(w.size(), 0);
}

TEST(EscalationWorklistTest, FiltersByKindAndLevelAndCountsBeforeTheLimit) {
  EscalationWorklist w;
  for (int i = 0; i < 6; ++i) {
    w.Apply(Raised("O-" + std::to_string(i),
                   i % 2 == 0 ? v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED
                              : v1::ESCALATION_KIND_CUSTOMER_CONTACT,
                   1 + i % 3, kMonday + i),
            0);
  }
  EscalationWorklist::Page page =
      w.List({.kind = v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED});
  EXPECT_THAT(Ids(page), ElementsAre("O-2", "O-4", "O-0"));
  page = w.List({.level = 2});
  EXPECT_THAT(Ids(page), ElementsAre("O-1", "O-4"));
  page = w.List({.kind = v1::ESCALATION_KIND_CUSTOMER_CONTACT, .level = 3});
  EXPECT_THAT(Ids(page), ElementsAre("O-5"));
  page = w.List({.limit = 2});
  EXPECT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.matching, 6);
  EXPECT_EQ(page.by_kind["SHIP_DEADLINE_MISSED"], 3);
  EXPECT_EQ(page.by_level[3], 2);
}

TEST(EscalationWorklistTest, BoundedKeepsTheMostPressingAndCountsTheDropped) {
  EscalationWorklist w(3);
  w.Apply(Raised("O-1", v1::ESCALATION_KIND_BACKORDER_AGED, 1, kMonday), 0);
  w.Apply(Raised("O-2", v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2, kMonday), 0);
  w.Apply(Raised("O-3", v1::ESCALATION_KIND_BACKORDER_AGED, 1, kMonday + 1), 0);
  w.Apply(Raised("O-4", v1::ESCALATION_KIND_DELIVERY_DEADLINE_MISSED, 3, kMonday + 2), 0);
  w.Apply(Raised("O-5", v1::ESCALATION_KIND_BACKORDER_AGED, 1, kMonday + 3), 0);
  const EscalationWorklist::Page page = w.List({});
  EXPECT_THAT(Ids(page), ElementsAre("O-4", "O-2", "O-1"));
  EXPECT_EQ(page.dropped, 2);  // O-3, then O-5 itself
  EXPECT_EQ(page.open, 3);
}

TEST(EscalationWorklistTest, FollowsThePartitionsTheTimelinesKeep) {
  OrderTimelines timelines(ObserveSettings{});
  EscalationWorklist w;
  timelines.SetListener(&w);
  timelines.RecordOutput("escalations", "O-1", kMonday,
                         Raised("O-1", v1::ESCALATION_KIND_HOLD_AGED, 1, kMonday));
  timelines.RecordOutput("orderflow.escalations.v1", "O-2", kMonday,
                         Raised("O-2", v1::ESCALATION_KIND_HOLD_AGED, 1, kMonday));
  EXPECT_EQ(w.size(), 2);
  timelines.KeepOnly([](std::string_view id) { return id == "O-2"; });
  EXPECT_THAT(Ids(w.List({})), ElementsAre("O-2"));
  // Records of orders left out are ignored from then on.
  timelines.RecordOutput("escalations", "O-3", kMonday,
                         Raised("O-3", v1::ESCALATION_KIND_HOLD_AGED, 1, kMonday));
  EXPECT_EQ(w.size(), 1);
  timelines.KeepOnly(nullptr);
  timelines.RecordOutput("escalations", "O-3", kMonday,
                         Raised("O-3", v1::ESCALATION_KIND_HOLD_AGED, 1, kMonday));
  EXPECT_EQ(w.size(), 2);
}

TEST(EscalationWorklistTest, ServesJsonWithFiltersAndRefusesNonsense) {
  EscalationWorklist w;
  v1::Escalation contact =
      Raised("O-7", v1::ESCALATION_KIND_CUSTOMER_CONTACT, 2, kMonday);
  contact.set_root_cause("SHIPMENT_LATE");
  w.Apply(contact, 0);
  w.Apply(Raised("O-8", v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2, kMonday + 1), 0);
  auto [status, body] = HandleEscalationsRequest(w, {{"kind", "customer_contact"}});
  ASSERT_EQ(status, 200);
  const auto j = nlohmann::json::parse(body);
  ASSERT_EQ(j["escalations"].size(), 1u);
  const auto& row = j["escalations"][0];
  EXPECT_EQ(row["escalationId"], contact.escalation_id());
  EXPECT_EQ(row["kind"], "CUSTOMER_CONTACT");
  EXPECT_EQ(row["level"], 2);
  EXPECT_EQ(row["orderId"], "O-7");
  EXPECT_EQ(row["detectedAt"], "2026-03-02T00:00:00Z");
  EXPECT_EQ(row["message"], "facts of O-7");
  EXPECT_EQ(row["rootCause"], "SHIPMENT_LATE");
  EXPECT_EQ(j["matching"], 1);
  EXPECT_EQ(j["open"], 2);
  EXPECT_EQ(j["byLevel"]["2"], 2);

  std::tie(status, body) = HandleEscalationsRequest(w, {{"kind", ""}, {"level", "2"}});
  EXPECT_EQ(status, 200);
  EXPECT_FALSE(nlohmann::json::parse(body)["escalations"][1].contains("rootCause"));
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{
           {"kind", "LATE"}, {"level", "4"}, {"level", "x"}, {"limit", "0"},
           {"limit", "10001"}, {"sort", "age"}}) {
    std::tie(status, body) = HandleEscalationsRequest(w, {{key, value}});
    EXPECT_EQ(status, 400) << key << "=" << value;
    EXPECT_THAT(body, HasSubstr("\"error\"")) << key << "=" << value;
  }
}

}  // namespace
}  // namespace orderflow
