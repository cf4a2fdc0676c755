// Rule 13, customer contacts: a contact raises a level-1 CUSTOMER_CONTACT
// with the order's facts and root cause, goes to level 2 after 24h and 3
// after 72h unresolved (at once to 2 when a second one is open), and is
// cleared when resolved; before its order it waits, and without one it is
// dead-lettered. And a SHIPPED or DELIVERED for a CANCELLED order raises
// DELIVERED_AFTER_CANCEL.
#include "tests/engine/engine_test.h"
#include "tests/engine/saved_shards.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::CustomerContact ContactAbout(std::string_view order_id,
                                 std::string_view contact_id,
                                 v1::ContactKind kind, EpochMillis received_at) {
  v1::CustomerContact c;
  c.set_contact_id(std::string(contact_id));
  c.set_order_id(std::string(order_id));
  c.set_customer_id("C-1");
  c.set_kind(kind);
  c.set_channel("email");
  c.set_text("Where is my parcel?");
  SetTimestamp(received_at, c.mutable_received_at());
  return c;
}

v1::CustomerContact Resolved(v1::CustomerContact c, EpochMillis resolved_at) {
  SetTimestamp(resolved_at, c.mutable_resolved_at());
  c.set_resolution("refund issued");
  return c;
}

constexpr auto kWismo = v1::CONTACT_KIND_WHERE_IS_MY_ORDER;

using ContactTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(ContactTest);

TEST_P(ContactTest, ContactRaisesLevel1WithTheOrdersFacts) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  out_.Take();

  Contact(ContactAbout("O-1", "K-1", kWismo, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/CUSTOMER_CONTACT/1 "
                                       "id=O-1/CUSTOMER_CONTACT/1/"
                                       "2026-03-02T10:00:00Z/K-1"));
  const v1::Escalation e = out_.Escalations("O-1").back();
  EXPECT_EQ(e.level(), 1);
  EXPECT_EQ(e.root_cause(), "NONE_FOUND");
  EXPECT_EQ(Ms(e.detected_at()), kT0 + Hours(1));
  EXPECT_THAT(e.message(), HasSubstr("Customer contact K-1 (WHERE_IS_MY_ORDER "
                                     "by email) about order O-1"));
  EXPECT_THAT(e.message(), HasSubstr("The order is ALLOCATED (STANDARD), "
                                     "promised for"));
  EXPECT_THAT(e.message(), HasSubstr("Open escalations: none."));

  // The same contact again is a no-op.
  Contact(ContactAbout("O-1", "K-1", kWismo, kT0 + Hours(1)), kT0 + Hours(2));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(ContactTest, RootCauseDeliveryFailed) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERY_FAILED,
                kT0 + Hours(30)));
  Contact(ContactAbout("O-1", "K-1", v1::CONTACT_KIND_LATE, kT0 + Hours(31)));
  const v1::Escalation e = out_.Escalations("O-1").back();
  EXPECT_EQ(e.kind(), v1::ESCALATION_KIND_CUSTOMER_CONTACT);
  EXPECT_EQ(e.root_cause(), "DELIVERY_FAILED");
  EXPECT_THAT(e.message(), HasSubstr("The order is DELIVERY_FAILED"));
  EXPECT_THAT(e.message(), HasSubstr("Open escalations: DELIVERY_FAILED level 2."));
}

TEST_P(ContactTest, RootCauseDeliveryLate) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));  // STANDARD: promised kT0 + 5 days
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Contact(ContactAbout("O-1", "K-1", v1::CONTACT_KIND_LATE, kT0 + Days(6)));
  const v1::Escalation e = out_.Escalations("O-1").back();
  EXPECT_EQ(e.root_cause(), "DELIVERY_LATE");
  EXPECT_THAT(e.message(),
              HasSubstr("Open escalations: DELIVERY_DEADLINE_MISSED level 2."));
}

TEST_P(ContactTest, RootCauseShipmentLate) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));  // STANDARD: shipBy kT0 + 2 days
  Contact(ContactAbout("O-1", "K-1", kWismo, kT0 + Days(3)));
  EXPECT_EQ(out_.Escalations("O-1").back().root_cause(), "SHIPMENT_LATE");
}

