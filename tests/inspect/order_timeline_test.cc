// OrderTimelines: entries in order with their summaries, the state they
// tell, the memory bounds, retention, the text, the HTTP answer, and
// recording while another thread reads.
#include "observe/order_timeline.h"

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "engine/text.h"
#include "producers/simulate.h"
#include "replay/replay.h"
#include "tests/engine/builders.h"

namespace orderflow {
namespace {

using ::orderflow::testing::kT0;
using ::orderflow::testing::Order;
using ::orderflow::testing::Shipment;
using ::orderflow::testing::Ts;
using ::testing::ElementsAre;
using Json = nlohmann::ordered_json;

v1::OrderStatusChanged Status(std::string_view id, v1::OrderStatus status,
                              EpochMillis at,
                              std::vector<std::string> reasons = {}) {
  v1::OrderStatusChanged m;
  m.set_order_id(std::string(id));
  m.set_status(status);
  *m.mutable_occurred_at() = Ts(at);
  for (auto& r : reasons) m.add_reasons(r);
  return m;
}

v1::Escalation Escalation(std::string_view id, v1::EscalationKind kind,
                          int level, v1::EscalationState state, EpochMillis at) {
  v1::Escalation m;
  m.set_escalation_id(Cat(id, "/", v1::EscalationKind_Name(kind), "/", level));
  m.set_order_id(std::string(id));
  m.set_kind(kind);
  m.set_level(level);
  m.set_state(state);
  *m.mutable_detected_at() = Ts(at);
  return m;
}

ObserveSettings Limits(int64_t max_orders, int32_t max_entries,
                       Millis retention = Days(7)) {
  ObserveSettings s;
  s.timeline_max_orders = max_orders;
  s.timeline_max_entries = max_entries;
  s.timeline_retention = retention;
  return s;
}

std::vector<std::string> Summaries(const Json& order) {
  std::vector<std::string> out;
  for (const auto& e : order["timeline"]) out.push_back(e["summary"]);
  return out;
}

// Replay inputs of the source tree, with every kind of record.
constexpr const char* kReplayInputs[] = {
    "examples/first-week.jsonl",
    "tests/inspect/complaint.input.jsonl",
    "tests/replay/scenarios/allocation.input.jsonl",
    "tests/replay/scenarios/cancellation.input.jsonl",
    "tests/replay/scenarios/deadlines.input.jsonl",
    "tests/replay/scenarios/priority.input.jsonl",
    "tests/replay/scenarios/review.input.jsonl",
    "tests/replay/scenarios/shipments.input.jsonl"};

// Records a closed order: placed, then cancelled at `closed_at`.
void ClosedOrder(OrderTimelines& t, std::string_view id, EpochMillis placed,
                 EpochMillis closed_at) {
  t.RecordInput("orders", id, placed, Order(id, {{"SKU-A", 1}}, testing::kStandard, placed));
  t.RecordOutput("order-status", id, closed_at,
                 Status(id, v1::ORDER_STATUS_CANCELLED, closed_at));
}

TEST(OrderTimelinesTest, EntriesInOrderWithTimesSummariesAndRecords) {
  OrderTimelines t(ObserveSettings{});
  t.RecordInput("orders", "O-1", kT0,
                Order("O-1", {{"SKU-KETTLE", 2}, {"SKU-MUG", 4}}, testing::kExpress));
  t.RecordOutput("order-status", "O-1", kT0,
                 Status("O-1", v1::ORDER_STATUS_BACKORDERED, kT0,
                        {"SHORT_STOCK:SKU-KETTLE"}));
  t.RecordOutput("escalations", "O-1", kT0 + Hours(20),
                 Escalation("O-1", v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2,
                            v1::ESCALATION_STATE_RAISED, kT0 + Hours(20)));
  v1::ShipmentEvent shipped =
      Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(30));
  shipped.set_carrier("DHL");
  t.RecordInput("shipments", "O-1", kT0 + Hours(30), shipped);
  v1::CancellationRequested cancel;
  cancel.set_order_id("O-1");
  cancel.set_reason("too late");
  t.RecordInput("cancellations", "O-1", kT0 + Hours(31), cancel);
  v1::InvoiceIssued invoice;
  invoice.set_order_id("O-1");
  invoice.set_invoice_id("INV-1");
  auto* line = invoice.add_lines();
  line->set_sku("SKU-KETTLE");
  line->set_quantity(2);
  line->set_amount_minor(7998);
  t.RecordInput("invoices", "O-1", kT0 + Hours(32), invoice);
  v1::DeadLetter dead;
  dead.set_source_topic("orders");
  dead.set_key("O-1");
  dead.set_reason("DUPLICATE_ORDER");
  dead.set_detail("O-1 was seen with other content");
  t.RecordOutput("dead-letter", "O-1", kT0 + Hours(33), dead);

