// Invoices against what shipped: an invoice that disagrees with the lines
// an order shipped (per lineId: quantity, amount = quantity × unit price,
// lines on one side only) raises a level-1 INVOICE_MISMATCH; invoices
// before shipping wait for it, invoices before their order are held like
// early shipments, malformed ones go to dead-letter.
#include "tests/engine/engine_test.h"
#include "tests/engine/saved_shards.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kRaised[] = "RAISED O-1/INVOICE_MISMATCH/1";
constexpr char kCleared[] = "CLEARED O-1/INVOICE_MISMATCH/1";

class InvoiceTest : public EngineTest {
 protected:
  // O-1: L1 two units of SKU-A, L2 one unit of SKU-B, 100 a unit; allocated
  // at kT0.
  void AllocateO1() {
    Stock(Receipt("SKU-A", 5, kT0));
    Stock(Receipt("SKU-B", 5, kT0));
    Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}));
    out_.Take();
  }
  void ShipO1(EpochMillis at = kT0 + Hours(2)) {
    Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, at));
  }
  // What O-1 ships, billed exactly.
  static v1::InvoiceIssued Exact(std::string_view invoice_id, EpochMillis at) {
    return Invoice("O-1", invoice_id,
                   {{"L1", "SKU-A", 2, 200}, {"L2", "SKU-B", 1, 100}}, at);
  }
  v1::Escalation Raised() const {
    return out_.Escalation("O-1/INVOICE_MISMATCH/1", v1::ESCALATION_STATE_RAISED);
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(InvoiceTest);

// ------------------------------------------------------- shipped orders

TEST_P(InvoiceTest, InvoiceThatAgreesWithWhatShippedIsQuiet) {
  AllocateO1();
  ShipO1();
  out_.Take();

  Bill(Exact("INV-1", kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(InvoiceTest, QuantityDifferenceRaisesLevel1AtOnce) {
  AllocateO1();
  ShipO1();
  out_.Take();

  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 3, 300}, {"L2", "SKU-B", 1, 100}},
               kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre(kRaised));
  const v1::Escalation e = Raised();
  EXPECT_EQ(e.kind(), v1::ESCALATION_KIND_INVOICE_MISMATCH);
  EXPECT_EQ(e.level(), 1);
  EXPECT_EQ(Ms(e.detected_at()), kT0 + Hours(3));
  EXPECT_EQ(e.message(),
            "Invoice INV-1 for order O-1 disagrees with what shipped: line L1 "
            "invoiced 3 units for 300 but shipped 2 for 200 (amounts in EUR "
            "minor units).");
}

TEST_P(InvoiceTest, AmountDifferenceRaises) {
  AllocateO1();
  ShipO1();
  out_.Take();

  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}, {"L2", "SKU-B", 1, 120}},
               kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre(kRaised));
  EXPECT_THAT(Raised().message(),
              HasSubstr("line L2 invoiced 1 unit for 120 but shipped 1 for 100"));
}

TEST_P(InvoiceTest, ShippedLineNotInvoicedRaises) {
  AllocateO1();
  ShipO1();
  out_.Take();

  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}}, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre(kRaised));
  EXPECT_THAT(Raised().message(),
              HasSubstr("line L2 shipped (1 unit for 100) but not invoiced"));
}

TEST_P(InvoiceTest, InvoicedLineThatDidNotShipRaises) {
  AllocateO1();
  ShipO1();
  out_.Take();

  Bill(Invoice("O-1", "INV-1",
               {{"L1", "SKU-A", 2, 200}, {"L2", "SKU-B", 1, 100}, {"L9", "SKU-Z", 4, 40}},
               kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre(kRaised));
  EXPECT_THAT(Raised().message(),
              HasSubstr("line L9 invoiced (4 units for 40) but not shipped"));
}

TEST_P(InvoiceTest, DeliveredAndFailedOrdersAreComparedToo) {
  AllocateO1();
  ShipO1();
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(1)));
  out_.Take();

  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}}, kT0 + Days(2)));
  EXPECT_THAT(out_.Take(), ElementsAre(kRaised));
}

