// The metrics of DOMAIN.md "Metrics added", as the order shards count
// them: split shipments over orders whose shipping started (rule 10),
// holds placed, open and their time on hold by type (rule 12), contacts by
// kind and by root cause per 100 orders received (rule 13), and ON_HOLD
// and the partial statuses in the backlog. Every test runs under each
// shard layout; the open holds come back from a snapshot.
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

v1::HoldEvent HoldOf(std::string_view order_id, std::string_view hold_id,
                     v1::HoldAction action, v1::HoldType type, EpochMillis at) {
  v1::HoldEvent e;
  e.set_order_id(std::string(order_id));
  e.set_hold_id(std::string(hold_id));
  e.set_action(action);
  e.set_type(type);
  if (action == v1::HOLD_ACTION_RELEASE) e.set_outcome(v1::HOLD_OUTCOME_RESUME);
  *e.mutable_occurred_at() = Ts(at);
  return e;
}

v1::HoldEvent PlaceHold(std::string_view order_id, std::string_view hold_id,
                        v1::HoldType type, EpochMillis at) {
  return HoldOf(order_id, hold_id, v1::HOLD_ACTION_PLACE, type, at);
}
v1::HoldEvent ReleaseHold(std::string_view order_id, std::string_view hold_id,
                          v1::HoldType type, EpochMillis at) {
  return HoldOf(order_id, hold_id, v1::HOLD_ACTION_RELEASE, type, at);
}

v1::CustomerContact ContactOf(std::string_view order_id,
                              std::string_view contact_id, v1::ContactKind kind,
                              EpochMillis at, bool resolved = false) {
  v1::CustomerContact c;
  c.set_contact_id(std::string(contact_id));
  c.set_order_id(std::string(order_id));
  c.set_kind(kind);
  SetTimestamp(at, c.mutable_received_at());
  if (resolved) SetTimestamp(at, c.mutable_resolved_at());
  return c;
}

v1::ShipmentEvent Parcel(std::string_view order_id, std::string_view id,
                         EpochMillis at,
                         std::vector<std::pair<std::string, int32_t>> lines) {
  v1::ShipmentEvent e =
      Shipment(order_id, id, v1::SHIPMENT_STATUS_SHIPPED, at);
  for (const auto& [line_id, quantity] : lines) {
    v1::ShipmentLine* line = e.add_lines();
    line->set_line_id(line_id);
    line->set_quantity(quantity);
  }
  return e;
}

int Index(v1::HoldType type) { return static_cast<int>(type); }

using MetricsAddedTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(MetricsAddedTest);

TEST_P(MetricsAddedTest, SplitShipmentsOverOrdersWhoseShippingStarted) {
  Stock(Receipt("SKU-A", 50, kT0));
  Stock(Receipt("SKU-B", 50, kT0));
  Place(Order("O-1", {{"SKU-A", 3}, {"SKU-B", 5}}));  // two parcels
  Place(Order("O-2", {{"SKU-A", 3}, {"SKU-B", 5}}));  // one parcel, whole
  Place(Order("O-3", {{"SKU-A", 1}}));                // v1: no lines
  Place(Order("O-4", {{"SKU-A", 1}}));                // never ships
  Ship(Parcel("O-1", "P-1", kT0 + Hours(1), {{"L1", 3}}));
  Ship(Parcel("O-1", "P-2", kT0 + Hours(2), {{"L2", 5}}));
  Ship(Parcel("O-1", "P-2", kT0 + Hours(3), {{"L2", 5}}));  // a repeat
  Ship(Parcel("O-2", "P-3", kT0 + Hours(1), {{"L1", 3}, {"L2", 5}}));
  Ship(Shipment("O-3", "S-3", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));

  const ServiceMetrics m = pipeline().Metrics();
  EXPECT_EQ(m.shipping_started, 3);
  EXPECT_EQ(m.split_shipments, 1);
  EXPECT_DOUBLE_EQ(*Summarize(m).split_shipment_rate, 1.0 / 3);
}

TEST_P(MetricsAddedTest, NoShipmentNoSplitShipmentRate) {
  Place(Order("O-1", {{"SKU-A", 1}}));
  EXPECT_EQ(Summarize(pipeline().Metrics()).split_shipment_rate, std::nullopt);
}