  const std::optional<Json> j = t.OrderJson("O-1");
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["orderId"], "O-1");
  EXPECT_EQ((*j)["droppedEntries"], 0);
  EXPECT_THAT(Summaries(*j),
              ElementsAre("order placed: EXPRESS, 2 lines (SKU-KETTLE x2, SKU-MUG x4)",
                          "status BACKORDERED (SHORT_STOCK:SKU-KETTLE)",
                          "escalation SHIP_DEADLINE_MISSED level 2 RAISED",
                          "shipment S-1 SHIPPED by DHL",
                          "cancellation requested: too late",
                          "invoice INV-1 issued: 1 line (SKU-KETTLE x2), amount 7998",
                          "dead letter DUPLICATE_ORDER (from orders): O-1 was "
                          "seen with other content"));
  const Json& first = (*j)["timeline"][0];
  EXPECT_EQ(first["time"], "2026-03-02T10:00:00Z");
  EXPECT_EQ(first["direction"], "in");
  EXPECT_EQ(first["topic"], "orders");
  EXPECT_EQ(first["record"]["orderId"], "O-1");
  EXPECT_EQ(first["record"]["serviceLevel"], "SERVICE_LEVEL_EXPRESS");
  const Json& third = (*j)["timeline"][2];
  EXPECT_EQ(third["time"], "2026-03-03T06:00:00Z");
  EXPECT_EQ(third["direction"], "out");
  EXPECT_EQ(third["topic"], "escalations");
  EXPECT_EQ(third["record"]["level"], 2);
  EXPECT_FALSE(t.OrderJson("O-2").has_value());
}

TEST(OrderTimelinesTest, StateFromTheRecords) {
  OrderTimelines t(ObserveSettings{});
  t.RecordInput("orders", "O-1", kT0,
                Order("O-1", {{"SKU-KETTLE", 2}, {"SKU-MUG", 4}}, testing::kExpress));
  Json state = (*t.OrderJson("O-1"))["state"];
  EXPECT_TRUE(state["status"].is_null());
  EXPECT_EQ(state["placedAt"], "2026-03-02T10:00:00Z");
  EXPECT_TRUE(state["promisedDeliveryAt"].is_null());  // not given: the engine says

  v1::OrderStatusChanged accepted = Status("O-1", v1::ORDER_STATUS_ACCEPTED, kT0);
  *accepted.mutable_placed_at() = Ts(kT0);
  *accepted.mutable_promised_delivery_at() = Ts(kT0 + Days(2));
  t.RecordOutput("order-status", "O-1", kT0, accepted);
  t.RecordOutput("order-status", "O-1", kT0 + Hours(1),
                 Status("O-1", v1::ORDER_STATUS_BACKORDERED, kT0 + Hours(1),
                        {"SHORT_STOCK:SKU-KETTLE"}));
  state = (*t.OrderJson("O-1"))["state"];
  EXPECT_EQ(state["status"], "BACKORDERED");
  EXPECT_EQ(state["since"], "2026-03-02T11:00:00Z");
  EXPECT_EQ(state["reasons"], Json::array({"SHORT_STOCK:SKU-KETTLE"}));
  EXPECT_EQ(state["promisedDeliveryAt"], "2026-03-04T10:00:00Z");
  EXPECT_EQ(state["closed"], false);

  v1::DeliveryTask task;
  task.set_order_id("O-1");
  task.set_action(v1::TASK_ACTION_CREATE);
  *task.mutable_ship_by() = Ts(kT0 + Days(1));
  *task.mutable_deliver_by() = Ts(kT0 + Days(2));
  t.RecordOutput("order-status", "O-1", kT0 + Hours(5),
                 Status("O-1", v1::ORDER_STATUS_ALLOCATED, kT0 + Hours(5)));
  t.RecordOutput("delivery-tasks", "O-1", kT0 + Hours(5), task);
  for (auto [kind, level] : {std::pair{v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK, 1},
                             {v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2}}) {
    t.RecordOutput("escalations", "O-1", kT0 + Hours(20),
                   Escalation("O-1", kind, level, v1::ESCALATION_STATE_RAISED,
                              kT0 + Hours(20)));
  }
  state = (*t.OrderJson("O-1"))["state"];
  EXPECT_EQ(state["shipBy"], "2026-03-03T10:00:00Z");
  EXPECT_EQ(state["deliverBy"], "2026-03-04T10:00:00Z");
  EXPECT_EQ(state["reasons"], Json::array());
  ASSERT_EQ(state["openEscalations"].size(), 2u);
  EXPECT_EQ(state["openEscalations"][1]["kind"], "SHIP_DEADLINE_MISSED");
  EXPECT_EQ(state["openEscalations"][1]["level"], 2);
  EXPECT_EQ(state["openEscalations"][1]["since"], "2026-03-03T06:00:00Z");

  v1::ShipmentEvent shipped =
      Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(26));
  shipped.set_carrier("DHL");
  shipped.set_tracking_number("JD1");
  t.RecordInput("shipments", "O-1", kT0 + Hours(26), shipped);
  t.RecordOutput("order-status", "O-1", kT0 + Hours(26),
                 Status("O-1", v1::ORDER_STATUS_SHIPPED, kT0 + Hours(26)));
  t.RecordOutput("escalations", "O-1", kT0 + Hours(26),
                 Escalation("O-1", v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK, 1,
                            v1::ESCALATION_STATE_CLEARED, kT0 + Hours(26)));
  state = (*t.OrderJson("O-1"))["state"];
  ASSERT_EQ(state["openEscalations"].size(), 1u);
  EXPECT_EQ(state["openEscalations"][0]["escalationId"],
            "O-1/ESCALATION_KIND_SHIP_DEADLINE_MISSED/2");
  EXPECT_EQ(state["shippedAt"], "2026-03-03T12:00:00Z");
  EXPECT_EQ(state["shipment"]["carrier"], "DHL");
  EXPECT_EQ(state["shipment"]["trackingNumber"], "JD1");

  t.RecordOutput("order-status", "O-1", kT0 + Hours(40),
                 Status("O-1", v1::ORDER_STATUS_DELIVERED, kT0 + Hours(40)));
  state = (*t.OrderJson("O-1"))["state"];
  EXPECT_EQ(state["status"], "DELIVERED");
  EXPECT_EQ(state["closed"], true);
  EXPECT_EQ(state["deliveredAt"], "2026-03-04T02:00:00Z");
  EXPECT_EQ(state["lines"],
            Json::parse(R"([{"lineId":"L1","sku":"SKU-KETTLE","quantity":2},
                            {"lineId":"L2","sku":"SKU-MUG","quantity":4}])"));
  EXPECT_EQ(state["customerId"], "C-1");
  EXPECT_EQ(state["serviceLevel"], "EXPRESS");
}

