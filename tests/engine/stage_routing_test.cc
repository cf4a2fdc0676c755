// Rule 8 across the stages: the time of a decision does not depend on how
// the stage-to-stage messages travel. The same input goes through one
// Pipeline (messages handed over at once, as replay does) and through the
// two stages run apart, as two processes splitting the partitions would:
// each reads its own records in order, and the requests and results
// (serialized, as on their topics) reach the other stage late, after it
// has read later records. Every order's outputs are the same, byte for
// byte: an allocation is stamped when the inventory stage decided it
// (when it was asked, or when the receipt or release that served it came),
// not when the answer happened to arrive.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/inventory_shard.h"
#include "engine/order_shard.h"
#include "engine/partitioner.h"
#include "engine/pipeline.h"
#include "tests/engine/builders.h"
#include "tests/engine/recorder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace orderflow::testing {
namespace {

std::string OrderIdOf(const Output& output) {
  return std::visit(
      [](const auto& m) -> std::string {
        if constexpr (requires { m.order_id(); }) {
          return m.order_id();
        } else {
          return m.key();
        }
      },
      output);
}

// Each order's outputs, in the order they came: what a reader of each
// output topic's partition sees of it (orders interleave differently).
std::map<std::string, std::vector<std::string>> ByOrder(const Recorder& out) {
  std::map<std::string, std::vector<std::string>> by_order;
  for (const Output& o : out.outputs()) {
    by_order[OrderIdOf(o)].push_back(Summary(o) + " @" + Bytes(o));
  }
  return by_order;
}

// Records public outputs; the stage-to-stage messages are serialized and
// kept, to be read by the other stage when the test says.
class Mailbox : public Recorder {
 public:
  void SendToInventory(const StockRequest& m) override {
    internal::v1::AllocationRequest message;
    ToProto(m, &message);
    requests.push_back(message.SerializeAsString());
  }
  void SendToOrders(const StockAnswer& m) override {
    internal::v1::AllocationResult message;
    ToProto(m, &message);
    results.push_back(message.SerializeAsString());
  }
  std::vector<std::string> requests;
  std::vector<std::string> results;
};

// The two stages, each a shard per partition, apart.
class SplitStages {
 public:
  explicit SplitStages(const EngineConfig& config) {
    for (int i = 0; i < config.order_partitions; ++i) {
      orders_.push_back(std::make_unique<OrderShard>(config));
    }
    for (int i = 0; i < config.inventory_partitions; ++i) {
      inventory_.push_back(std::make_unique<InventoryShard>(config));
    }
  }

  // A public record of the order stage, on its shard's clock.
  template <typename Apply>
  void OrderRecord(std::string_view id, EpochMillis at, Apply apply) {
    OrderShard& shard = OrderShardFor(id);
    shard.AdvanceClock(at, out);
    apply(shard);
    shard.AdvanceClock(shard.clock(), out);  // what it made overdue
  }
  void InventoryRecord(const v1::InventoryEvent& event, EpochMillis at) {
    InventoryShard& shard = InventoryShardFor(event.sku());
    shard.AdvanceClock(at);
    shard.OnInventoryEvent(event, At(at), out);
  }
  // The inventory stage reads the requests sent so far.
  void DeliverRequests() {
    for (const std::string& bytes : std::exchange(out.requests, {})) {
      internal::v1::AllocationRequest request;
      ASSERT_TRUE(request.ParseFromString(bytes));
      InventoryShardFor(request.sku()).OnAllocationRequest(request, out);
    }
  }
  // The order stage reads the results sent so far.
  void DeliverResults() {
    for (const std::string& bytes : std::exchange(out.results, {})) {
      internal::v1::AllocationResult result;
      ASSERT_TRUE(result.ParseFromString(bytes));
      OrderShardFor(result.order_id()).OnAllocationResult(result, out);
    }
  }
  void AdvanceClock(EpochMillis now) {
    for (auto& shard : orders_) shard->AdvanceClock(now, out);
    for (auto& shard : inventory_) shard->AdvanceClock(now);
  }
  EpochMillis order_clock(std::string_view id) {
    return OrderShardFor(id).clock();
  }