// ----------------------------------------------- invoices before shipping

TEST_P(InvoiceTest, InvoiceBeforeShipmentIsComparedWhenTheOrderShips) {
  AllocateO1();
  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}}, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());

  ShipO1();
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED", kRaised));
  EXPECT_EQ(Ms(Raised().detected_at()), kT0 + Hours(2));
}

TEST_P(InvoiceTest, AgreeingInvoiceBeforeShipmentStaysQuiet) {
  AllocateO1();
  Bill(Exact("INV-1", kT0 + Hours(1)));
  ShipO1();
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
}

TEST_P(InvoiceTest, DeliveredWithoutShippedComparesWhenItShips) {
  AllocateO1();
  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}}, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED", kRaised,
                                       "status O-1 SHIPPED -> DELIVERED"));
}

// ------------------------------------------- cancelled and rejected orders

TEST_P(InvoiceTest, InvoiceForACancelledOrderRaisesAtOnce) {
  AllocateO1();
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  out_.Take();

  Bill(Exact("INV-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre(kRaised));
  EXPECT_THAT(Raised().message(),
              HasSubstr("disagrees with what shipped (nothing: the order is "
                        "CANCELLED): line L1 invoiced (2 units for 200) but not "
                        "shipped; line L2 invoiced (1 unit for 100) but not "
                        "shipped"));
}

TEST_P(InvoiceTest, InvoiceThenCancellationRaisesAtCancellation) {
  AllocateO1();
  Bill(Exact("INV-1", kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-1/delivery CANCEL [L1 SKU-A x2, L2 SKU-B x1]",
                          kRaised));
  EXPECT_EQ(Ms(Raised().detected_at()), kT0 + Hours(2));
}

TEST_P(InvoiceTest, InvoiceForARejectedOrderRaises) {
  v1::OrderPlaced rejected = Order("O-1");
  rejected.clear_customer_id();
  Place(rejected);
  out_.Take();

  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 1, 100}}, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), ElementsAre(kRaised));
  EXPECT_THAT(Raised().message(), HasSubstr("(nothing: the order is REJECTED)"));
}

// ------------------------------------------------- invoices before orders

TEST_P(InvoiceTest, InvoiceBeforeItsOrderIsHeldAndAppliedWhenItComes) {
  Stock(Receipt("SKU-A", 5, kT0));
  Stock(Receipt("SKU-B", 5, kT0));
  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}}, kT0));
  EXPECT_THAT(out_.Take(), IsEmpty());

  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}, kStandard, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery CREATE [L1 SKU-A x2, L2 SKU-B x1]"));
  ShipO1();
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED", kRaised));

  // Nothing of the held invoice is left to expire.
  AdvanceTo(kT0 + Days(8));
  for (const std::string& line : out_.Take()) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("dead-letter")));
  }
}

TEST_P(InvoiceTest, InvoiceAndCancellationBeforeTheOrderRaiseWhenItComes) {
  Bill(Exact("INV-1", kT0));
  Cancel(Cancellation("O-1", kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}, kStandard, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> CANCELLED [CANCEL_REQUESTED]",
                          kRaised));
}

TEST_P(InvoiceTest, HeldInvoiceExpiresToDeadLetter) {
  const v1::InvoiceIssued invoice =
      Invoice("O-9", "INV-9", {{"L1", "SKU-A", 1, 100}}, kT0);
  Bill(invoice);
  Bill(invoice, kT0 + Hours(1));  // the same again: held once

  ExpectNothingUntilThen(kT0 + Days(7),
                         {"dead-letter invoices/O-9 INVOICE_FOR_UNKNOWN_ORDER"});
  const v1::DeadLetter dead = out_.DeadLetters()[0];
  EXPECT_EQ(dead.payload(), invoice.SerializeAsString());
  EXPECT_EQ(dead.key(), "O-9");
  EXPECT_EQ(dead.offset(), 1);
  EXPECT_EQ(dead.partition(), kInputPartition);
  EXPECT_EQ(Ms(dead.dead_lettered_at()), kT0 + Days(7));
  EXPECT_EQ(dead.detail(), "no order O-9 arrived within 168h of this invoice");
}

