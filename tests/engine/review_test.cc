// Rule 1, review: what makes an order REJECTED or ACCEPTED, and what a
// repeated order id does.
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using ReviewTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(ReviewTest);

TEST_P(ReviewTest, ValidOrderIsAccepted) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x2]"));
  const v1::OrderStatusChanged accepted = out_.Statuses("O-1")[0];
  EXPECT_THAT(accepted.reasons(), IsEmpty());
  EXPECT_EQ(Ms(accepted.occurred_at()), kT0);
}

TEST_P(ReviewTest, MissingCustomerIdIsMissingField) {
  v1::OrderPlaced order = Order("O-1");
  order.clear_customer_id();
  Place(order);

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [MISSING_FIELD]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
  const v1::Escalation e =
      out_.Escalation("O-1/VALIDATION_FAILED/1", v1::ESCALATION_STATE_RAISED);
  EXPECT_EQ(e.level(), 1);
  EXPECT_EQ(e.kind(), v1::ESCALATION_KIND_VALIDATION_FAILED);
  EXPECT_EQ(e.order_id(), "O-1");
  EXPECT_THAT(e.message(), HasSubstr("customerId"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_REJECTED);
}

TEST_P(ReviewTest, LineWithoutUnitPriceIsMissingField) {
  v1::OrderPlaced order = Order("O-1", {{"SKU-A", 1}, {"SKU-B", 1}});
  order.mutable_lines(1)->clear_unit_price_minor();
  Place(order);

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [MISSING_FIELD]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
  EXPECT_THAT(out_.Escalations("O-1")[0].message(), HasSubstr("lines[1]"));
}

TEST_P(ReviewTest, LineWithZeroUnitPriceIsAFreeLineNotAMissingOne) {
  v1::OrderPlaced order = Order("O-1", {{"SKU-A", 1}});
  order.mutable_lines(0)->set_unit_price_minor(0);
  Place(order);

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
}

TEST_P(ReviewTest, OrderWithoutLinesIsMissingField) {
  v1::OrderPlaced order = Order("O-1");
  order.clear_lines();
  Place(order);

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [MISSING_FIELD]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
}

TEST_P(ReviewTest, OrderWithoutServiceLevelIsMissingField) {
  Place(Order("O-1", {{"SKU-A", 1}}, v1::SERVICE_LEVEL_UNSPECIFIED));

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [MISSING_FIELD]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
}

TEST_P(ReviewTest, OrderWithoutIdOrKeyGoesToDeadLetter) {
  v1::OrderPlaced order = Order("O-1");
  order.clear_order_id();
  Place(order, kT0);

  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter orders/ MISSING_FIELD"));
}

TEST_P(ReviewTest, ZeroQuantityIsInvalidQuantity) {
  Place(Order("O-1", {{"SKU-A", 0}}));

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [INVALID_QUANTITY]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
}

TEST_P(ReviewTest, NegativeQuantityIsInvalidQuantity) {
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", -3}}));

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [INVALID_QUANTITY]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
}

TEST_P(ReviewTest, QuantityAtTheLimitIsAccepted) {
  Stock(Receipt("SKU-A", 1000, kT0));
  Place(Order("O-1", {{"SKU-A", 1000}}));

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x1000]"));
}

TEST_P(ReviewTest, QuantityOneOverTheLimitIsQuantityLimit) {
  Stock(Receipt("SKU-A", 2000, kT0));
  Place(Order("O-1", {{"SKU-A", 1001}}));

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [QUANTITY_LIMIT]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2000, .reserved = 0}));
}

TEST_P(ReviewTest, QuantityLimitComesFromTheConfiguration) {
  Reconfigure([](EngineConfig& c) { c.max_line_quantity = 5; });
  Place(Order("O-5", {{"SKU-A", 5}}));
  Place(Order("O-6", {{"SKU-A", 6}}));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-5 NEW -> ACCEPTED",
                          "status O-5 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]",
                          "status O-6 NEW -> REJECTED [QUANTITY_LIMIT]",
                          "RAISED O-6/VALIDATION_FAILED/1"));
}

TEST_P(ReviewTest, MissingCityIsAddressIncomplete) {
  v1::OrderPlaced order = Order("O-1");
  order.mutable_ship_to()->clear_city();
  Place(order);

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [ADDRESS_INCOMPLETE]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
  EXPECT_THAT(out_.Escalations("O-1")[0].message(), HasSubstr("city"));
}

TEST_P(ReviewTest, EveryPartOfTheAddressIsRequired) {
  const std::vector<std::pair<std::string, void (*)(v1::Address*)>> parts = {
      {"name", [](v1::Address* a) { a->clear_name(); }},
      {"line1", [](v1::Address* a) { a->clear_line1(); }},
      {"city", [](v1::Address* a) { a->clear_city(); }},
      {"postalCode", [](v1::Address* a) { a->clear_postal_code(); }},
      {"country", [](v1::Address* a) { a->clear_country(); }},
  };
  for (const auto& [part, clear] : parts) {
    SCOPED_TRACE(part);
    const std::string id = "O-" + part;
    v1::OrderPlaced order = Order(id);
    clear(order.mutable_ship_to());
    Place(order);
    EXPECT_THAT(out_.Take(),
                ElementsAre("status " + id + " NEW -> REJECTED [ADDRESS_INCOMPLETE]",
                            "RAISED " + id + "/VALIDATION_FAILED/1"));
  }
}

