// Rule 12, holds: an order not yet shipped is ON_HOLD while a hold is
// open: it keeps and gains reservations but gets no task (an existing task
// gets HOLD, then RELEASE); HOLD_AGED at its type's limit and twice it;
// RELEASE with CANCEL_ORDER cancels; a hold after SHIPPED escalates.
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::HoldEvent Placed(std::string_view order_id, std::string_view hold_id,
                     v1::HoldType type, EpochMillis at) {
  v1::HoldEvent e;
  e.set_order_id(std::string(order_id));
  e.set_hold_id(std::string(hold_id));
  e.set_action(v1::HOLD_ACTION_PLACE);
  e.set_type(type);
  *e.mutable_occurred_at() = Ts(at);
  e.set_note("checking");
  return e;
}

v1::HoldEvent Released(std::string_view order_id, std::string_view hold_id,
                       EpochMillis at,
                       v1::HoldOutcome outcome = v1::HOLD_OUTCOME_RESUME) {
  v1::HoldEvent e;
  e.set_order_id(std::string(order_id));
  e.set_hold_id(std::string(hold_id));
  e.set_action(v1::HOLD_ACTION_RELEASE);
  *e.mutable_occurred_at() = Ts(at);
  e.set_outcome(outcome);
  return e;
}

constexpr v1::HoldType kPayment = v1::HOLD_TYPE_PAYMENT;
constexpr v1::HoldType kFraud = v1::HOLD_TYPE_FRAUD;

using HoldTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(HoldTest);