  Mailbox out;

 private:
  OrderShard& OrderShardFor(std::string_view id) {
    return *orders_[PartitionOf(id, static_cast<int32_t>(orders_.size()))];
  }
  InventoryShard& InventoryShardFor(std::string_view sku) {
    return *inventory_[PartitionOf(sku, static_cast<int32_t>(inventory_.size()))];
  }
  std::vector<std::unique_ptr<OrderShard>> orders_;
  std::vector<std::unique_ptr<InventoryShard>> inventory_;
};

TEST(StageRoutingTest, DecisionTimesDoNotDependOnRouting) {
  EngineConfig config;
  config.order_partitions = 2;
  config.inventory_partitions = 2;

  // Plenty of SKU-A and SKU-B; one SKU-S, which O-S1 takes and O-S2 waits
  // for until O-S1 is cancelled; no SKU-C until a receipt 30 hours on, by
  // which time O-C's backorder has aged a day.
  const std::vector<v1::InventoryEvent> counts = {
      StockCount("SKU-A", 1000, kT0), StockCount("SKU-B", 1000, kT0),
      StockCount("SKU-S", 1, kT0)};
  struct Placed {
    v1::OrderPlaced order;
    EpochMillis at;
  };
  std::vector<Placed> first, second;
  for (int i = 0; i < 6; ++i) {
    const std::string id = "O-" + std::to_string(i);
    first.push_back({Order(id, {{i % 2 ? "SKU-A" : "SKU-B", 1 + i}}, kStandard,
                           kT0 + Minutes(1 + i)),
                     kT0 + Minutes(1 + i)});
  }
  first.push_back({Order("O-S1", {{"SKU-S", 1}}, kExpress, kT0 + Minutes(8)),
                   kT0 + Minutes(8)});
  first.push_back({Order("O-S2", {{"SKU-S", 1}, {"SKU-A", 2}}, kStandard,
                         kT0 + Minutes(9)),
                   kT0 + Minutes(9)});
  // Promised far ahead: only its backorder ages before the end.
  first.push_back({Promised(Order("O-C", {{"SKU-C", 3}}, kStandard,
                                  kT0 + Minutes(10)),
                            kT0 + Days(20)),
                   kT0 + Minutes(10)});
  for (int i = 0; i < 6; ++i) {
    const std::string id = "O-1" + std::to_string(i);
    second.push_back({Order(id, {{"SKU-A", 1}, {"SKU-B", 1}}, kExpress,
                            kT0 + Minutes(20 + i)),
                      kT0 + Minutes(20 + i)});
  }
  const EpochMillis cancelled_at = kT0 + Minutes(30);
  const v1::CancellationRequested cancel = Cancellation("O-S1", cancelled_at);
  const EpochMillis received_at = kT0 + Hours(30);
  const v1::InventoryEvent receipt = Receipt("SKU-C", 3, received_at);
  const EpochMillis end = kT0 + Days(10);

  // One pipeline: every record in time order, messages handed over at once.
  Recorder replayed;
  {
    Pipeline pipeline(config, replayed);
    for (const auto& count : counts) pipeline.OnInventoryEvent(count, At(kT0));
    for (const auto& p : first) pipeline.OnOrderPlaced(p.order, At(p.at));
    for (const auto& p : second) pipeline.OnOrderPlaced(p.order, At(p.at));
    pipeline.OnCancellation(cancel, At(cancelled_at));
    pipeline.OnInventoryEvent(receipt, At(received_at));
    pipeline.AdvanceClock(end);
  }

  // Apart: the order stage reads both waves of orders before the inventory
  // stage answers any, so its clock is past most answers' times when they
  // come; and it is a day behind the receipt that completes O-C.
  SplitStages split(config);
  for (const auto& count : counts) split.InventoryRecord(count, kT0);
  for (const auto* wave : {&first, &second}) {
    for (const auto& p : *wave) {
      split.OrderRecord(p.order.order_id(), p.at, [&](OrderShard& shard) {
        shard.OnOrderPlaced(p.order, At(p.at), split.out);
      });
    }
  }
  split.DeliverRequests();
  split.DeliverResults();
  EXPECT_GT(split.order_clock("O-0"), kT0 + Minutes(1));  // it moved on
  split.OrderRecord("O-S1", cancelled_at, [&](OrderShard& shard) {
    shard.OnCancellation(cancel, At(cancelled_at), split.out);
  });
  split.DeliverRequests();
  split.InventoryRecord(receipt, received_at);
  split.DeliverResults();
  split.AdvanceClock(end);

  EXPECT_THAT(replayed.ContractViolations(), ::testing::IsEmpty());
  EXPECT_THAT(split.out.ContractViolations(), ::testing::IsEmpty());
  const auto expected = ByOrder(replayed);
  const auto actual = ByOrder(split.out);
  EXPECT_EQ(actual.size(), expected.size());
  for (const auto& [id, outputs] : expected) {
    const auto found = actual.find(id);
    ASSERT_NE(found, actual.end()) << id;
    EXPECT_EQ(found->second, outputs) << id;
  }
  // What the interleaving is there to show.
  const auto s2 = replayed.Statuses("O-S2");
  ASSERT_EQ(s2.size(), 3u);
  EXPECT_EQ(Ms(s2[2].occurred_at()), cancelled_at);  // served by the release
  const auto c = replayed.Escalations("O-C");
  ASSERT_EQ(c.size(), 2u);  // BACKORDER_AGED raised, then cleared
  EXPECT_EQ(Ms(c[0].detected_at()), kT0 + Minutes(10) + Hours(24));
  EXPECT_EQ(Ms(c[1].detected_at()), received_at);
}

// A result written before results carried their time is decided at the
// order stage's clock, as it always was.
TEST(StageRoutingTest, ResultWithoutItsTimeIsDecidedAtTheClock) {
  EngineConfig config;
  config.order_partitions = 1;
  Mailbox out;
  OrderShard shard(config);
  shard.AdvanceClock(kT0, out);
  shard.OnOrderPlaced(Order("O-1"), At(kT0), out);
  ASSERT_EQ(out.requests.size(), 1u);
  shard.AdvanceClock(kT0 + Minutes(5), out);
  internal::v1::AllocationResult result;
  result.set_order_id("O-1");
  result.set_sku("SKU-A");
  result.set_requested(1);
  result.set_reserved(1);
  result.set_first_answer(true);
  shard.OnAllocationResult(result, out);
  const auto statuses = out.Statuses("O-1");
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[1].status(), v1::ORDER_STATUS_ALLOCATED);
  EXPECT_EQ(Ms(statuses[1].occurred_at()), kT0 + Minutes(5));
}

// The messages keep their times through their protobuf form.
TEST(StageRoutingTest, MessagesCarryTheirTimeThroughTheWire) {
  StockRequest request;
  request.order_id = "O-1";
  request.sku = "SKU-A";
  request.asked_at = kT0;
  internal::v1::AllocationRequest request_proto;
  ToProto(request, &request_proto);
  EXPECT_EQ(FromProto(request_proto).asked_at, kT0);
  StockAnswer answer;
  answer.order_id = "O-1";
  answer.decided_at = kT0 + 1;
  internal::v1::AllocationResult answer_proto;
  ToProto(answer, &answer_proto);
  EXPECT_EQ(FromProto(answer_proto).decided_at, kT0 + 1);
  answer.decided_at.reset();
  answer_proto.Clear();
  ToProto(answer, &answer_proto);
  EXPECT_FALSE(FromProto(answer_proto).decided_at.has_value());
}

}  // namespace
}  // namespace orderflow::testing
