// Rule 11, amendments: applied in arrival order and once per amendmentId,
// REJECTED as a whole with reasons (and a level-1 AMENDMENT_REJECTED), or
// APPLIED: stock resized, tasks updated, dates recomputed, escalations
// that no longer hold cleared, the backorder queue re-ranked.
#include "tests/engine/amendment_builders.h"
#include "tests/engine/engine_test.h"
#include "tests/engine/saved_shards.h"

namespace orderflow::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

v1::OrderAmended WithAddress(v1::OrderAmended a, std::string_view city) {
  v1::Address* to = a.mutable_ship_to();
  to->set_name("Erika Muster");
  to->set_line1("Neue Strasse 2");
  to->set_city(std::string(city));
  to->set_postal_code("80331");
  to->set_country("DE");
  return a;
}

using AmendmentTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(AmendmentTest);

// ------------------------------------------------------------ rejections

TEST_P(AmendmentTest, ClosedOrdersRefuseAmendments) {
  Place(Order("O-1"));
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  v1::OrderPlaced invalid = Order("O-2");
  invalid.clear_customer_id();
  Place(invalid);
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-3"));
  Ship(Shipment("O-3", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(2)));
  out_.Take();

  Amend(WithAddress(Amendment("O-1", "A-1", kT0 + Hours(3)), "Berlin"));
  Amend(WithAddress(Amendment("O-2", "A-1", kT0 + Hours(3)), "Berlin"));
  Amend(WithAddress(Amendment("O-3", "A-1", kT0 + Hours(3)), "Berlin"));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 REJECTED [ORDER_CANCELLED]",
                          "RAISED O-1/AMENDMENT_REJECTED/1",
                          "amendment O-2 A-1 REJECTED [ORDER_REJECTED]",
                          "RAISED O-2/AMENDMENT_REJECTED/1",
                          "amendment O-3 A-1 REJECTED [ORDER_DELIVERED]",
                          "RAISED O-3/AMENDMENT_REJECTED/1"));
  const v1::Escalation raised =
      out_.Escalation("O-1/AMENDMENT_REJECTED/1", v1::ESCALATION_STATE_RAISED);
  EXPECT_EQ(raised.level(), 1);
  EXPECT_EQ(raised.message(),
            "Amendment A-1 of order O-1 (requested 2026-03-02T13:00:00Z) was "
            "rejected (ORDER_CANCELLED); the order stands as it was: tell the "
            "customer or send a corrected amendment.");
  EXPECT_EQ(Ms(out_.AmendmentResults("O-1")[0].occurred_at()), kT0 + Hours(3));
  EXPECT_EQ(pipeline().Metrics().amendments_rejected, 3);
}

TEST_P(AmendmentTest, ALineAlreadyPickedCannotChange) {
  Stock(Receipt("SKU-A", 10, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(1)));
  out_.Take();

  Amend(WithLine(WithLine(Amendment("O-1", "A-1", kT0 + Hours(2)), "L1",
                          "SKU-A", 3),
                 "L9", "SKU-C", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 REJECTED [LINE_ALREADY_PICKED:L1, "
                          "LINE_ADDED_AFTER_PICKED:L9]",
                          "RAISED O-1/AMENDMENT_REJECTED/1"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 2}));
}

TEST_P(AmendmentTest, AnAddressChangeAfterPackedIsRefusedAfterPickedApplied) {
  Stock(Receipt("SKU-A", 10, kT0));
  Place(Order("O-1"));
  Place(Order("O-2"));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PACKED, kT0 + Hours(1)));
  Ship(Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(1)));
  out_.Take();

  Amend(WithAddress(Amendment("O-1", "A-1", kT0 + Hours(2)), "Berlin"));
  Amend(WithAddress(Amendment("O-2", "A-1", kT0 + Hours(2)), "Berlin"));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 REJECTED [ADDRESS_AFTER_PACKED]",
                          "RAISED O-1/AMENDMENT_REJECTED/1",
                          "amendment O-2 A-1 APPLIED",
                          "task O-2/delivery UPDATE [L1 SKU-A x1]"));
}

