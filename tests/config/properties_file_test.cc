// Kafka client properties files (`orderflow run --kafka-properties`).
#include "config/properties_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PropertiesFile, ReadsKeyValueLinesAndSkipsCommentsAndBlanks) {
  absl::StatusOr<std::map<std::string, std::string>> p = ParseProperties(
      "# credentials\n\n! also a comment\nsecurity.protocol = SASL_SSL\r\n"
      "sasl.password=a=b c\n  sasl.username=svc  ",
      "k.properties");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->size(), 3u);
  EXPECT_EQ(p->at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(p->at("sasl.password"), "a=b c");
  EXPECT_EQ(p->at("sasl.username"), "svc");
}

TEST(PropertiesFile, ABadLineIsNamedWithoutItsValue) {
  absl::StatusOr<std::map<std::string, std::string>> p =
      ParseProperties("a=1\nsecret-without-equals\n", "k.properties");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("k.properties:2: expected key=value"));
  EXPECT_THAT(p.status().message(), Not(HasSubstr("secret")));
  EXPECT_FALSE(ParseProperties("=value\n", "k.properties").ok());
}

TEST(PropertiesFile, AMissingFileIsNamed) {
  absl::StatusOr<std::map<std::string, std::string>> p =
      ReadPropertiesFile("no-such-dir/kafka.properties");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("no-such-dir/kafka.properties"));
}

}  // namespace
}  // namespace orderflow
