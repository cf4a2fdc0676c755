// Replay lines that are not what an integrator would write: each is refused
// with a reason (and dead-lettered by the caller), never a crash.
#include "replay/replay_line.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace orderflow