TEST_P(AmendmentTest, TheAmendedOrderMustPassReview) {
  Stock(Receipt("SKU-A", 10, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", -1));
  Amend(WithLine(Amendment("O-1", "A-2", kT0 + Hours(1)), "L2", "SKU-B", 5000));
  v1::OrderAmended no_city = WithAddress(Amendment("O-1", "A-3", kT0 + Hours(1)), "");
  Amend(no_city);
  v1::OrderAmended past = Amendment("O-1", "A-4", kT0 + Hours(1));
  *past.mutable_promised_delivery_at() = Ts(kT0 - Hours(1));
  Amend(past);
  Amend(WithLine(WithLine(Amendment("O-1", "A-5", kT0 + Hours(1)), "L1",
                          "SKU-A", 0),
                 "L2", "SKU-B", 0));
  Amend(WithLine(Amendment("O-1", "A-6", kT0 + Hours(1)), "L1", "SKU-Z", 2));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 REJECTED [INVALID_QUANTITY]",
                          "RAISED O-1/AMENDMENT_REJECTED/1",
                          "amendment O-1 A-2 REJECTED [QUANTITY_LIMIT]",
                          "amendment O-1 A-3 REJECTED [ADDRESS_INCOMPLETE]",
                          "amendment O-1 A-4 REJECTED [PROMISE_IN_PAST]",
                          "amendment O-1 A-5 REJECTED [MISSING_FIELD]",
                          "amendment O-1 A-6 REJECTED [SKU_MISMATCH:L1]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 2}));
}

TEST_P(AmendmentTest, MissingIdsGoToDeadLetter) {
  Place(Order("O-1"));
  out_.Take();
  v1::OrderAmended no_id = Amendment("O-1", "", kT0 + Hours(1));
  Amend(no_id);
  v1::OrderAmended no_time = Amendment("O-1", "A-1", kT0 + Hours(1));
  no_time.clear_requested_at();
  Amend(no_time, kT0 + Hours(1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter amendments/O-1 MISSING_FIELD",
                          "dead-letter amendments/O-1 MISSING_FIELD"));
  EXPECT_EQ(out_.DeadLetters()[0].detail(), "amendmentId missing");
  EXPECT_EQ(out_.DeadLetters()[1].detail(), "requestedAt missing");
}

// ------------------------------------------------------ address and dates

TEST_P(AmendmentTest, AnAddressChangeUpdatesTheTask) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  out_.Take();

  Amend(WithAddress(Amendment("O-1", "A-1", kT0 + Hours(1)), "Berlin"));
  EXPECT_THAT(out_.Take(), ElementsAre("amendment O-1 A-1 APPLIED",
                                       "task O-1/delivery UPDATE [L1 SKU-A x2]"));
  const v1::DeliveryTask update = out_.Tasks("O-1").back();
  EXPECT_EQ(update.task_id(), out_.Tasks("O-1").front().task_id());
  EXPECT_EQ(update.ship_to().city(), "Berlin");
  EXPECT_EQ(Ms(update.created_at()), kT0 + Hours(1));
  EXPECT_EQ(pipeline().Metrics().amendments_applied, 1);
}

TEST_P(AmendmentTest, AnAddressGivenBeforeAllocationGoesOnTheCreate) {
  Place(Order("O-1", {{"SKU-A", 2}}));
  Amend(WithAddress(Amendment("O-1", "A-1", kT0 + Hours(1)), "Berlin"));
  out_.Take();
  Stock(Receipt("SKU-A", 5, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(out_.Tasks("O-1").back().ship_to().city(), "Berlin");
}

TEST_P(AmendmentTest, AServiceUpgradeRecomputesShipByAndRanksTheOrderAhead) {
  Place(Order("O-1", {{"SKU-A", 1}}));                               // first
  Place(Order("O-2", {{"SKU-A", 1}}, kStandard, kT0 + Hours(1)));    // second
  out_.Take();

  v1::OrderAmended upgrade = Amendment("O-2", "A-1", kT0 + Hours(2));
  upgrade.set_service_level(kOvernight);
  Amend(upgrade);
  EXPECT_THAT(out_.Take(), ElementsAre("amendment O-2 A-1 APPLIED"));

  Stock(Receipt("SKU-A", 1, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-2 BACKORDERED -> ALLOCATED",
                                       "task O-2/delivery CREATE [L1 SKU-A x1]"));
  const v1::DeliveryTask task = out_.Tasks("O-2").back();
  EXPECT_EQ(task.priority(), kOvernight);
  // OVERNIGHT: promised a day after placedAt, shipped 12 hours before.
  EXPECT_EQ(Ms(task.deliver_by()), kT0 + Hours(1) + Days(1));
  EXPECT_EQ(Ms(task.ship_by()), kT0 + Hours(1) + Hours(12));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 1, .reserved = 1, .waiting_orders = 1}));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);
}

