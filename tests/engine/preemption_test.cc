// Rule 9, preemption (sourcing.preempt): an OVERNIGHT or EXPRESS line that
// would backorder takes the reservation of a STANDARD order not yet
// picked whose shipBy is at least preempt_min_slack away; that order goes
// BACKORDERED [PREEMPTED_BY:<orderId>], its tasks are CANCELled, its other
// lines keep their stock, and it is first in line for the next stock.
#include "tests/engine/engine_test.h"
#include "tests/engine/saved_shards.h"
#include "tests/engine/sourcing_fixture.h"

namespace orderflow::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class PreemptionTest : public EngineTest {
 protected:
  void SetUp() override { Sourcing(true); }
  void Sourcing(bool preempt, std::vector<Warehouse> warehouses = {
                                  {"WH-A", 1, {}}, {"WH-B", 2, {}}}) {
    Reconfigure([&](EngineConfig& c) {
      c.sourcing.warehouses = warehouses;
      c.sourcing.preempt = preempt;
    });
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(PreemptionTest);

TEST_P(PreemptionTest, OffByDefaultTheUrgentLineWaits) {
  Sourcing(false);
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-A CREATE [L1 SKU-A x2]",
                          "status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
}

TEST_P(PreemptionTest, AnExpressLineTakesAStandardReservation) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));
  out_.Take();
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-A CREATE [L1 SKU-A x2]",
                          "status O-1 ALLOCATED -> BACKORDERED [PREEMPTED_BY:O-2]",
                          "task O-1/delivery/WH-A CANCEL [L1 SKU-A x2]"));
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 2, .reserved = 2, .waiting_orders = 1}));

  // The next stock refills it, in a task of a new id.
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-A/2 CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 4, .reserved = 4}));
  // The new task carries the order's address, as the first did.
  const std::vector<v1::DeliveryTask> tasks = out_.Tasks("O-1");
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_TRUE(tasks[2].has_ship_to());
}

TEST_P(PreemptionTest, AnOvernightLineMayPreemptToo) {
  Sourcing(true, {{"WH-A", 1, {}}});  // one warehouse: v1 sourcing
  Stock(ReceiptAt("WH-A", "SKU-A", 3, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));
  out_.Take();
  Place(Order("O-2", {{"SKU-A", 2}}, kOvernight, kT0 + Hours(1)));
  // O-2 takes O-1's 2 of the 3 (1 was free); the 1 left over goes back
  // to O-1 at once, which waits for 1 more.
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-A CREATE [L1 SKU-A x2]",
                          "status O-1 ALLOCATED -> BACKORDERED [PREEMPTED_BY:O-2]",
                          "task O-1/delivery/WH-A CANCEL [L1 SKU-A x2]"));
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 3, .reserved = 3, .waiting_orders = 1}));
  Stock(ReceiptAt("WH-A", "SKU-A", 1, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-A/2 CREATE [L1 SKU-A x2]"));
}

TEST_P(PreemptionTest, APickedOrderIsNotPreempted) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED, kT0 + Minutes(30)));
  out_.Take();
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
}

// Warehouse work on the order stops all its lines from being preempted:
// also one still waiting then, once it is served (here after a restore).
TEST_P(PreemptionTest, AWaitingLineOfAPickedOrderIsNotPreemptedOnceServed) {
  Reconfigure([](EngineConfig& c) {
    c.sourcing.warehouses = {{"WH-A", 1, {}}, {"WH-B", 2, {}}};
    c.sourcing.fulfilment = SourcingConfig::Fulfilment::kShipAvailable;
    c.sourcing.preempt = true;
  });
  Stock(ReceiptAt("WH-A", "SKU-A", 1, kT0));
  Place(Standard("O-1", {{"SKU-A", 1}, {"SKU-B", 2}}, 10));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-B]",
                          "task O-1/delivery/WH-A CREATE [L1 SKU-A x1]"));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED, kT0 + Minutes(30)));
  out_.Take();
  const std::vector<std::string> rest = FeedHereAndRestored({
      {ReceiptAt("WH-A", "SKU-B", 2, kT0 + Hours(1)), kT0 + Hours(1)},
      {Order("O-2", {{"SKU-B", 2}}, kExpress, kT0 + Hours(2)), kT0 + Hours(2)},
  });
  EXPECT_THAT(rest,
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-A/2 CREATE [L2 SKU-B x2]",
                          "status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-B]"));
}

