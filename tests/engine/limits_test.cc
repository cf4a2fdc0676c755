// Values at the edge of what the numbers can hold: stock counts that would
// wrap go to dead-letter with a reason instead of turning negative.
#include <limits>

#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

using LimitsTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(LimitsTest);

TEST_P(LimitsTest, AdjustmentsThatWouldWrapOnHandAreDeadLettered) {
  Stock(Adjustment("SKU-A", kInt64Max, kT0));
  Stock(Adjustment("SKU-A", kInt64Max, kT0));
  for (const v1::DeadLetter& d : out_.DeadLetters()) {
    EXPECT_EQ(d.reason(), "INVALID_VALUE");
    EXPECT_THAT(d.detail(), HasSubstr("quantity"));
  }
  EXPECT_EQ(out_.DeadLetters().size(), 2u);
  EXPECT_EQ(LedgerOf("SKU-A").on_hand, 0);
}

TEST_P(LimitsTest, StockWithinTheLimitStaysAndTheStepPastItIsRefused) {
  Stock(StockCount("SKU-A", kMaxStockQuantity, kT0));
  Stock(Receipt("SKU-A", 1, kT0));
  EXPECT_EQ(LedgerOf("SKU-A").on_hand, kMaxStockQuantity);
  ASSERT_EQ(out_.DeadLetters().size(), 1u);
  EXPECT_THAT(out_.DeadLetters()[0].detail(), HasSubstr("on-hand"));
  Stock(Adjustment("SKU-A", -kMaxStockQuantity, kT0));
  Stock(Adjustment("SKU-A", -kMaxStockQuantity, kT0));
  EXPECT_EQ(LedgerOf("SKU-A").on_hand, -kMaxStockQuantity);
  Stock(Adjustment("SKU-A", -1, kT0));
  Stock(Receipt("SKU-B", kInt64Max, kT0));
  Stock(StockCount("SKU-C", kInt64Max, kT0));
  EXPECT_EQ(out_.DeadLetters().size(), 4u);
  EXPECT_EQ(LedgerOf("SKU-A").on_hand, -kMaxStockQuantity);
}

}  // namespace
}  // namespace orderflow::testing