TEST(OrderTimelinesTest, OldestEntriesDroppedButTheOrderPlacedKept) {
  OrderTimelines t(Limits(10, 4));
  t.RecordInput("orders", "O-1", kT0, Order("O-1"));
  for (int i = 1; i <= 6; ++i) {
    t.RecordOutput("order-status", "O-1", kT0 + Hours(i),
                   Status("O-1", i % 2 ? v1::ORDER_STATUS_BACKORDERED
                                       : v1::ORDER_STATUS_ALLOCATED,
                          kT0 + Hours(i)));
  }
  const Json j = *t.OrderJson("O-1");
  EXPECT_EQ(j["droppedEntries"], 3);
  ASSERT_EQ(j["timeline"].size(), 4u);
  EXPECT_EQ(j["timeline"][0]["topic"], "orders");
  EXPECT_EQ(j["timeline"][1]["time"], "2026-03-02T14:00:00Z");
  EXPECT_EQ(j["timeline"][3]["time"], "2026-03-02T16:00:00Z");
  EXPECT_EQ(t.entry_count(), 4);
  // The state still knows everything, dropped or not.
  EXPECT_EQ(j["state"]["status"], "ALLOCATED");
  EXPECT_EQ(j["state"]["placedAt"], "2026-03-02T10:00:00Z");
  EXPECT_THAT(RenderOrderText(j),
              ::testing::HasSubstr("4 entries, 3 earlier entries dropped"));
}

TEST(OrderTimelinesTest, WithoutAnOrderPlacedFirstTheOldestGoes) {
  OrderTimelines t(Limits(10, 2));
  v1::CancellationRequested cancel;
  cancel.set_order_id("O-1");
  t.RecordInput("cancellations", "O-1", kT0, cancel);
  t.RecordInput("orders", "O-1", kT0 + 1, Order("O-1"));
  t.RecordOutput("order-status", "O-1", kT0 + 2,
                 Status("O-1", v1::ORDER_STATUS_ACCEPTED, kT0 + 2));
  t.RecordOutput("order-status", "O-1", kT0 + 3,
                 Status("O-1", v1::ORDER_STATUS_CANCELLED, kT0 + 3));
  const Json j = *t.OrderJson("O-1");
  EXPECT_EQ(j["droppedEntries"], 2);
  EXPECT_THAT(Summaries(j), ElementsAre("order placed: STANDARD, 1 line (SKU-A x1)",
                                        "status CANCELLED"));
}

