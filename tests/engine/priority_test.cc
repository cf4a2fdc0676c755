// Rule 3, priority: when a SKU's stock grows, backorders are served
// OVERNIGHT before EXPRESS before STANDARD, then by earliest shipBy, then
// earliest placedAt, then order id.
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using PriorityTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(PriorityTest);

TEST_P(PriorityTest, OvernightBeforeExpressBeforeStandard) {
  // Every other criterion favours the STANDARD order: it is placed first,
  // must ship first and has the smallest id.
  Place(Promised(Order("O-A-STD", {{"SKU-A", 1}}, kStandard, kT0), kT0 + Days(4)));
  Place(Promised(Order("O-B-EXP", {{"SKU-A", 1}}, kExpress, kT0 + Hours(1)),
                 kT0 + Days(5)));
  Place(Promised(Order("O-C-ON", {{"SKU-A", 1}}, kOvernight, kT0 + Hours(2)),
                 kT0 + Days(6)));
  out_.Take();

  Stock(Receipt("SKU-A", 2, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-C-ON BACKORDERED -> ALLOCATED",
                          "task O-C-ON/delivery CREATE [L1 SKU-A x1]",
                          "status O-B-EXP BACKORDERED -> ALLOCATED",
                          "task O-B-EXP/delivery CREATE [L1 SKU-A x1]"));
  EXPECT_EQ(StatusOf("O-A-STD"), v1::ORDER_STATUS_BACKORDERED);

  Stock(Receipt("SKU-A", 1, kT0 + Hours(4)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-A-STD BACKORDERED -> ALLOCATED",
                          "task O-A-STD/delivery CREATE [L1 SKU-A x1]"));
}

TEST_P(PriorityTest, WithinALevelEarliestShipByFirst) {
  Place(Promised(Order("O-1", {{"SKU-A", 1}}, kExpress, kT0), kT0 + Days(5)));
  Place(Promised(Order("O-2", {{"SKU-A", 1}}, kExpress, kT0 + Hours(1)),
                 kT0 + Days(3)));
  out_.Take();

  Stock(Receipt("SKU-A", 1, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-2 BACKORDERED -> ALLOCATED",
                                       "task O-2/delivery CREATE [L1 SKU-A x1]"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);
}

TEST_P(PriorityTest, SameShipByEarliestPlacedAtFirst) {
  // O-1 arrives first, but O-2 was placed an hour earlier.
  Place(Promised(Order("O-1", {{"SKU-A", 1}}, kStandard, kT0 + Hours(1)),
                 kT0 + Days(5)));
  Place(Promised(Order("O-2", {{"SKU-A", 1}}, kStandard, kT0), kT0 + Days(5)),
        kT0 + Hours(2));
  out_.Take();

  Stock(Receipt("SKU-A", 1, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-2 BACKORDERED -> ALLOCATED",
                                       "task O-2/delivery CREATE [L1 SKU-A x1]"));
}

TEST_P(PriorityTest, FullTieIsBrokenByOrderId) {
  Place(Order("O-2", {{"SKU-A", 1}}));
  Place(Order("O-1", {{"SKU-A", 1}}));
  out_.Take();

  Stock(Receipt("SKU-A", 1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x1]"));
}

TEST_P(PriorityTest, FirstInLineTakesUnitsEvenWhenStillShort) {
  Place(Order("O-1", {{"SKU-A", 1}}, kStandard));
  Place(Order("O-2", {{"SKU-A", 3}}, kOvernight));
  out_.Take();

  Stock(Receipt("SKU-A", 1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 1, .reserved = 1, .waiting_orders = 2}));

  Stock(Receipt("SKU-A", 2, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-2 BACKORDERED -> ALLOCATED",
                                       "task O-2/delivery CREATE [L1 SKU-A x3]"));

  Stock(Receipt("SKU-A", 1, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x1]"));
}

TEST_P(PriorityTest, OrderIsAllocatedOnlyWhenItsLastSkuArrives) {
  Place(Order("O-1", {{"SKU-A", 1}, {"SKU-B", 1}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED "
                          "[SHORT_STOCK:SKU-A, SHORT_STOCK:SKU-B]"));

  Stock(Receipt("SKU-A", 1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Stock(Receipt("SKU-B", 1, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery CREATE [L1 SKU-A x1, L2 SKU-B x1]"));
}

TEST_P(PriorityTest, CancellationReleasesStockToTheWaitingOrder) {
  Stock(Receipt("SKU-A", 2, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Place(Order("O-2", {{"SKU-A", 2}}, kStandard, kT0 + Hours(1)));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-1/delivery CANCEL [L1 SKU-A x2]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2, .reserved = 2}));
}

TEST_P(PriorityTest, CancelledBackorderHandsItsPartialUnitsOn) {
  Stock(Receipt("SKU-A", 2, kT0));
  Place(Order("O-1", {{"SKU-A", 3}}, kOvernight));  // holds 2, waits for 1
  Place(Order("O-2", {{"SKU-A", 2}}, kStandard, kT0 + Hours(1)));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> CANCELLED [CANCEL_REQUESTED]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2, .reserved = 2}));
}

TEST_P(PriorityTest, PositiveAdjustmentServesBackorders) {
  Place(Order("O-1", {{"SKU-A", 1}}));
  out_.Take();

  Stock(Adjustment("SKU-A", +1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x1]"));
}

TEST_P(PriorityTest, NegativeAdjustmentServesNothing) {
  Stock(Receipt("SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 5}}));
  out_.Take();

  Stock(Adjustment("SKU-A", -1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 2, .reserved = 3, .waiting_orders = 1}));
}

TEST_P(PriorityTest, HigherSnapshotServesBackorders) {
  Stock(StockCount("SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 3}}));
  out_.Take();

  Stock(StockCount("SKU-A", 3, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x3]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 3}));
}

TEST_P(PriorityTest, LowerOrEqualSnapshotServesNothing) {
  Stock(Receipt("SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 5}}));
  out_.Take();

  Stock(StockCount("SKU-A", 3, kT0 + Hours(1)));
  Stock(StockCount("SKU-A", 2, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 2, .reserved = 3, .waiting_orders = 1}));

  // Counted at 5: two units more than the three already held.
  Stock(StockCount("SKU-A", 5, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x5]"));
}

TEST_P(PriorityTest, ReceiptForAnotherSkuServesNobodyHere) {
  Place(Order("O-1", {{"SKU-A", 1}}));
  out_.Take();

  Stock(Receipt("SKU-B", 10, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 10, .reserved = 0}));
}

}  // namespace
}  // namespace orderflow::testing
