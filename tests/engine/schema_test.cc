// Inputs that fail schema checks go to dead-letter with the reason, their
// source topic, partition, offset, key and original bytes: nothing is
// dropped silently, and nothing invalid changes state (docs/contract.md,
// "Dead-letter reasons").
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using SchemaTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(SchemaTest);

TEST_P(SchemaTest, CancellationWithoutRequestedAtIsMissingField) {
  Place(Order("O-1"));
  out_.Take();
  v1::CancellationRequested c = Cancellation("O-1", kT0 + Hours(1));
  c.clear_requested_at();
  Cancel(c, kT0 + Hours(1));

  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter cancellations/O-1 MISSING_FIELD"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);
  const v1::DeadLetter dead = out_.DeadLetters()[0];
  EXPECT_EQ(dead.payload(), c.SerializeAsString());
  EXPECT_EQ(dead.offset(), 2);
  EXPECT_EQ(dead.partition(), kInputPartition);
  EXPECT_THAT(dead.detail(), HasSubstr("requestedAt"));
}

TEST_P(SchemaTest, ShipmentMissingARequiredFieldIsMissingField) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  out_.Take();

  v1::ShipmentEvent no_id = Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0);
  no_id.clear_shipment_id();
  v1::ShipmentEvent no_status = Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0);
  no_status.clear_status();
  v1::ShipmentEvent no_time = Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0);
  no_time.clear_occurred_at();
  Ship(no_id, kT0 + Hours(1));
  Ship(no_status, kT0 + Hours(1));
  Ship(no_time, kT0 + Hours(1));

  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter shipments/O-1 MISSING_FIELD",
                                       "dead-letter shipments/O-1 MISSING_FIELD",
                                       "dead-letter shipments/O-1 MISSING_FIELD"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
}

TEST_P(SchemaTest, InventoryEventMissingARequiredFieldIsMissingField) {
  v1::InventoryEvent no_kind = Receipt("SKU-A", 5, kT0);
  no_kind.clear_kind();
  v1::InventoryEvent no_time = Receipt("SKU-A", 5, kT0);
  no_time.clear_occurred_at();
  Stock(no_kind, kT0);
  Stock(no_time, kT0);

  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter inventory/SKU-A MISSING_FIELD",
                                       "dead-letter inventory/SKU-A MISSING_FIELD"));
  EXPECT_EQ(LedgerOf("SKU-A"), Ledger{});
}

TEST_P(SchemaTest, ReceiptOfNothingAndNegativeCountAreInvalidValues) {
  Stock(Receipt("SKU-A", 0, kT0));
  Stock(Receipt("SKU-A", -2, kT0));
  Stock(StockCount("SKU-A", -1, kT0));

  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter inventory/SKU-A INVALID_VALUE",
                                       "dead-letter inventory/SKU-A INVALID_VALUE",
                                       "dead-letter inventory/SKU-A INVALID_VALUE"));
  EXPECT_EQ(LedgerOf("SKU-A"), Ledger{});
}

TEST_P(SchemaTest, RecordKeyDifferentFromTheIdIsKeyMismatch) {
  const v1::OrderPlaced order = Order("O-1");
  const std::string payload = order.SerializeAsString();
  RecordSource source = At(kT0);
  source.topic = "orders";
  source.key = "O-2";
  source.payload = payload;
  source.offset = 41;
  pipeline().OnOrderPlaced(order, source);

  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter orders/O-2 KEY_MISMATCH"));
  EXPECT_EQ(out_.DeadLetters()[0].payload(), payload);
  EXPECT_EQ(out_.DeadLetters()[0].offset(), 41);
  EXPECT_EQ(StatusOf("O-1"), std::nullopt);
  EXPECT_EQ(StatusOf("O-2"), std::nullopt);
}

// Enum numbers outside the contract (a newer or broken producer writing
// protobuf binary) are not a valid value of a required field.

TEST_P(SchemaTest, UnknownInventoryKindIsDeadLetteredNotApplied) {
  v1::InventoryEvent event = Receipt("SKU-A", 5, kT0);
  event.set_kind(static_cast<v1::InventoryKind>(9));
  Stock(event);

  EXPECT_THAT(out_.DeadLetters(), SizeIs(1));
  EXPECT_EQ(LedgerOf("SKU-A"), Ledger{});
}

TEST_P(SchemaTest, UnknownShipmentStatusIsDeadLetteredNotDropped) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  out_.Take();

  Ship(Shipment("O-1", "S-1", static_cast<v1::ShipmentStatus>(9), kT0 + Hours(1)));
  EXPECT_THAT(out_.DeadLetters(), SizeIs(1));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
}

TEST_P(SchemaTest, UnknownServiceLevelIsNotAccepted) {
  Place(Order("O-1", {{"SKU-A", 1}}, static_cast<v1::ServiceLevel>(7)));

  // Rejected (MISSING_FIELD) or dead-lettered; never accepted, and so
  // never ranked above OVERNIGHT in a backorder queue.
  EXPECT_THAT(out_.Take(), ::testing::Not(::testing::Contains("status O-1 NEW -> ACCEPTED")));
  const std::optional<v1::OrderStatus> status = StatusOf("O-1");
  EXPECT_TRUE(!status || *status == v1::ORDER_STATUS_REJECTED)
      << "status " << StatusName(*status);
}

TEST_P(SchemaTest, ValidRecordsProduceNoDeadLetters) {
  Stock(Receipt("SKU-A", 5, kT0));
  Stock(Adjustment("SKU-A", -1, kT0));
  Stock(Adjustment("SKU-A", 0, kT0));
  Stock(StockCount("SKU-A", 0, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  EXPECT_THAT(out_.DeadLetters(), IsEmpty());
}

}  // namespace
}  // namespace orderflow::testing