TEST(OrderTimelinesTest, WhenFullClosedOrdersGoFirstOldestClosedFirst) {
  OrderTimelines t(Limits(3, 64, Days(30)));
  t.RecordInput("orders", "A", kT0, Order("A"));              // open
  ClosedOrder(t, "B", kT0 + 1, kT0 + Hours(2));               // closed later
  ClosedOrder(t, "C", kT0 + 2, kT0 + Hours(1));               // closed first
  t.RecordInput("orders", "D", kT0 + Hours(3), Order("D"));
  EXPECT_FALSE(t.OrderJson("C").has_value());
  EXPECT_TRUE(t.OrderJson("B").has_value());
  t.RecordInput("orders", "E", kT0 + Hours(3), Order("E"));
  EXPECT_FALSE(t.OrderJson("B").has_value());
  // No closed order left: the least recently recorded to goes. A was
  // recorded to just now, so D goes.
  t.RecordInput("shipments", "A", kT0 + Hours(4),
                Shipment("A", "S-A", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(4)));
  t.RecordInput("orders", "F", kT0 + Hours(5), Order("F"));
  EXPECT_FALSE(t.OrderJson("D").has_value());
  EXPECT_TRUE(t.OrderJson("A").has_value());
  EXPECT_TRUE(t.OrderJson("E").has_value());
  EXPECT_TRUE(t.OrderJson("F").has_value());
  EXPECT_EQ(t.order_count(), 3);
  EXPECT_EQ(t.entry_count(), 4);
}

TEST(OrderTimelinesTest, ClosedOrdersExpireAfterTheRetention) {
  OrderTimelines t(Limits(100, 64, Days(7)));
  ClosedOrder(t, "O-CLOSED", kT0, kT0 + Hours(1));
  t.RecordInput("orders", "O-OPEN", kT0, Order("O-OPEN"));
  // Reopened: the same id placed again after the engine forgot it.
  ClosedOrder(t, "O-AGAIN", kT0, kT0 + Hours(1));
  t.RecordOutput("order-status", "O-AGAIN", kT0 + Hours(2),
                 Status("O-AGAIN", v1::ORDER_STATUS_ACCEPTED, kT0 + Hours(2)));

  // A record one millisecond before the retention ends keeps it.
  t.RecordInput("orders", "O-LATER", kT0 + Hours(1) + Days(7) - 1, Order("O-LATER"));
  EXPECT_TRUE(t.OrderJson("O-CLOSED").has_value());
  t.Expire(kT0 + Hours(1) + Days(7));
  EXPECT_FALSE(t.OrderJson("O-CLOSED").has_value());
  EXPECT_TRUE(t.OrderJson("O-OPEN").has_value());
  EXPECT_TRUE(t.OrderJson("O-AGAIN").has_value());
  // Time never goes back: an older Expire changes nothing.
  t.Expire(kT0);
  EXPECT_EQ(t.order_count(), 3);
  // Records move time as well.
  ClosedOrder(t, "O-1", kT0 + Days(8), kT0 + Days(8));
  t.RecordInput("orders", "O-2", kT0 + Days(15), Order("O-2"));
  EXPECT_FALSE(t.OrderJson("O-1").has_value());
}

TEST(OrderTimelinesTest, WhatIsNotAnOrdersRecordIsIgnored) {
  OrderTimelines t(ObserveSettings{});
  t.RecordInput("inventory", "SKU-A", kT0, testing::Receipt("SKU-A", 5, kT0));
  v1::DeadLetter dead;
  dead.set_source_topic("orderflow.inventory.v1");
  dead.set_key("SKU-A");
  t.RecordOutput("dead-letter", "SKU-A", kT0, dead);
  t.RecordInput("order-status", "O-1", kT0, Status("O-1", v1::ORDER_STATUS_ACCEPTED, kT0));
  t.RecordOutput("orders", "O-1", kT0, Order("O-1"));
  t.RecordInput("orders", "O-1", kT0, Status("O-1", v1::ORDER_STATUS_ACCEPTED, kT0));
  t.RecordInput("no-such-topic", "O-1", kT0, Order("O-1"));
  EXPECT_EQ(t.order_count(), 0);

  // Kafka topic names are understood; a record without a key goes under
  // the id in its value.
  t.RecordInput("orderflow.orders.v1", "", kT0, Order("O-1"));
  t.RecordOutput("orderflow.order-status.v1", "O-1", kT0,
                 Status("O-1", v1::ORDER_STATUS_ACCEPTED, kT0));
  EXPECT_EQ(t.order_count(), 1);
  EXPECT_EQ((*t.OrderJson("O-1"))["timeline"].size(), 2u);
}