TEST_P(ContactTest, RootCauseBackorder) {
  Place(Order("O-1", {{"SKU-A", 1}}));  // no stock: BACKORDERED
  Contact(ContactAbout("O-1", "K-1", kWismo, kT0 + Hours(2)));
  const v1::Escalation e = out_.Escalations("O-1").back();
  EXPECT_EQ(e.root_cause(), "BACKORDER");
  EXPECT_THAT(e.message(), HasSubstr("The order is BACKORDERED"));
}

TEST_P(ContactTest, RootCauseInvoiceMismatch) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Bill(Invoice("O-1", "I-1", {{"L1", "SKU-A", 3, 300}}, kT0 + Hours(2)));
  Contact(ContactAbout("O-1", "K-1", v1::CONTACT_KIND_BILLING, kT0 + Hours(3)));
  EXPECT_EQ(out_.Escalations("O-1").back().root_cause(), "INVOICE_MISMATCH");
}

TEST_P(ContactTest, RootCauseCancelledButShipped) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Cancel(Cancellation("O-1", kT0 + Hours(2)));
  Contact(ContactAbout("O-1", "K-1", v1::CONTACT_KIND_OTHER, kT0 + Hours(3)));
  EXPECT_EQ(out_.Escalations("O-1").back().root_cause(),
            "CANCELLED_BUT_SHIPPED");
}

TEST_P(ContactTest, UnresolvedContactGoesToLevel2After24hAnd3After72h) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Contact(ContactAbout("O-1", "K-1", kWismo, kT0 + Hours(1)));
  out_.Take();
  ExpectNothingUntilThen(kT0 + Hours(25),
                         {"RAISED O-1/CUSTOMER_CONTACT/2 "
                          "id=O-1/CUSTOMER_CONTACT/2/2026-03-02T10:00:00Z/K-1"});
  // (The ship deadline comes in between: kT0 + 44h and + 48h.)
  AdvanceTo(kT0 + Hours(72));
  out_.Take();
  ExpectNothingUntilThen(kT0 + Hours(73),
                         {"RAISED O-1/CUSTOMER_CONTACT/3 "
                          "id=O-1/CUSTOMER_CONTACT/3/2026-03-02T10:00:00Z/K-1"});
  const v1::Escalation e = out_.Escalations("O-1").back();
  EXPECT_EQ(Ms(e.detected_at()), kT0 + Hours(73));
  EXPECT_EQ(e.root_cause(), "NONE_FOUND");  // as the contact found it
  EXPECT_THAT(e.message(), HasSubstr("is unresolved 72h after"));
  EXPECT_THAT(e.message(), HasSubstr("SHIP_DEADLINE_MISSED level 2"));
}

TEST_P(ContactTest, TheLadderFollowsTheConfiguration) {
  Reconfigure([](EngineConfig& c) {
    c.contact_level2_after = Hours(2);
    c.contact_level3_after = Hours(4);
  });
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Contact(ContactAbout("O-1", "K-1", kWismo, kT0));
  out_.Take();
  AdvanceTo(kT0 + Hours(4));
  const std::vector<std::string> lines = out_.Take();
  EXPECT_THAT(lines, ElementsAre(HasSubstr("RAISED O-1/CUSTOMER_CONTACT/2"),
                                 HasSubstr("RAISED O-1/CUSTOMER_CONTACT/3")));
}

TEST_P(ContactTest, ContactOnADeliveredOrderStillClimbs) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(20)));
  Contact(ContactAbout("O-1", "K-1", v1::CONTACT_KIND_DAMAGED, kT0 + Hours(21)));
  out_.Take();
  ExpectNothingUntilThen(kT0 + Hours(45),
                         {"RAISED O-1/CUSTOMER_CONTACT/2 "
                          "id=O-1/CUSTOMER_CONTACT/2/2026-03-02T10:00:00Z/K-1"});
  EXPECT_THAT(out_.Escalations("O-1").back().message(),
              HasSubstr("The order is DELIVERED (STANDARD)"));
}

