// The `sourcing:` section (rule 9): warehouses, fulfilment and the
// preference order an order's ship-to country gives them.
#include <string>

#include "config/config_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace orderflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SourcingConfig, DefaultIsOneDefaultWarehouse) {
  absl::StatusOr<Config> c = ParseConfig("", "e.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  const SourcingConfig& s = c->engine.sourcing;
  EXPECT_FALSE(s.sourced());
  EXPECT_EQ(s.fulfilment, SourcingConfig::Fulfilment::kShipComplete);
  EXPECT_FALSE(s.split_lines);
  EXPECT_FALSE(s.preempt);
  EXPECT_EQ(s.preempt_min_slack, Hours(48));
}

TEST(SourcingConfig, ReadsEveryKey) {
  absl::StatusOr<Config> c = ParseConfig(R"(
sourcing:
  warehouses:
    - {id: WH-DE, rank: 1, countries: [DE, AT]}
    - id: WH-NL
      rank: 2
  fulfilment: ship_available
  split_lines: true
  preempt_min_slack: 36h
)",
                                         "s.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  const SourcingConfig& s = c->engine.sourcing;
  ASSERT_EQ(s.warehouses.size(), 2u);
  EXPECT_EQ(s.warehouses[0].id, "WH-DE");
  EXPECT_EQ(s.warehouses[0].rank, 1);
  EXPECT_THAT(s.warehouses[0].countries, ElementsAre("DE", "AT"));
  EXPECT_EQ(s.warehouses[1].id, "WH-NL");
  EXPECT_TRUE(s.warehouses[1].countries.empty());
  EXPECT_EQ(s.fulfilment, SourcingConfig::Fulfilment::kShipAvailable);
  EXPECT_TRUE(s.split_lines);
  EXPECT_EQ(s.preempt_min_slack, Hours(36));
}

TEST(SourcingConfig, DuplicateWarehouseIdIsNamedAtTheSecond) {
  absl::StatusOr<Config> c = ParseConfig(
      "sourcing:\n  warehouses:\n    - {id: A, rank: 1}\n    - {id: A, rank: 2}\n",
      "d.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("d.yaml:4:12: sourcing.warehouses[1].id: duplicate "
                        "warehouse id \"A\" (first at d.yaml:3:12)"));
}

TEST(SourcingConfig, BadValuesAreNamed) {
  struct Case {
    std::string yaml, expected;
  };
  for (const Case& t : std::vector<Case>{
           {"sourcing:\n  fulfilment: partial\n",
            "b.yaml:2:15: sourcing.fulfilment: expected ship_complete or "
            "ship_available, got \"partial\""},
           {"sourcing:\n  preempt: yes\n",
            "b.yaml:2:12: sourcing.preempt: expected true or false"},
           {"sourcing:\n  warehouses: WH-DE\n",
            "b.yaml:2:15: sourcing.warehouses: expected a list of warehouses"},
           {"sourcing:\n  warehouses:\n    - {rank: 1}\n",
            "b.yaml:3:7: sourcing.warehouses[0]: expected a warehouse with an id"},
           {"sourcing:\n  warehouses:\n    - {id: \"\", rank: 1}\n",
            "b.yaml:3:12: sourcing.warehouses[0].id: expected a non-empty "
            "warehouse id"},
           {"sourcing:\n  warehouses:\n    - {id: A, rank: x}\n",
            "b.yaml:3:21: sourcing.warehouses[0].rank: expected an integer"},
           {"sourcing:\n  warehouses:\n    - {id: A, countries: DE}\n",
            "b.yaml:3:26: sourcing.warehouses[0].countries: expected a list"},
           {"sourcing:\n  warehouses:\n    - {id: A, place: DE}\n",
            "b.yaml:3:15: unknown key sourcing.warehouses[0].place"},
       }) {
    absl::StatusOr<Config> c = ParseConfig(t.yaml, "b.yaml");
    ASSERT_FALSE(c.ok()) << t.yaml;
    EXPECT_THAT(c.status().message(), HasSubstr(t.expected)) << t.yaml;
  }
}

TEST(SourcingConfig, PreferenceIsCountryThenRankThenId) {
  SourcingConfig s;
  s.warehouses = {{"WH-B", 2, {}},
                  {"WH-A", 2, {}},
                  {"WH-DE", 5, {"DE", "AT"}},
                  {"WH-X", 1, {"FR"}}};
  EXPECT_THAT(s.Preference("DE"), ElementsAre(2, 3, 1, 0));
  EXPECT_THAT(s.Preference("FR"), ElementsAre(3, 1, 0, 2));
  EXPECT_THAT(s.Preference("US"), ElementsAre(3, 1, 0, 2));
  EXPECT_EQ(s.Find("WH-A"), 1);
  EXPECT_EQ(s.Find("WH-Z"), std::nullopt);
}

}  // namespace
}  // namespace orderflow