TEST_P(InvoiceTest, HeldInvoiceRetentionIsConfigurable) {
  Reconfigure([](EngineConfig& c) { c.early_invoice_retention = Hours(30); });
  Bill(Invoice("O-9", "INV-9", {{"L1", "SKU-A", 1, 100}}, kT0));
  ExpectNothingUntilThen(kT0 + Hours(30),
                         {"dead-letter invoices/O-9 INVOICE_FOR_UNKNOWN_ORDER"});
}

// ------------------------------------------------- repeats and corrections

TEST_P(InvoiceTest, RepeatedInvoiceIsANoOp) {
  AllocateO1();
  const v1::InvoiceIssued invoice = Exact("INV-1", kT0 + Hours(1));
  Bill(invoice);
  Bill(invoice, kT0 + Hours(1) + Minutes(5));  // not counted twice
  ShipO1();
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));

  Bill(invoice, kT0 + Hours(3));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(InvoiceTest, RepeatedDisagreeingInvoiceRaisesOnce) {
  AllocateO1();
  ShipO1();
  const v1::InvoiceIssued invoice =
      Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}}, kT0 + Hours(3));
  Bill(invoice);
  Bill(invoice, kT0 + Hours(4));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED", kRaised));
}

TEST_P(InvoiceTest, SeveralInvoicesAddUpPerLine) {
  AllocateO1();
  ShipO1();
  out_.Take();

  // L1 billed one unit at a time, L2 on the second invoice.
  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 1, 100}}, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre(kRaised));
  Bill(Invoice("O-1", "INV-2", {{"L1", "SKU-A", 1, 100}, {"L2", "SKU-B", 1, 100}},
               kT0 + Hours(4)));
  EXPECT_THAT(out_.Take(), ElementsAre(kCleared));
  EXPECT_THAT(out_.Escalation("O-1/INVOICE_MISMATCH/1", v1::ESCALATION_STATE_CLEARED)
                  .message(),
              HasSubstr("INVOICE_MISMATCH level 1 is cleared"));
}

TEST_P(InvoiceTest, SeveralInvoicesBeforeShippingAddUp) {
  AllocateO1();
  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 1, 100}}, kT0 + Hours(1)));
  Bill(Invoice("O-1", "INV-2", {{"L1", "SKU-A", 1, 100}, {"L2", "SKU-B", 1, 100}},
               kT0 + Hours(1)));
  ShipO1();
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
}

TEST_P(InvoiceTest, OverBillingAfterAClearedMismatchIsNotRaisedAgain) {
  AllocateO1();
  ShipO1();
  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}}, kT0 + Hours(3)));
  Bill(Invoice("O-1", "INV-2", {{"L2", "SKU-B", 1, 100}}, kT0 + Hours(4)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> SHIPPED", kRaised, kCleared));

  // Rule 7: the id was raised and cleared once; it stays cleared.
  Bill(Invoice("O-1", "INV-3", {{"L2", "SKU-B", 1, 100}}, kT0 + Hours(5)));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(InvoiceTest, SameInvoiceIdWithOtherContentIsDeadLettered) {
  AllocateO1();
  ShipO1();
  Bill(Exact("INV-1", kT0 + Hours(3)));
  out_.Take();

  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 999}}, kT0 + Hours(4)));
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter invoices/O-1 DUPLICATE_INVOICE"));
  EXPECT_EQ(out_.DeadLetters()[0].detail(),
            "invoice INV-1 of order O-1 was already received with different "
            "content");
}

// ------------------------------------------------------ malformed invoices