// Bytes a host has already produced are kept as they are, and the state
// comes from them when the order is read; the wrong side or inventory is
// ignored, as with RecordInput / RecordOutput; bytes that do not parse are
// shown as undecodable and tell nothing.
TEST(OrderTimelinesTest, EncodedRecordsKeepTheirBytes) {
  OrderTimelines t(ObserveSettings{});
  const v1::OrderPlaced order = Order("O-1", {{"SKU-A", 2}});
  const v1::OrderStatusChanged accepted =
      Status("O-1", v1::ORDER_STATUS_ACCEPTED, kT0);
  t.RecordEncoded(false, Topic::kOrders, "O-1", kT0, order.SerializeAsString());
  t.RecordEncoded(true, Topic::kOrderStatus, "O-1", kT0,
                  accepted.SerializeAsString());
  t.RecordEncoded(true, Topic::kOrders, "O-1", kT0, "x");
  t.RecordEncoded(false, Topic::kOrderStatus, "O-1", kT0, "x");
  t.RecordEncoded(false, Topic::kInventory, "SKU-A", kT0,
                  testing::Receipt("SKU-A", 5, kT0).SerializeAsString());
  t.RecordEncoded(true, Topic::kOrderStatus, "O-1", kT0 + 1, "\xff\xff\xff");
  EXPECT_EQ(t.order_count(), 1);
  const std::optional<Json> j = t.OrderJson("O-1");
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["state"]["status"], "ACCEPTED");
  EXPECT_EQ((*j)["state"]["closed"], false);
  EXPECT_EQ((*j)["state"]["lines"].size(), 1u);
  ASSERT_EQ((*j)["timeline"].size(), 3u);
  EXPECT_EQ((*j)["timeline"][0]["record"]["orderId"], "O-1");
  EXPECT_EQ((*j)["timeline"][1]["record"]["status"], "ORDER_STATUS_ACCEPTED");
  EXPECT_EQ((*j)["timeline"][2]["summary"], "undecodable record");
  EXPECT_TRUE((*j)["timeline"][2]["record"].is_null());
}

