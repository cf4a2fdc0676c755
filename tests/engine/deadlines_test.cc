// Rules 6 and 7, deadlines and escalation identity: each rung of the
// ladder falls due at its time (not a second earlier), per service level;
// shipping, delivery and allocation clear what they resolve; an
// escalation id is "<orderId>/<KIND>/<level>/<placedAt>", raised once,
// cleared once, and not repeated by an order under a forgotten id.
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class DeadlinesTest : public EngineTest {
 protected:
  // An order placed at kT0 and allocated at once, so only the ship and
  // delivery rungs can fall due.
  void PlaceAllocated(std::string_view id, v1::ServiceLevel level) {
    Stock(Receipt("SKU-A", 1, kT0));
    Place(Order(id, {{"SKU-A", 1}}, level));
    out_.Take();
  }
  // The RAISED record of `id` came out with detectedAt `due`.
  void ExpectDetectedAt(std::string_view id, EpochMillis due) {
    EXPECT_EQ(Ms(out_.Escalation(id, v1::ESCALATION_STATE_RAISED).detected_at()), due)
        << id;
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(DeadlinesTest);

TEST_P(DeadlinesTest, StandardLadder) {
  PlaceAllocated("O-1", kStandard);  // promised kT0+5d, shipBy kT0+2d

  ExpectNothingUntilThen(kT0 + Days(2) - Hours(4), {"RAISED O-1/SHIP_DEADLINE_AT_RISK/1"});
  ExpectNothingUntilThen(kT0 + Days(2), {"RAISED O-1/SHIP_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Days(5), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Days(7), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/3"});
  AdvanceTo(kT0 + Days(60));
  EXPECT_THAT(out_.Take(), IsEmpty());

  ExpectDetectedAt("O-1/SHIP_DEADLINE_AT_RISK/1", kT0 + Days(2) - Hours(4));
  ExpectDetectedAt("O-1/SHIP_DEADLINE_MISSED/2", kT0 + Days(2));
  ExpectDetectedAt("O-1/DELIVERY_DEADLINE_MISSED/2", kT0 + Days(5));
  ExpectDetectedAt("O-1/DELIVERY_DEADLINE_MISSED/3", kT0 + Days(7));
}

// Timers due at the same millisecond fire in order id order, whatever
// order the orders came in, also for an order that comes when the others
// are about to fire.
TEST_P(DeadlinesTest, TimersDueTogetherFireInOrderIdOrder) {
  const EpochMillis at_risk = kT0 + Days(2) - Hours(4);
  Stock(Receipt("SKU-A", 10, kT0));
  Place(Order("O-3"));
  Place(Order("O-1"));
  AdvanceTo(at_risk - Seconds(30));
  Place(Order("O-2"), at_risk - Seconds(10));  // placed at kT0, arrives late
  Place(Order("O-0"), at_risk - Seconds(5));
  out_.Take();

  AdvanceTo(at_risk);
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-0/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-1/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-2/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-3/SHIP_DEADLINE_AT_RISK/1"));
}

// Thousands of orders placed in one second share their deadlines. Orders
// that join the group while it is next to fire, and cancelled ones among
// them, still fire once each, in order id order.
TEST_P(DeadlinesTest, ManyTimersDueTogether) {
  const EpochMillis at_risk = kT0 + Days(2) - Hours(4);
  constexpr int kOrders = 3000;
  Stock(Receipt("SKU-A", kOrders, kT0));
  auto id = [](int n) {  // scrambled arrival order, ids of varying length
    return "O-" + std::to_string((n * 7919) % kOrders);
  };
  for (int n = 0; n < kOrders / 2; ++n) Place(Order(id(n)));
  AdvanceTo(at_risk - Seconds(30));  // the group is next to fire
  for (int n = kOrders / 2; n < kOrders; ++n) {
    Place(Order(id(n)), at_risk - Seconds(20));
  }
  for (int n = 0; n < kOrders; n += 10) {
    Cancel(Cancellation(id(n), at_risk - Seconds(10)), at_risk - Seconds(10));
  }
  out_.Take();

  AdvanceTo(at_risk);
  std::vector<std::string> expected;
  for (int n = 0; n < kOrders; ++n) {
    if (n % 10 != 0) {
      expected.push_back("RAISED " + id(n) + "/SHIP_DEADLINE_AT_RISK/1");
    }
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(out_.Take(), expected);
}

TEST_P(DeadlinesTest, ExpressLadder) {
  PlaceAllocated("O-1", kExpress);  // promised kT0+2d, shipBy kT0+1d

  ExpectNothingUntilThen(kT0 + Hours(20), {"RAISED O-1/SHIP_DEADLINE_AT_RISK/1"});
  ExpectNothingUntilThen(kT0 + Days(1), {"RAISED O-1/SHIP_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Days(2), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Days(4), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/3"});
}

TEST_P(DeadlinesTest, OvernightLadder) {
  PlaceAllocated("O-1", kOvernight);  // promised kT0+1d, shipBy kT0+12h

  ExpectNothingUntilThen(kT0 + Hours(8), {"RAISED O-1/SHIP_DEADLINE_AT_RISK/1"});
  ExpectNothingUntilThen(kT0 + Hours(12), {"RAISED O-1/SHIP_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Days(1), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Days(3), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/3"});
}

TEST_P(DeadlinesTest, GivenPromiseSetsTheLadderMinusTheLevelsTransit) {
  Stock(Receipt("SKU-A", 1, kT0));
  Place(Promised(Order("O-1", {{"SKU-A", 1}}, kExpress), kT0 + Days(3)));
  out_.Take();
  EXPECT_EQ(Ms(out_.Tasks("O-1")[0].ship_by()), kT0 + Days(2));

  ExpectNothingUntilThen(kT0 + Days(2) - Hours(4), {"RAISED O-1/SHIP_DEADLINE_AT_RISK/1"});
  ExpectNothingUntilThen(kT0 + Days(2), {"RAISED O-1/SHIP_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Days(3), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Days(5), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/3"});
}

TEST_P(DeadlinesTest, BackorderAgesFromWhenItWasBackordered) {
  // Placed at kT0 but received an hour later; promised far ahead so that
  // no ship rung interferes.
  Place(Promised(Order("O-1", {{"SKU-A", 1}}), kT0 + Days(30)), kT0 + Hours(1));
  out_.Take();

  ExpectNothingUntilThen(kT0 + Hours(1 + 24), {"RAISED O-1/BACKORDER_AGED/1"});
  ExpectNothingUntilThen(kT0 + Hours(1 + 72), {"RAISED O-1/BACKORDER_AGED/2"});
  const v1::Escalation aged =
      out_.Escalation("O-1/BACKORDER_AGED/1", v1::ESCALATION_STATE_RAISED);
  EXPECT_EQ(aged.level(), 1);
  EXPECT_THAT(aged.message(), HasSubstr("SKU-A"));
  EXPECT_EQ(out_.Escalation("O-1/BACKORDER_AGED/2", v1::ESCALATION_STATE_RAISED).level(), 2);
}

TEST_P(DeadlinesTest, ThresholdsComeFromTheConfiguration) {
  Reconfigure([](EngineConfig& c) {
    c.overnight = {Hours(10), Hours(2)};
    c.ship_at_risk_window = Hours(1);
    c.delivery_level3_after = Hours(5);
  });
  PlaceAllocated("O-1", kOvernight);  // promised kT0+10h, shipBy kT0+8h

  ExpectNothingUntilThen(kT0 + Hours(7), {"RAISED O-1/SHIP_DEADLINE_AT_RISK/1"});
  ExpectNothingUntilThen(kT0 + Hours(8), {"RAISED O-1/SHIP_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Hours(10), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/2"});
  ExpectNothingUntilThen(kT0 + Hours(15), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/3"});
}

TEST_P(DeadlinesTest, ShippingClearsShipAndBackorderRungsButNotDelivery) {
  Place(Order("O-1", {{"SKU-A", 1}}));  // STANDARD, backordered at kT0
  AdvanceTo(kT0 + Hours(49));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "RAISED O-1/BACKORDER_AGED/1",
                          "RAISED O-1/SHIP_DEADLINE_AT_RISK/1",
                          "RAISED O-1/SHIP_DEADLINE_MISSED/2"));

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(50)));
  const std::vector<std::string> lines = out_.Take();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "status O-1 BACKORDERED -> SHIPPED");
  EXPECT_THAT(lines, ::testing::UnorderedElementsAre(
                         "status O-1 BACKORDERED -> SHIPPED",
                         "CLEARED O-1/SHIP_DEADLINE_AT_RISK/1",
                         "CLEARED O-1/SHIP_DEADLINE_MISSED/2",
                         "CLEARED O-1/BACKORDER_AGED/1"));

  // Shipped: the second backorder rung never comes; the delivery rungs do.
  ExpectNothingUntilThen(kT0 + Days(5), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/2"});

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(6)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 SHIPPED -> DELIVERED",
                                       "CLEARED O-1/DELIVERY_DEADLINE_MISSED/2"));
  AdvanceTo(kT0 + Days(60));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(DeadlinesTest, DeliveryClearsBothDeliveryRungs) {
  PlaceAllocated("O-1", kOvernight);
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  AdvanceTo(kT0 + Days(3));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED",
                                       "RAISED O-1/DELIVERY_DEADLINE_MISSED/2",
                                       "RAISED O-1/DELIVERY_DEADLINE_MISSED/3"));

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(3) + Hours(1)));
  const std::vector<std::string> lines = out_.Take();
  EXPECT_THAT(lines, ::testing::UnorderedElementsAre(
                         "status O-1 SHIPPED -> DELIVERED",
                         "CLEARED O-1/DELIVERY_DEADLINE_MISSED/2",
                         "CLEARED O-1/DELIVERY_DEADLINE_MISSED/3"));
}

