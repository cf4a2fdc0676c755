// Rule 9, sourcing: with warehouses configured each line is reserved whole
// at the first warehouse of its order's preference order (the ship-to
// country's first, then rank, then id) that can fill it, or held partly at
// the one with the most and backordered; stock arriving at a warehouse
// completes such a line there or moves it there; each warehouse's lines go
// in a task of their own.
#include "tests/engine/sourcing_fixture.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class SourcingTest : public SourcingFixture {
 protected:
  void SetUp() override { Configure(ThreeWarehouses()); }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(SourcingTest);

TEST_P(SourcingTest, TheShipToCountrysWarehouseIsPreferred) {
  Stock(ReceiptAt("WH-NL", "SKU-A", 5, kT0));
  Stock(ReceiptAt("WH-DE", "SKU-A", 5, kT0));
  Stock(ReceiptAt("WH-FR", "SKU-A", 5, kT0));
  Place(To("DE", Order("O-1", {{"SKU-A", 2}})));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-DE CREATE [L1 SKU-A x2]"));
  const std::vector<v1::DeliveryTask> tasks = out_.Tasks("O-1");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].warehouse_id(), "WH-DE");
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 15, .reserved = 2}));
}

TEST_P(SourcingTest, OtherCountriesGoByRankThenId) {
  Configure({{"WH-B", 1, {}}, {"WH-C", 2, {}}, {"WH-A", 1, {}}});
  Stock(ReceiptAt("WH-B", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-C", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-A", "SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Place(Order("O-2", {{"SKU-A", 1}}));
  Place(Order("O-3", {{"SKU-A", 1}}));

  EXPECT_EQ(out_.Tasks("O-1").at(0).task_id(), "O-1/delivery/WH-A");
  EXPECT_EQ(out_.Tasks("O-2").at(0).task_id(), "O-2/delivery/WH-B");
  EXPECT_EQ(out_.Tasks("O-3").at(0).task_id(), "O-3/delivery/WH-C");
}

TEST_P(SourcingTest, TheCountrysWarehouseOutOfStockFallsBackToTheRest) {
  Stock(ReceiptAt("WH-DE", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 5, kT0));
  Place(To("AT", Order("O-1", {{"SKU-A", 2}})));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x2]"));
}

TEST_P(SourcingTest, ALineNoWarehouseCanFillIsHeldAtTheOneWithTheMost) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> BACKORDERED "
                                       "[SHORT_STOCK:SKU-A]"));
  // Held: WH-NL's 3 (not split with WH-FR's 2).
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 5, .reserved = 3, .waiting_orders = 1}));

  // One more at WH-NL completes it there.
  Stock(ReceiptAt("WH-NL", "SKU-A", 1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x4]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 6, .reserved = 4}));
}

TEST_P(SourcingTest, StockArrivingElsewhereMovesTheLineAndFreesItsPartial) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}, kExpress));  // held at WH-NL (3)
  Place(Order("O-2", {{"SKU-A", 3}}));            // held at WH-FR (2)
  out_.Take();

  // WH-DE can fill O-1 whole: it moves there, and the 3 it held at WH-NL
  // complete O-2, which moves from WH-FR and frees its 2.
  Stock(ReceiptAt("WH-DE", "SKU-A", 4, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-DE CREATE [L1 SKU-A x4]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-NL CREATE [L1 SKU-A x3]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 9, .reserved = 7}));

  // WH-FR's 2 are free again for the next order.
  Place(Order("O-3", {{"SKU-A", 2}}));
  EXPECT_EQ(out_.Tasks("O-3").at(0).task_id(), "O-3/delivery/WH-FR");
}

TEST_P(SourcingTest, ShipCompleteWaitsForEveryLine) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}, {"SKU-B", 1}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> BACKORDERED "
                                       "[SHORT_STOCK:SKU-B]"));
  Stock(ReceiptAt("WH-NL", "SKU-B", 1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x1]",
                          "task O-1/delivery/WH-NL CREATE [L2 SKU-B x1]"));
}