TEST_P(HoldTest, BackorderedOrderGainsStockWhileHeldAndGetsItsTaskOnRelease) {
  Stock(Receipt("SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  out_.Take();

  Hold(Placed("O-1", "H-1", kPayment, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ON_HOLD [HOLD_PAYMENT]"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ON_HOLD);

  Stock(Receipt("SKU-A", 5, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), IsEmpty());  // reserved, but no task while held
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 6, .reserved = 2}));

  Hold(Released("O-1", "H-1", kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> ALLOCATED",
                          "task O-1/delivery CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(Ms(out_.Tasks("O-1")[0].created_at()), kT0 + Hours(3));
}

TEST_P(HoldTest, StillShortOnReleaseTheOrderIsBackorderedAgain) {
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  Hold(Placed("O-1", "H-1", kPayment, kT0 + Hours(1)));
  out_.Take();
  Hold(Released("O-1", "H-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> BACKORDERED "
                          "[SHORT_STOCK:SKU-A, SHORT_STOCK:SKU-B]"));
}

TEST_P(HoldTest, TwoHoldsOfDifferentTypesReleasedInEitherOrder) {
  Stock(Receipt("SKU-A", 10, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Place(Order("O-2", {{"SKU-A", 3}}));
  out_.Take();

  for (const char* id : {"O-1", "O-2"}) {
    Hold(Placed(id, "H-PAY", kPayment, kT0 + Hours(1)));
    Hold(Placed(id, "H-FRAUD", kFraud, kT0 + Hours(1)));
  }
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> ON_HOLD [HOLD_PAYMENT]",
                          "task O-1/delivery HOLD [L1 SKU-A x2]",
                          "status O-2 ALLOCATED -> ON_HOLD [HOLD_PAYMENT]",
                          "task O-2/delivery HOLD [L1 SKU-A x3]"));

  Hold(Released("O-1", "H-PAY", kT0 + Hours(2)));
  Hold(Released("O-2", "H-FRAUD", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), IsEmpty());  // each still has a hold open

  Hold(Released("O-1", "H-FRAUD", kT0 + Hours(3)));
  Hold(Released("O-2", "H-PAY", kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> ALLOCATED",
                          "task O-1/delivery RELEASE [L1 SKU-A x2]",
                          "status O-2 ON_HOLD -> ALLOCATED",
                          "task O-2/delivery RELEASE [L1 SKU-A x3]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 5}));
}

// A task already PICKED is still sent HOLD: the goods have not left, and
// the warehouse is the one that can stop them.
TEST_P(HoldTest, APickedTaskIsSentHoldAndShippingAnywayEscalates) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(1)));
  out_.Take();

  Hold(Placed("O-1", "H-1", kFraud, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> ON_HOLD [HOLD_FRAUD]",
                          "task O-1/delivery HOLD [L1 SKU-A x2]"));

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> SHIPPED",
                          "RAISED O-1/HOLD_AFTER_SHIPMENT/2"));
  EXPECT_THAT(out_.Escalation("O-1/HOLD_AFTER_SHIPMENT/2",
                              v1::ESCALATION_STATE_RAISED)
                  .message(),
              HasSubstr("shipped while on hold (FRAUD hold H-1 since "));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));

  AdvanceTo(kT0 + Days(1));  // a shipped order does not age on hold
  Hold(Released("O-1", "H-1", kT0 + Days(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(HoldTest, AHoldBeforeItsOrderWaitsForIt) {
  Stock(Receipt("SKU-A", 5, kT0));
  Hold(Placed("O-1", "H-1", kPayment, kT0 - Hours(1)), kT0 - Hours(1));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Place(Order("O-1", {{"SKU-A", 2}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ON_HOLD [HOLD_PAYMENT]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 2}));

  Hold(Released("O-1", "H-1", kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> ALLOCATED",
                          "task O-1/delivery CREATE [L1 SKU-A x2]"));
}

TEST_P(HoldTest, AHoldWhoseOrderNeverComesIsDeadLettered) {
  Hold(Placed("O-9", "H-1", kPayment, kT0));
  Hold(Placed("O-9", "H-1", kPayment, kT0 + Hours(1)));  // a repeat
  ExpectNothingUntilThen(kT0 + Days(7),
                         {"dead-letter holds/O-9 UNMATCHED_HOLD"});
  EXPECT_THAT(out_.DeadLetters()[0].detail(),
              HasSubstr("no order O-9 arrived within 168h of this hold"));
}

TEST_P(HoldTest, HoldAgedAtTheLimitAndTwiceItThenClearedOnRelease) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Hold(Placed("O-1", "H-1", kFraud, kT0 + Hours(1)));  // 4h
  out_.Take();

  ExpectNothingUntilThen(kT0 + Hours(5), {"RAISED O-1/HOLD_AGED/1"});
  EXPECT_THAT(out_.Escalation("O-1/HOLD_AGED/1", v1::ESCALATION_STATE_RAISED)
                  .message(),
              HasSubstr("has been on FRAUD hold H-1 since "));
  ExpectNothingUntilThen(kT0 + Hours(9), {"RAISED O-1/HOLD_AGED/2"});
  EXPECT_THAT(out_.Escalation("O-1/HOLD_AGED/2", v1::ESCALATION_STATE_RAISED)
                  .message(),
              HasSubstr("longer than twice the 4h"));

  Hold(Released("O-1", "H-1", kT0 + Hours(10)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> ALLOCATED",
                          "task O-1/delivery RELEASE [L1 SKU-A x1]",
                          "CLEARED O-1/HOLD_AGED/1", "CLEARED O-1/HOLD_AGED/2"));
}

TEST_P(HoldTest, HoldAgedFollowsTheLimitsConfigured) {
  Reconfigure([](EngineConfig& c) { c.holds.payment = Hours(2); });
  Place(Order("O-1", {{"SKU-A", 1}}));
  Hold(Placed("O-1", "H-1", kPayment, kT0));
  out_.Take();
  ExpectNothingUntilThen(kT0 + Hours(2), {"RAISED O-1/HOLD_AGED/1"});
  ExpectNothingUntilThen(kT0 + Hours(4), {"RAISED O-1/HOLD_AGED/2"});
}

// With two holds open, releasing the one that aged clears HOLD_AGED; the
// other, younger, is not yet past its limit.
TEST_P(HoldTest, ReleasingTheAgedHoldClearsWhileAYoungerStaysOpen) {
  Place(Order("O-1", {{"SKU-A", 1}}));
  Hold(Placed("O-1", "H-F", kFraud, kT0));                // ages at +4h
  Hold(Placed("O-1", "H-P", kPayment, kT0 + Hours(1)));  // ages at +25h
  out_.Take();
  AdvanceTo(kT0 + Hours(5));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/HOLD_AGED/1"));
  Hold(Released("O-1", "H-F", kT0 + Hours(6)));
  EXPECT_THAT(out_.Take(), ElementsAre("CLEARED O-1/HOLD_AGED/1"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ON_HOLD);
}

TEST_P(HoldTest, ReleaseWithCancelOrderCancelsByRuleFour) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Hold(Placed("O-1", "H-1", kFraud, kT0 + Hours(1)));
  AdvanceTo(kT0 + Hours(6));
  out_.Take();

  Hold(Released("O-1", "H-1", kT0 + Hours(6), v1::HOLD_OUTCOME_CANCEL_ORDER));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> CANCELLED [HOLD_FRAUD]",
                          "task O-1/delivery CANCEL [L1 SKU-A x2]",
                          "CLEARED O-1/HOLD_AGED/1"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 0}));
}

