// OrderParcelView: an order's parcels as its records tell them (rule 10),
// what is still unshipped, and the rows `inspect` prints for them.
#include "observe/order_timeline_parcels.h"

#include <tuple>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "engine/text.h"
#include "tests/engine/builders.h"

namespace orderflow {
namespace {

using ::orderflow::testing::kT0;
using ::orderflow::testing::Order;
using ::orderflow::testing::Shipment;
using Json = nlohmann::ordered_json;

constexpr EpochMillis kHour = 3600 * 1000;

// A parcel of `lines` (lineId, units); none: the rest, as in v1.
v1::ShipmentEvent Parcel(std::string_view shipment_id, v1::ShipmentStatus status,
                         EpochMillis at,
                         std::vector<std::pair<std::string, int32_t>> lines = {}) {
  v1::ShipmentEvent e = Shipment("O-1", shipment_id, status, at);
  for (const auto& [id, units] : lines) {
    v1::ShipmentLine* l = e.add_lines();
    l->set_line_id(id);
    l->set_quantity(units);
  }
  return e;
}

// O-1: L1 SKU-A x3, L2 SKU-B x2.
OrderParcelView Placed() {
  OrderParcelView view;
  view.Input(Topic::kOrders);
  view.AddOrder(Order("O-1", {{"SKU-A", 3}, {"SKU-B", 2}}));
  return view;
}

void Ship(OrderParcelView& view, const v1::ShipmentEvent& e) {
  view.Input(Topic::kShipments);
  view.AddShipment(e, 0, /*cancelled=*/false);
}

Json State(const OrderParcelView& view, bool closed_unshipped = false) {
  return {{"deliveryTasks", view.TasksJson()},
          {"parcels", view.ParcelsJson()},
          {"unshipped", view.UnshippedJson(closed_unshipped)},
          {"restCancelled", view.rest_cancelled()}};
}

TEST(OrderParcelViewTest, AV1ShipmentIsOneWholeParcelAndPrintsNothingNew) {
  OrderParcelView view = Placed();
  Ship(view, Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0));
  Ship(view, Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + kHour));
  const Json state = State(view);
  ASSERT_EQ(state["parcels"].size(), 1u);
  const Json& p = state["parcels"][0];
  EXPECT_EQ(p["whole"], true);
  EXPECT_EQ(p["status"], "DELIVERED");
  EXPECT_EQ(p["lines"].dump(),
            R"([{"lineId":"L1","sku":"SKU-A","quantity":3},)"
            R"({"lineId":"L2","sku":"SKU-B","quantity":2}])");
  EXPECT_TRUE(state["unshipped"].empty());
  EXPECT_TRUE(ParcelRows(state).empty());
}

TEST(OrderParcelViewTest, ParcelsWithLinesThenTheRest) {
  OrderParcelView view = Placed();
  Ship(view, Parcel("P-1", v1::SHIPMENT_STATUS_SHIPPED, kT0, {{"L1", 2}}));
  Json state = State(view);
  EXPECT_EQ(state["unshipped"].dump(),
            R"([{"lineId":"L1","sku":"SKU-A","quantity":1,"ordered":3},)"
            R"({"lineId":"L2","sku":"SKU-B","quantity":2,"ordered":2}])");
  // No lines: every unit not yet shipped. Its DELIVERED is the whole
  // order's, so P-1 is delivered too.
  Ship(view, Parcel("P-2", v1::SHIPMENT_STATUS_SHIPPED, kT0 + kHour));
  Ship(view, Parcel("P-2", v1::SHIPMENT_STATUS_DELIVERED, kT0 + 2 * kHour));
  state = State(view);
  EXPECT_EQ(state["parcels"][1]["lines"].dump(),
            R"([{"lineId":"L1","sku":"SKU-A","quantity":1},)"
            R"({"lineId":"L2","sku":"SKU-B","quantity":2}])");
  EXPECT_EQ(state["parcels"][0]["status"], "DELIVERED");
  EXPECT_EQ(state["parcels"][0]["history"].size(), 1u);  // its own events
  EXPECT_TRUE(state["unshipped"].empty());
  EXPECT_THAT(ParcelRows(state),
              ::testing::Contains(std::pair<std::string, std::string>(
                  "unshipped", "nothing")));
}