TEST_P(ContactTest, ASecondOpenContactTakesBothToLevel2AtOnce) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Contact(ContactAbout("O-1", "K-1", kWismo, kT0 + Hours(1)));
  out_.Take();
  Contact(ContactAbout("O-1", "K-2", v1::CONTACT_KIND_LATE, kT0 + Hours(2)));
  EXPECT_THAT(
      out_.Take(),
      ElementsAre(HasSubstr("RAISED O-1/CUSTOMER_CONTACT/1 id=O-1/CUSTOMER_CONTACT/1/2026-03-02T10:00:00Z/K-2"),
                  HasSubstr("RAISED O-1/CUSTOMER_CONTACT/2 id=O-1/CUSTOMER_CONTACT/2/2026-03-02T10:00:00Z/K-1"),
                  HasSubstr("RAISED O-1/CUSTOMER_CONTACT/2 id=O-1/CUSTOMER_CONTACT/2/2026-03-02T10:00:00Z/K-2")));
  // Neither is raised to level 2 again at 24h.
  AdvanceTo(kT0 + Hours(40));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(ContactTest, TheResolvedContactClearsIt) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  const v1::CustomerContact k1 = ContactAbout("O-1", "K-1", kWismo, kT0 + Hours(1));
  Contact(k1);
  AdvanceTo(kT0 + Hours(30));  // level 2 raised
  out_.Take();
  Contact(Resolved(k1, kT0 + Hours(31)));
  EXPECT_THAT(out_.Take(),
              ElementsAre(HasSubstr("CLEARED O-1/CUSTOMER_CONTACT/1"),
                          HasSubstr("CLEARED O-1/CUSTOMER_CONTACT/2")));
  EXPECT_THAT(out_.Escalations("O-1").back().message(),
              HasSubstr("was resolved at"));
  // Resolved: no level 3, and a repeat of the resolution is a no-op.
  Contact(Resolved(k1, kT0 + Hours(31)), kT0 + Hours(32));
  AdvanceTo(kT0 + Hours(80));
  for (const std::string& line : out_.Take()) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("CUSTOMER_CONTACT")));
  }
}

TEST_P(ContactTest, AContactBeforeItsOrderWaitsForIt) {
  Contact(ContactAbout("O-1", "K-1", kWismo, kT0 - Hours(1)), kT0 - Hours(1));
  EXPECT_THAT(out_.Take(), IsEmpty());
  Place(Order("O-1", {{"SKU-A", 1}}));
  // Applied as the order is accepted, before its stock is answered.
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          HasSubstr("RAISED O-1/CUSTOMER_CONTACT/1"),
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
  const v1::Escalation e = out_.Escalations("O-1").back();
  EXPECT_EQ(e.root_cause(), "NONE_FOUND");
  EXPECT_THAT(e.message(), HasSubstr("The order is ACCEPTED"));
}

TEST_P(ContactTest, AContactForNoOrderIsDeadLetteredAfterItsRetention) {
  Contact(ContactAbout("O-9", "K-1", kWismo, kT0));
  ExpectNothingUntilThen(kT0 + Days(7),
                         {"dead-letter customer-contacts/O-9 UNMATCHED_CONTACT"});
}

TEST_P(ContactTest, AnIncompleteContactIsDeadLettered) {
  v1::CustomerContact c = ContactAbout("O-1", "K-1", kWismo, kT0);
  c.clear_kind();
  Contact(c);
  v1::CustomerContact d = ContactAbout("O-1", "", kWismo, kT0);
  Contact(d);
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter customer-contacts/O-1 MISSING_FIELD",
                          "dead-letter customer-contacts/O-1 MISSING_FIELD"));
}