TEST_P(HoldTest, AHoldAfterShipmentEscalatesAndHoldsNothing) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  out_.Take();

  Hold(Placed("O-1", "H-1", kPayment, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/HOLD_AFTER_SHIPMENT/2"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_SHIPPED);
  EXPECT_THAT(out_.Escalation("O-1/HOLD_AFTER_SHIPMENT/2",
                              v1::ESCALATION_STATE_RAISED)
                  .message(),
              HasSubstr("was put on hold (PAYMENT hold H-1) at "));

  AdvanceTo(kT0 + Days(2));  // no HOLD_AGED
  Hold(Released("O-1", "H-1", kT0 + Days(2)));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(HoldTest, ShipDeadlineMessagesNameTheOpenHolds) {
  Place(Order("O-1", {{"SKU-A", 1}}));  // STANDARD: shipBy kT0 + 2 days
  Hold(Placed("O-1", "H-1", v1::HOLD_TYPE_CUSTOMER_REQUEST, kT0 + Hours(1)));
  out_.Take();

  ExpectNothingUntilThen(kT0 + Hours(44),
                         {"RAISED O-1/SHIP_DEADLINE_AT_RISK/1"});
  const std::string message =
      out_.Escalation("O-1/SHIP_DEADLINE_AT_RISK/1", v1::ESCALATION_STATE_RAISED)
          .message();
  EXPECT_THAT(message, HasSubstr("has not shipped and must ship by "));
  EXPECT_THAT(message,
              HasSubstr("; it is on hold: CUSTOMER_REQUEST hold H-1 since "));
}

TEST_P(HoldTest, RepeatsAreNoOpsAndBadEventsAreDeadLettered) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  out_.Take();

  Hold(Placed("O-1", "H-1", kPayment, kT0 + Hours(1)));
  Hold(Placed("O-1", "H-1", kPayment, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> ON_HOLD [HOLD_PAYMENT]",
                          "task O-1/delivery HOLD [L1 SKU-A x1]"));
  Hold(Released("O-1", "H-1", kT0 + Hours(3)));
  Hold(Released("O-1", "H-1", kT0 + Hours(4)));
  Hold(Placed("O-1", "H-1", kPayment, kT0 + Hours(5)));  // after its release
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> ALLOCATED",
                          "task O-1/delivery RELEASE [L1 SKU-A x1]"));

  Hold(Released("O-1", "H-404", kT0 + Hours(6)));
  v1::HoldEvent no_id = Placed("O-1", "", kPayment, kT0 + Hours(6));
  Hold(no_id);
  v1::HoldEvent no_type = Placed("O-1", "H-2", kPayment, kT0 + Hours(6));
  no_type.clear_type();
  Hold(no_type);
  v1::HoldEvent bad_action = Placed("O-1", "H-3", kPayment, kT0 + Hours(6));
  bad_action.set_action(static_cast<v1::HoldAction>(7));
  Hold(bad_action);
  v1::HoldEvent no_time = Placed("O-1", "H-4", kPayment, kT0 + Hours(6));
  no_time.clear_occurred_at();
  Hold(no_time, kT0 + Hours(6));
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter holds/O-1 UNKNOWN_HOLD",
                                       "dead-letter holds/O-1 MISSING_FIELD",
                                       "dead-letter holds/O-1 MISSING_FIELD",
                                       "dead-letter holds/O-1 INVALID_VALUE",
                                       "dead-letter holds/O-1 MISSING_FIELD"));
  const std::vector<v1::DeadLetter> dead = out_.DeadLetters();
  EXPECT_EQ(dead[0].detail(), "order O-1 has no hold H-404 to release");
  EXPECT_EQ(dead[1].detail(), "holdId missing");
  EXPECT_EQ(dead[2].detail(), "type missing");
  EXPECT_EQ(dead[3].detail(), "action 7 is not a hold action");
  EXPECT_EQ(dead[4].detail(), "occurredAt missing");
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
}

TEST_P(HoldTest, ACancellationOfAHeldOrderCancelsIt) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Hold(Placed("O-1", "H-1", kPayment, kT0 + Hours(1)));
  out_.Take();
  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ON_HOLD -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-1/delivery CANCEL [L1 SKU-A x2]"));
  AdvanceTo(kT0 + Days(3));  // no HOLD_AGED for a cancelled order
  Hold(Released("O-1", "H-1", kT0 + Days(3)));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

// A pipeline restored from its order shards' snapshots (through their
// bytes) mid-way, with holds open, one task held and HOLD_AGED due, goes on
// exactly as the original.
TEST_P(HoldTest, SnapshotAndRestoreKeepTheHolds) {
  Stock(Receipt("SKU-A", 2, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));  // allocated, its task held
  Place(Order("O-2", {{"SKU-A", 1}}));  // backordered, held
  Hold(Placed("O-1", "H-1", kFraud, kT0 + Hours(1)));
  Hold(Placed("O-2", "H-2", kPayment, kT0 + Hours(1)));
  Hold(Placed("O-2", "H-3", kFraud, kT0 + Hours(2)));
  out_.Take();

  const std::vector<Input> rest = {
      {Receipt("SKU-A", 1, kT0 + Hours(3)), kT0 + Hours(3)},
      {Tick{}, kT0 + Hours(6)},
      {Released("O-1", "H-1", kT0 + Hours(7)), kT0 + Hours(7)},
      {Released("O-2", "H-3", kT0 + Hours(7)), kT0 + Hours(7)},
      {Released("O-2", "H-2", kT0 + Hours(8)), kT0 + Hours(8)},
  };
  EXPECT_THAT(FeedHereAndRestored(rest),
              ElementsAre("RAISED O-1/HOLD_AGED/1", "RAISED O-2/HOLD_AGED/1",
                          "status O-1 ON_HOLD -> ALLOCATED",
                          "task O-1/delivery RELEASE [L1 SKU-A x2]",
                          "CLEARED O-1/HOLD_AGED/1", "CLEARED O-2/HOLD_AGED/1",
                          "status O-2 ON_HOLD -> ALLOCATED",
                          "task O-2/delivery CREATE [L1 SKU-A x1]"));
}

}  // namespace
}  // namespace orderflow::testing