TEST_P(DeadlinesTest, DeliveredOnTimeRaisesNothing) {
  PlaceAllocated("O-1", kOvernight);
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(20)));
  out_.Take();

  AdvanceTo(kT0 + Days(60));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(DeadlinesTest, AllocationClearsBackorderAged) {
  Place(Promised(Order("O-1", {{"SKU-A", 1}}), kT0 + Days(30)));
  AdvanceTo(kT0 + Hours(24));
  out_.Take();

  Stock(Receipt("SKU-A", 1, kT0 + Hours(30)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x1]",
                                       "CLEARED O-1/BACKORDER_AGED/1"));

  AdvanceTo(kT0 + Hours(100));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(DeadlinesTest, FailedDeliveryStillMissesItsPromiseButNotItsShipBy) {
  PlaceAllocated("O-1", kStandard);
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Days(1)));
  out_.Take();

  ExpectNothingUntilThen(kT0 + Days(5), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/2"});
}

TEST_P(DeadlinesTest, CancelledOrderNeverMissesADeadline) {
  PlaceAllocated("O-1", kOvernight);
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  out_.Take();

  AdvanceTo(kT0 + Days(60));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(DeadlinesTest, ClockJumpRaisesEveryRungOnceInDueOrder) {
  PlaceAllocated("O-1", kOvernight);

  AdvanceTo(kT0 + Days(30));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-1/SHIP_DEADLINE_MISSED/2",
                                       "RAISED O-1/DELIVERY_DEADLINE_MISSED/2",
                                       "RAISED O-1/DELIVERY_DEADLINE_MISSED/3"));
  ExpectDetectedAt("O-1/SHIP_DEADLINE_AT_RISK/1", kT0 + Hours(8));
  ExpectDetectedAt("O-1/DELIVERY_DEADLINE_MISSED/3", kT0 + Days(3));

  AdvanceTo(kT0 + Days(31));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

