// PlacedLines against a std::map model: random parts added, taken,
// dropped when empty and lines erased, through growth and tombstone
// clean-ups, with long and short order ids; what ForEachInOrder lists;
// and a line's parts staying where they are while other lines go.
#include "engine/placed_lines.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace orderflow {
namespace {

using Key = std::pair<std::string, uint32_t>;
using Model = std::map<Key, std::map<WarehouseIndex, int64_t>>;

std::vector<std::tuple<std::string, uint32_t, WarehouseIndex, int64_t>> Listed(
    const PlacedLines& placed) {
  std::vector<std::tuple<std::string, uint32_t, WarehouseIndex, int64_t>> out;
  placed.ForEachInOrder([&](std::string_view id, uint32_t line, WarehouseIndex w,
                            int64_t units) {
    out.emplace_back(std::string(id), line, w, units);
  });
  return out;
}

std::vector<std::tuple<std::string, uint32_t, WarehouseIndex, int64_t>> Listed(
    const Model& model) {
  std::vector<std::tuple<std::string, uint32_t, WarehouseIndex, int64_t>> out;
  for (const auto& [key, parts] : model) {
    for (const auto& [w, units] : parts) out.emplace_back(key.first, key.second, w, units);
  }
  return out;
}

TEST(PlacedLinesTest, AgreesWithAMapThroughGrowthAndErases) {
  PlacedLines placed;
  Model model;
  uint64_t rng = 7;
  const auto next = [&rng](uint64_t n) {
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return (rng >> 33) % n;
  };
  for (int step = 0; step < 60000; ++step) {
    // Few enough keys that lines come back after they went.
    const uint64_t n = next(400);
    const std::string id = (n % 3 == 0 ? "a-much-longer-order-id-" : "SO-") +
                           std::to_string(n / 4);
    const Key key{id, static_cast<uint32_t>(n % 4)};
    const WarehouseIndex w = static_cast<WarehouseIndex>(next(3));
    switch (next(4)) {
      case 0:
      case 1: {
        const int64_t units = static_cast<int64_t>(next(5));
        placed.Units(key.first, key.second, w) += units;
        model[key][w] += units;
        break;
      }
      case 2: {  // takes a unit from every part, then drops the empty ones
        // (by key, or at the place Find gave, every other time)
        const bool at_place = next(2) == 0;
        size_t place = 0;
        if (PlacedLines::Parts* parts = placed.Find(key.first, key.second, place)) {
          for (PlacedLines::Part& p : *parts) p.units = std::max<int64_t>(p.units - 1, 0);
          if (at_place) placed.DropEmptyAt(place);
        }
        if (!at_place) placed.DropEmpty(key.first, key.second);
        if (auto it = model.find(key); it != model.end()) {
          for (auto& [w, units] : it->second) units = std::max<int64_t>(units - 1, 0);
          std::erase_if(it->second, [](const auto& p) { return p.second <= 0; });
          if (it->second.empty()) model.erase(it);
        }
        break;
      }
      default:
        placed.Erase(key.first, key.second);
        model.erase(key);
    }
    const PlacedLines::Parts* parts = placed.Find(key.first, key.second);
    const auto it = model.find(key);
    ASSERT_EQ(parts != nullptr, it != model.end()) << "step " << step;
    if (parts != nullptr) {
      std::vector<std::pair<WarehouseIndex, int64_t>> got, want(it->second.begin(),
                                                                it->second.end());
      for (const PlacedLines::Part& p : *parts) got.emplace_back(p.warehouse, p.units);
      ASSERT_EQ(got, want) << "step " << step;  // in warehouse order
    }
    ASSERT_EQ(placed.size(), model.size()) << "step " << step;
    if (step % 5000 == 0) {
      ASSERT_EQ(Listed(placed), Listed(model)) << "step " << step;
    }
  }
  EXPECT_EQ(Listed(placed), Listed(model));
}

TEST(PlacedLinesTest, ALinesPartsStayPutWhileOtherLinesGo) {
  PlacedLines placed;
  for (uint32_t line = 0; line < 50; ++line) placed.Units("SO-1", line, 1) = line + 1;
  PlacedLines::Parts* kept = placed.Find("SO-1", 7);
  ASSERT_NE(kept, nullptr);
  for (uint32_t line = 0; line < 50; ++line) {
    if (line != 7) placed.Erase("SO-1", line);
  }
  placed.DropEmpty("SO-1", 8);  // gone already: nothing
  EXPECT_EQ(placed.Find("SO-1", 7), kept);
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ(kept->front().units, 8);
  EXPECT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed.Find("SO-1", 8), nullptr);
}

}  // namespace
}  // namespace orderflow