TEST_P(AmendmentTest, ALaterPromiseClearsTheDeadlineEscalationAndReArmsTheTimer) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));  // STANDARD: shipBy kT0 + 2 days
  AdvanceTo(kT0 + Hours(45));
  EXPECT_THAT(out_.Take(), Contains("RAISED O-1/SHIP_DEADLINE_AT_RISK/1"));

  v1::OrderAmended later = Amendment("O-1", "A-1", kT0 + Hours(46));
  *later.mutable_promised_delivery_at() = Ts(kT0 + Days(10));  // shipBy + 7 days
  Amend(later);
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "CLEARED O-1/SHIP_DEADLINE_AT_RISK/1",
                          "task O-1/delivery UPDATE [L1 SKU-A x1]"));
  EXPECT_EQ(Ms(out_.Tasks("O-1").back().ship_by()), kT0 + Days(7));
  // The old shipBy passes without a word; the new one is watched (rule 7:
  // AT_RISK is not raised twice, MISSED is).
  ExpectNothingUntilThen(kT0 + Days(7), {"RAISED O-1/SHIP_DEADLINE_MISSED/2"});
}

// ------------------------------------------------------------------ lines

TEST_P(AmendmentTest, LessQuantityIsReleasedToABackorder) {
  Stock(Receipt("SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 3}}));
  Place(Order("O-2", {{"SKU-A", 2}}));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "task O-1/delivery UPDATE [L1 SKU-A x1]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 3}));
}

TEST_P(AmendmentTest, MoreQuantityBackordersUntilStockComes) {
  Stock(Receipt("SKU-A", 3, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 5));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "status O-1 ALLOCATED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "task O-1/delivery CANCEL [L1 SKU-A x5]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 3, .waiting_orders = 1}));

  Stock(Receipt("SKU-A", 2, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 BACKORDERED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x5]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 5}));
}

TEST_P(AmendmentTest, ARemovedLineIsReleasedAndLeftOutOfTheTask) {
  Stock(Receipt("SKU-A", 5, kT0));
  Stock(Receipt("SKU-B", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}, {"SKU-B", 2}}));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L2", "SKU-B", 0));
  EXPECT_THAT(out_.Take(), ElementsAre("amendment O-1 A-1 APPLIED",
                                       "task O-1/delivery UPDATE [L1 SKU-A x1]"));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 5, .reserved = 0}));

  // Shipping consumes only what the order still holds.
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2)));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 4, .reserved = 0}));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 5, .reserved = 0}));
}