TEST_P(MetricsAddedTest, HoldsPlacedOpenAndTimeOnHoldByType) {
  Stock(Receipt("SKU-A", 50, kT0));
  for (const char* id : {"O-1", "O-2", "O-3", "O-4"}) {
    Place(Order(id, {{"SKU-A", 1}}));
  }
  Hold(PlaceHold("O-1", "H-1", v1::HOLD_TYPE_PAYMENT, kT0 + Hours(1)));
  Hold(PlaceHold("O-2", "H-2", v1::HOLD_TYPE_PAYMENT, kT0 + Hours(1)));
  Hold(PlaceHold("O-3", "H-3", v1::HOLD_TYPE_PAYMENT, kT0 + Hours(1)));
  Hold(PlaceHold("O-3", "H-4", v1::HOLD_TYPE_FRAUD, kT0 + Hours(1)));
  Hold(PlaceHold("O-4", "H-5", v1::HOLD_TYPE_ADDRESS, kT0 + Hours(1)));
  Hold(PlaceHold("O-4", "H-5", v1::HOLD_TYPE_ADDRESS, kT0 + Hours(2)));  // a repeat
  // Payment holds released after 1h, 2h and 10h; the fraud hold of O-3
  // stays, and O-3 with it ON_HOLD.
  Hold(ReleaseHold("O-1", "H-1", v1::HOLD_TYPE_PAYMENT, kT0 + Hours(2)));
  Hold(ReleaseHold("O-2", "H-2", v1::HOLD_TYPE_PAYMENT, kT0 + Hours(3)));
  Hold(ReleaseHold("O-3", "H-3", v1::HOLD_TYPE_PAYMENT, kT0 + Hours(11)));
  Hold(ReleaseHold("O-3", "H-3", v1::HOLD_TYPE_PAYMENT, kT0 + Hours(12)));  // again

  const ServiceMetrics m = pipeline().Metrics();
  EXPECT_EQ(m.holds_placed[Index(v1::HOLD_TYPE_PAYMENT)], 3);
  EXPECT_EQ(m.holds_placed[Index(v1::HOLD_TYPE_FRAUD)], 1);
  EXPECT_EQ(m.holds_placed[Index(v1::HOLD_TYPE_ADDRESS)], 1);
  const CycleTimes& payment = m.time_on_hold[Index(v1::HOLD_TYPE_PAYMENT)];
  EXPECT_EQ(payment.count(), 3);
  const ServiceSummary s = Summarize(m);
  EXPECT_EQ(s.time_on_hold[Index(v1::HOLD_TYPE_PAYMENT)].p50, Hours(2));
  EXPECT_EQ(s.time_on_hold[Index(v1::HOLD_TYPE_PAYMENT)].p90, Hours(10));
  EXPECT_EQ(m.time_on_hold[Index(v1::HOLD_TYPE_FRAUD)].count(), 0);
  EXPECT_EQ(s.time_on_hold[Index(v1::HOLD_TYPE_FRAUD)].p50, std::nullopt);

  const Backlog b = pipeline().CountBacklog();
  EXPECT_EQ(b.open_holds[Index(v1::HOLD_TYPE_PAYMENT)], 0);
  EXPECT_EQ(b.open_holds[Index(v1::HOLD_TYPE_FRAUD)], 1);
  EXPECT_EQ(b.open_holds[Index(v1::HOLD_TYPE_ADDRESS)], 1);
  EXPECT_EQ(b.of_status(v1::ORDER_STATUS_ON_HOLD), 2);  // O-3, O-4
  EXPECT_EQ(b.of_status(v1::ORDER_STATUS_ALLOCATED), 2);
  EXPECT_EQ(b.total(), 4);
}

TEST_P(MetricsAddedTest, AHoldAfterShipmentIsPlacedButNotOpen) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  Hold(PlaceHold("O-1", "H-1", v1::HOLD_TYPE_FRAUD, kT0 + Hours(2)));
  EXPECT_EQ(pipeline().Metrics().holds_placed[Index(v1::HOLD_TYPE_FRAUD)], 1);
  EXPECT_EQ(pipeline().CountBacklog().open_holds[Index(v1::HOLD_TYPE_FRAUD)], 0);
}

