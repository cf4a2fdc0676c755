// Rule 5, shipments: SHIPPED consumes, DELIVERED is terminal,
// DELIVERY_FAILED escalates until delivered, PICKED/PACKED change nothing,
// duplicates are no-ops, early shipments wait for their order (7 days).
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ShipmentTest : public EngineTest {
 protected:
  // O-1: two units of SKU-A out of five, allocated at kT0.
  void AllocateO1() {
    Stock(Receipt("SKU-A", 5, kT0));
    Place(Order("O-1", {{"SKU-A", 2}}));
    out_.Take();
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(ShipmentTest);

TEST_P(ShipmentTest, ShippedConsumesTheReservation) {
  AllocateO1();

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));
  EXPECT_EQ(Ms(out_.Statuses("O-1").back().occurred_at()), kT0 + Hours(1));
}

TEST_P(ShipmentTest, ShippedBackorderConsumesWhatItHeldAndStopsWaiting) {
  Stock(Receipt("SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 3}}));
  out_.Take();

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 0, .reserved = 0}));

  Stock(Receipt("SKU-A", 5, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 0}));
}

TEST_P(ShipmentTest, DeliveredIsTerminal) {
  AllocateO1();
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED",
                                       "status O-1 SHIPPED -> DELIVERED"));

  Ship(Shipment("O-1", "S-2", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Days(2)));
  Ship(Shipment("O-1", "S-2", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Days(2)));
  Ship(Shipment("O-1", "S-3", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(3)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_DELIVERED);
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));
}

TEST_P(ShipmentTest, DeliveredWithoutShippedFirstShipsAndDelivers) {
  AllocateO1();

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED",
                                       "status O-1 SHIPPED -> DELIVERED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));
}

TEST_P(ShipmentTest, DeliveryFailedRaisesLevel2UntilDelivered) {
  AllocateO1();
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  out_.Take();

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Days(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 SHIPPED -> DELIVERY_FAILED",
                                       "RAISED O-1/DELIVERY_FAILED/2"));
  const v1::Escalation raised =
      out_.Escalation("O-1/DELIVERY_FAILED/2", v1::ESCALATION_STATE_RAISED);
  EXPECT_EQ(raised.level(), 2);
  EXPECT_EQ(Ms(raised.detected_at()), kT0 + Days(1));
  EXPECT_THAT(raised.message(), HasSubstr("S-1"));

  // Redelivered a day later: same shipment id, a new status.
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 DELIVERY_FAILED -> DELIVERED",
                                       "CLEARED O-1/DELIVERY_FAILED/2"));
  EXPECT_EQ(Ms(out_.Escalation("O-1/DELIVERY_FAILED/2", v1::ESCALATION_STATE_CLEARED)
                   .detected_at()),
            kT0 + Days(2));
}

TEST_P(ShipmentTest, PickedAndPackedChangeNoStatus) {
  AllocateO1();

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PACKED, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 2}));

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
}

TEST_P(ShipmentTest, DuplicateShippedIsANoOp) {
  AllocateO1();
  const v1::ShipmentEvent shipped =
      Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1));
  Ship(shipped);
  out_.Take();

  Ship(shipped, kT0 + Hours(2));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));
}

TEST_P(ShipmentTest, DuplicateDeliveryFailedIsANoOp) {
  AllocateO1();
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Days(1)));
  out_.Take();

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Days(1)),
       kT0 + Days(1) + Hours(1));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(ShipmentTest, DuplicateEventForARejectedOrderIsANoOp) {
  v1::OrderPlaced rejected = Order("O-1");
  rejected.clear_customer_id();
  Place(rejected);
  const v1::ShipmentEvent shipped =
      Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1));
  Ship(shipped);
  out_.Take();  // whatever the first one gives

  Ship(shipped, kT0 + Hours(2));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_REJECTED);
}

TEST_P(ShipmentTest, EventsOfDifferentShipmentsAreNeverDuplicates) {
  AllocateO1();

  // Shipment ids differing in their first character only.
  Ship(Shipment("O-1", "P-7", v1::SHIPMENT_STATUS_PACKED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "Q-7", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
}

TEST_P(ShipmentTest, RedeliveryUnderANewShipmentIdIsNotADuplicate) {
  AllocateO1();
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Days(1)));
  out_.Take();

  Ship(Shipment("O-1", "R-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 DELIVERY_FAILED -> DELIVERED",
                                       "CLEARED O-1/DELIVERY_FAILED/2"));
}

