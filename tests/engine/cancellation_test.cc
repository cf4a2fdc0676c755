// Rule 4, cancellation: before SHIPPED it cancels, releases and clears;
// at or after SHIPPED it escalates; before the order it waits (7 days).
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using CancellationTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(CancellationTest);

TEST_P(CancellationTest, AllocatedOrderIsCancelledAndItsTaskCancelled) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-1/delivery CANCEL [L1 SKU-A x2]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 0}));
  EXPECT_EQ(Ms(out_.Tasks("O-1")[1].created_at()), kT0 + Hours(1));
}

TEST_P(CancellationTest, BackorderedOrderHasNoTaskToCancel) {
  Stock(Receipt("SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 3}}));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> CANCELLED [CANCEL_REQUESTED]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 1, .reserved = 0}));
}

TEST_P(CancellationTest, OpenEscalationsAreClearedAndNoMoreAreRaised) {
  Place(Order("O-1", {{"SKU-A", 1}}));  // STANDARD: shipBy kT0 + 2 days
  AdvanceTo(kT0 + Hours(45));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                                       "RAISED O-1/BACKORDER_AGED/1",
                                       "RAISED O-1/SHIP_DEADLINE_AT_RISK/1"));

  Cancel(Cancellation("O-1", kT0 + Hours(46)));
  const std::vector<std::string> lines = out_.Take();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "status O-1 BACKORDERED -> CANCELLED [CANCEL_REQUESTED]");
  EXPECT_THAT(lines, UnorderedElementsAre(
                         "status O-1 BACKORDERED -> CANCELLED [CANCEL_REQUESTED]",
                         "CLEARED O-1/BACKORDER_AGED/1",
                         "CLEARED O-1/SHIP_DEADLINE_AT_RISK/1"));
  EXPECT_EQ(Ms(out_.Escalation("O-1/BACKORDER_AGED/1", v1::ESCALATION_STATE_CLEARED)
                   .detected_at()),
            kT0 + Hours(46));

  AdvanceTo(kT0 + Days(10));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(CancellationTest, CancellingTwiceIsANoOp) {
  Place(Order("O-1"));
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(CancellationTest, AfterShipmentStatusStaysAndLevel2IsRaised) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/CANCEL_AFTER_SHIPMENT/2"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_SHIPPED);
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));
  const v1::Escalation e = out_.Escalation("O-1/CANCEL_AFTER_SHIPMENT/2",
                                           v1::ESCALATION_STATE_RAISED);
  EXPECT_EQ(e.level(), 2);
  EXPECT_EQ(e.kind(), v1::ESCALATION_KIND_CANCEL_AFTER_SHIPMENT);
  EXPECT_THAT(e.message(), HasSubstr("O-1"));
}

TEST_P(CancellationTest, AfterDeliveryStatusStaysAndLevel2IsRaised) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(1)));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Days(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/CANCEL_AFTER_SHIPMENT/2"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_DELIVERED);
}

TEST_P(CancellationTest, SecondCancellationAfterShipmentRaisesNothingNew) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(CancellationTest, CancellationBeforeOrderCancelsItAtOnceWithoutReserving) {
  Stock(Receipt("SKU-A", 5, kT0));
  Cancel(Cancellation("O-1", kT0));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Place(Order("O-1", {{"SKU-A", 2}}, kStandard, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> CANCELLED [CANCEL_REQUESTED]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 0}));

  AdvanceTo(kT0 + Days(10));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(CancellationTest, EarlyCancelledOrderLeavesStockToOthers) {
  Stock(Receipt("SKU-A", 2, kT0));
  Cancel(Cancellation("O-1", kT0));
  Place(Order("O-1", {{"SKU-A", 2}}, kOvernight, kT0 + Hours(1)));
  Place(Order("O-2", {{"SKU-A", 2}}, kStandard, kT0 + Hours(2)));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> CANCELLED [CANCEL_REQUESTED]",
                          "status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery CREATE [L1 SKU-A x2]"));
}

TEST_P(CancellationTest, EarlyCancellationExpiresToDeadLetterAfterSevenDays) {
  const v1::CancellationRequested cancellation = Cancellation("O-1", kT0);
  Cancel(cancellation);

  ExpectNothingUntilThen(kT0 + Days(7),
                         {"dead-letter cancellations/O-1 UNMATCHED_CANCELLATION"});
  const v1::DeadLetter dead = out_.DeadLetters()[0];
  EXPECT_EQ(dead.payload(), cancellation.SerializeAsString());
  EXPECT_EQ(dead.offset(), 1);
  EXPECT_EQ(dead.partition(), kInputPartition);
  EXPECT_EQ(Ms(dead.dead_lettered_at()), kT0 + Days(7));

  // The cancellation is gone: the order, when it finally comes, is served.
  Stock(Receipt("SKU-A", 1, kT0 + Days(8)));
  Place(Order("O-1", {{"SKU-A", 1}}, kStandard, kT0 + Days(8)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x1]"));
}

TEST_P(CancellationTest, EarlyCancellationRetentionComesFromTheConfiguration) {
  Reconfigure([](EngineConfig& c) { c.early_cancellation_retention = Hours(1); });
  Cancel(Cancellation("O-1", kT0));

  ExpectNothingUntilThen(kT0 + Hours(1),
                         {"dead-letter cancellations/O-1 UNMATCHED_CANCELLATION"});
}

}  // namespace
}  // namespace orderflow::testing