TEST(OrderParcelViewTest, ARefusedShipmentIsTakenBackByTheDeadLetterRightAfterIt) {
  OrderParcelView view = Placed();
  Ship(view, Parcel("P-1", v1::SHIPMENT_STATUS_SHIPPED, kT0, {{"L1", 5}}));
  view.Rejected(Topic::kShipments);
  EXPECT_TRUE(State(view)["parcels"].empty());
  EXPECT_EQ(State(view)["unshipped"].size(), 2u);

  // A dead letter after another input refers to that one.
  Ship(view, Parcel("P-2", v1::SHIPMENT_STATUS_SHIPPED, kT0, {{"L1", 1}}));
  view.Input(Topic::kInvoices);
  view.Rejected(Topic::kShipments);
  EXPECT_EQ(State(view)["parcels"].size(), 1u);

  // One whose payload is another shipment's refers to that one.
  Ship(view, Parcel("P-3", v1::SHIPMENT_STATUS_SHIPPED, kT0, {{"L2", 1}}));
  view.Rejected(Topic::kShipments,
                Parcel("P-9", v1::SHIPMENT_STATUS_SHIPPED, kT0).SerializeAsString());
  EXPECT_EQ(State(view)["parcels"].size(), 2u);
  view.Rejected(Topic::kShipments,
                Parcel("P-3", v1::SHIPMENT_STATUS_SHIPPED, kT0).SerializeAsString());
  EXPECT_EQ(State(view)["parcels"].size(), 1u);
}

