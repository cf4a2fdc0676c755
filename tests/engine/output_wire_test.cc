// engine/output_wire.h: status changes and delivery tasks written from
// their plain values are, byte for byte, what ToProto and protobuf's
// deterministic serialization give; a task whose address is not in
// protobuf's own form is left to them.
#include "engine/output_wire.h"

#include <string>
#include <vector>

#include "engine/deterministic.h"
#include "engine/order_wire.h"
#include "engine/pipeline.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test.h"
#include "tests/engine/scenarios.h"

namespace orderflow::testing {
namespace {

void ExpectSameStatus(const StatusOutput& s) {
  v1::OrderStatusChanged m;
  ToProto(s, &m);
  std::string out = "before";
  AppendStatus(s, out);
  EXPECT_EQ(out, "before" + Deterministic(m)) << m.ShortDebugString();
}

void ExpectSameTask(const TaskOutput& t) {
  v1::DeliveryTask m;
  ToProto(t, &m);
  std::string out = "before";
  ASSERT_TRUE(AppendTask(t, out)) << m.ShortDebugString();
  EXPECT_EQ(out, "before" + Deterministic(m)) << m.ShortDebugString();
}

// Compares every status change and task a pipeline emits.
class ComparingEmitter final : public Emitter {
 public:
  void SendStatus(const StatusOutput& s) override {
    ExpectSameStatus(s);
    ++statuses;
  }
  void SendTask(const TaskOutput& t) override {
    ExpectSameTask(t);
    ++tasks;
  }
  void Escalated(const v1::Escalation&) override {}
  void DeadLettered(const v1::DeadLetter&) override {}
  void AmendmentDecided(const v1::AmendmentResult&) override {}
  void SendToInventory(const StockRequest&) override {}
  void SendToOrders(const StockAnswer&) override {}
  int statuses = 0, tasks = 0;
};

TEST(OutputWireTest, EveryOutputOfBusyDaysIsWhatProtobufWrites) {
  ComparingEmitter out;
  EngineConfig config;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    Pipeline pipeline(config, out);
    const std::vector<Input> inputs = BusyDays(seed);
    for (size_t i = 0; i < inputs.size(); ++i) {
      Apply(pipeline, inputs[i], static_cast<int64_t>(i + 1));
    }
  }
  EXPECT_GT(out.statuses, 500);
  EXPECT_GT(out.tasks, 80);
}

TEST(OutputWireTest, UnusualValuesAreWrittenAsProtobufWritesThem) {
  const std::vector<std::string> reasons = {"SHORT_STOCK:SKU-1", "", std::string(300, 'r')};
  StatusOutput s;
  ExpectSameStatus(s);  // everything empty or zero
  s.order_id = "O-1";
  s.status = v1::ORDER_STATUS_BACKORDERED;
  s.previous_status = v1::ORDER_STATUS_ACCEPTED;
  s.reasons = reasons;
  s.occurred_at = -1;  // before 1970: the second before, 999 ms in
  s.placed_at = 1772409600123;
  s.promised_delivery_at = 1772409600000;  // whole seconds: no nanos
  ExpectSameStatus(s);
  s.status = static_cast<v1::OrderStatus>(-3);  // not a status: ten bytes
  ExpectSameStatus(s);

  const std::string long_id(200, 'o');
  const std::string long_sku(150, 's');
  const std::vector<TaskOutputLine> lines = {
      {"L1", "SKU-A", 2}, {"", "", 0}, {"L3", long_sku, -7}};
  std::string address;
  v1::Address a;
  a.set_name("Ada Lovelace");
  a.set_city("M\xc3\xbcnchen");
  a.set_country(std::string(140, 'c'));
  AppendAddress(a, address);
  TaskOutput t;
  ExpectSameTask(t);
  t.order_id = long_id;
  t.action = v1::TASK_ACTION_CREATE;
  t.lines = lines;
  t.priority = v1::SERVICE_LEVEL_OVERNIGHT;
  t.ship_to = address;
  t.ship_by = 1772409600000;
  t.deliver_by = -1500;
  t.created_at = 0;
  ExpectSameTask(t);
  t.ship_to = std::string_view();  // an address with no fields: present, empty
  ExpectSameTask(t);
}

TEST(OutputWireTest, AnAddressNotInProtobufsFormIsLeftToProtobuf) {
  TaskOutput t;
  t.order_id = "O-1";
  // The same field twice, fields out of order, an empty field, an unknown
  // field, a length that runs past the end, a length of more bytes than
  // it needs.
  for (const std::string& bytes :
       {std::string("\x0a\x01""a\x0a\x01""b"), std::string("\x12\x01""a\x0a\x01""b"),
        std::string("\x0a\x00", 2), std::string("\x3a\x01""x"),
        std::string("\x0a\x05""ab"), std::string("\x0a\x81\x00""a", 4)}) {
    t.ship_to = bytes;
    std::string out = "unchanged";
    EXPECT_FALSE(AppendTask(t, out)) << ::testing::PrintToString(bytes);
    EXPECT_EQ(out, "unchanged");
  }
}

}  // namespace
}  // namespace orderflow::testing
