// Values at the edge of what the numbers can hold: stock counts that would
// wrap go to dead-letter with a reason instead of turning negative.
#include <limits>

#include "engine/dead_letter.h"
#include "engine/review.h"
#include "engine/utf8.h"

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

// A Kafka key is bytes; a DeadLetter's `key` is a string (valid UTF-8). A
// key that is not UTF-8 keeps its bytes in `keyBytes`, and `key` shows it
// readably, so that the record still serializes and every reader parses it.
TEST(DeadLetterKeyTest, AKeyThatIsNotUtf8IsKeptAsBytes) {
  Recorder out;
  RecordSource source;
  source.topic = "orders";
  source.key = "K-\xff\xfe";
  source.payload = "\x01\x02";
  DeadLetter(source, "UNDECODABLE", "not an OrderPlaced", kT0, out);
  EXPECT_FALSE(KeyMatches(source, "O-1", "orderId", kT0, out));
  ASSERT_EQ(out.DeadLetters().size(), 2u);
  for (const v1::DeadLetter& d : out.DeadLetters()) {
    EXPECT_TRUE(IsValidUtf8(d.key()));
    EXPECT_TRUE(IsValidUtf8(d.detail())) << d.detail();
    EXPECT_EQ(d.key(), "K-\uFFFD\uFFFD");
    EXPECT_EQ(d.key_bytes(), "K-\xff\xfe");
    v1::DeadLetter read;
    EXPECT_TRUE(read.ParseFromString(d.SerializeAsString()));
  }
}

TEST(DeadLetterKeyTest, AValidKeyGivesTheSameBytesAsBefore) {
  Recorder out;
  RecordSource source;
  source.topic = "orders";
  source.key = "O-\u00e9";
  DeadLetter(source, "UNDECODABLE", "x", kT0, out);
  ASSERT_EQ(out.DeadLetters().size(), 1u);
  EXPECT_EQ(out.DeadLetters()[0].key(), "O-\u00e9");
  EXPECT_TRUE(out.DeadLetters()[0].key_bytes().empty());
}

// An order without orderId is named by its record key; a key that is not
// UTF-8 cannot name it (every output carries the id as a string).
TEST_P(LimitsTest, AnOrderNamedOnlyByAKeyThatIsNotUtf8IsDeadLettered) {
  v1::OrderPlaced order = Order("", {{"SKU-A", 1}});
  const std::string payload = order.SerializeAsString();  // source views it
  RecordSource source;
  source.topic = "orders";
  source.key = "K-\xff\xfe";
  source.payload = payload;
  source.timestamp = kT0;
  pipeline().OnOrderPlaced(order, source);
  ASSERT_EQ(out_.DeadLetters().size(), 1u);
  const v1::DeadLetter d = out_.DeadLetters()[0];
  EXPECT_EQ(d.reason(), "MISSING_FIELD");
  EXPECT_THAT(d.detail(), HasSubstr("not valid UTF-8"));
  EXPECT_EQ(d.key_bytes(), "K-\xff\xfe");
  EXPECT_TRUE(out_.Statuses().empty());

  source.key = "K-\u00e9";  // a valid key still names the order
  pipeline().OnOrderPlaced(order, source);
  ASSERT_EQ(out_.DeadLetters().size(), 1u);
  EXPECT_FALSE(out_.Statuses().empty());
}

// Times past the sane range (engine/time.h) would overflow what outputs
// print: an order placed or promised outside it is rejected with a reason.
TEST(TimeRangeTest, AnOrderPlacedOrPromisedOutsideTheRangeIsRejected) {
  EngineConfig config;
  v1::OrderPlaced order = Order("O-1", {{"SKU-A", 1}});
  EXPECT_TRUE(Review(order, config).ok());
  SetTimestamp(Days(DayNumber(9999, 12, 31)), order.mutable_placed_at());
  ReviewFindings f = Review(order, config);
  EXPECT_THAT(f.codes, ::testing::Contains("TIME_OUT_OF_RANGE"));
  EXPECT_THAT(f.Sentence("O-1"), HasSubstr("placedAt"));
  EXPECT_THAT(f.Sentence("O-1"), HasSubstr(kTimeRangeText));

  order = Order("O-2", {{"SKU-A", 1}});
  SetTimestamp(kTimeLimit, order.mutable_promised_delivery_at());
  EXPECT_THAT(Review(order, config).codes, ::testing::Contains("TIME_OUT_OF_RANGE"));
  order.mutable_promised_delivery_at()->set_seconds(-1);
  EXPECT_THAT(Review(order, config).codes, ::testing::Contains("TIME_OUT_OF_RANGE"));
}

}  // namespace
}  // namespace orderflow::testing
