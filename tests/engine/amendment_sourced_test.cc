// Rule 11 with rule 9: the lines of an order sourced per warehouse are
// amended line by line. Each warehouse's task gets UPDATE with its new
// lines, CANCEL when it loses all of them, and a line reserved at a
// warehouse without a task gets a new CREATE; a split line shrinks from
// its last warehouse in preference order; a line in a task the warehouse
// has PICKED cannot change, a line in another task can.
#include "tests/engine/amendment_builders.h"
#include "tests/engine/engine_test.h"
#include "tests/engine/saved_shards.h"
#include "tests/engine/sourcing_fixture.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;

class AmendmentSourcedTest : public SourcingFixture {
 protected:
  // WH-FR (rank 1), WH-NL (rank 2), WH-DE (rank 3), ship complete.
  void SetUp() override { Configure(ThreeWarehouses()); }
  void Picked(std::string_view task_id, EpochMillis at) {
    v1::ShipmentEvent picked =
        Shipment("O-1", "S-" + std::string(task_id), v1::SHIPMENT_STATUS_PICKED, at);
    picked.set_task_id(std::string(task_id));
    Ship(picked);
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(AmendmentSourcedTest);

TEST_P(AmendmentSourcedTest, QuantityUpAndDownUpdatesTheLinesTask) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 5, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 4));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x4]",
                          "task O-1/delivery/WH-NL UPDATE [L2 SKU-B x1]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {5, 4}}}));

  Amend(WithLine(Amendment("O-1", "A-2", kT0 + Hours(2)), "L1", "SKU-A", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-2 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x1]",
                          "task O-1/delivery/WH-NL UPDATE [L2 SKU-B x1]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {5, 1}}}));
}

TEST_P(AmendmentSourcedTest, ReleasedUnitsServeTheQueueAtTheirWarehouse) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 3}}));
  Place(Order("O-2", {{"SKU-A", 2}}), kT0 + Minutes(1));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x1]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-FR CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {3, 3}}}));
}

TEST_P(AmendmentSourcedTest, ALineAddedAndALineRemoved) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 5, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 5, kT0));
  Stock(ReceiptAt("WH-DE", "SKU-C", 5, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-D", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  out_.Take();

  // L2 leaves WH-NL's task and L4 (at WH-NL) joins it; L3 is reserved at
  // WH-DE, which had no task.
  Amend(WithLine(WithLine(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)),
                                   "L2", "SKU-B", 0),
                          "L3", "SKU-C", 2),
                 "L4", "SKU-D", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL UPDATE [L4 SKU-D x1]",
                          "task O-1/delivery/WH-DE CREATE [L3 SKU-C x2]"));
  EXPECT_EQ(AtWarehouses("SKU-B"), (Held{{"WH-NL", {5, 0}}}));

  Amend(WithLine(Amendment("O-1", "A-2", kT0 + Hours(2)), "L4", "SKU-D", 0));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-2 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-DE UPDATE [L3 SKU-C x2]",
                          "task O-1/delivery/WH-NL CANCEL []"));
}

TEST_P(AmendmentSourcedTest, ALineMovesWhenItsWarehouseCannotFillTheNewQuantity) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 5, kT0));
  Stock(ReceiptAt("WH-FR", "SKU-B", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x2, L2 SKU-B x1]"));

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 4));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L2 SKU-B x1]",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x4]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 0}}, {"WH-NL", {5, 4}}}));
}

TEST_P(AmendmentSourcedTest, ShipCompleteShortCancelsEveryTaskUntilStockComes) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 3));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "status O-1 ALLOCATED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "task O-1/delivery/WH-FR CANCEL []",
                          "task O-1/delivery/WH-NL CANCEL [L2 SKU-B x1]"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 2}}}));

  Stock(ReceiptAt("WH-FR", "SKU-A", 1, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x3]",
                          "task O-1/delivery/WH-NL CREATE [L2 SKU-B x1]"));
}

TEST_P(AmendmentSourcedTest, ShipAvailableShortKeepsTheOtherTasks) {
  Configure(ThreeWarehouses(), SourcingConfig::Fulfilment::kShipAvailable);
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 3));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "status O-1 ALLOCATED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "task O-1/delivery/WH-FR CANCEL []",
                          "task O-1/delivery/WH-NL UPDATE [L2 SKU-B x1]"));

  Stock(ReceiptAt("WH-FR", "SKU-A", 1, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x3]"));
}

