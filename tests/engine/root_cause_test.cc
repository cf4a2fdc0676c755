// Rule 13's root causes that rules 11 and 12 give: a contact about an order
// on hold says ON_HOLD (BACKORDER while it is also short of stock), one
// about an order whose amendment was refused says AMENDMENT_REJECTED.
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::HasSubstr;

v1::HoldEvent PaymentHold(std::string_view order_id, EpochMillis at) {
  v1::HoldEvent e;
  e.set_order_id(std::string(order_id));
  e.set_hold_id("H-1");
  e.set_action(v1::HOLD_ACTION_PLACE);
  e.set_type(v1::HOLD_TYPE_PAYMENT);
  *e.mutable_occurred_at() = Ts(at);
  return e;
}

// An amendment that names line L1 with another SKU: SKU_MISMATCH.
v1::OrderAmended RefusedAmendment(std::string_view order_id, EpochMillis at) {
  v1::OrderAmended a;
  a.set_order_id(std::string(order_id));
  a.set_amendment_id("A-1");
  *a.mutable_requested_at() = Ts(at);
  v1::AmendedLine* line = a.add_lines();
  line->set_line_id("L1");
  line->set_sku("SKU-OTHER");
  line->set_quantity(1);
  return a;
}

std::string RootCauseOfLastContact(const Recorder& out, std::string_view order_id) {
  std::string cause;
  for (const v1::Escalation& e : out.Escalations(order_id)) {
    if (e.kind() == v1::ESCALATION_KIND_CUSTOMER_CONTACT) cause = e.root_cause();
  }
  return cause;
}

using RootCauseTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(RootCauseTest);

TEST_P(RootCauseTest, AContactAboutAnOrderOnHoldSaysOnHold) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Hold(PaymentHold("O-1", kT0 + Hours(1)));
  ASSERT_EQ(out_.Statuses("O-1").back().status(), v1::ORDER_STATUS_ON_HOLD);
  Contact(Wismo("O-1", "K-1", kT0 + Hours(2)));
  EXPECT_EQ(RootCauseOfLastContact(out_, "O-1"), "ON_HOLD");
  EXPECT_THAT(out_.Escalations("O-1").back().message(), HasSubstr("ON_HOLD"));
}

// Held while short of stock: BACKORDER comes before ON_HOLD in rule 13's
// order, and the hold does not hide it. Once the stock is there, the hold
// is what is left.
TEST_P(RootCauseTest, AContactAboutABackorderedOrderOnHoldSaysBackorder) {
  Stock(Receipt("SKU-A", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  ASSERT_EQ(out_.Statuses("O-1").back().status(), v1::ORDER_STATUS_BACKORDERED);
  Hold(PaymentHold("O-1", kT0 + Hours(1)));
  ASSERT_EQ(out_.Statuses("O-1").back().status(), v1::ORDER_STATUS_ON_HOLD);
  Contact(Wismo("O-1", "K-1", kT0 + Hours(2)));
  EXPECT_EQ(RootCauseOfLastContact(out_, "O-1"), "BACKORDER");

  Stock(Receipt("SKU-A", 1, kT0 + Hours(3)));
  ASSERT_EQ(out_.Statuses("O-1").back().status(), v1::ORDER_STATUS_ON_HOLD);
  Contact(Wismo("O-1", "K-2", kT0 + Hours(4)));
  EXPECT_EQ(RootCauseOfLastContact(out_, "O-1"), "ON_HOLD");
}

TEST_P(RootCauseTest, AContactAfterARefusedAmendmentSaysAmendmentRejected) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Amend(RefusedAmendment("O-1", kT0 + Hours(1)));
  ASSERT_EQ(out_.Escalations("O-1").back().kind(),
            v1::ESCALATION_KIND_AMENDMENT_REJECTED);
  Contact(Wismo("O-1", "K-1", kT0 + Hours(2)));
  EXPECT_EQ(RootCauseOfLastContact(out_, "O-1"), "AMENDMENT_REJECTED");
}

}  // namespace
}  // namespace orderflow::testing