TEST_P(ContactTest, ShippedAfterCancelRaisesDeliveredAfterCancel) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  out_.Take();
  v1::ShipmentEvent shipped =
      Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2));
  shipped.set_carrier("DHL");
  shipped.set_tracking_number("TR-1");
  Ship(shipped);
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/DELIVERED_AFTER_CANCEL/2"));
  EXPECT_THAT(out_.Escalations("O-1").back().message(),
              HasSubstr("refund or a return is needed"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_CANCELLED);
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 0}));
  // Its DELIVERED raises nothing more; a contact now names both.
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(20)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  Contact(ContactAbout("O-1", "K-1", v1::CONTACT_KIND_BILLING, kT0 + Hours(21)));
  const v1::Escalation e = out_.Escalations("O-1").back();
  EXPECT_EQ(e.root_cause(), "CANCELLED_BUT_SHIPPED");
  EXPECT_THAT(e.message(), HasSubstr("after the cancellation shipment S-1 was "
                                     "reported DELIVERED"));
  EXPECT_THAT(e.message(), HasSubstr("DELIVERED_AFTER_CANCEL level 2"));
}

TEST_P(ContactTest, DeliveredAfterCancelRaisesDeliveredAfterCancel) {
  Place(Order("O-1", {{"SKU-A", 1}}));
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  out_.Take();
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/DELIVERED_AFTER_CANCEL/2"));
  EXPECT_THAT(out_.Escalations("O-1").back().message(),
              HasSubstr("the goods are with the customer"));
}

TEST_P(ContactTest, DeliveryFailedAfterCancelStaysCancelAfterShipment) {
  Place(Order("O-1", {{"SKU-A", 1}}));
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  out_.Take();
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERY_FAILED,
                kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/CANCEL_AFTER_SHIPMENT/2"));
}

TEST_P(ContactTest, HeldCancellationAndShipmentGiveDeliveredAfterCancel) {
  Cancel(Cancellation("O-1", kT0 - Hours(2)), kT0 - Hours(2));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 - Hours(1)));
  EXPECT_THAT(out_.Take(), IsEmpty());
  Place(Order("O-1", {{"SKU-A", 1}}));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> CANCELLED [CANCEL_REQUESTED]",
                          "RAISED O-1/DELIVERED_AFTER_CANCEL/2"));
}

// A shard restored from its snapshot mid-way (contacts open, a shipment
// recorded after cancellation) goes on exactly as the original.
TEST_P(ContactTest, SnapshotRestoreRoundTrip) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Place(Order("O-2", {{"SKU-A", 1}}));
  Cancel(Cancellation("O-2", kT0 + Hours(1)));
  v1::ShipmentEvent shipped =
      Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2));
  shipped.set_carrier("UPS");
  Ship(shipped);
  const v1::CustomerContact k1 = ContactAbout("O-1", "K-1", kWismo, kT0 + Hours(3));
  Contact(k1);
  Contact(ContactAbout("O-2", "K-2", v1::CONTACT_KIND_BILLING, kT0 + Hours(3)));
  Contact(ContactAbout("O-3", "K-3", kWismo, kT0 + Hours(3)));  // held
  out_.Take();

  const SavedShards saved = SaveShards(pipeline());
  // Snapshots round-trip: restoring and snapshotting again gives the bytes.
  Recorder restored_out;
  Pipeline restored(config_, restored_out);
  LoadShards(saved, restored);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(SaveShards(restored).orders, saved.orders);

  const std::vector<Input> rest = {
      {Resolved(k1, kT0 + Hours(30)), kT0 + Hours(30)},
      {ContactAbout("O-1", "K-4", kWismo, kT0 + Hours(31)), kT0 + Hours(31)},
      {Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(32)),
       kT0 + Hours(32)},
      {Tick{}, kT0 + Days(8)},
      {Order("O-3", {{"SKU-A", 1}}, kStandard, kT0 + Days(8)), kT0 + Days(8)},
  };
  const size_t before = out_.outputs().size();
  int64_t offset = 100;
  for (const Input& input : rest) {
    Apply(pipeline(), input, offset);
    Apply(restored, input, offset);
    ++offset;
  }
  std::vector<std::string> want, got;
  for (size_t i = before; i < out_.outputs().size(); ++i) {
    want.push_back(Bytes(out_.outputs()[i]));
  }
  for (const Output& o : restored_out.outputs()) got.push_back(Bytes(o));
  EXPECT_EQ(got, want);
  EXPECT_GE(want.size(), 6u);
}

}  // namespace
}  // namespace orderflow::testing