TEST_P(AmendmentTest, AnAddedLineIsReservedOrBackordered) {
  Stock(Receipt("SKU-A", 5, kT0));
  Stock(Receipt("SKU-C", 2, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Place(Order("O-2", {{"SKU-A", 1}}));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L2", "SKU-C", 2));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 APPLIED",
                          "task O-1/delivery UPDATE [L1 SKU-A x1, L2 SKU-C x2]"));
  Amend(WithLine(Amendment("O-2", "A-1", kT0 + Hours(1)), "L2", "SKU-D", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-2 A-1 APPLIED",
                          "status O-2 ALLOCATED -> BACKORDERED [SHORT_STOCK:SKU-D]",
                          "task O-2/delivery CANCEL [L1 SKU-A x1, L2 SKU-D x1]"));
  EXPECT_EQ(LedgerOf("SKU-C"), (Ledger{.on_hand = 2, .reserved = 2}));
  EXPECT_EQ(LedgerOf("SKU-D"), (Ledger{.waiting_orders = 1}));

  // A line of a SKU the order has, with its demand unchanged, is as
  // reserved as the SKU's other lines.
  Amend(WithLine(WithLine(Amendment("O-1", "A-2", kT0 + Hours(1)), "L1",
                          "SKU-A", 0),
                 "L3", "SKU-A", 1));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-2 APPLIED",
                          "task O-1/delivery UPDATE [L2 SKU-C x2, L3 SKU-A x1]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 2}));

  // Cancelling releases the added line too.
  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_EQ(LedgerOf("SKU-C"), (Ledger{.on_hand = 2, .reserved = 0}));
  Cancel(Cancellation("O-2", kT0 + Hours(2)));
  EXPECT_EQ(LedgerOf("SKU-D"), (Ledger{}));
}

// ----------------------------------------------------- order and identity

TEST_P(AmendmentTest, AnAmendmentRacingPickedDependsOnWhichCameFirst) {
  Stock(Receipt("SKU-A", 10, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Place(Order("O-2", {{"SKU-A", 2}}));
  out_.Take();

  // O-1: picked first, the amendment is too late.
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(1)));
  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 1));
  // O-2: amended first, then picked as amended.
  Amend(WithLine(Amendment("O-2", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 1));
  Ship(Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("amendment O-1 A-1 REJECTED [LINE_ALREADY_PICKED:L1]",
                          "RAISED O-1/AMENDMENT_REJECTED/1",
                          "amendment O-2 A-1 APPLIED",
                          "task O-2/delivery UPDATE [L1 SKU-A x1]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 3}));
}

TEST_P(AmendmentTest, ARepeatedAmendmentIdIsANoOp) {
  Stock(Receipt("SKU-A", 10, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 3));
  Amend(WithLine(Amendment("O-1", "A-2", kT0 + Hours(1)), "L1", "SKU-A", -3));
  out_.Take();

  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(2)), "L1", "SKU-A", 3));
  Amend(WithLine(Amendment("O-1", "A-2", kT0 + Hours(2)), "L1", "SKU-A", -3));
  // The same id with other content is still the same amendment.
  Amend(WithLine(Amendment("O-1", "A-1", kT0 + Hours(2)), "L1", "SKU-A", 7));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 3}));
}