TEST(OrderParcelViewTest, RepeatsArePickedAndPackedDoNotShip) {
  OrderParcelView view = Placed();
  Ship(view, Parcel("P-1", v1::SHIPMENT_STATUS_PICKED, kT0));
  Json state = State(view);
  EXPECT_EQ(state["parcels"][0]["status"], "PICKED");
  EXPECT_EQ(state["unshipped"].size(), 2u);
  Ship(view, Parcel("P-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + kHour, {{"L2", 2}}));
  Ship(view, Parcel("P-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + 2 * kHour, {{"L2", 2}}));
  state = State(view);
  EXPECT_EQ(state["parcels"][0]["history"].dump(),
            R"([{"status":"PICKED","at":"2026-03-02T10:00:00Z"},)"
            R"({"status":"SHIPPED","at":"2026-03-02T11:00:00Z"}])");
  EXPECT_EQ(state["parcels"][0]["lines"].dump(),
            R"([{"lineId":"L2","sku":"SKU-B","quantity":2}])");
  EXPECT_EQ(state["unshipped"].size(), 1u);
}

TEST(OrderParcelViewTest, ACancellationAfterAParcelCancelsTheRest) {
  OrderParcelView view = Placed();
  Ship(view, Parcel("P-1", v1::SHIPMENT_STATUS_SHIPPED, kT0, {{"L1", 3}}));
  view.Input(Topic::kCancellations);
  view.AddCancellation();
  const Json state = State(view);
  EXPECT_TRUE(state["unshipped"].empty());
  EXPECT_EQ(state["restCancelled"], true);
  EXPECT_THAT(ParcelRows(state),
              ::testing::Contains(std::pair<std::string, std::string>(
                  "unshipped", "nothing (the rest was cancelled)")));
}

TEST(OrderParcelViewTest, AShipmentBeforeItsOrderCountsWhenTheOrderComes) {
  OrderParcelView view;
  view.Input(Topic::kShipments);
  view.AddShipment(Parcel("P-1", v1::SHIPMENT_STATUS_SHIPPED, kT0, {{"L2", 1}}),
                   0, false);
  EXPECT_TRUE(view.ParcelsJson().empty());
  view.Input(Topic::kOrders);
  view.AddOrder(Order("O-1", {{"SKU-A", 3}, {"SKU-B", 2}}));
  EXPECT_EQ(view.ParcelsJson().size(), 1u);
  EXPECT_EQ(view.UnshippedJson(false)[1]["quantity"], 1);
}

TEST(OrderParcelViewTest, AShipmentHeldForItsOrderAndRefusedWhenItCame) {
  OrderParcelView view;
  const v1::ShipmentEvent too_many =
      Parcel("P-1", v1::SHIPMENT_STATUS_SHIPPED, kT0, {{"L2", 3}});
  for (const v1::ShipmentEvent& e :
       {too_many, Parcel("P-2", v1::SHIPMENT_STATUS_SHIPPED, kT0, {{"L1", 1}})}) {
    view.Input(Topic::kShipments);
    view.AddShipment(e, 0, false);
  }
  view.Input(Topic::kOrders);
  view.AddOrder(Order("O-1", {{"SKU-A", 3}, {"SKU-B", 2}}));
  view.Rejected(Topic::kShipments, too_many.SerializeAsString());
  const Json parcels = view.ParcelsJson();
  ASSERT_EQ(parcels.size(), 1u);
  EXPECT_EQ(parcels[0]["shipmentId"], "P-2");
  EXPECT_EQ(view.UnshippedJson(false)[0]["quantity"], 2);
  EXPECT_EQ(view.UnshippedJson(false)[1]["quantity"], 2);
}

TEST(OrderParcelViewTest, AnAppliedAmendmentChangesWhatIsToShip) {
  OrderParcelView view = Placed();
  v1::OrderAmended amended;
  amended.set_order_id("O-1");
  amended.set_amendment_id("A-1");
  v1::AmendedLine* line = amended.add_lines();
  line->set_line_id("L1");
  line->set_quantity(5);
  view.Input(Topic::kAmendments);
  view.AddAmendment(amended);
  EXPECT_EQ(view.UnshippedJson(false)[0]["quantity"], 3);
  v1::AmendmentResult result;
  result.set_amendment_id("A-1");
  result.set_outcome(v1::AMENDMENT_OUTCOME_APPLIED);
  view.AddAmendmentResult(result);
  EXPECT_EQ(view.UnshippedJson(false)[0]["quantity"], 5);
}

TEST(OrderParcelViewTest, TasksPerWarehouseAndTheirParcelsPrint) {
  OrderParcelView view = Placed();
  for (const auto& [warehouse, line_id, sku, quantity] :
       {std::tuple{"WH-A", "L1", "SKU-A", 3}, std::tuple{"WH-B", "L2", "SKU-B", 2}}) {
    v1::DeliveryTask task;
    task.set_task_id(Cat("O-1/delivery/", warehouse));
    task.set_action(v1::TASK_ACTION_CREATE);
    task.set_warehouse_id(warehouse);
    v1::TaskLine* l = task.add_lines();
    l->set_line_id(line_id);
    l->set_sku(sku);
    l->set_quantity(quantity);
    view.AddTask(task);
  }
  // No lines with a taskId, of several: that task's lines.
  v1::ShipmentEvent e = Parcel("P-B", v1::SHIPMENT_STATUS_SHIPPED, kT0);
  e.set_task_id("O-1/delivery/WH-B");
  e.set_carrier("UPS");
  e.set_tracking_number("1Z1");
  Ship(view, e);
  const Json state = State(view);
  EXPECT_EQ(state["parcels"][0]["warehouseId"], "WH-B");
  EXPECT_EQ(state["parcels"][0]["whole"], false);
  using Row = std::pair<std::string, std::string>;
  EXPECT_THAT(
      ParcelRows(state),
      ::testing::ElementsAre(
          Row("tasks", "O-1/delivery/WH-A at WH-A CREATE: line L1 SKU-A x3"),
          Row("", "O-1/delivery/WH-B at WH-B CREATE: line L2 SKU-B x2"),
          Row("parcels", "P-B (task O-1/delivery/WH-B, WH-B): line L2 SKU-B x2 "
                         "by UPS, tracking 1Z1"),
          Row("", "  SHIPPED 2026-03-02T10:00:00Z"),
          Row("unshipped", "line L1 SKU-A: 3 of 3")));
}

}  // namespace
}  // namespace orderflow
