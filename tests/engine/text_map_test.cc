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
      if (found != nullptr) {
        ASSERT_EQ(*found, it->second) << key;
      }
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

// A key sits in place up to 15 characters and on the heap from 16: every
// length on both sides of that, kept through the table's growth (which
// moves every key) and told apart from its own prefixes.
TEST(TextMapTest, KeysOfEveryLengthAreKeptThroughGrowth) {
  TextMap<size_t> map;
  const std::string text = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn";
  for (size_t n = 0; n <= text.size(); ++n) map[text.substr(0, n)] = n;
  for (int i = 0; i < 1000; ++i) map["SKU-" + std::to_string(i)] = 1000 + i;
  ASSERT_EQ(map.size(), text.size() + 1 + 1000);
  for (size_t n = 0; n <= text.size(); ++n) {
    const size_t* found = map.Find(text.substr(0, n));
    ASSERT_NE(found, nullptr) << n;
    EXPECT_EQ(*found, n);
  }
  EXPECT_EQ(map.Find(text + "o"), nullptr);
  EXPECT_EQ(map.Find("ABCDEFGHIJKLMNOq"), nullptr);  // 16, differs at the end
  size_t visited = 0;
  map.ForEach([&](std::string_view key, const size_t& value) {
    ++visited;
    if (value < 1000) {
      EXPECT_EQ(key, text.substr(0, value));
    }
  });
  EXPECT_EQ(visited, map.size());
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
