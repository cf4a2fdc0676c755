// TextMap against a std::map model: keys added and found through many
// doublings, short keys and keys too long to sit inline, the empty key;
// what ForEach visits.
#include "engine/text_map.h"

#include <cstdint>
#include <map>
#include <string>

#include "gtest/gtest.h"

namespace orderflow {
namespace {

TEST(TextMapTest, AgreesWithAMapThroughGrowth) {
  TextMap<int64_t> map;
  std::map<std::string, int64_t> model;
  EXPECT_EQ(map.Find("SKU-1"), nullptr);
  uint64_t rng = 3;
  for (int step = 0; step < 50000; ++step) {
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    const uint64_t n = (rng >> 33) % 20000;
    const std::string key = n == 0        ? ""
                            : n % 5 == 0 ? "a-sku-name-much-longer-than-sixteen-" +
                                               std::to_string(n)
                                         : "SKU-" + std::to_string(n);
    if (step % 3 == 0) {
      const int64_t* found = map.Find(key);
      const auto it = model.find(key);
      ASSERT_EQ(found != nullptr, it != model.end()) << key;
      if (found != nullptr) ASSERT_EQ(*found, it->second) << key;
      continue;
    }
    map[key] += static_cast<int64_t>(n) + 1;
    model[key] += static_cast<int64_t>(n) + 1;
    ASSERT_EQ(map.size(), model.size());
  }
  std::map<std::string, int64_t> visited;
  map.ForEach([&](std::string_view key, const int64_t& value) {
    EXPECT_TRUE(visited.emplace(std::string(key), value).second) << key;
  });
  EXPECT_EQ(visited, model);
}

TEST(TextMapTest, AValueIsTheSameUntilAKeyIsAdded) {
  TextMap<std::string> map;
  std::string& a = map["SKU-A"];
  a = "kept";
  EXPECT_EQ(&map["SKU-A"], &a);  // found, not added: nothing moves
  EXPECT_EQ(map.Find("SKU-A"), &a);
  for (int i = 0; i < 100; ++i) map["SKU-" + std::to_string(i)];
  EXPECT_EQ(*map.Find("SKU-A"), "kept");
  EXPECT_EQ(map.size(), 101u);
}

}  // namespace
}  // namespace orderflow
