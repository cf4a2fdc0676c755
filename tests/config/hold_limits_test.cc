// The `holds:` section (rule 12): how long each type of hold may stay open.
#include <string>
#include <vector>

#include "config/config_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;

TEST(HoldLimitsConfig, DefaultsAreTheContracts) {
  absl::StatusOr<Config> c = ParseConfig("", "e.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  const HoldLimits& h = c->engine.holds;
  EXPECT_EQ(h.payment, Hours(24));
  EXPECT_EQ(h.fraud, Hours(4));
  EXPECT_EQ(h.address, Hours(24));
  EXPECT_EQ(h.credit, Hours(48));
  EXPECT_EQ(h.customer_request, Hours(72));
  EXPECT_EQ(h.other, Hours(24));
  EXPECT_EQ(h.For(v1::HOLD_TYPE_FRAUD), Hours(4));
  EXPECT_EQ(h.For(v1::HOLD_TYPE_UNSPECIFIED), Hours(24));
}

TEST(HoldLimitsConfig, ReadsEveryKey) {
  absl::StatusOr<Config> c = ParseConfig(R"(
holds:
  limits: {payment: 12h, fraud: 90m, address: 1d, credit: 3d,
           customer_request: 4d, other: 6h}
)",
                                         "h.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  const HoldLimits& h = c->engine.holds;
  EXPECT_EQ(h.payment, Hours(12));
  EXPECT_EQ(h.fraud, Minutes(90));
  EXPECT_EQ(h.address, Days(1));
  EXPECT_EQ(h.credit, Days(3));
  EXPECT_EQ(h.customer_request, Days(4));
  EXPECT_EQ(h.other, Hours(6));
}

TEST(HoldLimitsConfig, BadValuesAreNamedWhereTheyAre) {
  struct Case {
    std::string yaml, expected;
  };
  for (const Case& t : std::vector<Case>{
           {"holds:\n  limits:\n    fraud: soon\n",
            "b.yaml:3:12: holds.limits.fraud: expected a positive duration"},
           {"holds:\n  limits:\n    payment: 0h\n",
            "b.yaml:3:14: holds.limits.payment: expected a positive duration"},
           {"holds:\n  limits:\n    credit: 36501d\n",
            "b.yaml:3:13: holds.limits.credit: expected a positive duration"},
           {"holds:\n  limits:\n    tax: 2h\n",
            "b.yaml:3:5: unknown key holds.limits.tax"},
           {"holds:\n  limit: {fraud: 2h}\n",
            "b.yaml:2:3: unknown key holds.limit"},
           {"holds:\n  limits: 4h\n",
            "b.yaml:2:11: holds.limits: expected a mapping of keys"},
       }) {
    absl::StatusOr<Config> c = ParseConfig(t.yaml, "b.yaml");
    ASSERT_FALSE(c.ok()) << t.yaml;
    EXPECT_THAT(c.status().message(), HasSubstr(t.expected)) << t.yaml;
  }
}

}  // namespace
}  // namespace orderflow
