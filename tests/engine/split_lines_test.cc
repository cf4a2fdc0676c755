// Rule 9 with `sourcing.split_lines: true`: a line no single warehouse can
// fill whole takes what each warehouse has, in its preference order, and
// waits for the rest, which any warehouse's stock then completes; each
// warehouse's task carries its part of the line. (sourcing_test.cc has
// rule 9 with split_lines off, the default.)
#include "tests/engine/sourcing_fixture.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;

class SplitLinesTest : public SourcingFixture {
 protected:
  // The warehouses of sourcing_test.cc.
  void SetUp() override { Configure(true); }
  void Configure(bool split_lines, SourcingConfig::Fulfilment fulfilment =
                                       SourcingConfig::Fulfilment::kShipComplete) {
    SourcingFixture::Configure(ThreeWarehouses(), fulfilment, split_lines);
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(SplitLinesTest);

TEST_P(SplitLinesTest, ALineNoWarehouseCanFillIsSplitInPreferenceOrder) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Stock(ReceiptAt("WH-DE", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}, {"SKU-B", 1}}));
  Stock(ReceiptAt("WH-NL", "SKU-B", 1, kT0 + Hours(1)));
  // FR's 2 first (rank 1), then 2 of NL's 3; each task has its part.
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-B]",
                          "status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x2, L2 SKU-B x1]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 2}},
                                         {"WH-NL", {3, 2}},
                                         {"WH-DE", {3, 0}}}));
  const std::vector<v1::DeliveryTask> tasks = out_.Tasks("O-1");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].warehouse_id(), "WH-FR");
  EXPECT_EQ(tasks[0].lines(0).quantity(), 2);
  EXPECT_EQ(tasks[1].lines(0).quantity(), 2);

  // A line one warehouse can fill is never split.
  Place(Order("O-2", {{"SKU-A", 3}}), kT0 + Hours(2));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-DE CREATE [L1 SKU-A x3]"));
}

TEST_P(SplitLinesTest, WithoutSplitLinesTheLineIsHeldWhole) {
  Configure(false);
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> BACKORDERED "
                                       "[SHORT_STOCK:SKU-A]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 0}}, {"WH-NL", {3, 3}}}));
}

TEST_P(SplitLinesTest, AShortSplitLineIsCompletedByAnyWarehousesStock) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> BACKORDERED "
                                       "[SHORT_STOCK:SKU-A]"));
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 2, .reserved = 2, .waiting_orders = 1}));

  // Stock at a third warehouse: the line takes one, still short...
  Stock(ReceiptAt("WH-DE", "SKU-A", 1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), ::testing::IsEmpty());
  // ...and the last at WH-NL completes it: three parts, three tasks.
  Stock(ReceiptAt("WH-NL", "SKU-A", 5, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x1]",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-DE CREATE [L1 SKU-A x1]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {1, 1}},
                                         {"WH-NL", {6, 2}},
                                         {"WH-DE", {1, 1}}}));
}

TEST_P(SplitLinesTest, StockElsewhereThanThePartialTopsTheLineUp) {
  // Without split_lines, stock at another warehouse that can fill the
  // line whole moves it (sourcing_test.cc); with it, the line takes what
  // it lacks there and keeps its partial.
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}, kExpress));
  Place(Order("O-2", {{"SKU-A", 2}}));
  out_.Take();
  Stock(ReceiptAt("WH-DE", "SKU-A", 4, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x3]",
                          "task O-1/delivery/WH-DE CREATE [L1 SKU-A x1]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-DE CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-NL", {3, 3}}, {"WH-DE", {4, 3}}}));
}

TEST_P(SplitLinesTest, TheShipToCountrysWarehouseOutOfStock) {
  // DE's own warehouse first, then the rest by rank; it has nothing, so
  // the line is split between the others.
  Stock(ReceiptAt("WH-FR", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 2, kT0));
  Place(To("DE", Order("O-1", {{"SKU-A", 3}})));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x1]",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x2]"));

  // With one unit there, it goes first: DE's 1, FR's... none left, NL's.
  Stock(ReceiptAt("WH-DE", "SKU-A", 1, kT0 + Hours(1)));
  Stock(ReceiptAt("WH-NL", "SKU-A", 1, kT0 + Hours(1)));
  Place(To("AT", Order("O-2", {{"SKU-A", 2}})), kT0 + Hours(2));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-NL CREATE [L1 SKU-A x1]",
                          "task O-2/delivery/WH-DE CREATE [L1 SKU-A x1]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {1, 1}},
                                         {"WH-NL", {3, 3}},
                                         {"WH-DE", {1, 1}}}));
}