TEST_P(SourcingTest, ShipAvailableSendsWhatIsReservedAndTheRestLater) {
  Configure({{"WH-NL", 2, {}}, {"WH-FR", 1, {}}},
            SourcingConfig::Fulfilment::kShipAvailable);
  Stock(ReceiptAt("WH-FR", "SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}, {"SKU-B", 1}, {"SKU-C", 1}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED "
                          "[SHORT_STOCK:SKU-B, SHORT_STOCK:SKU-C]",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x1]"));
  // SKU-C at WH-FR: that warehouse's second task; still backordered.
  Stock(ReceiptAt("WH-FR", "SKU-C", 1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("task O-1/delivery/WH-FR/2 CREATE [L3 SKU-C x1]"));
  Stock(ReceiptAt("WH-NL", "SKU-B", 1, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-NL CREATE [L2 SKU-B x1]"));

  // Cancelled: every task created is cancelled, in the order of their lines.
  Cancel(Cancellation("O-1", kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-1/delivery/WH-FR CANCEL [L1 SKU-A x1]",
                          "task O-1/delivery/WH-NL CANCEL [L2 SKU-B x1]",
                          "task O-1/delivery/WH-FR/2 CANCEL [L3 SKU-C x1]"));
}

TEST_P(SourcingTest, CancellationReleasesAtEachWarehouse) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 1}, {"SKU-A", 1}}));
  Place(Order("O-2", {{"SKU-A", 1}}));  // nothing left anywhere
  Place(Order("O-3", {{"SKU-A", 1}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x1]",
                          "task O-1/delivery/WH-NL CREATE [L2 SKU-A x1]",
                          "status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "status O-3 NEW -> ACCEPTED",
                          "status O-3 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));

  // Both units come back, one at each warehouse, and serve O-2 and O-3.
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-1/delivery/WH-FR CANCEL [L1 SKU-A x1]",
                          "task O-1/delivery/WH-NL CANCEL [L2 SKU-A x1]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-FR CREATE [L1 SKU-A x1]",
                          "status O-3 BACKORDERED -> ALLOCATED",
                          "task O-3/delivery/WH-NL CREATE [L1 SKU-A x1]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2, .reserved = 2}));
}

TEST_P(SourcingTest, ShippingConsumesAtEachLinesWarehouse) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 1}, {"SKU-A", 1}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 0, .reserved = 0}));
  // Nothing is left at either warehouse.
  Place(Order("O-2", {{"SKU-A", 1}}), kT0 + Hours(2));
  EXPECT_EQ(StatusOf("O-2"), v1::ORDER_STATUS_BACKORDERED);
}

// Rules 9 and 10 together: a shipment naming one task of several (no
// lines) ships that task's lines, and each parcel consumes its units at
// its lines' warehouse only.
TEST_P(SourcingTest, EachWarehousesTaskShipsAsAParcelOfItsOwn) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 3}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL CREATE [L2 SKU-B x3]"));

  v1::ShipmentEvent fr = Shipment("O-1", "S-FR", v1::SHIPMENT_STATUS_SHIPPED,
                                  kT0 + Hours(1));
  fr.set_task_id("O-1/delivery/WH-FR");
  Ship(fr);
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> PARTIALLY_SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 0, .reserved = 0}));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 3, .reserved = 3}));

  // Part of the other task's line, then the rest of it.
  v1::ShipmentEvent nl = Shipment("O-1", "S-NL-1", v1::SHIPMENT_STATUS_SHIPPED,
                                  kT0 + Hours(2));
  v1::ShipmentLine* line = nl.add_lines();
  line->set_line_id("L2");
  line->set_quantity(1);
  Ship(nl);
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 2, .reserved = 2}));
  nl.set_shipment_id("S-NL-2");
  nl.mutable_lines(0)->set_quantity(2);
  Ship(nl);
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 PARTIALLY_SHIPPED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 0, .reserved = 0}));

  // A task the order does not have is a mismatch.
  v1::ShipmentEvent other = Shipment("O-1", "S-X", v1::SHIPMENT_STATUS_DELIVERED,
                                     kT0 + Hours(3));
  other.set_task_id("O-1/delivery/WH-DE");
  Ship(other);
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter shipments/O-1 SHIPMENT_MISMATCH"));
}

