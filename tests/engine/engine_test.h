// The fixture every rule test starts from: a Pipeline in event time with
// a Recorder for its outputs, fed the way replay feeds it (key = the
// record's id, payload = its protobuf bytes, offset = the input's number).
//
// Each suite runs once per shard layout in kShardLayouts, so every rule is
// checked with the default partition counts and with others: outputs must
// not depend on them. After each test the whole output stream is checked
// against the contract invariants of Recorder::ContractViolations.
//
//   using ReviewTest = EngineTest;
//   ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(ReviewTest);
//
//   TEST_P(ReviewTest, ...) {
//     Place(Order("O-1"));
//     EXPECT_THAT(out_.Take(), ElementsAre(...));
//   }
#ifndef ORDERFLOW_TESTS_ENGINE_ENGINE_TEST_H_
#define ORDERFLOW_TESTS_ENGINE_ENGINE_TEST_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/config.h"
#include "engine/pipeline.h"
#include "engine/record.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/builders.h"
#include "tests/engine/recorder.h"

namespace orderflow::testing {

// A clock line: moves engine time with no record.
struct Tick {};

// One input of a scenario script, and when it arrives.
struct Input {
  std::variant<v1::OrderPlaced, v1::CancellationRequested, v1::ShipmentEvent,
               v1::InventoryEvent, v1::InvoiceIssued, Tick, v1::CustomerContact,
               v1::HoldEvent, v1::OrderAmended>
      value;
  EpochMillis at;
};

// The partition every test record claims to come from (dead letters must
// carry it back).
inline constexpr int32_t kInputPartition = 2;

// Hands one input to the pipeline as record number `offset`.
void Apply(Pipeline& pipeline, const Input& input, int64_t offset);
// Where such a record came from: `topic` and `key`, partition
// kInputPartition, record number `offset`, its payload and timestamp `at`.
// The views must outlive the source.
RecordSource SourceFor(std::string_view topic, std::string_view key,
                       const std::string& payload, EpochMillis at,
                       int64_t offset);

// A SKU's stock as the inventory stage holds it.
struct Ledger {
  int64_t on_hand = 0;
  int64_t reserved = 0;
  size_t waiting_orders = 0;
  friend bool operator==(const Ledger&, const Ledger&) = default;
};
void PrintTo(const Ledger& l, std::ostream* os);
// Zero stock for a SKU the shard never heard of.
Ledger LedgerOf(Pipeline& pipeline, std::string_view sku);

struct ShardLayout {
  int32_t order_partitions;
  int32_t inventory_partitions;
};
inline constexpr ShardLayout kShardLayouts[] = {
    {4, 4},  // the default
    {1, 1},
    {7, 7},
    {7, 3},
};
void PrintTo(const ShardLayout& layout, std::ostream* os);
std::string LayoutName(const ::testing::TestParamInfo<ShardLayout>& info);

#define ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(Suite)                     \
  INSTANTIATE_TEST_SUITE_P(Shards, Suite,                                  \
                           ::testing::ValuesIn(                            \
                               ::orderflow::testing::kShardLayouts),       \
                           ::orderflow::testing::LayoutName)

class EngineTest : public ::testing::TestWithParam<ShardLayout> {
 protected:
  EngineTest();
  void TearDown() override;

  // Starts over with a changed configuration (same shard layout).
  void Reconfigure(const std::function<void(EngineConfig&)>& change);

  // Input records. Without `at` a record arrives at its own event time
  // (placedAt, requestedAt, occurredAt).
  void Place(const v1::OrderPlaced& order);
  void Place(const v1::OrderPlaced& order, EpochMillis at);
  void Cancel(const v1::CancellationRequested& cancellation);
  void Cancel(const v1::CancellationRequested& cancellation, EpochMillis at);
  void Ship(const v1::ShipmentEvent& shipment);
  void Ship(const v1::ShipmentEvent& shipment, EpochMillis at);
  void Stock(const v1::InventoryEvent& event);
  void Stock(const v1::InventoryEvent& event, EpochMillis at);
  void Bill(const v1::InvoiceIssued& invoice);  // at its issuedAt
  void Bill(const v1::InvoiceIssued& invoice, EpochMillis at);
  void Contact(const v1::CustomerContact& contact);  // at its receivedAt
  void Contact(const v1::CustomerContact& contact, EpochMillis at);
  void Hold(const v1::HoldEvent& hold);  // at its occurredAt
  void Hold(const v1::HoldEvent& hold, EpochMillis at);
  void Amend(const v1::OrderAmended& amendment);  // at its requestedAt
  void Amend(const v1::OrderAmended& amendment, EpochMillis at);
  // A clock line.
  void AdvanceTo(EpochMillis t);

  // Asserts that nothing is emitted up to one second before `due` and that
  // exactly `expected` comes out when the clock reaches `due`.
  void ExpectNothingUntilThen(EpochMillis due,
                              const std::vector<std::string>& expected);

  Ledger LedgerOf(std::string_view sku);
  std::optional<v1::OrderStatus> StatusOf(std::string_view order_id);
  Pipeline& pipeline() { return *pipeline_; }

  // A crash mid-way: saves every shard, feeds `rest` here, then feeds it
  // (as the same record numbers) to a second pipeline restored from what
  // was saved, which must save to the same bytes when restored and give
  // the same outputs. Returns the outputs here; the second pipeline is
  // restored() afterwards.
  std::vector<std::string> FeedHereAndRestored(const std::vector<Input>& rest);
  Pipeline& restored() { return *restored_; }

  EngineConfig config_;
  Recorder out_;
  int64_t next_offset_ = 1;

 private:
  void Feed(Input input);
  std::unique_ptr<Pipeline> pipeline_;
  Recorder restored_out_;
  std::unique_ptr<Pipeline> restored_;
};

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_ENGINE_ENGINE_TEST_H_