TEST_P(ShipmentTest, DuplicateHeldShipmentIsAppliedOnce) {
  Stock(Receipt("SKU-A", 5, kT0));
  const v1::ShipmentEvent shipped =
      Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1));
  Ship(shipped);
  Ship(shipped, kT0 + Hours(2));

  Place(Order("O-1", {{"SKU-A", 2}}, kStandard, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));
}

TEST_P(ShipmentTest, DuplicateHeldShipmentExpiresOnce) {
  const v1::ShipmentEvent shipped =
      Shipment("O-9", "S-9", v1::SHIPMENT_STATUS_SHIPPED, kT0);
  Ship(shipped);
  Ship(shipped, kT0 + Hours(1));

  AdvanceTo(kT0 + Days(8));
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter shipments/O-9 UNMATCHED_SHIPMENT"));
}

TEST_P(ShipmentTest, ShipmentBeforeOrderIsHeldAndAppliedWhenItArrives) {
  Stock(Receipt("SKU-A", 5, kT0));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Place(Order("O-1", {{"SKU-A", 2}}, kStandard, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));

  // Nothing of the held shipment is left to expire: past its seven days
  // only the order's own delivery deadlines come out.
  AdvanceTo(kT0 + Days(8));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/DELIVERY_DEADLINE_MISSED/2",
                                       "RAISED O-1/DELIVERY_DEADLINE_MISSED/3"));
}

// A duplicate while held is the same shipmentId and status, whatever its
// occurredAt (the ERP resent it with the time it resent it).
TEST_P(ShipmentTest, HeldDuplicateWithAnotherOccurredAtExpiresOnce) {
  Ship(Shipment("O-9", "S-9", v1::SHIPMENT_STATUS_SHIPPED, kT0));
  Ship(Shipment("O-9", "S-9", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)),
       kT0 + Hours(1));

  AdvanceTo(kT0 + Days(8));
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter shipments/O-9 UNMATCHED_SHIPMENT"));
}

TEST_P(ShipmentTest, HeldShipmentsWithOtherStatusesAreKeptApart) {
  Ship(Shipment("O-9", "S-9", v1::SHIPMENT_STATUS_SHIPPED, kT0));
  Ship(Shipment("O-9", "S-9", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(1)),
       kT0 + Hours(1));

  AdvanceTo(kT0 + Days(8));
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter shipments/O-9 UNMATCHED_SHIPMENT",
                                       "dead-letter shipments/O-9 UNMATCHED_SHIPMENT"));
}

TEST_P(ShipmentTest, ShippedAndDeliveredBeforeOrderAreAppliedInTurn) {
  Stock(Receipt("SKU-A", 5, kT0));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(2)));

  Place(Order("O-1", {{"SKU-A", 2}}, kStandard, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> SHIPPED",
                                       "status O-1 SHIPPED -> DELIVERED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));
}

TEST_P(ShipmentTest, HeldShipmentExpiresToDeadLetterAfterSevenDays) {
  const v1::ShipmentEvent shipped =
      Shipment("O-9", "S-9", v1::SHIPMENT_STATUS_SHIPPED, kT0);
  Ship(shipped);

  ExpectNothingUntilThen(kT0 + Days(7),
                         {"dead-letter shipments/O-9 UNMATCHED_SHIPMENT"});
  const v1::DeadLetter dead = out_.DeadLetters()[0];
  EXPECT_EQ(dead.payload(), shipped.SerializeAsString());
  EXPECT_EQ(dead.key(), "O-9");
  EXPECT_EQ(dead.offset(), 1);
  EXPECT_EQ(dead.partition(), kInputPartition);
  EXPECT_EQ(Ms(dead.dead_lettered_at()), kT0 + Days(7));
  EXPECT_FALSE(dead.detail().empty());
}

}  // namespace
}  // namespace orderflow::testing
