// Rule 13, what a contact states of the order's shipments: each shipment
// (each parcel) the carrier took, when, by which carrier and under which
// tracking number, for an order with v1.1 extras (holds, parcels, ...); a
// v1 order keeps none of it (OrderContacts::carried), and its snapshot is
// what it was.
#include "tests/engine/engine_test.h"
#include "tests/engine/saved_shards.h"

namespace orderflow::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::CustomerContact Wismo(std::string_view order_id, std::string_view contact_id,
                          EpochMillis received_at) {
  v1::CustomerContact c;
  c.set_contact_id(std::string(contact_id));
  c.set_order_id(std::string(order_id));
  c.set_customer_id("C-1");
  c.set_kind(v1::CONTACT_KIND_WHERE_IS_MY_ORDER);
  SetTimestamp(received_at, c.mutable_received_at());
  return c;
}

v1::HoldEvent HoldAction(std::string_view order_id, v1::HoldAction action,
                         EpochMillis at) {
  v1::HoldEvent e;
  e.set_order_id(std::string(order_id));
  e.set_hold_id("H-1");
  e.set_action(action);
  if (action == v1::HOLD_ACTION_PLACE) e.set_type(v1::HOLD_TYPE_PAYMENT);
  else e.set_outcome(v1::HOLD_OUTCOME_RESUME);
  *e.mutable_occurred_at() = Ts(at);
  return e;
}

v1::ShipmentEvent Carried(v1::ShipmentEvent e, std::string_view carrier,
                          std::string_view tracking) {
  e.set_carrier(std::string(carrier));
  e.set_tracking_number(std::string(tracking));
  return e;
}

v1::ShipmentEvent WithLine(v1::ShipmentEvent e, std::string_view line_id,
                           int32_t units) {
  v1::ShipmentLine* line = e.add_lines();
  line->set_line_id(std::string(line_id));
  line->set_quantity(units);
  return e;
}

constexpr v1::ShipmentStatus kShipped = v1::SHIPMENT_STATUS_SHIPPED;

using ContactCarrierTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(ContactCarrierTest);

TEST_P(ContactCarrierTest, AContactAfterTheShipmentNamesCarrierAndTracking) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Hold(HoldAction("O-1", v1::HOLD_ACTION_PLACE, kT0 + Minutes(5)));
  Hold(HoldAction("O-1", v1::HOLD_ACTION_RELEASE, kT0 + Hours(1)));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "DHL", "TR-1"));
  // The DELIVERED names them again: still one shipment.
  Ship(Carried(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED,
                        kT0 + Hours(30)),
               "DHL", "TR-1"));
  out_.Take();

  Contact(Wismo("O-1", "K-1", kT0 + Hours(31)));
  const std::string message = out_.Escalations("O-1").back().message();
  EXPECT_THAT(message, HasSubstr("; shipment S-1 left at 2026-03-02T12:00:00Z "
                                 "by DHL, tracking TR-1"));
  EXPECT_EQ(message.find("shipment S-1 left"), message.rfind("shipment S-1 left"));
}

TEST_P(ContactCarrierTest, EachParcelNamesItsOwnCarrierAndTracking) {
  Stock(Receipt("SKU-A", 10, kT0));
  Stock(Receipt("SKU-B", 10, kT0));
  Place(Order("O-1", {{"SKU-A", 3}, {"SKU-B", 5}}));
  Ship(Carried(WithLine(Shipment("O-1", "P-1", kShipped, kT0 + Hours(1)), "L1", 3),
               "DHL", "TR-1"));
  Ship(Carried(WithLine(Shipment("O-1", "P-2", kShipped, kT0 + Hours(2)), "L2", 5),
               "UPS", "TR-2"));
  out_.Take();

  Contact(Wismo("O-1", "K-1", kT0 + Hours(3)));
  const std::string message = out_.Escalations("O-1").back().message();
  EXPECT_THAT(message, HasSubstr("; shipment P-1 left at 2026-03-02T11:00:00Z by "
                                 "DHL, tracking TR-1; shipment P-2 left at "
                                 "2026-03-02T12:00:00Z by UPS, tracking TR-2"));
}

// A v1 order (no extras) keeps no carrier: its state stays as it was.
TEST_P(ContactCarrierTest, AV1OrderKeepsNoCarrier) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "DHL", "TR-1"));
  const SavedShards saved = SaveShards(pipeline());
  for (const std::string& shard : saved.orders) {
    internal::v1::OrderShardSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(shard));
    for (const internal::v1::OrderState& o : snapshot.orders()) {
      EXPECT_EQ(o.carried_size(), 0) << o.order_id();
      EXPECT_FALSE(o.has_contacts()) << o.order_id();
    }
  }
  Contact(Wismo("O-1", "K-1", kT0 + Hours(3)));
  EXPECT_THAT(out_.Escalations("O-1").back().message(), Not(HasSubstr("TR-1")));
}

// Restored from its snapshot, the order still names them.
TEST_P(ContactCarrierTest, CarrierAndTrackingSurviveARestore) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Hold(HoldAction("O-1", v1::HOLD_ACTION_PLACE, kT0 + Minutes(5)));
  Hold(HoldAction("O-1", v1::HOLD_ACTION_RELEASE, kT0 + Hours(1)));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "GLS", "TR-9"));
  out_.Take();

  const SavedShards saved = SaveShards(pipeline());
  Recorder restored_out;
  Pipeline restored(config_, restored_out);
  LoadShards(saved, restored);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(SaveShards(restored).orders, saved.orders);

  const v1::CustomerContact contact = Wismo("O-1", "K-1", kT0 + Hours(3));
  Apply(pipeline(), Input{contact, kT0 + Hours(3)}, 100);
  Apply(restored, Input{contact, kT0 + Hours(3)}, 100);
  ASSERT_FALSE(restored_out.Escalations("O-1").empty());
  EXPECT_EQ(restored_out.Escalations("O-1").back().message(),
            out_.Escalations("O-1").back().message());
  EXPECT_THAT(restored_out.Escalations("O-1").back().message(),
              HasSubstr("by GLS, tracking TR-9"));
}

}  // namespace
}  // namespace orderflow::testing
