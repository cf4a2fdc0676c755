// Rule 10, parcels: shipment events with lines ship, deliver or fail those
// units; the order's status follows what its units did; ship- and
// delivery-deadline escalations stay open (and say what is missing) until
// every unit shipped or was delivered; a mismatch goes to dead-letter and
// changes nothing; a cancellation after a partial shipment cancels the
// rest. Every test runs under each shard layout.
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct ParcelLine {
  std::string line_id;
  int32_t quantity;
};

v1::ShipmentEvent Parcel(std::string_view order_id, std::string_view shipment_id,
                         v1::ShipmentStatus status, EpochMillis at,
                         std::vector<ParcelLine> lines) {
  v1::ShipmentEvent e = Shipment(order_id, shipment_id, status, at);
  for (const ParcelLine& l : lines) {
    v1::ShipmentLine* line = e.add_lines();
    line->set_line_id(l.line_id);
    line->set_quantity(l.quantity);
  }
  return e;
}

constexpr v1::ShipmentStatus kDelivered = v1::SHIPMENT_STATUS_DELIVERED;
constexpr v1::ShipmentStatus kFailed = v1::SHIPMENT_STATUS_DELIVERY_FAILED;

class ParcelTest : public EngineTest {
 protected:
  // O-1: line L1 3 units of SKU-A, line L2 5 units of SKU-B, allocated at
  // kT0 (STANDARD: ship by kT0 + 2 days, promised kT0 + 5 days).
  void AllocateO1() {
    Stock(Receipt("SKU-A", 10, kT0));
    Stock(Receipt("SKU-B", 10, kT0));
    Place(Order("O-1", {{"SKU-A", 3}, {"SKU-B", 5}}));
    out_.Take();
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(ParcelTest);

TEST_P(ParcelTest, PartialThenFullShipmentConsumesEachParcel) {
  AllocateO1();

  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L1", 3}, {"L2", 2}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> PARTIALLY_SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 7, .reserved = 0}));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 8, .reserved = 3}));

  Ship(Parcel("O-1", "P-2", kShipped, kT0 + Hours(2), {{"L2", 3}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 PARTIALLY_SHIPPED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 5, .reserved = 0}));
  EXPECT_EQ(pipeline().Metrics().split_shipments, 1);
}

TEST_P(ParcelTest, AParcelDeliveredBeforeAnotherShips) {
  AllocateO1();

  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L1", 3}}));
  Ship(Parcel("O-1", "P-1", kDelivered, kT0 + Hours(20), {{"L1", 3}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> PARTIALLY_SHIPPED",
                          "status O-1 PARTIALLY_SHIPPED -> PARTIALLY_DELIVERED"));

  // The second parcel delivered without a SHIPPED first: shipped, then
  // delivered; now every unit is.
  Ship(Parcel("O-1", "P-2", kDelivered, kT0 + Hours(30), {{"L2", 5}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 PARTIALLY_DELIVERED -> DELIVERED"));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 5, .reserved = 0}));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_DELIVERED);
}

TEST_P(ParcelTest, AParcelFailingWhileAnotherIsDelivered) {
  AllocateO1();
  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L1", 3}}));
  Ship(Parcel("O-1", "P-2", kShipped, kT0 + Hours(2), {{"L2", 5}}));
  out_.Take();

  Ship(Parcel("O-1", "P-2", kFailed, kT0 + Hours(20), {{"L2", 5}}));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/DELIVERY_FAILED/2"));
  EXPECT_THAT(out_.Escalation("O-1/DELIVERY_FAILED/2", v1::ESCALATION_STATE_RAISED)
                  .message(),
              HasSubstr("shipment P-2: 5 units of line L2 (SKU-B)"));

  Ship(Parcel("O-1", "P-1", kDelivered, kT0 + Hours(21), {}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 SHIPPED -> PARTIALLY_DELIVERED"));

  // The failed parcel, delivered again: the failure clears with it.
  Ship(Parcel("O-1", "P-2", kDelivered, kT0 + Hours(40), {}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 PARTIALLY_DELIVERED -> DELIVERED",
                          "CLEARED O-1/DELIVERY_FAILED/2"));
}

TEST_P(ParcelTest, DeliveryFailedOfAParcelNeverShippedShipsItFirst) {
  AllocateO1();

  Ship(Parcel("O-1", "P-1", kFailed, kT0 + Hours(5), {{"L1", 3}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> PARTIALLY_SHIPPED",
                                       "RAISED O-1/DELIVERY_FAILED/2"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 7, .reserved = 0}));

  // Its SHIPPED arriving late changes nothing.
  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L1", 3}}));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 7, .reserved = 0}));
}

TEST_P(ParcelTest, OverShipmentGoesToDeadLetterAndChangesNothing) {
  AllocateO1();
  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L2", 4}}));
  out_.Take();

  Ship(Parcel("O-1", "P-2", kShipped, kT0 + Hours(2), {{"L1", 1}, {"L2", 2}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter shipments/O-1 SHIPMENT_MISMATCH"));
  EXPECT_THAT(out_.DeadLetters().back().detail(),
              HasSubstr("2 units of line L2 (SKU-B) of order O-1: 6 of 5 units ordered"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 3}));

  // Corrected under the same shipment id and status: applied.
  Ship(Parcel("O-1", "P-2", kShipped, kT0 + Hours(3), {{"L1", 3}, {"L2", 1}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 PARTIALLY_SHIPPED -> SHIPPED"));
}

TEST_P(ParcelTest, UnknownLineOrTaskGoesToDeadLetter) {
  AllocateO1();

  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L9", 1}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter shipments/O-1 SHIPMENT_MISMATCH"));
  EXPECT_EQ(out_.DeadLetters().back().detail(), "order O-1 has no line L9");

  v1::ShipmentEvent other_task =
      Parcel("O-1", "P-2", kShipped, kT0 + Hours(2), {{"L1", 1}});
  other_task.set_task_id("O-1/elsewhere");
  Ship(other_task);
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter shipments/O-1 SHIPMENT_MISMATCH"));
  EXPECT_EQ(out_.DeadLetters().back().detail(),
            "order O-1 has no delivery task O-1/elsewhere");
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 3}));

  v1::ShipmentEvent its_task =
      Parcel("O-1", "P-3", kShipped, kT0 + Hours(3), {{"L1", 1}});
  its_task.set_task_id("O-1/delivery");
  Ship(its_task);
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> PARTIALLY_SHIPPED"));
}

TEST_P(ParcelTest, ShipDeadlineStaysOpenUntilEveryUnitShipped) {
  AllocateO1();
  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L1", 3}, {"L2", 3}}));
  out_.Take();

  // Partly shipped: the ladder still runs, and names what is missing.
  AdvanceTo(kT0 + Days(2));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-1/SHIP_DEADLINE_MISSED/2"));
  EXPECT_EQ(out_.Escalation("O-1/SHIP_DEADLINE_MISSED/2", v1::ESCALATION_STATE_RAISED)
                .message(),
            "Order O-1 (STANDARD) missed its ship-by time 2026-03-04T10:00:00Z: "
            "2 of 5 units of line L2 (SKU-B) not shipped.");

  Ship(Parcel("O-1", "P-2", kShipped, kT0 + Days(2) + Hours(1), {{"L2", 1}}));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Ship(Parcel("O-1", "P-3", kShipped, kT0 + Days(2) + Hours(2), {{"L2", 1}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 PARTIALLY_SHIPPED -> SHIPPED",
                                       "CLEARED O-1/SHIP_DEADLINE_AT_RISK/1",
                                       "CLEARED O-1/SHIP_DEADLINE_MISSED/2"));
}

TEST_P(ParcelTest, DeliveryDeadlineNamesWhatIsNotDelivered) {
  AllocateO1();
  Ship(Parcel("O-1", "P-1", kDelivered, kT0 + Hours(1), {{"L1", 3}, {"L2", 5}}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED",
                                       "status O-1 SHIPPED -> DELIVERED"));

  Stock(Receipt("SKU-A", 10, kT0));
  Place(Order("O-2", {{"SKU-A", 3}, {"SKU-B", 5}}));
  Ship(Parcel("O-2", "P-1", kShipped, kT0 + Hours(1), {{"L1", 3}, {"L2", 5}}));
  Ship(Parcel("O-2", "P-1", kDelivered, kT0 + Hours(2), {{"L1", 3}, {"L2", 5}}));
  out_.Take();

  Stock(Receipt("SKU-B", 10, kT0));
  Place(Order("O-3", {{"SKU-A", 3}, {"SKU-B", 5}}));
  Ship(Parcel("O-3", "P-1", kShipped, kT0 + Hours(1), {{"L1", 3}, {"L2", 5}}));
  out_.Take();
  Ship(Parcel("O-3", "P-1", kDelivered, kT0 + Hours(3), {{"L1", 3}}));
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter shipments/O-3 SHIPMENT_MISMATCH"));
  EXPECT_EQ(out_.DeadLetters().back().detail(),
            "shipment P-1 of order O-3 carried other lines before");

  AdvanceTo(kT0 + Days(5));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-3/DELIVERY_DEADLINE_MISSED/2"));
  EXPECT_EQ(out_.Escalation("O-3/DELIVERY_DEADLINE_MISSED/2",
                            v1::ESCALATION_STATE_RAISED)
                .message(),
            "Order O-3 (STANDARD) was promised for delivery by "
            "2026-03-07T10:00:00Z and is not delivered: 3 of 3 units of line L1 "
            "(SKU-A), 5 of 5 units of line L2 (SKU-B) not delivered.");
}

TEST_P(ParcelTest, CancellationAfterAPartialShipmentCancelsTheRest) {
  AllocateO1();
  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L2", 2}}));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 PARTIALLY_SHIPPED -> SHIPPED [CANCEL_REQUESTED]",
                          "task O-1/delivery CANCEL [L1 SKU-A x3, L2 SKU-B x5]",
                          "RAISED O-1/CANCEL_AFTER_SHIPMENT/2"));
  EXPECT_EQ(out_.Escalation("O-1/CANCEL_AFTER_SHIPMENT/2",
                            v1::ESCALATION_STATE_RAISED)
                .message(),
            "Order O-1 was asked to be cancelled at 2026-03-02T12:00:00Z but has "
            "already shipped 2 units of line L2 (SKU-B); the rest (3 units of "
            "line L1 (SKU-A), 3 units of line L2 (SKU-B)) is cancelled.");
  // The unshipped units are released.
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 0}));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 8, .reserved = 0}));

  // Nothing more ships; what did is delivered: the order is DELIVERED.
  Ship(Parcel("O-1", "P-2", kShipped, kT0 + Hours(3), {{"L1", 1}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter shipments/O-1 SHIPMENT_MISMATCH"));
  Ship(Parcel("O-1", "P-1", kDelivered, kT0 + Hours(20), {}));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 SHIPPED -> DELIVERED"));

  // A second cancellation: already escalated, nothing more.
  Cancel(Cancellation("O-1", kT0 + Hours(21)));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(ParcelTest, DuplicatesAreNoOps) {
  AllocateO1();
  const v1::ShipmentEvent p1 =
      Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L1", 1}});
  Ship(p1);
  out_.Take();
  Ship(p1, kT0 + Hours(2));
  v1::ShipmentEvent later = p1;
  *later.mutable_occurred_at() = Ts(kT0 + Hours(3));
  Ship(later);
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 9, .reserved = 2}));

  Ship(Parcel("O-1", "P-1", kFailed, kT0 + Hours(4), {{"L1", 1}}));
  Ship(Parcel("O-1", "P-1", kFailed, kT0 + Hours(5), {{"L1", 1}}));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/DELIVERY_FAILED/2"));
}

TEST_P(ParcelTest, HeldParcelAppliesWhenItsOrderArrives) {
  Stock(Receipt("SKU-A", 10, kT0));
  Stock(Receipt("SKU-B", 10, kT0));
  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L1", 3}}));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Place(Order("O-1", {{"SKU-A", 3}, {"SKU-B", 5}}, kStandard, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> PARTIALLY_SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 7, .reserved = 0}));
}

TEST_P(ParcelTest, V1ShipmentAfterParcelsShipsTheRest) {
  AllocateO1();
  Ship(Parcel("O-1", "P-1", kShipped, kT0 + Hours(1), {{"L2", 2}}));
  out_.Take();

  Ship(Shipment("O-1", "S-REST", kShipped, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 PARTIALLY_SHIPPED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 7, .reserved = 0}));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 5, .reserved = 0}));

  // Delivered without lines: the whole order.
  Ship(Shipment("O-1", "S-ALL", kDelivered, kT0 + Hours(20)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 SHIPPED -> DELIVERED"));
}

}  // namespace
}  // namespace orderflow::testing
