// The configuration file: every key read, every bad value named with its
// file, line and what was expected.
#include "config/config_file.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "engine/text.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;

TEST(ConfigFile, EmptyFileKeepsEveryDefault) {
  absl::StatusOr<Config> c = ParseConfig("", "empty.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EngineConfig defaults;
  EXPECT_EQ(c->engine.max_line_quantity, defaults.max_line_quantity);
  EXPECT_EQ(c->engine.standard.promise, Days(5));
  EXPECT_EQ(c->engine.overnight.transit, Hours(12));
}

TEST(ConfigFile, ExampleFileIsValidAndStatesTheDefaults) {
  absl::StatusOr<Config> c =
      LoadConfigFile(std::string(ORDERFLOW_SOURCE_DIR) +
                     "/deploy/orderflow.example.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  const EngineConfig d;
  const EngineConfig& e = c->engine;
  EXPECT_EQ(e.max_line_quantity, d.max_line_quantity);
  EXPECT_EQ(e.standard.promise, d.standard.promise);
  EXPECT_EQ(e.standard.transit, d.standard.transit);
  EXPECT_EQ(e.express.promise, d.express.promise);
  EXPECT_EQ(e.express.transit, d.express.transit);
  EXPECT_EQ(e.overnight.promise, d.overnight.promise);
  EXPECT_EQ(e.overnight.transit, d.overnight.transit);
  EXPECT_EQ(e.ship_at_risk_window, d.ship_at_risk_window);
  EXPECT_EQ(e.delivery_level3_after, d.delivery_level3_after);
  EXPECT_EQ(e.backorder_aged_level1, d.backorder_aged_level1);
  EXPECT_EQ(e.backorder_aged_level2, d.backorder_aged_level2);
  EXPECT_EQ(e.early_cancellation_retention, d.early_cancellation_retention);
  EXPECT_EQ(e.early_shipment_retention, d.early_shipment_retention);
  EXPECT_EQ(e.early_invoice_retention, d.early_invoice_retention);
  EXPECT_EQ(e.closed_order_retention, d.closed_order_retention);
  EXPECT_EQ(e.order_partitions, d.order_partitions);
  EXPECT_EQ(e.inventory_partitions, d.inventory_partitions);
}

TEST(ConfigFile, ReadsEveryThreshold) {
  absl::StatusOr<Config> c = ParseConfig(R"(
review:
  max_line_quantity: 50
service_levels:
  express: { promise: 3d, transit: 1d12h }
deadlines:
  at_risk_window: 90m
retention:
  early_shipment: 2d
  early_invoice: 36h
partitions:
  orders: 12
)",
                                         "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->engine.max_line_quantity, 50);
  EXPECT_EQ(c->engine.express.promise, Days(3));
  EXPECT_EQ(c->engine.express.transit, Days(1) + Hours(12));
  EXPECT_EQ(c->engine.ship_at_risk_window, Minutes(90));
  EXPECT_EQ(c->engine.early_shipment_retention, Days(2));
  EXPECT_EQ(c->engine.early_invoice_retention, Hours(36));
  EXPECT_EQ(c->engine.order_partitions, 12);
  EXPECT_EQ(c->engine.inventory_partitions, 4);
}

TEST(ConfigFile, ReadinessCommitLimitIsUnsetOrAPositiveDuration) {
  absl::StatusOr<Config> unset = ParseConfig("http: { address: off }\n", "t.yaml");
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_EQ(unset->observe.ready_commit_within, 0);
  absl::StatusOr<Config> set =
      ParseConfig("http: { ready_commit_within: 45s }\n", "t.yaml");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->observe.ready_commit_within, Seconds(45));
  EXPECT_FALSE(ParseConfig("http: { ready_commit_within: 0s }\n", "t.yaml").ok());
}

// kafka.stop_within (commands/stop_watchdog.h): 45 s unless set, a
// positive duration; a bad value is named.
TEST(ConfigFile, StopBoundIsAPositiveDuration) {
  absl::StatusOr<Config> unset = ParseConfig("", "t.yaml");
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_EQ(unset->kafka.stop_within, Seconds(45));
  absl::StatusOr<Config> set = ParseConfig("kafka: { stop_within: 20s }\n", "t.yaml");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->kafka.stop_within, Seconds(20));
  EXPECT_FALSE(ParseConfig("kafka: { stop_within: 0s }\n", "t.yaml").ok());
  absl::StatusOr<Config> bad = ParseConfig("kafka:\n  stop_within: soon\n", "t.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("t.yaml:2"));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("kafka.stop_within"));
}

TEST(ConfigFile, WorklistLimitIsAPositiveCountWithFileLineErrors) {
  absl::StatusOr<Config> unset = ParseConfig("http: { address: off }\n", "t.yaml");
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_EQ(unset->observe.worklist_limit, 10'000);
  absl::StatusOr<Config> set =
      ParseConfig("http:\n  worklist_limit: 250000\n", "t.yaml");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->observe.worklist_limit, 250'000);
  for (const char* bad : {"0", "-5", "many", "1.5"}) {
    absl::StatusOr<Config> c =
        ParseConfig(Cat("http:\n  worklist_limit: ", bad, "\n"), "t.yaml");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_THAT(c.status().message(), HasSubstr("t.yaml:2:19: http.worklist_limit"))
        << bad;
  }
}

TEST(ConfigFile, BadDurationNamesFileLineAndExpectation) {
  absl::StatusOr<Config> c =
      ParseConfig("review:\n  max_line_quantity: 10\ndeadlines:\n"
                  "  at_risk_window: soon\n",
                  "orderflow.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("orderflow.yaml:4:19: deadlines.at_risk_window: "
                        "expected a positive duration"));
  EXPECT_THAT(c.status().message(), HasSubstr("got \"soon\""));
}

TEST(ConfigFile, BadInvoiceRetentionIsRefused) {
  absl::StatusOr<Config> c =
      ParseConfig("retention:\n  early_invoice: 0h\n", "r.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("r.yaml:2:18: retention.early_invoice: expected a "
                        "positive duration"));
}

