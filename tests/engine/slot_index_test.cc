// SlotIndex against a std::map model: inserts, lookups and erases of keys
// whose hashes collide in their place (long runs, wrap-around at the end of
// the table), through several doublings. SameText, which compares the
// keys, against ==.
#include "engine/slot_index.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/string_map.h"
#include "gtest/gtest.h"

namespace orderflow {
namespace {

class SlotIndexTest : public ::testing::Test {
 protected:
  // `crowded` keys share three tags, and so three home places: the last
  // place of the table (runs wrap around), the first and the middle one.
  uint64_t Hash(const std::string& key, bool crowded) const {
    const uint64_t h = HashText(key);
    constexpr uint64_t kTags[] = {0xffffffffu, 0, 0x80000000u};
    return crowded ? kTags[h % 3] << 32 | (h & 0xffffffffu) : h;
  }
  std::optional<SlotIndex::Slot> Find(const std::string& key, bool crowded) const {
    return index_.Find(key, Hash(key, crowded),
                       [this](SlotIndex::Slot s) { return keys_[s]; });
  }
  SlotIndex index_;
  std::vector<std::string> keys_;  // by slot
};

TEST_F(SlotIndexTest, AgreesWithAMapThroughGrowthAndErases) {
  for (bool crowded : {false, true}) {
    index_.Clear();
    keys_.clear();
    std::map<std::string, SlotIndex::Slot> model;
    uint64_t rng = 1;
    auto next = [&rng] { return rng = rng * 6364136223846793005ull + 1442695040888963407ull; };
    for (int step = 0; step < 20000; ++step) {
      const std::string key = "SO-" + std::to_string(next() >> 33 & 4095);
      auto it = model.find(key);
      const auto found = Find(key, crowded);
      ASSERT_EQ(found.has_value(), it != model.end()) << key;
      if (it == model.end()) {
        const auto slot = static_cast<SlotIndex::Slot>(keys_.size());
        keys_.push_back(key);
        index_.Insert(Hash(key, crowded), slot);
        model.emplace(key, slot);
      } else {
        ASSERT_EQ(*found, it->second);
        if (next() >> 63) {
          index_.Erase(Hash(key, crowded), it->second);
          model.erase(it);
        }
      }
      ASSERT_EQ(index_.size(), model.size());
    }
    size_t seen = 0;
    index_.ForEach([&](SlotIndex::Slot s) {
      ++seen;
      EXPECT_EQ(model.at(keys_[s]), s);
    });
    EXPECT_EQ(seen, model.size());
  }
}

// Every length to 40: equal text, text with one byte changed at each
// place, and text one byte longer.
TEST(SameTextTest, AgreesWithEqualityAtEveryLengthAndPlace) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a;
    for (size_t i = 0; i < n; ++i) a.push_back(static_cast<char>('a' + i % 26));
    const std::string b = a;
    EXPECT_TRUE(SameText(a, b)) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x20);
      EXPECT_FALSE(SameText(a, c)) << n << " " << i;
    }
    EXPECT_FALSE(SameText(a, a + "x")) << n;
  }
}

}  // namespace
}  // namespace orderflow