TEST_P(PreemptionTest, AnExpressOrderIsNotPreempted) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Promised(Order("O-1", {{"SKU-A", 2}}, kExpress), kT0 + Hours(240)));
  out_.Take();
  Place(Order("O-2", {{"SKU-A", 2}}, kOvernight, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
}

TEST_P(PreemptionTest, AStandardOrderShippingTooSoonIsNotPreempted) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  // shipBy kT0 + 48h (the default promise): 47h away at kT0 + 1h.
  Place(Order("O-1", {{"SKU-A", 2}}));
  out_.Take();
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));

  // With a shorter slack it is.
  Reconfigure([](EngineConfig& c) {
    c.sourcing.warehouses = {{"WH-A", 1, {}}};
    c.sourcing.preempt = true;
    c.sourcing.preempt_min_slack = Hours(24);
  });
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Order("O-3", {{"SKU-A", 2}}));
  Place(Order("O-4", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));
  EXPECT_EQ(StatusOf("O-3"), v1::ORDER_STATUS_BACKORDERED);
  EXPECT_EQ(StatusOf("O-4"), v1::ORDER_STATUS_ALLOCATED);
}

TEST_P(PreemptionTest, TheOrderShippingLatestIsTakenFirst) {
  Stock(ReceiptAt("WH-A", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-B", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 1}}, 20));  // WH-A
  Place(Standard("O-3", {{"SKU-A", 1}}, 30));  // WH-B
  Place(Standard("O-4", {{"SKU-A", 1}}, 30));  // WH-B, same shipBy as O-3
  out_.Take();
  Place(Order("O-2", {{"SKU-A", 1}}, kExpress, kT0 + Hours(1)));
  // O-3 and O-4 ship latest; O-3 comes first by id.
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-B CREATE [L1 SKU-A x1]",
                          "status O-3 ALLOCATED -> BACKORDERED [PREEMPTED_BY:O-2]",
                          "task O-3/delivery/WH-B CANCEL [L1 SKU-A x1]"));
}

TEST_P(PreemptionTest, ALineTooSmallToFillTheUrgentOneIsLeft) {
  Stock(ReceiptAt("WH-A", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-B", "SKU-A", 3, kT0));
  Place(Standard("O-1", {{"SKU-A", 1}}, 30));  // WH-A: 1 is not enough
  Place(Standard("O-3", {{"SKU-A", 3}}, 10));  // WH-B
  out_.Take();
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
  EXPECT_EQ(StatusOf("O-3"), v1::ORDER_STATUS_BACKORDERED);
  EXPECT_EQ(StatusOf("O-2"), v1::ORDER_STATUS_ALLOCATED);
}

TEST_P(PreemptionTest, ThePreemptedOrderIsFirstInLine) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));
  Place(Order("O-3", {{"SKU-A", 2}}, kExpress, kT0 + Minutes(1)));  // takes it
  Place(Order("O-2", {{"SKU-A", 2}}, kOvernight, kT0 + Hours(1)));  // waits
  out_.Take();
  EXPECT_EQ(StatusOf("O-3"), v1::ORDER_STATUS_ALLOCATED);
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);
  EXPECT_EQ(StatusOf("O-2"), v1::ORDER_STATUS_BACKORDERED);

  // The next stock goes to O-1 before O-2, though O-2 is OVERNIGHT.
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-A/2 CREATE [L1 SKU-A x2]"));
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-A CREATE [L1 SKU-A x2]"));
}

TEST_P(PreemptionTest, AMultiLineVictimKeepsItsOtherLines) {
  Stock(ReceiptAt("WH-A", "SKU-A", 1, kT0));
  Stock(ReceiptAt("WH-B", "SKU-B", 1, kT0));
  Place(Standard("O-1", {{"SKU-A", 1}, {"SKU-B", 1}}, 10));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-A CREATE [L1 SKU-A x1]",
                          "task O-1/delivery/WH-B CREATE [L2 SKU-B x1]"));
  Place(Order("O-2", {{"SKU-A", 1}}, kExpress, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-A CREATE [L1 SKU-A x1]",
                          "status O-1 ALLOCATED -> BACKORDERED [PREEMPTED_BY:O-2]",
                          "task O-1/delivery/WH-A CANCEL [L1 SKU-A x1]",
                          "task O-1/delivery/WH-B CANCEL [L2 SKU-B x1]"));
  // Its SKU-B stays reserved for it.
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 1, .reserved = 1}));

  Stock(ReceiptAt("WH-A", "SKU-A", 1, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-A/2 CREATE [L1 SKU-A x1]",
                          "task O-1/delivery/WH-B/2 CREATE [L2 SKU-B x1]"));
}