TEST_P(MetricsAddedTest, ContactsByKindAndRootCausePer100Orders) {
  Stock(Receipt("SKU-A", 50, kT0));
  for (const char* id : {"O-1", "O-2", "O-3", "O-4"}) {
    Place(Order(id, {{"SKU-A", 1}}));
  }
  Hold(PlaceHold("O-2", "H-1", v1::HOLD_TYPE_PAYMENT, kT0 + Hours(1)));
  Contact(ContactOf("O-1", "K-1", v1::CONTACT_KIND_WHERE_IS_MY_ORDER, kT0 + Hours(2)));
  Contact(ContactOf("O-2", "K-2", v1::CONTACT_KIND_WHERE_IS_MY_ORDER, kT0 + Hours(2)));
  Contact(ContactOf("O-2", "K-3", v1::CONTACT_KIND_BILLING, kT0 + Hours(3)));
  // A repeat, its resolution, and one that comes resolved: not counted.
  Contact(ContactOf("O-1", "K-1", v1::CONTACT_KIND_WHERE_IS_MY_ORDER, kT0 + Hours(2)));
  Contact(ContactOf("O-1", "K-1", v1::CONTACT_KIND_WHERE_IS_MY_ORDER, kT0 + Hours(4),
                    /*resolved=*/true));
  Contact(ContactOf("O-3", "K-4", v1::CONTACT_KIND_LATE, kT0 + Hours(4),
                    /*resolved=*/true));

  const ServiceMetrics m = pipeline().Metrics();
  EXPECT_EQ(m.contacts(), 3);
  EXPECT_EQ(m.contacts_by_kind[v1::CONTACT_KIND_WHERE_IS_MY_ORDER], 2);
  EXPECT_EQ(m.contacts_by_kind[v1::CONTACT_KIND_BILLING], 1);
  EXPECT_EQ(m.contacts_by_kind[v1::CONTACT_KIND_LATE], 0);
  EXPECT_EQ(m.contacts_by_root_cause[RootCauseIndex("ON_HOLD")], 2);
  EXPECT_EQ(m.contacts_by_root_cause[RootCauseIndex("NONE_FOUND")], 1);
  const ServiceSummary s = Summarize(m);
  EXPECT_DOUBLE_EQ(*s.contacts_per_100_orders, 75.0);  // 3 for 4 orders
  EXPECT_DOUBLE_EQ(*s.contacts_per_100_by_kind[v1::CONTACT_KIND_BILLING], 25.0);
  EXPECT_DOUBLE_EQ(*s.contacts_per_100_by_root_cause[RootCauseIndex("ON_HOLD")],
                   50.0);
}

TEST_P(MetricsAddedTest, OpenHoldsAndTheBacklogComeBackFromASnapshot) {
  const std::vector<Input> inputs = {
      {Receipt("SKU-A", 5, kT0), kT0},
      {Order("O-1", {{"SKU-A", 1}}), kT0},
      {Order("O-2", {{"SKU-A", 1}}), kT0},
      {PlaceHold("O-1", "H-1", v1::HOLD_TYPE_CREDIT, kT0 + Hours(1)), kT0 + Hours(1)},
      {PlaceHold("O-2", "H-2", v1::HOLD_TYPE_CREDIT, kT0 + Hours(1)), kT0 + Hours(1)},
      {PlaceHold("O-2", "H-3", v1::HOLD_TYPE_OTHER, kT0 + Hours(1)), kT0 + Hours(1)},
  };
  Recorder first_out;
  Pipeline first(config_, first_out);
  for (size_t i = 0; i < inputs.size(); ++i) {
    Apply(first, inputs[i], static_cast<int64_t>(i + 1));
  }
  Recorder rest_out;
  Pipeline rest(config_, rest_out);
  for (int i = 0; i < first.order_shard_count(); ++i) {
    ASSERT_TRUE(rest.order_shard(i).Restore(first.order_shard(i).Snapshot()).ok());
  }
  for (int i = 0; i < first.inventory_shard_count(); ++i) {
    ASSERT_TRUE(
        rest.inventory_shard(i).Restore(first.inventory_shard(i).Snapshot()).ok());
  }
  rest.SyncClockFromShards();
  const Backlog before = first.CountBacklog();
  const Backlog after = rest.CountBacklog();
  EXPECT_EQ(before.open_holds[Index(v1::HOLD_TYPE_CREDIT)], 2);
  EXPECT_EQ(before.open_holds[Index(v1::HOLD_TYPE_OTHER)], 1);
  EXPECT_EQ(after.open_holds, before.open_holds);
  EXPECT_EQ(after.orders, before.orders);
  EXPECT_EQ(after.of_status(v1::ORDER_STATUS_ON_HOLD), 2);
}

}  // namespace
}  // namespace orderflow::testing
