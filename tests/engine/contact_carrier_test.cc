// Rule 13, what a contact states of the order's shipments: each shipment
// (each parcel) the carrier took, when, by which carrier and under which
// tracking number, for every order that shipped: one with v1.1 extras
// (holds, parcels, ...) and a plain v1 order alike, also once restored
// from a snapshot or a changelog.
#include "tests/engine/engine_test.h"
#include "tests/engine/saved_shards.h"

namespace orderflow::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

class ContactCarrierTest : public EngineTest {
 protected:
  // Saves every shard and restores them into a new pipeline (the same
  // snapshot bytes again), then has a contact about O-1 come to both: the
  // same message, which says `expected`.
  void ExpectTheSameContactAfterARestore(std::string_view expected) {
    Recorder restored_out;
    Pipeline restored(config_, restored_out);
    LoadShards(SaveShards(pipeline()), restored);
    ASSERT_FALSE(HasFatalFailure());
    ExpectSameShards(restored, pipeline());

    const v1::CustomerContact contact = Wismo("O-1", "K-1", kT0 + Hours(3));
    Apply(pipeline(), Input{contact, kT0 + Hours(3)}, 100);
    Apply(restored, Input{contact, kT0 + Hours(3)}, 100);
    ASSERT_FALSE(restored_out.Escalations("O-1").empty());
    EXPECT_EQ(restored_out.Escalations("O-1").back().message(),
              out_.Escalations("O-1").back().message());
    EXPECT_THAT(restored_out.Escalations("O-1").back().message(),
                HasSubstr(expected));
  }
};
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

// A plain order (no hold, parcel, contact or amendment before its
// contact) names them as well; its state keeps them and nothing else new.
TEST_P(ContactCarrierTest, APlainOrderNamesCarrierAndTracking) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "DHL", "TR-1"));
  const SavedShards saved = SaveShards(pipeline());
  int carried = 0;
  for (const std::string& shard : saved.orders) {
    internal::v1::OrderShardSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(shard));
    for (const internal::v1::OrderState& o : snapshot.orders()) {
      carried += o.carried_size();
      EXPECT_FALSE(o.has_contacts()) << o.order_id();
      EXPECT_FALSE(o.has_parcels()) << o.order_id();
      EXPECT_FALSE(o.has_holds()) << o.order_id();
    }
  }
  EXPECT_EQ(carried, 1);
  out_.Take();

  Contact(Wismo("O-1", "K-1", kT0 + Hours(3)));
  EXPECT_THAT(out_.Escalations("O-1").back().message(),
              HasSubstr("The order is SHIPPED (STANDARD), promised for "));
  EXPECT_THAT(out_.Escalations("O-1").back().message(),
              HasSubstr("; shipment S-1 left at 2026-03-02T12:00:00Z by DHL, "
                        "tracking TR-1. Open escalations: "));
}

// Two shipments of one plain order are named each, in the order they
// came, as the first event naming them said: a later DELIVERED naming
// another carrier changes neither.
TEST_P(ContactCarrierTest, APlainOrderNamesEachOfItsShipments) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "DHL", "TR-1"));
  Ship(Carried(Shipment("O-1", "S-2", kShipped, kT0 + Hours(3)), "UPS", "TR-2"));
  Ship(Carried(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED,
                        kT0 + Hours(30)),
               "GLS", "TR-9"));
  out_.Take();

  Contact(Wismo("O-1", "K-1", kT0 + Hours(31)));
  const std::string message = out_.Escalations("O-1").back().message();
  EXPECT_THAT(message, HasSubstr("; shipment S-1 left at 2026-03-02T12:00:00Z by "
                                 "DHL, tracking TR-1; shipment S-2 left at "
                                 "2026-03-02T13:00:00Z by UPS, tracking TR-2."));
  EXPECT_THAT(message, Not(HasSubstr("GLS")));
  EXPECT_THAT(message, Not(HasSubstr("TR-9")));
}

// A shipment that names neither carrier nor tracking number is not named;
// the first of its events that names one is, at its time; what it names
// is all that is said.
TEST_P(ContactCarrierTest, AShipmentIsNamedByTheFirstEventNamingItsCarrier) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Place(Order("O-2", {{"SKU-A", 1}}));
  Place(Order("O-3", {{"SKU-A", 1}}));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "", ""));
  Ship(Carried(Shipment("O-2", "S-2", kShipped, kT0 + Hours(2)), "", ""));
  Ship(Carried(Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_DELIVERED,
                        kT0 + Hours(20)),
               "DHL", ""));
  Ship(Carried(Shipment("O-3", "S-3", kShipped, kT0 + Hours(2)), "", "TR-3"));
  out_.Take();

  Contact(Wismo("O-1", "K-1", kT0 + Hours(21)));
  Contact(Wismo("O-2", "K-2", kT0 + Hours(21)));
  Contact(Wismo("O-3", "K-3", kT0 + Hours(21)));
  EXPECT_THAT(out_.Escalations("O-1").back().message(),
              Not(HasSubstr("shipment S-1")));
  EXPECT_THAT(out_.Escalations("O-2").back().message(),
              HasSubstr("; shipment S-2 left at 2026-03-03T06:00:00Z by DHL. "));
  EXPECT_THAT(out_.Escalations("O-3").back().message(),
              HasSubstr("; shipment S-3 left at 2026-03-02T12:00:00Z, "
                        "tracking TR-3. "));
}

