// Replay lines that are not what an integrator would write: each is refused
// with a reason (and dead-lettered by the caller), never a crash.
#include "replay/replay_line.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orderflow/v1/orderflow.pb.h"
#include "replay/json_codec.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;

std::string Nested(int depth, std::string_view inner = "") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

TEST(ReplayLineTest, DeeplyNestedLineIsMalformedNotACrash) {
  LineError error;
  EXPECT_FALSE(ParseReplayLine(Nested(70'000), &error).has_value());
  EXPECT_EQ(error.reason, "MALFORMED_JSON");
  EXPECT_THAT(error.detail, HasSubstr("nested deeper than 64 levels"));
}

TEST(ReplayLineTest, DeeplyNestedValueIsMalformedNotACrash) {
  LineError error;
  const std::string line =
      R"({"topic":"orders","key":"O-1","value":{"orderId":)" + Nested(70'000) + "}}";
  EXPECT_FALSE(ParseReplayLine(line, &error).has_value());
  EXPECT_EQ(error.reason, "MALFORMED_JSON");
  EXPECT_THAT(error.detail, HasSubstr("nested deeper than 64 levels"));
}

TEST(ReplayLineTest, NestingUpToTheLimitIsParsedAndBracketsInStringsDoNotCount) {
  std::string why;
  EXPECT_TRUE(ParseJsonText(Nested(kMaxJsonDepth), &why).has_value());
  EXPECT_FALSE(ParseJsonText(Nested(kMaxJsonDepth + 1), &why).has_value());
  const std::string brackets(10'000, '[');
  EXPECT_TRUE(ParseJsonText("{\"a\":\"" + brackets + "\\\"" + brackets + "\"}", &why)
                  .has_value());
  EXPECT_FALSE(ParseJsonText("{\"a\":", &why).has_value());
  EXPECT_EQ(why, "not valid JSON");
}

TEST(ReplayLineTest, TimesOutsideTheRangeAreRefused) {
  LineError error;
  EXPECT_FALSE(ParseReplayLine(
      R"({"topic":"orders","timestamp":"9999-12-31T00:00:00Z","value":{}})", &error));
  EXPECT_EQ(error.reason, "MALFORMED_JSON");
  EXPECT_THAT(error.detail, HasSubstr("9000-01-01"));
  EXPECT_FALSE(ParseReplayLine(R"({"clock":"9000-01-01T00:00:00Z"})", &error));
  EXPECT_THAT(error.detail, HasSubstr("9000-01-01"));
  EXPECT_TRUE(ParseReplayLine(R"({"clock":"8999-12-31T23:59:59Z"})", &error));
}

// A message whose timestamp cannot be printed gives valid JSON that says
// so, never a truncated text.
TEST(JsonCodecTest, AnUnprintableMessageStillGivesValidJson) {
  v1::DeadLetter d;
  d.set_reason("X");
  d.mutable_dead_lettered_at()->set_seconds(int64_t{1} << 40);  // year ~36800
  const std::string json = EncodeJson(d);
  std::string why;
  EXPECT_TRUE(ParseJsonText(json, &why).has_value()) << json;
  d.mutable_dead_lettered_at()->set_seconds(0);
  EXPECT_EQ(EncodeJson(d), R"({"reason":"X","deadLetteredAt":"1970-01-01T00:00:00Z"})");
}

TEST(JsonCodecTest, KeysThatAreNotUtf8ArePrintableWithTheirBytes) {
  EXPECT_EQ(JsonKeyFields("O-1"), R"("key":"O-1")");
  EXPECT_EQ(JsonKeyFields("K-\xff\xfe"), "\"key\":\"K-\uFFFD\uFFFD\",\"keyBytes\":\"Sy3//g==\"");
  std::string why;
  EXPECT_TRUE(ParseJsonText("{" + JsonKeyFields("K-\xff\xfe") + "}", &why).has_value());
}

}  // namespace
}  // namespace orderflow