TEST_P(SplitLinesTest, CancellationReleasesEveryPartAndServesTheQueue) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 2, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}));
  Place(Order("O-2", {{"SKU-A", 3}}));  // nothing left anywhere
  out_.Take();
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-1/delivery/WH-FR CANCEL [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL CANCEL [L1 SKU-A x2]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-FR CREATE [L1 SKU-A x2]",
                          "task O-2/delivery/WH-NL CREATE [L1 SKU-A x1]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 2}}, {"WH-NL", {2, 1}}}));

  // A waiting split line cancelled gives back every part.
  Place(Order("O-3", {{"SKU-A", 5}}), kT0 + Hours(2));  // NL's last 1
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 2}}, {"WH-NL", {2, 2}}}));
  Cancel(Cancellation("O-3", kT0 + Hours(3)));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 2}}, {"WH-NL", {2, 1}}}));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 4, .reserved = 3}));
}

TEST_P(SplitLinesTest, EachTaskShipsItsPartAtItsWarehouse) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 5}}));
  out_.Take();

  v1::ShipmentEvent nl = Shipment("O-1", "S-NL", v1::SHIPMENT_STATUS_SHIPPED,
                                  kT0 + Hours(1));
  nl.set_task_id("O-1/delivery/WH-NL");
  Ship(nl);
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> PARTIALLY_SHIPPED"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 2}}}));

  // A parcel naming the other task and one of its units, then the rest.
  v1::ShipmentEvent fr = Shipment("O-1", "S-FR-1", v1::SHIPMENT_STATUS_SHIPPED,
                                  kT0 + Hours(2));
  fr.set_task_id("O-1/delivery/WH-FR");
  v1::ShipmentLine* line = fr.add_lines();
  line->set_line_id("L1");
  line->set_quantity(1);
  Ship(fr);
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {1, 1}}}));
  fr.set_shipment_id("S-FR-2");
  Ship(fr);
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 PARTIALLY_SHIPPED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{}));
}

TEST_P(SplitLinesTest, AShipmentOfTheWholeOrderConsumesEveryPart) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-NL", {1, 0}}}));
}

TEST_P(SplitLinesTest, ShipAvailableSendsASplitLineOnlyWhenWhole) {
  Configure(true, SourcingConfig::Fulfilment::kShipAvailable);
  Stock(ReceiptAt("WH-FR", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "task O-1/delivery/WH-NL CREATE [L2 SKU-B x1]"));
  Stock(ReceiptAt("WH-NL", "SKU-A", 1, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x1]",
                          "task O-1/delivery/WH-NL/2 CREATE [L1 SKU-A x1]"));
}

// A pipeline restored from its shards' snapshots (through their bytes)
// mid-way goes on exactly as the original: split lines reserved, one
// waiting with parts at two warehouses, and the tasks created.
TEST_P(SplitLinesTest, SnapshotAndRestoreKeepTheParts) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}));  // FR 2 + NL 2
  Stock(ReceiptAt("WH-DE", "SKU-A", 1, kT0));
  Place(Order("O-2", {{"SKU-A", 3}}));  // NL 1 + DE 1, waiting
  out_.Take();

  v1::ShipmentEvent fr = Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED,
                                  kT0 + Hours(3));
  fr.set_task_id("O-1/delivery/WH-FR");
  const std::vector<Input> rest = {
      {ReceiptAt("WH-FR", "SKU-A", 1, kT0 + Hours(1)), kT0 + Hours(1)},
      {Order("O-3", {{"SKU-A", 2}}), kT0 + Hours(2)},
      {fr, kT0 + Hours(3)},
      {Cancellation("O-2", kT0 + Hours(4)), kT0 + Hours(4)},
      {Shipment("O-1", "S-2", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(5)),
       kT0 + Hours(5)},
  };
  EXPECT_THAT(FeedHereAndRestored(rest),
              ElementsAre("status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-FR CREATE [L1 SKU-A x1]",
                          "task O-2/delivery/WH-NL CREATE [L1 SKU-A x1]",
                          "task O-2/delivery/WH-DE CREATE [L1 SKU-A x1]",
                          "status O-3 NEW -> ACCEPTED",
                          "status O-3 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "status O-1 ALLOCATED -> PARTIALLY_SHIPPED",
                          "status O-2 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-2/delivery/WH-FR CANCEL [L1 SKU-A x1]",
                          "task O-2/delivery/WH-NL CANCEL [L1 SKU-A x1]",
                          "task O-2/delivery/WH-DE CANCEL [L1 SKU-A x1]",
                          "status O-3 BACKORDERED -> ALLOCATED",
                          "task O-3/delivery/WH-FR CREATE [L1 SKU-A x1]",
                          "task O-3/delivery/WH-NL CREATE [L1 SKU-A x1]",
                          "status O-1 PARTIALLY_SHIPPED -> SHIPPED"));
  const Held held = AtWarehouses("SKU-A");
  EXPECT_EQ(held, (Held{{"WH-FR", {1, 1}}, {"WH-NL", {1, 1}}, {"WH-DE", {1, 0}}}));

  EXPECT_EQ(::orderflow::testing::AtWarehouses(restored(), "SKU-A"), held);
}

}  // namespace
}  // namespace orderflow::testing