TEST_P(AmendmentSourcedTest, ASplitLineShrinksFromItsLastWarehouse) {
  Configure(ThreeWarehouses(), SourcingConfig::Fulfilment::kShipComplete, true);
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-FR CREATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x2]"));

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 3));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL UPDATE [L1 SKU-A x1]"));
  Amend(WithLine(Amendment("O-1", "A-2", kT0 + Hours(2)), "L1", "SKU-A", 2));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-2 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL CANCEL []"));
  EXPECT_EQ(AtWarehouses("SKU-A"), (Held{{"WH-FR", {2, 2}}, {"WH-NL", {3, 0}}}));

  // Growing again: where it is first, then the others in preference order.
  Amend(WithLine(Amendment("O-1", "A-3", kT0 + Hours(3)), "L1", "SKU-A", 5));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-3 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL CREATE [L1 SKU-A x3]"));
}

TEST_P(AmendmentSourcedTest, APickedTaskKeepsItsLinesAnotherTasksMayChange) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 5, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  Picked("O-1/delivery/WH-FR", kT0 + Minutes(30));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 3));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 REJECTED [LINE_ALREADY_PICKED:L1]",
                          "RAISED O-1/AMENDMENT_REJECTED/1"));
  Amend(WithLine(Amendment("O-1", "A-2", kT0 + Hours(2)), "L2", "SKU-B", 3));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-2 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL UPDATE [L2 SKU-B x3]"));
  // A new line at the picked task's warehouse goes in a task of its own.
  Amend(WithLine(Amendment("O-1", "A-3", kT0 + Hours(3)), "L3", "SKU-A", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-3 APPLIED",
                          "task O-1/delivery/WH-FR UPDATE [L1 SKU-A x2]",
                          "task O-1/delivery/WH-NL UPDATE [L2 SKU-B x3]",
                          "task O-1/delivery/WH-FR/2 CREATE [L3 SKU-A x1]"));
  // Work on every task: nothing more changes.
  Picked("O-1/delivery/WH-NL", kT0 + Hours(4));
  Amend(WithLine(Amendment("O-1", "A-4", kT0 + Hours(5)), "L2", "SKU-B", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-4 REJECTED [LINE_ALREADY_PICKED:L2]"));
}

// The tasks warehouse work reached, as the order's state lists them: the
// first in the order itself, the next beside it in the order's extras,
// in the order they came, and the same once restored.
TEST_P(AmendmentSourcedTest, TheTasksPickedAreListedInTheOrderTheyCame) {
  Stock(ReceiptAt("WH-FR", "SKU-A", 5, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-B", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  const auto marks = [this](Pipeline& p) {
    std::vector<std::string> listed;
    const internal::v1::OrderKeyState state =
        p.OrderShardFor("O-1").KeyState("O-1");
    for (const internal::v1::TaskMark& m : state.order().task_marks()) {
      listed.push_back(m.warehouse_id() + "/" + std::to_string(m.number()) +
                       (m.picked() ? " picked" : "") +
                       (m.open_before() ? " open" : ""));
    }
    return listed;
  };
  EXPECT_THAT(marks(pipeline()), ElementsAre());
  Picked("O-1/delivery/WH-NL", kT0 + Minutes(30));
  EXPECT_THAT(marks(pipeline()), ElementsAre("WH-NL/1 picked"));
  Picked("O-1/delivery/WH-NL", kT0 + Minutes(31));  // the same task again
  EXPECT_THAT(marks(pipeline()), ElementsAre("WH-NL/1 picked"));
  Picked("O-1/delivery/WH-FR", kT0 + Minutes(40));
  EXPECT_THAT(marks(pipeline()), ElementsAre("WH-NL/1 picked", "WH-FR/1 picked"));

  Recorder restored_out;
  Pipeline restored(config_, restored_out);
  for (int i = 0; i < pipeline().order_shard_count(); ++i) {
    ASSERT_TRUE(
        restored.order_shard(i).Restore(pipeline().order_shard(i).Snapshot()).ok());
  }
  EXPECT_THAT(marks(restored), ElementsAre("WH-NL/1 picked", "WH-FR/1 picked"));
}

TEST_P(AmendmentSourcedTest, SnapshotAndRestoreKeepThePendingAmendment) {
  Configure(ThreeWarehouses(), SourcingConfig::Fulfilment::kShipAvailable, true);
  Stock(ReceiptAt("WH-FR", "SKU-A", 2, kT0));
  Stock(ReceiptAt("WH-NL", "SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 4}, {"SKU-B", 1}}));
  Picked("O-1/delivery/WH-FR", kT0 + Minutes(30));
  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L2", "SKU-B", 2));
  out_.Take();

  FeedHereAndRestored({
      {WithLine(Amendment("O-1", "A-2", kT0 + Hours(2)), "L1", "SKU-A", 3),
       kT0 + Hours(2)},
      {ReceiptAt("WH-DE", "SKU-B", 2, kT0 + Hours(3)), kT0 + Hours(3)},
      {WithLine(Amendment("O-1", "A-3", kT0 + Hours(4)), "L2", "SKU-B", 1),
       kT0 + Hours(4)},
  });
  ExpectSameShards(restored(), pipeline());  // and the same state at the end
}

// Saved and restored between any two records (whole-shard snapshots, and
// the per-key changelog the host writes), a run emits what a run that
// never stopped does, and ends in the same state.
TEST_P(AmendmentSourcedTest, ARestoreAtAnyRecordChangesNothing) {
  for (const bool split : {false, true}) {
    Configure(ThreeWarehouses(),
              split ? SourcingConfig::Fulfilment::kShipAvailable
                    : SourcingConfig::Fulfilment::kShipComplete,
              split);
    v1::ShipmentEvent picked = Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED,
                                        kT0 + Minutes(30));
    picked.set_task_id("O-1/delivery/WH-NL");
    const std::vector<Input> stream = {
        {ReceiptAt("WH-FR", "SKU-A", 2, kT0), kT0},
        {ReceiptAt("WH-NL", "SKU-A", 3, kT0), kT0},
        {ReceiptAt("WH-NL", "SKU-B", 2, kT0), kT0},
        {Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}), kT0},
        {Order("O-2", {{"SKU-A", 2}}), kT0 + Minutes(1)},
        {picked, kT0 + Minutes(30)},
        {WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 4),
         kT0 + Hours(1)},
        {WithLine(Amendment("O-2", "A-1", kT0 + Hours(2)), "L1", "SKU-A", 1),
         kT0 + Hours(2)},
        {WithLine(WithLine(Amendment("O-1", "A-2", kT0 + Hours(3)), "L1",
                           "SKU-A", 1),
                  "L3", "SKU-C", 1),
         kT0 + Hours(3)},
        {ReceiptAt("WH-FR", "SKU-C", 1, kT0 + Hours(4)), kT0 + Hours(4)},
        {ReceiptAt("WH-FR", "SKU-A", 3, kT0 + Hours(5)), kT0 + Hours(5)},
        {WithLine(Amendment("O-2", "A-2", kT0 + Hours(6)), "L1", "SKU-A", 0),
         kT0 + Hours(6)},
    };
    Recorder straight_out;
    Pipeline straight(config_, straight_out);
    for (size_t k = 0; k < stream.size(); ++k) {
      Apply(straight, stream[k], static_cast<int64_t>(k + 1));
    }
    const std::vector<std::string> expected = straight_out.Take();
    for (size_t cut = 0; cut <= stream.size(); ++cut) {
      for (const bool changelog : {false, true}) {
        SCOPED_TRACE(::testing::Message() << "split " << split << " cut " << cut
                                        << " changelog " << changelog);
        Recorder before_out;
        Pipeline before(config_, before_out);
        for (int i = 0; i < before.order_shard_count(); ++i) {
          before.order_shard(i).set_track_changes(true);
        }
        for (int i = 0; i < before.inventory_shard_count(); ++i) {
          before.inventory_shard(i).set_track_changes(true);
        }
        for (size_t k = 0; k < cut; ++k) {
          Apply(before, stream[k], static_cast<int64_t>(k + 1));
        }
        std::vector<std::string> got = before_out.Take();
        Pipeline after(config_, before_out);
        for (int i = 0; i < before.order_shard_count(); ++i) {
          OrderShard& from = before.order_shard(i);
          OrderShard& to = after.order_shard(i);
          if (!changelog) {
            ASSERT_TRUE(to.Restore(from.Snapshot()).ok());
            continue;
          }
          for (const std::string& id : from.TakeChangedKeys()) {
            ASSERT_TRUE(to.RestoreKey(id, from.KeyState(id)).ok());
          }
          to.RestoreClock(from.clock());
        }
        for (int i = 0; i < before.inventory_shard_count(); ++i) {
          InventoryShard& from = before.inventory_shard(i);
          InventoryShard& to = after.inventory_shard(i);
          if (!changelog) {
            ASSERT_TRUE(to.Restore(from.Snapshot()).ok());
            continue;
          }
          for (const std::string& sku : from.TakeChangedKeys()) {
            ASSERT_TRUE(to.RestoreKey(sku, from.KeyState(sku)).ok());
          }
          to.RestoreClock(from.clock());
        }
        after.SyncClockFromShards();
        for (size_t k = cut; k < stream.size(); ++k) {
          Apply(after, stream[k], static_cast<int64_t>(k + 1));
        }
        for (std::string& line : before_out.Take()) got.push_back(std::move(line));
        EXPECT_EQ(got, expected);
        ExpectSameShards(after, straight);
      }
    }
  }
}

}  // namespace
}  // namespace orderflow::testing