TEST(ConfigFile, BadIntegerIsRefused) {
  absl::StatusOr<Config> c =
      ParseConfig("partitions:\n  orders: 0\n", "p.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("p.yaml:2:11: partitions.orders: expected an integer "
                        "from 1 to 1024, got \"0\""));
  EXPECT_FALSE(ParseConfig("review:\n  max_line_quantity: 12abc\n", "q").ok());
}

TEST(ConfigFile, LinesPerOrderAreBoundedFromOneTo65535) {
  absl::StatusOr<Config> c =
      ParseConfig("review:\n  max_lines_per_order: 250\n", "l.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->engine.max_lines_per_order, 250);
  EXPECT_EQ(ParseConfig("", "l.yaml")->engine.max_lines_per_order, 10'000);
  EXPECT_TRUE(ParseConfig("review:\n  max_lines_per_order: 65535\n", "l.yaml").ok());

  c = ParseConfig("review:\n  max_lines_per_order: 65536\n", "l.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("l.yaml:2:24: review.max_lines_per_order: expected an "
                        "integer from 1 to 65535, got \"65536\""));
  c = ParseConfig("review:\n  max_lines_per_order: 0\n", "l.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("l.yaml:2:24:"));
}

TEST(ConfigFile, UnknownKeyIsNamedWithTheKnownOnes) {
  absl::StatusOr<Config> c =
      ParseConfig("deadlines:\n  at_risk: 4h\n", "u.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("u.yaml:2:3: unknown key deadlines.at_risk"));
  EXPECT_THAT(c.status().message(), HasSubstr("at_risk_window"));
}

TEST(ConfigFile, YamlSyntaxErrorHasALine) {
  absl::StatusOr<Config> c = ParseConfig("review: [1, 2\n", "s.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("s.yaml:"));
}

TEST(ConfigFile, MissingFileIsNamed) {
  absl::StatusOr<Config> c = LoadConfigFile("/nonexistent/orderflow.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("/nonexistent/orderflow.yaml"));
}

TEST(Durations, Forms) {
  EXPECT_EQ(ParseDuration("500ms"), 500);
  EXPECT_EQ(ParseDuration("90s"), Seconds(90));
  EXPECT_EQ(ParseDuration("1d12h"), Hours(36));
  EXPECT_EQ(ParseDuration("2h30m"), Minutes(150));
  EXPECT_FALSE(ParseDuration("").has_value());
  EXPECT_FALSE(ParseDuration("4").has_value());
  EXPECT_FALSE(ParseDuration("h").has_value());
  EXPECT_FALSE(ParseDuration("4x").has_value());
  EXPECT_FALSE(ParseDuration("-4h").has_value());
}

}  // namespace
}  // namespace orderflow

namespace orderflow {
namespace {

TEST(ConfigFileStrict, DuplicateKeyIsAnErrorAtTheSecond) {
  absl::StatusOr<Config> c = ParseConfig(
      "deadlines:\n  at_risk_window: 4h\n  at_risk_window: 8h\n", "d.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("d.yaml:3:3: duplicate key deadlines.at_risk_window"));
  c = ParseConfig("review:\n  max_line_quantity: 5\nreview:\n  max_line_quantity: 6\n",
                  "t.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("t.yaml:3:1: duplicate key review"));
  c = ParseConfig("kafka:\n  properties:\n    acks: all\n    acks: 1\n", "k.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("k.yaml:4:5: duplicate key kafka.properties.acks"));
}

TEST(ConfigFileStrict, IntegersAreDigitsOnly) {
  for (const char* bad : {"' +5'", "'+5'", "' 5'", "'5 '", "0x10", "'-'", "'5\t'"}) {
    absl::StatusOr<Config> c =
        ParseConfig(Cat("partitions:\n  orders: ", bad, "\n"), "i.yaml");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_THAT(c.status().message(),
                HasSubstr("i.yaml:2:11: partitions.orders: expected an integer"))
        << bad;
  }
  absl::StatusOr<Config> c = ParseConfig("partitions:\n  orders: 5\n", "i.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->engine.order_partitions, 5);
}

TEST(ConfigFileStrict, DurationsBeyondTheLimitAreErrorsNotWraps) {
  absl::StatusOr<Config> c = ParseConfig(
      "service_levels:\n  standard:\n    promise: 999999999d\n", "o.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("o.yaml:3:14: service_levels.standard.promise: "
                        "expected a positive duration"));
  EXPECT_THAT(c.status().message(), HasSubstr("36500d"));
  c = ParseConfig("deadlines:\n  at_risk_window: 36500d\n", "o.yaml");
  EXPECT_TRUE(c.ok()) << c.status();
  c = ParseConfig("deadlines:\n  at_risk_window: 36500d1ms\n", "o.yaml");
  EXPECT_FALSE(c.ok());
  // The sum of the parts of one duration is checked too: 120 parts of
  // 999999999d would wrap a 64-bit count of milliseconds.
  std::string many;
  for (int i = 0; i < 120; ++i) many += "999999999d";
  EXPECT_FALSE(ParseDuration(many).has_value());
}


TEST(ConfigFile, ContactLadderIsRead) {
  absl::StatusOr<Config> c = ParseConfig(
      "contacts:\n  level2_after: 12h\n  level3_after: 2d\n", "c.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->engine.contact_level2_after, Hours(12));
  EXPECT_EQ(c->engine.contact_level3_after, Hours(48));
  absl::StatusOr<Config> d = ParseConfig("", "d.yaml");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->engine.contact_level2_after, Hours(24));
  EXPECT_EQ(d->engine.contact_level3_after, Hours(72));
}

TEST(ConfigFile, BadContactLadderIsRefused) {
  absl::StatusOr<Config> c =
      ParseConfig("contacts:\n  level3_after: never\n", "c.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("c.yaml:2:17: contacts.level3_after: expected a "
                        "positive duration"));
  absl::StatusOr<Config> d =
      ParseConfig("contacts:\n  level4_after: 1h\n", "d.yaml");
  ASSERT_FALSE(d.ok());
}
}  // namespace
}  // namespace orderflow