// A cancellation after one warehouse's task shipped cancels the tasks by
// their own ids, as a plain cancellation does: a shipping system knows no
// "O-1/delivery" for an order sourced per warehouse.
TEST_P(SourcingTest, CancellationAfterAPartialShipmentCancelsEachWarehousesTask) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 3}}));
  v1::ShipmentEvent fr = Shipment("O-1", "S-FR", v1::SHIPMENT_STATUS_SHIPPED,
                                  kT0 + Hours(1));
  fr.set_task_id("O-1/delivery/WH-FR");
  Ship(fr);
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 PARTIALLY_SHIPPED -> SHIPPED [CANCEL_REQUESTED]",
                          "task O-1/delivery/WH-FR CANCEL [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL CANCEL [L2 SKU-B x3]",
                          "RAISED O-1/CANCEL_AFTER_SHIPMENT/2"));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 3, .reserved = 0}));
}

TEST_P(SourcingTest, StockAtAWarehouseNotConfiguredIsDeadLettered) {
  Stock(ReceiptAt("WH-XX", "SKU-A", 5, kT0));
  Stock(Receipt("SKU-A", 5, kT0));  // no warehouse: none is the default
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter inventory/SKU-A UNKNOWN_WAREHOUSE",
                          "dead-letter inventory/SKU-A UNKNOWN_WAREHOUSE"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{}));
}

TEST_P(SourcingTest, OneWarehouseBehavesAsV1) {
  Configure({{"WH-1", 1, {}}});
  Stock(ReceiptAt("WH-1", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  Place(Order("O-2", {{"SKU-A", 2}}, kOvernight));
  Stock(ReceiptAt("WH-1", "SKU-A", 1, kT0 + Hours(1)));
  Stock(ReceiptAt("WH-1", "SKU-B", 1, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-B]",
                          "status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-1 CREATE [L1 SKU-A x2]",
                          "status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-1 CREATE [L1 SKU-A x2, L2 SKU-B x1]"));
}

// A pipeline restored from its shards' snapshots (through their bytes)
// mid-way goes on exactly as the original: per-warehouse stock, lines held
// and reserved whole at their warehouses, and the tasks already created.
TEST_P(SourcingTest, SnapshotAndRestoreKeepTheWarehouses) {
  Configure({{"WH-NL", 2, {}}, {"WH-FR", 1, {}}},
            SourcingConfig::Fulfilment::kShipAvailable);
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 4}, {"SKU-B", 1}}));  // A held at NL, B at NL
  Place(Order("O-2", {{"SKU-A", 2}}));                // at FR
  out_.Take();

  const std::vector<Input> rest = {
      {ReceiptAt("WH-FR", "SKU-A", 4, kT0 + Hours(1)), kT0 + Hours(1)},  // O-1's A moves
      {Cancellation("O-2", kT0 + Hours(2)), kT0 + Hours(2)},
      {Order("O-3", {{"SKU-A", 3}}), kT0 + Hours(3)},  // NL's 3, freed
      {Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(4)),
       kT0 + Hours(4)},
  };
  EXPECT_THAT(FeedHereAndRestored(rest),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x4]",
                          "status O-2 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-2/delivery/WH-FR CANCEL [L1 SKU-A x2]",
                          "status O-3 NEW -> ACCEPTED",
                          "status O-3 ACCEPTED -> ALLOCATED",
                          "task O-3/delivery/WH-NL CREATE [L1 SKU-A x3]",
                          "status O-1 ALLOCATED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 3}));

  EXPECT_EQ(::orderflow::testing::LedgerOf(restored(), "SKU-A"),
            (Ledger{.on_hand = 5, .reserved = 3}));
}

}  // namespace
}  // namespace orderflow::testing