TEST_P(PreemptionTest, AnOrderOnHoldStaysOnHoldAndItsHeldTaskIsCancelled) {
  auto hold = [](v1::HoldAction action, std::string_view id, EpochMillis at) {
    v1::HoldEvent e;
    e.set_order_id("O-1");
    e.set_hold_id(std::string(id));
    e.set_action(action);
    if (action == v1::HOLD_ACTION_PLACE) e.set_type(v1::HOLD_TYPE_PAYMENT);
    if (action == v1::HOLD_ACTION_RELEASE) e.set_outcome(v1::HOLD_OUTCOME_RESUME);
    *e.mutable_occurred_at() = Ts(at);
    return e;
  };
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));
  Hold(hold(v1::HOLD_ACTION_PLACE, "H-1", kT0 + Minutes(10)));
  EXPECT_THAT(out_.Take(),
              Contains("task O-1/delivery/WH-A HOLD [L1 SKU-A x2]"));
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              Contains("task O-1/delivery/WH-A CANCEL [L1 SKU-A x2]"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ON_HOLD);

  // Released: short of stock, and no task to RELEASE.
  Hold(hold(v1::HOLD_ACTION_RELEASE, "H-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ON_HOLD -> BACKORDERED "
                                       "[SHORT_STOCK:SKU-A]"));
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(3)));
  out_.Take();
  // A later hold pauses the new task.
  Hold(hold(v1::HOLD_ACTION_PLACE, "H-2", kT0 + Hours(4)));
  EXPECT_THAT(out_.Take(),
              Contains("task O-1/delivery/WH-A/2 HOLD [L1 SKU-A x2]"));
}

TEST_P(PreemptionTest, ACancelledVictimLeavesTheQueue) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));
  out_.Take();
  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> CANCELLED [CANCEL_REQUESTED]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2, .reserved = 2}));
}

// The changelog record of a SKU (its KeyState) keeps what preemption
// adds: the lines still preemptible and the preempted line's mark.
TEST_P(PreemptionTest, TheChangelogRecordKeepsThePreemption) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-B", "SKU-A", 1, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));  // WH-A
  Place(Standard("O-3", {{"SKU-A", 1}}, 20));  // WH-B: too few to take
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));  // takes O-1's
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);

  int found = 0;
  for (int i = 0; i < pipeline().inventory_shard_count(); ++i) {
    const InventoryShard& shard = pipeline().inventory_shard(i);
    if (!shard.Stock("SKU-A")) continue;
    ++found;
    const internal::v1::StockState state = shard.KeyState("SKU-A");
    ASSERT_EQ(state.preemptible_size(), 1);
    EXPECT_EQ(state.preemptible(0).order_id(), "O-3");
    ASSERT_EQ(state.backorders_size(), 1);
    EXPECT_EQ(state.backorders(0).order_id(), "O-1");
    EXPECT_TRUE(state.backorders(0).preempted());
    InventoryShard restored(config_);
    ASSERT_TRUE(restored.RestoreKey("SKU-A", state).ok());
    EXPECT_EQ(restored.KeyState("SKU-A").SerializeAsString(),
              state.SerializeAsString());
  }
  EXPECT_EQ(found, 1);
}

// A pipeline restored from its shards' snapshots (through their bytes)
// after a preemption goes on exactly as the original: the preempted line
// first in line, the lines still preemptible, the task numbers.
TEST_P(PreemptionTest, SnapshotAndRestoreKeepThePreemption) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-B", "SKU-B", 1, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}, 10));
  Place(Standard("O-3", {{"SKU-A", 2}}, 20));  // waits at WH-A
  Place(Order("O-2", {{"SKU-A", 2}}, kExpress, kT0 + Hours(1)));  // takes O-1's
  out_.Take();

  const std::vector<Input> rest = {
      // O-1 was preempted: first in line, before O-3.
      {ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(2)), kT0 + Hours(2)},
      {ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(3)), kT0 + Hours(3)},
      // O-3 ships latest of the preemptible lines.
      {Order("O-4", {{"SKU-A", 2}}, kOvernight, kT0 + Hours(4)), kT0 + Hours(4)},
      {Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(5)),
       kT0 + Hours(5)},
      // O-1's SKU-B shipped: nothing to preempt.
      {Order("O-5", {{"SKU-B", 1}}, kExpress, kT0 + Hours(6)), kT0 + Hours(6)},
  };
  EXPECT_THAT(FeedHereAndRestored(rest),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-A/2 CREATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-B/2 CREATE [L2 SKU-B x1]",
                          "status O-3 BACKORDERED -> ALLOCATED",
                          "task O-3/delivery/WH-A CREATE [L1 SKU-A x2]",
                          "status O-4 NEW -> ACCEPTED",
                          "status O-4 ACCEPTED -> ALLOCATED",
                          "task O-4/delivery/WH-A CREATE [L1 SKU-A x2]",
                          "status O-3 ALLOCATED -> BACKORDERED [PREEMPTED_BY:O-4]",
                          "task O-3/delivery/WH-A CANCEL [L1 SKU-A x2]",
                          "status O-1 ALLOCATED -> SHIPPED",
                          "status O-5 NEW -> ACCEPTED",
                          "status O-5 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-B]"));

  // And the snapshots say it the same way after as before.
  EXPECT_EQ(SaveShards(restored()).inventory, SaveShards(pipeline()).inventory);
}

}  // namespace
}  // namespace orderflow::testing