TEST_P(ReviewTest, AddressLine2IsOptional) {
  v1::OrderPlaced order = Order("O-1");
  order.mutable_ship_to()->clear_line2();
  Place(order);

  EXPECT_EQ(out_.Take()[0], "status O-1 NEW -> ACCEPTED");
}

TEST_P(ReviewTest, NoShipToAtAllIsAddressIncomplete) {
  v1::OrderPlaced order = Order("O-1");
  order.clear_ship_to();
  Place(order);

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [ADDRESS_INCOMPLETE]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
}

TEST_P(ReviewTest, PromiseOneSecondBeforePlacementIsPromiseInPast) {
  Place(Promised(Order("O-1"), kT0 - Seconds(1)));

  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> REJECTED [PROMISE_IN_PAST]",
                                       "RAISED O-1/VALIDATION_FAILED/1"));
}

TEST_P(ReviewTest, PromiseAtTheMomentOfPlacementIsNotInThePast) {
  Place(Promised(Order("O-1"), kT0));

  EXPECT_EQ(out_.Take()[0], "status O-1 NEW -> ACCEPTED");
}

TEST_P(ReviewTest, EveryProblemIsListedAndEscalatedOnce) {
  v1::OrderPlaced order = Promised(Order("O-1", {{"SKU-A", 0}, {"SKU-B", 5000}}),
                                   kT0 - Hours(1));
  order.clear_currency();
  order.mutable_ship_to()->clear_postal_code();
  Place(order);

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> REJECTED [MISSING_FIELD, INVALID_QUANTITY, "
                          "QUANTITY_LIMIT, ADDRESS_INCOMPLETE, PROMISE_IN_PAST]",
                          "RAISED O-1/VALIDATION_FAILED/1"));
  const std::string message = out_.Escalations("O-1")[0].message();
  EXPECT_THAT(message, HasSubstr("currency"));
  EXPECT_THAT(message, HasSubstr("postalCode"));
}

TEST_P(ReviewTest, RejectedOrderReservesNothingAndNeverMissesADeadline) {
  Stock(Receipt("SKU-A", 5, kT0));
  v1::OrderPlaced order = Order("O-1", {{"SKU-A", 2}}, kOvernight);
  order.mutable_ship_to()->clear_country();
  Place(order);
  out_.Take();

  AdvanceTo(kT0 + Days(10));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 0}));
}

TEST_P(ReviewTest, SameOrderTwiceIsANoOp) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  out_.Take();

  Place(Order("O-1", {{"SKU-A", 2}}), kT0 + Hours(1));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 2}));
}

TEST_P(ReviewTest, SameRejectedOrderTwiceIsANoOp) {
  v1::OrderPlaced order = Order("O-1");
  order.clear_customer_id();
  Place(order);
  out_.Take();

  Place(order, kT0 + Hours(1));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(ReviewTest, ReusedOrderIdWithDifferentContentIsDeadLetteredAndEscalated) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  out_.Take();

  const v1::OrderPlaced conflicting = Order("O-1", {{"SKU-A", 3}});
  Place(conflicting, kT0 + Hours(1));
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter orders/O-1 DUPLICATE_ORDER",
                                       "RAISED O-1/VALIDATION_FAILED/1"));

  const v1::DeadLetter dead = out_.DeadLetters()[0];
  EXPECT_EQ(dead.payload(), conflicting.SerializeAsString());
  EXPECT_EQ(dead.key(), "O-1");
  EXPECT_EQ(dead.partition(), kInputPartition);
  EXPECT_EQ(dead.offset(), 3);
  EXPECT_EQ(Ms(dead.dead_lettered_at()), kT0 + Hours(1));
  EXPECT_THAT(dead.detail(), HasSubstr("O-1"));
  const v1::Escalation e =
      out_.Escalation("O-1/VALIDATION_FAILED/1", v1::ESCALATION_STATE_RAISED);
  EXPECT_EQ(e.order_id(), "O-1");
  EXPECT_THAT(e.message(), HasSubstr("O-1"));

  // The first version stands: still allocated with its two units, and it
  // is those two units that leave when it ships.
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 2}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 3, .reserved = 0}));
}

TEST_P(ReviewTest, CorrectedResendOfARejectedOrderDoesNotReplaceIt) {
  v1::OrderPlaced broken = Order("O-1");
  broken.mutable_ship_to()->clear_city();
  Place(broken);
  out_.Take();

  Place(Order("O-1"), kT0 + Hours(1));
  const std::vector<std::string> lines = out_.Take();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "dead-letter orders/O-1 DUPLICATE_ORDER");
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_REJECTED);
  EXPECT_THAT(out_.Statuses("O-1"), ::testing::SizeIs(1));
}

}  // namespace
}  // namespace orderflow::testing