// Rule 7 for the life of the topic: an order id sent again after the
// closed order was forgotten (retention.closed_orders, 30 days) is a new
// order, and its escalations do not repeat the old order's ids.
TEST_P(DeadlinesTest, AnOrderIdSentAgainAfterRetentionGetsNewEscalationIds) {
  Place(Order("O-1", {{"SKU-A", 1}}, kOvernight));
  AdvanceTo(kT0 + Hours(8));
  Cancel(Cancellation("O-1", kT0 + Hours(9)));
  const EpochMillis again = kT0 + Days(34);
  Place(Order("O-1", {{"SKU-A", 1}}, kOvernight, again));
  AdvanceTo(again + Hours(8));

  std::vector<std::string> raised;
  for (const v1::Escalation& e : out_.Escalations("O-1")) {
    if (e.kind() != v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK) continue;
    if (e.state() == v1::ESCALATION_STATE_RAISED) raised.push_back(e.escalation_id());
  }
  EXPECT_THAT(raised, ElementsAre("O-1/SHIP_DEADLINE_AT_RISK/1/2026-03-02T10:00:00Z",
                                  "O-1/SHIP_DEADLINE_AT_RISK/1/2026-04-05T10:00:00Z"));
  EXPECT_THAT(out_.ContractViolations(), IsEmpty());
}

// Milliseconds of placedAt are kept: two orders a moment apart differ.
TEST_P(DeadlinesTest, EscalationIdKeepsPlacedAtMilliseconds) {
  v1::OrderPlaced order = Order("O-1", {{"SKU-A", 1}}, kOvernight, kT0 + 250);
  order.clear_customer_id();
  Place(order);
  EXPECT_EQ(out_.Escalations("O-1").at(0).escalation_id(),
            "O-1/VALIDATION_FAILED/1/2026-03-02T10:00:00.250Z");
}