TEST_P(AmendmentTest, AnAmendmentBeforeItsOrderWaitsForIt) {
  Stock(Receipt("SKU-A", 10, kT0));
  Amend(WithLine(Amendment("O-1", "A-1", kT0), "L1", "SKU-A", 4));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Place(Order("O-1", {{"SKU-A", 2}}, kStandard, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "amendment O-1 A-1 APPLIED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery CREATE [L1 SKU-A x4]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 10, .reserved = 4}));
}

TEST_P(AmendmentTest, AnAmendmentWhoseOrderNeverComesIsDeadLettered) {
  Amend(WithLine(Amendment("O-9", "A-1", kT0), "L1", "SKU-A", 4));
  ExpectNothingUntilThen(kT0 + Days(7),
                         {"dead-letter amendments/O-9 UNMATCHED_AMENDMENT"});
  EXPECT_EQ(out_.DeadLetters()[0].detail(),
            "no order O-9 arrived within 168h of this amendment");
}

// --------------------------------------------------------------- restore

TEST_P(AmendmentTest, AmendedOrdersAreRestoredFromSnapshots) {
  const std::vector<Input> before = {
      {Receipt("SKU-A", 4, kT0), kT0},
      {Order("O-1", {{"SKU-A", 2}}), kT0},
      {Order("O-2", {{"SKU-A", 2}}), kT0},
      {Order("O-3", {{"SKU-A", 3}}), kT0},
      {WithAddress(Amendment("O-1", "A-1", kT0 + Hours(1)), "Berlin"), kT0 + Hours(1)},
      {WithLine(Amendment("O-3", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 1), kT0 + Hours(1)},
      // O-2 is never amended before the snapshot: its PICKED and PACKED
      // are read back from the events it recorded.
      {Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(1)), kT0 + Hours(1)},
      {Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_PACKED, kT0 + Hours(1)), kT0 + Hours(1)},
      {Shipment("O-3", "S-3", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(1)), kT0 + Hours(1)},
      {WithLine(Amendment("O-4", "A-1", kT0 + Hours(1)), "L1", "SKU-A", 1), kT0 + Hours(1)},
  };
  const std::vector<Input> after = {
      {WithAddress(Amendment("O-1", "A-1", kT0 + Hours(2)), "Hamburg"), kT0 + Hours(2)},
      {WithAddress(Amendment("O-2", "A-1", kT0 + Hours(2)), "Hamburg"), kT0 + Hours(2)},
      {WithLine(Amendment("O-1", "A-2", kT0 + Hours(2)), "L1", "SKU-A", 1), kT0 + Hours(2)},
      {WithLine(Amendment("O-3", "A-2", kT0 + Hours(2)), "L1", "SKU-A", 2), kT0 + Hours(2)},
      {Order("O-4", {{"SKU-A", 2}}, kStandard, kT0 + Hours(3)), kT0 + Hours(3)},
      {Receipt("SKU-A", 1, kT0 + Hours(4)), kT0 + Hours(4)},
      {Tick{}, kT0 + Days(8)},
  };
  for (size_t i = 0; i < before.size(); ++i) {
    Apply(pipeline(), before[i], static_cast<int64_t>(i + 1));
  }
  const SavedShards saved = SaveShards(pipeline());
  const size_t cut = out_.outputs().size();

  Recorder restored_out;
  Pipeline restored(config_, restored_out);
  LoadShards(saved, restored);
  ASSERT_FALSE(HasFatalFailure());
  for (size_t i = 0; i < after.size(); ++i) {
    const int64_t offset = static_cast<int64_t>(before.size() + i + 1);
    Apply(pipeline(), after[i], offset);
    Apply(restored, after[i], offset);
  }
  std::vector<std::string> original, again;
  for (size_t i = cut; i < out_.outputs().size(); ++i) {
    original.push_back(Bytes(out_.outputs()[i]));
  }
  for (const Output& o : restored_out.outputs()) again.push_back(Bytes(o));
  EXPECT_THAT(again, ElementsAreArray(original));
  std::vector<std::string> lines;
  for (const Output& o : restored_out.outputs()) lines.push_back(Summary(o));
  EXPECT_THAT(lines, Contains("amendment O-2 A-1 REJECTED [ADDRESS_AFTER_PACKED]"));
  EXPECT_THAT(lines, Contains("amendment O-3 A-2 REJECTED [LINE_ALREADY_PICKED:L1]"));
  EXPECT_THAT(lines, Contains("amendment O-4 A-1 APPLIED"));
  EXPECT_THAT(lines, Contains("task O-1/delivery UPDATE [L1 SKU-A x1]"));
  EXPECT_EQ(restored_out.Tasks("O-1").back().ship_to().city(), "Berlin");

  ExpectSameShards(restored, pipeline());
}

}  // namespace
}  // namespace orderflow::testing