// An order-status record's status and time are read from its bytes when it
// is recorded, to know when the order closed, as protobuf would read them:
// the last status wins, a Timestamp given in two pieces is merged, unknown
// fields are passed over, no occurredAt means the record's time.
TEST(OrderTimelinesTest, ClosingStatusReadFromUnusualEncodings) {
  auto varint = [](uint64_t v) {
    std::string out;
    do {
      out.push_back(static_cast<char>((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
      v >>= 7;
    } while (v != 0);
    return out;
  };
  auto field = [&](int number, int type) { return varint(number << 3 | type); };
  auto bytes = [&](int number, const std::string& b) {
    return field(number, 2) + varint(b.size()) + b;
  };
  const int64_t closed_s = (kT0 + Hours(3)) / 1000;
  // DELIVERED after CANCELLED in the same record; occurredAt as seconds in
  // one piece and nanos (250 ms) in another; an unknown varint, fixed64 and
  // group between them.
  const std::string split =
      bytes(1, "O-1") + field(2, 0) + varint(v1::ORDER_STATUS_CANCELLED) +
      bytes(5, field(1, 0) + varint(closed_s)) + field(99, 0) + varint(7) +
      field(98, 1) + std::string(8, '\1') + field(97, 3) + field(1, 0) +
      varint(1) + field(97, 4) + field(2, 0) +
      varint(v1::ORDER_STATUS_DELIVERED) +
      bytes(5, field(2, 0) + varint(250000000));
  v1::OrderStatusChanged parsed;
  ASSERT_TRUE(parsed.ParseFromString(split));
  ASSERT_EQ(parsed.status(), v1::ORDER_STATUS_DELIVERED);
  ASSERT_EQ(ToMillis(parsed.occurred_at()), kT0 + Hours(3) + 250);

  OrderTimelines t(Limits(10, 10, Hours(1)));
  t.RecordEncoded(true, Topic::kOrderStatus, "O-1", kT0, split);
  // Closed with no occurredAt: at the record's time.
  t.RecordEncoded(true, Topic::kOrderStatus, "O-2", kT0 + Hours(2),
                  field(2, 0) + varint(v1::ORDER_STATUS_REJECTED));
  // Not closed: a status that does not close, and one cut short.
  t.RecordEncoded(true, Topic::kOrderStatus, "O-3", kT0,
                  field(2, 0) + varint(v1::ORDER_STATUS_SHIPPED));
  t.RecordEncoded(true, Topic::kOrderStatus, "O-4", kT0,
                  field(2, 0) + varint(v1::ORDER_STATUS_CANCELLED) + field(5, 2));
  EXPECT_EQ((*t.OrderJson("O-1"))["state"]["closed"], true);
  EXPECT_EQ((*t.OrderJson("O-1"))["state"]["since"], "2026-03-02T13:00:00.250Z");
  EXPECT_EQ((*t.OrderJson("O-2"))["state"]["closed"], true);
  EXPECT_EQ((*t.OrderJson("O-3"))["state"]["closed"], false);
  EXPECT_EQ((*t.OrderJson("O-4"))["state"]["closed"], false);
  // Retention (1 h) runs from when each closed.
  t.Expire(kT0 + Hours(3));
  EXPECT_TRUE(t.OrderJson("O-1").has_value());
  EXPECT_FALSE(t.OrderJson("O-2").has_value());
  t.Expire(kT0 + Hours(4) + 249);
  EXPECT_TRUE(t.OrderJson("O-1").has_value());
  t.Expire(kT0 + Hours(4) + 250);
  EXPECT_FALSE(t.OrderJson("O-1").has_value());
  EXPECT_TRUE(t.OrderJson("O-3").has_value());
}

// The state does not depend on how many entries are kept: every order of
// the replay inputs and of two simulated ERP days tells the same state
// with 2 entries kept as with all of them.
TEST(OrderTimelinesTest, DroppedEntriesStillTellTheState) {
  std::vector<std::string> inputs;
  for (const char* name : kReplayInputs) {
    std::ifstream file(Cat(ORDERFLOW_SOURCE_DIR "/", name));
    ASSERT_TRUE(file) << name;
    std::stringstream text;
    text << file.rdbuf();
    inputs.push_back(text.str());
  }
  std::stringstream day;
  ErpOptions erp;
  erp.orders_per_day = 400;
  ASSERT_GT(SimulateErp(erp, 2, day), 800);
  inputs.push_back(day.str());

  int compared = 0, with_drops = 0;
  for (const std::string& input : inputs) {
    OrderTimelines all(ObserveSettings{}), few(Limits(1000000, 2));
    std::set<std::string> ids;
    for (OrderTimelines* t : {&all, &few}) {
      std::stringstream in(input), out, diagnostics;
      ReplayOptions options;
      options.timelines = t;
      RunReplay(EngineConfig{}, in, out, diagnostics, options);
      std::string line;
      while (std::getline(out, line)) ids.insert(Json::parse(line)["key"]);
    }
    for (const std::string& id : ids) {
      const std::optional<Json> a = all.OrderJson(id), f = few.OrderJson(id);
      ASSERT_EQ(a.has_value(), f.has_value()) << id;
      if (!a) continue;
      ++compared;
      with_drops += (*f)["droppedEntries"] > 0;
      EXPECT_EQ((*a)["state"], (*f)["state"]) << id;
    }
  }
  EXPECT_GT(compared, 600);
  EXPECT_GT(with_drops, 600);
}

TEST(OrderTimelinesTest, TextHasTheStateThenOneLinePerEntry) {
  OrderTimelines t(ObserveSettings{});
  t.RecordInput("orders", "O-1", kT0,
                Order("O-1", {{"SKU-KETTLE", 2}}, testing::kExpress));
  t.RecordOutput("order-status", "O-1", kT0,
                 Status("O-1", v1::ORDER_STATUS_BACKORDERED, kT0,
                        {"SHORT_STOCK:SKU-KETTLE"}));
  t.RecordOutput("escalations", "O-1", kT0 + Hours(24),
                 Escalation("O-1", v1::ESCALATION_KIND_BACKORDER_AGED, 1,
                            v1::ESCALATION_STATE_RAISED, kT0 + Hours(24)));
  EXPECT_EQ(RenderOrderText(*t.OrderJson("O-1")),
            "order O-1\n"
            "  status        BACKORDERED since 2026-03-02T10:00:00Z (SHORT_STOCK:SKU-KETTLE)\n"
            "  customer      C-1\n"
            "  service level EXPRESS\n"
            "  lines         SKU-KETTLE x2\n"
            "  placed        2026-03-02T10:00:00Z\n"
            "  escalations   BACKORDER_AGED level 1 since 2026-03-03T10:00:00Z\n"
            "  timeline      3 entries\n"
            "\n"
            "2026-03-02T10:00:00Z  in   orders         order placed: EXPRESS, 1 line (SKU-KETTLE x2)\n"
            "2026-03-02T10:00:00Z  out  order-status   status BACKORDERED (SHORT_STOCK:SKU-KETTLE)\n"
            "2026-03-03T10:00:00Z  out  escalations    escalation BACKORDER_AGED level 1 RAISED\n");
  // JSON from elsewhere, partly missing: what is there is shown.
  EXPECT_EQ(RenderOrderText(Json::parse(R"({"orderId":"O-9","state":null})")),
            "order O-9\n  status        no status yet\n  escalations   none open\n"
            "  timeline      0 entries\n\n");
}

TEST(OrderTimelinesTest, HttpAnswer) {
  OrderTimelines t(ObserveSettings{});
  t.RecordInput("orders", "O-1", kT0, Order("O-1"));
  auto [status, body] = HandleOrderRequest(t, "O-1");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(Json::parse(body), *t.OrderJson("O-1"));
  std::tie(status, body) = HandleOrderRequest(t, "O-2");
  EXPECT_EQ(status, 404);
  EXPECT_EQ(Json::parse(body)["error"], "order O-2 is not known");
}

// A process answers from its own timelines only an order it saw from its
// placement on; any other from the order's history (read from Kafka by
// `orderflow run`), and from what it keeps when that knows nothing or fails.
TEST(OrderTimelinesTest, HttpAnswerFromTheHistoryUnlessTheWholeOrderWasSeen) {
  OrderTimelines t(ObserveSettings{});
  t.RecordInput("orders", "O-1", kT0, Order("O-1"));
  t.RecordOutput("order-status", "O-2", kT0 + 1,
                 Status("O-2", v1::ORDER_STATUS_SHIPPED, kT0 + 1));
  EXPECT_TRUE(t.KeepsWholeHistory("O-1"));
  EXPECT_FALSE(t.KeepsWholeHistory("O-2"));
  EXPECT_FALSE(t.KeepsWholeHistory("O-3"));

  std::vector<std::string> asked;
  absl::StatusOr<std::optional<Json>> answer = std::optional<Json>(Json{{"orderId", "from history"}});
  const OrderHistorySource history = [&](std::string_view id) {
    asked.emplace_back(id);
    return answer;
  };
  auto [status, body] = HandleOrderRequest(t, "O-1", history);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(Json::parse(body), *t.OrderJson("O-1"));
  EXPECT_TRUE(asked.empty());

  std::tie(status, body) = HandleOrderRequest(t, "O-2", history);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(Json::parse(body)["orderId"], "from history");
  std::tie(status, body) = HandleOrderRequest(t, "O-3", history);
  EXPECT_EQ(Json::parse(body)["orderId"], "from history");
  EXPECT_THAT(asked, ElementsAre("O-2", "O-3"));

  answer = std::optional<Json>();  // Kafka holds nothing about it
  std::tie(status, body) = HandleOrderRequest(t, "O-2", history);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(Json::parse(body), *t.OrderJson("O-2"));
  std::tie(status, body) = HandleOrderRequest(t, "O-3", history);
  EXPECT_EQ(status, 404);

  answer = absl::UnavailableError("cannot reach Kafka");
  std::tie(status, body) = HandleOrderRequest(t, "O-2", history);
  EXPECT_EQ(status, 200);
  Json partial = *t.OrderJson("O-2");
  partial["incomplete"] =
      "only what this process saw of the order: its history could not be read "
      "from Kafka (cannot reach Kafka)";
  EXPECT_EQ(Json::parse(body), partial);
  EXPECT_THAT(RenderOrderText(partial),
              ::testing::HasSubstr("  incomplete    only what this process saw"));
  std::tie(status, body) = HandleOrderRequest(t, "O-3", history);
  EXPECT_EQ(status, 503);
  EXPECT_EQ(Json::parse(body)["error"],
            "the history of order O-3 could not be read from Kafka: cannot reach Kafka");
}

// A host keeps only the orders of the partitions it holds: the others are
// dropped, and their records ignored, until it holds them again.
TEST(OrderTimelinesTest, KeepOnlyDropsTheOthersAndIgnoresTheirRecords) {
  OrderTimelines t(ObserveSettings{});
  t.RecordInput("orders", "O-1", kT0, Order("O-1"));
  t.RecordInput("orders", "O-2", kT0, Order("O-2"));
  t.KeepOnly([](std::string_view id) { return id == "O-1"; });
  EXPECT_TRUE(t.OrderJson("O-1").has_value());
  EXPECT_FALSE(t.OrderJson("O-2").has_value());
  EXPECT_EQ(t.order_count(), 1);
  EXPECT_EQ(t.entry_count(), 1);
  t.RecordOutput("order-status", "O-2", kT0 + 1,
                 Status("O-2", v1::ORDER_STATUS_ACCEPTED, kT0 + 1));
  EXPECT_FALSE(t.OrderJson("O-2").has_value());
  t.KeepOnly(nullptr);
  t.RecordOutput("order-status", "O-2", kT0 + 2,
                 Status("O-2", v1::ORDER_STATUS_ALLOCATED, kT0 + 2));
  ASSERT_TRUE(t.OrderJson("O-2").has_value());
  EXPECT_FALSE(t.KeepsWholeHistory("O-2"));
}

// Every order of the example week: the state's status is the last status
// the replay wrote for it, and the outputs in the timelines are the
// replay's outputs.
TEST(OrderTimelinesTest, ReplayRecordsEveryOutput) {
  std::ifstream input(ORDERFLOW_SOURCE_DIR "/examples/first-week.jsonl");
  ASSERT_TRUE(input);
  std::stringstream out, diagnostics;
  OrderTimelines t(ObserveSettings{});
  ReplayOptions options;
  options.timelines = &t;
  RunReplay(EngineConfig{}, input, out, diagnostics, options);
  std::map<std::string, std::string> last_status;
  std::map<std::string, int> outputs;
  std::string line;
  while (std::getline(out, line)) {
    const Json j = Json::parse(line);
    ++outputs[j["key"]];
    if (j["topic"] == "order-status") {
      last_status[j["key"]] =
          std::string(j["value"]["status"]).substr(std::string("ORDER_STATUS_").size());
    }
  }
  ASSERT_FALSE(last_status.empty());
  for (const auto& [id, status] : last_status) {
    const std::optional<Json> j = t.OrderJson(id);
    ASSERT_TRUE(j.has_value()) << id;
    EXPECT_EQ((*j)["state"]["status"], status) << id;
    int out_entries = 0;
    for (const auto& e : (*j)["timeline"]) out_entries += e["direction"] == "out";
    EXPECT_EQ(out_entries, outputs[id]) << id;
  }
}

// Replay with timelines (which moves the clock before each record, so that
// timers come first) writes the same bytes as without.
TEST(OrderTimelinesTest, RecordingChangesNoOutput) {
  for (const char* name : kReplayInputs) {
    const std::string path = Cat(ORDERFLOW_SOURCE_DIR "/", name);
    std::ifstream with_file(path), without_file(path);
    ASSERT_TRUE(with_file) << path;
    std::stringstream with, without, diagnostics;
    OrderTimelines t(ObserveSettings{});
    ReplayOptions options;
    options.timelines = &t;
    RunReplay(EngineConfig{}, with_file, with, diagnostics, options);
    RunReplay(EngineConfig{}, without_file, without, diagnostics);
    EXPECT_EQ(with.str(), without.str()) << path;
    EXPECT_GT(t.order_count(), 0) << path;
  }
}

// One thread records while another reads; run under the sanitizers too.
TEST(OrderTimelinesTest, ReadWhileRecording) {
  OrderTimelines t(Limits(50, 5, Hours(1)));
  std::atomic<bool> done{false};
  std::thread reader([&] {
    int64_t found = 0;
    while (!done.load()) {
      for (int i = 0; i < 200; i += 7) {
        if (auto j = t.OrderJson(Cat("O-", i))) {
          found += !RenderOrderText(*j).empty();
        }
      }
      EXPECT_LE(t.order_count(), 50);
    }
    EXPECT_GE(found, 0);
  });
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 200; ++i) {
      const std::string id = Cat("O-", i);
      const EpochMillis at = kT0 + Minutes(round * 200 + i);
      t.RecordInput("orders", id, at, Order(id, {{"SKU-A", 1}}, testing::kStandard, at));
      t.RecordOutput("order-status", id, at,
                     Status(id, i % 3 ? v1::ORDER_STATUS_ALLOCATED
                                      : v1::ORDER_STATUS_DELIVERED, at));
    }
  }
  done.store(true);
  reader.join();
  EXPECT_LE(t.order_count(), 50);
  EXPECT_LE(t.entry_count(), 50 * 5);
}

}  // namespace
}  // namespace orderflow