// An order forgotten once its retention is over takes its shipments with
// it: an order placed after it (in its slot, where the shard reuses it)
// names none of them.
TEST_P(ContactCarrierTest, AForgottenOrderTakesItsShipmentsWithIt) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "DHL", "TR-1"));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(20)));
  AdvanceTo(kT0 + Hours(20) + config_.closed_order_retention + Hours(1));
  out_.Take();

  const EpochMillis t = kT0 + Hours(20) + config_.closed_order_retention + Hours(2);
  Stock(Receipt("SKU-A", 5, t));
  Place(Order("O-2", {{"SKU-A", 1}}, kStandard, t));
  Ship(Carried(Shipment("O-2", "S-2", kShipped, t + Hours(1)), "UPS", "TR-2"));
  Contact(Wismo("O-2", "K-2", t + Hours(2)));
  const std::string message = out_.Escalations("O-2").back().message();
  EXPECT_THAT(message, HasSubstr("; shipment S-2 left at "));
  EXPECT_THAT(message, Not(HasSubstr("S-1")));
  EXPECT_THAT(message, Not(HasSubstr("DHL")));
  const SavedShards saved = SaveShards(pipeline());
  for (const std::string& shard : saved.orders) {
    internal::v1::OrderShardSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(shard));
    for (const internal::v1::OrderState& o : snapshot.orders()) {
      EXPECT_NE(o.order_id(), "O-1");
      EXPECT_EQ(o.carried_size(), o.order_id() == "O-2" ? 1 : 0) << o.order_id();
    }
  }
}

// A plain order restored from a changelog, key by key, still names them.
TEST_P(ContactCarrierTest, APlainOrderNamesThemAfterAChangelogRestore) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "DHL", "TR-1"));
  out_.Take();

  Recorder restored_out;
  Pipeline restored(config_, restored_out);
  // Twice, as a changelog replayed over a restored state may give it.
  RestoreKeyByKey(pipeline(), {"O-1"}, restored, /*times=*/2);
  ASSERT_FALSE(HasFatalFailure());

  const v1::CustomerContact contact = Wismo("O-1", "K-1", kT0 + Hours(3));
  Apply(pipeline(), Input{contact, kT0 + Hours(3)}, 100);
  Apply(restored, Input{contact, kT0 + Hours(3)}, 100);
  ASSERT_FALSE(restored_out.Escalations("O-1").empty());
  const std::string message = restored_out.Escalations("O-1").back().message();
  EXPECT_EQ(message, out_.Escalations("O-1").back().message());
  EXPECT_THAT(message, HasSubstr("; shipment S-1 left at 2026-03-02T12:00:00Z by "
                                 "DHL, tracking TR-1."));
  EXPECT_EQ(message.find("shipment S-1 left"), message.rfind("shipment S-1 left"));
}

// Restored from its snapshot, the order still names them: with extras
// (a hold) and without.
TEST_P(ContactCarrierTest, CarrierAndTrackingSurviveARestore) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Hold(HoldAction("O-1", v1::HOLD_ACTION_PLACE, kT0 + Minutes(5)));
  Hold(HoldAction("O-1", v1::HOLD_ACTION_RELEASE, kT0 + Hours(1)));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "GLS", "TR-9"));
  out_.Take();
  ExpectTheSameContactAfterARestore("by GLS, tracking TR-9");
}

TEST_P(ContactCarrierTest, APlainOrderNamesThemAfterARestore) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Carried(Shipment("O-1", "S-1", kShipped, kT0 + Hours(2)), "GLS", "TR-9"));
  Ship(Carried(Shipment("O-1", "S-2", kShipped, kT0 + Hours(2)), "DHL", "TR-8"));
  out_.Take();
  ExpectTheSameContactAfterARestore(
      "; shipment S-1 left at 2026-03-02T12:00:00Z by GLS, tracking TR-9; "
      "shipment S-2 left at 2026-03-02T12:00:00Z by DHL, tracking TR-8.");
}

}  // namespace
}  // namespace orderflow::testing