TEST_P(DeadlinesTest, EscalationIdIsOrderKindLevelAndPlacedAtForRaiseAndClear) {
  PlaceAllocated("ORD-77", kOvernight);
  AdvanceTo(kT0 + Hours(8));
  Ship(Shipment("ORD-77", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(9)));

  const std::vector<v1::Escalation> escalations = out_.Escalations("ORD-77");
  ASSERT_EQ(escalations.size(), 2u);
  for (const v1::Escalation& e : escalations) {
    EXPECT_EQ(e.escalation_id(), "ORD-77/SHIP_DEADLINE_AT_RISK/1/2026-03-02T10:00:00Z");
    EXPECT_EQ(e.order_id(), "ORD-77");
    EXPECT_EQ(e.kind(), v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK);
    EXPECT_EQ(e.level(), 1);
    EXPECT_FALSE(e.message().empty());
  }
  EXPECT_EQ(escalations[0].state(), v1::ESCALATION_STATE_RAISED);
  EXPECT_EQ(escalations[1].state(), v1::ESCALATION_STATE_CLEARED);
}

TEST_P(DeadlinesTest, EachRungIsRaisedOnceAndClearedOnce) {
  PlaceAllocated("O-1", kOvernight);
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Hours(5)));
  Cancel(Cancellation("O-1", kT0 + Hours(21)));
  Cancel(Cancellation("O-1", kT0 + Hours(22)));
  AdvanceTo(kT0 + Days(2));
  Ship(Shipment("O-1", "S-3", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(3) + Hours(1)));
  Ship(Shipment("O-1", "S-4", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(3) + Hours(2)));

  EXPECT_THAT(out_.Take(),
              ::testing::UnorderedElementsAre(
                          "status O-1 ALLOCATED -> SHIPPED",
                          "status O-1 SHIPPED -> DELIVERY_FAILED",
                          "RAISED O-1/DELIVERY_FAILED/2",
                          "RAISED O-1/CANCEL_AFTER_SHIPMENT/2",
                          "RAISED O-1/DELIVERY_DEADLINE_MISSED/2",
                          "RAISED O-1/DELIVERY_DEADLINE_MISSED/3",
                          "status O-1 DELIVERY_FAILED -> DELIVERED",
                          "CLEARED O-1/DELIVERY_DEADLINE_MISSED/2",
                          "CLEARED O-1/DELIVERY_DEADLINE_MISSED/3",
                          "CLEARED O-1/DELIVERY_FAILED/2"));
}

// A deadline already past when the engine learns of the order fires at
// once, detected at the engine time it was found (the record's time), not
// at the due time days before the record that made the order known; those
// not yet due still fire at their due time.
TEST_P(DeadlinesTest, DeadlinePastOnArrivalIsDetectedWhenTheOrderArrives) {
  const EpochMillis arrived = kT0 + Days(3);  // shipBy kT0+2d has passed
  Stock(Receipt("SKU-A", 1, kT0));
  out_.Take();
  Place(Order("O-1"), arrived);

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x1]",
                                       "RAISED O-1/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-1/SHIP_DEADLINE_MISSED/2"));
  ExpectDetectedAt("O-1/SHIP_DEADLINE_AT_RISK/1", arrived);
  ExpectDetectedAt("O-1/SHIP_DEADLINE_MISSED/2", arrived);
  ExpectNothingUntilThen(kT0 + Days(5), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/2"});
  ExpectDetectedAt("O-1/DELIVERY_DEADLINE_MISSED/2", kT0 + Days(5));
}

// A late record (older than the clock) is applied at the clock: what it
// finds overdue is detected at the clock, never before.
TEST_P(DeadlinesTest, DeadlinePastOnALateRecordIsDetectedAtTheClock) {
  Stock(Receipt("SKU-A", 1, kT0));
  AdvanceTo(kT0 + Days(6));
  out_.Take();
  Place(Order("O-1"), kT0 + Days(3));  // stamped before the clock

  for (const v1::Escalation& e : out_.Escalations("O-1")) {
    EXPECT_EQ(Ms(e.detected_at()), kT0 + Days(6)) << e.escalation_id();
  }
  EXPECT_EQ(out_.Escalations("O-1").size(), 3u);  // at risk, missed, delivery
  out_.Take();
  ExpectNothingUntilThen(kT0 + Days(7), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/3"});
  ExpectDetectedAt("O-1/DELIVERY_DEADLINE_MISSED/3", kT0 + Days(7));
}

}  // namespace
}  // namespace orderflow::testing