TEST_P(InvoiceTest, MalformedInvoicesGoToDeadLetter) {
  AllocateO1();
  struct Case {
    std::function<void(v1::InvoiceIssued&)> spoil;
    std::string reason, detail;
  };
  const std::vector<Case> cases = {
      {[](v1::InvoiceIssued& i) { i.clear_invoice_id(); }, "MISSING_FIELD",
       "invoiceId missing"},
      {[](v1::InvoiceIssued& i) { i.clear_issued_at(); }, "MISSING_FIELD",
       "issuedAt missing"},
      {[](v1::InvoiceIssued& i) { i.clear_lines(); }, "MISSING_FIELD",
       "lines missing"},
      {[](v1::InvoiceIssued& i) { i.mutable_lines(1)->clear_line_id(); },
       "MISSING_FIELD", "lines[1].lineId missing"},
      {[](v1::InvoiceIssued& i) { i.mutable_lines(1)->set_quantity(0); },
       "INVALID_VALUE", "lines[1].quantity is 0 (must be at least 1)"},
      {[](v1::InvoiceIssued& i) { i.mutable_lines(0)->set_quantity(-2); },
       "INVALID_VALUE", "lines[0].quantity is -2 (must be at least 1)"},
  };
  for (const Case& c : cases) {
    v1::InvoiceIssued invoice = Exact("INV-1", kT0 + Hours(1));
    c.spoil(invoice);
    Bill(invoice);
    EXPECT_THAT(out_.Take(), ElementsAre("dead-letter invoices/O-1 " + c.reason));
    const v1::DeadLetter dead = out_.DeadLetters().back();
    EXPECT_EQ(dead.detail(), c.detail);
    EXPECT_EQ(dead.payload(), invoice.SerializeAsString());
  }
  // None of them counted: the exact invoice still agrees.
  ShipO1();
  Bill(Exact("INV-1", kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
}

TEST_P(InvoiceTest, InvoiceWithoutOrderIdGoesToDeadLetter) {
  v1::InvoiceIssued invoice = Exact("INV-1", kT0);
  invoice.clear_order_id();
  Bill(invoice);
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter invoices/ MISSING_FIELD"));
  EXPECT_EQ(out_.DeadLetters()[0].detail(), "orderId missing");
}

// ---------------------------------------------------------------- state

TEST_P(InvoiceTest, PricesAndInvoicesSurviveASnapshot) {
  AllocateO1();
  Bill(Invoice("O-1", "INV-1", {{"L1", "SKU-A", 2, 200}, {"L2", "SKU-B", 1, 150}},
               kT0 + Hours(1)));
  Bill(Invoice("O-2", "INV-2", {{"L1", "SKU-A", 1, 100}}, kT0 + Hours(1)));

  // Every order shard saved and restored through bytes, key by key as a
  // changelog would, into a new pipeline.
  Recorder restored_out;
  Pipeline restored(config_, restored_out);
  RestoreKeyByKey(pipeline(), {"O-1", "O-2"}, restored);
  ASSERT_FALSE(HasFatalFailure());

  restored.OnShipment(
      Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2)),
      At(kT0 + Hours(2)));
  EXPECT_THAT(restored_out.Take(),
              ElementsAre("status O-1 ALLOCATED -> SHIPPED",
                          "RAISED O-1/INVOICE_MISMATCH/1"));
  EXPECT_THAT(restored_out.Escalations()[0].message(),
              HasSubstr("line L2 invoiced 1 unit for 150 but shipped 1 for 100 "
                        "(amounts in EUR minor units)"));

  // The held invoice of O-2 came along too, and so does its expiry.
  restored.AdvanceClock(kT0 + Days(8));
  EXPECT_THAT(restored_out.Take(),
              ::testing::Contains("dead-letter invoices/O-2 INVOICE_FOR_UNKNOWN_ORDER"));
}

}  // namespace
}  // namespace orderflow::testing
