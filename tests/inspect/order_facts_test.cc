// OrderFacts: what an order's output records establish, folded in the
// order they were read; a record read twice establishes nothing new.
#include "observe/order_facts.h"

#include "engine/text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/builders.h"

namespace orderflow {
namespace {

using ::orderflow::testing::kT0;
using ::orderflow::testing::Ts;
using ::testing::ElementsAre;

v1::OrderStatusChanged Status(v1::OrderStatus status, EpochMillis at) {
  v1::OrderStatusChanged m;
  m.set_order_id("O-1");
  m.set_status(status);
  *m.mutable_occurred_at() = Ts(at);
  return m;
}

v1::Escalation Escalation(v1::EscalationKind kind, int level,
                          v1::EscalationState state, EpochMillis at) {
  v1::Escalation m;
  m.set_escalation_id(Cat("O-1/", v1::EscalationKind_Name(kind), "/", level));
  m.set_order_id("O-1");
  m.set_kind(kind);
  m.set_level(level);
  m.set_state(state);
  *m.mutable_detected_at() = Ts(at);
  return m;
}

TEST(OrderFactsTest, StatusesInOrderOnceEachWithShippedAndDeliveredTimes) {
  OrderFacts facts;
  EXPECT_EQ(facts.status, v1::ORDER_STATUS_UNSPECIFIED);
  facts.AddStatus(Status(v1::ORDER_STATUS_ACCEPTED, kT0), kT0);
  facts.AddStatus(Status(v1::ORDER_STATUS_ALLOCATED, kT0 + 1), kT0 + 1);
  EXPECT_FALSE(facts.shipped);
  facts.AddStatus(Status(v1::ORDER_STATUS_SHIPPED, kT0 + Hours(5)), 0);
  facts.AddStatus(Status(v1::ORDER_STATUS_SHIPPED, kT0 + Hours(6)), 0);  // again
  facts.AddStatus(Status(v1::ORDER_STATUS_DELIVERED, kT0 + Days(1)), 0);

  EXPECT_THAT(facts.statuses,
              ElementsAre(v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_ALLOCATED,
                          v1::ORDER_STATUS_SHIPPED, v1::ORDER_STATUS_DELIVERED));
  EXPECT_EQ(facts.status, v1::ORDER_STATUS_DELIVERED);
  EXPECT_EQ(facts.status_since, kT0 + Days(1));
  EXPECT_TRUE(facts.shipped);
  EXPECT_EQ(facts.shipped_at, kT0 + Hours(5));  // the first SHIPPED
  EXPECT_EQ(facts.delivered_at, kT0 + Days(1));
  EXPECT_TRUE(facts.Had(v1::ORDER_STATUS_ALLOCATED));
  EXPECT_FALSE(facts.Had(v1::ORDER_STATUS_CANCELLED));
}

TEST(OrderFactsTest, AStatusWithoutItsTimeTakesTheRecordsTime) {
  OrderFacts facts;
  v1::OrderStatusChanged failed = Status(v1::ORDER_STATUS_DELIVERY_FAILED, 0);
  failed.clear_occurred_at();
  *failed.mutable_placed_at() = Ts(kT0);
  failed.add_reasons("NOBODY_HOME");
  facts.AddStatus(failed, kT0 + Hours(3));
  EXPECT_EQ(facts.status_since, kT0 + Hours(3));
  EXPECT_THAT(facts.reasons, ElementsAre("NOBODY_HOME"));
  EXPECT_TRUE(facts.shipped);  // delivery failed: it had left
  EXPECT_EQ(facts.shipped_at, std::nullopt);
  EXPECT_EQ(facts.placed_at, kT0);
  EXPECT_EQ(facts.promised_at, std::nullopt);
}

TEST(OrderFactsTest, TheLatestTaskAndThePromisesOfTheLatestCreate) {
  OrderFacts facts;
  v1::DeliveryTask create;
  create.set_action(v1::TASK_ACTION_CREATE);
  *create.mutable_ship_by() = Ts(kT0 + Hours(4));
  *create.mutable_deliver_by() = Ts(kT0 + Days(2));
  facts.AddTask(create);
  v1::DeliveryTask cancel;
  cancel.set_action(v1::TASK_ACTION_CANCEL);
  facts.Add(Topic::kDeliveryTasks, cancel, kT0);
  EXPECT_EQ(facts.task, v1::TASK_ACTION_CANCEL);
  EXPECT_EQ(facts.ship_by, kT0 + Hours(4));
  EXPECT_EQ(facts.deliver_by, kT0 + Days(2));
}

TEST(OrderFactsTest, EscalationsRaisedOnceAndClearedInPlace) {
  OrderFacts facts;
  const auto risk = v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK;
  const auto missed = v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED;
  facts.AddEscalation(Escalation(risk, 1, v1::ESCALATION_STATE_RAISED, kT0), 0);
  facts.AddEscalation(Escalation(risk, 1, v1::ESCALATION_STATE_RAISED, kT0), 0);
  facts.AddEscalation(
      Escalation(missed, 2, v1::ESCALATION_STATE_RAISED, kT0 + Hours(1)), 0);
  facts.AddEscalation(
      Escalation(risk, 1, v1::ESCALATION_STATE_CLEARED, kT0 + Hours(2)), 0);
  ASSERT_EQ(facts.escalations.size(), 2u);
  EXPECT_EQ(facts.escalations[0].id, "O-1/ESCALATION_KIND_SHIP_DEADLINE_AT_RISK/1");
  EXPECT_FALSE(facts.escalations[0].open);
  EXPECT_EQ(facts.escalations[0].raised_at, kT0);
  EXPECT_TRUE(facts.escalations[1].open);
  EXPECT_EQ(facts.escalations[1].level, 2);

  // Raised again after it was cleared: open, and last.
  facts.AddEscalation(
      Escalation(risk, 1, v1::ESCALATION_STATE_RAISED, kT0 + Hours(3)), 0);
  ASSERT_EQ(facts.escalations.size(), 2u);
  EXPECT_EQ(facts.escalations[1].kind, risk);
  EXPECT_TRUE(facts.escalations[1].open);
  EXPECT_EQ(facts.escalations[1].raised_at, kT0 + Hours(3));
}

TEST(OrderFactsTest, InputTopicsEstablishNothing) {
  OrderFacts facts;
  facts.Add(Topic::kOrders, testing::Order("O-1", {{"SKU-A", 1}}), kT0);
  EXPECT_EQ(facts.status, v1::ORDER_STATUS_UNSPECIFIED);
  EXPECT_TRUE(facts.statuses.empty());
}

}  // namespace
}  // namespace orderflow
