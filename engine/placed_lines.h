// The units of one SKU that order lines hold at each warehouse (rule 9),
// by (order id, line): one hash lookup finds all of a line's parts, where
// an ordered map keyed by (order id, line, warehouse) took a dozen text
// comparisons down its nodes for every request.
//
// Contract:
//  - Units(order, line, w) is the part of (order, line) at warehouse w,
//    added with 0 units if the line had none there. A part stays, with
//    whatever units it holds (0 included), until DropEmpty.
//  - A line's parts are kept in warehouse index order.
//  - Erase drops all of a line's parts at once.
//  - ForEachInOrder visits every part in (order id, line, warehouse)
//    order, the order snapshots and changelog records are written in.
//
//   PlacedLines placed;
//   placed.Units("SO-1", 0, 2) += 5;
//   for (PlacedLines::Part& p : *placed.Find("SO-1", 0)) ...
#ifndef ORDERFLOW_ENGINE_PLACED_LINES_H_
#define ORDERFLOW_ENGINE_PLACED_LINES_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "engine/sourcing_config.h"
#include "engine/string_map.h"

namespace orderflow {

class PlacedLines {
 public:
  struct Part {
    WarehouseIndex warehouse;
    int64_t units;
  };
  // Nearly every line is held at one warehouse: that part is in place.
  using Parts = absl::InlinedVector<Part, 1>;

  int64_t& Units(std::string_view order_id, uint32_t line, WarehouseIndex w) {
    // One lookup, found or added; a line's first part is appended in place.
    Parts& parts = lines_.try_emplace(LineRef{order_id, line}).first->second;
    for (auto at = parts.begin(); at != parts.end(); ++at) {
      if (at->warehouse == w) return at->units;
      if (at->warehouse > w) return parts.insert(at, Part{w, 0})->units;
    }
    parts.push_back(Part{w, 0});
    return parts.back().units;
  }

  // The line's parts, in warehouse order; nullptr when it holds none.
  Parts* Find(std::string_view order_id, uint32_t line) {
    auto it = lines_.find(LineRef{order_id, line});
    return it == lines_.end() ? nullptr : &it->second;
  }

  // Drops every part of the line.
  void Erase(std::string_view order_id, uint32_t line) {
    auto it = lines_.find(LineRef{order_id, line});
    if (it != lines_.end()) lines_.erase(it);
  }

  // Drops the line's parts with no units left, and the line with the last.
  void DropEmpty(std::string_view order_id, uint32_t line) {
    auto it = lines_.find(LineRef{order_id, line});
    if (it == lines_.end()) return;
    Parts& parts = it->second;
    parts.erase(std::remove_if(parts.begin(), parts.end(),
                               [](const Part& p) { return p.units <= 0; }),
                parts.end());
    if (parts.empty()) lines_.erase(it);
  }

  // f(order_id, line, warehouse, units) for every part, in (order id,
  // line, warehouse) order.
  template <typename F>
  void ForEachInOrder(const F& f) const {
    std::vector<const std::pair<const LineKey, Parts>*> sorted;
    sorted.reserve(lines_.size());
    for (const auto& entry : lines_) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
      return std::tie(a->first.order_id, a->first.line) <
             std::tie(b->first.order_id, b->first.line);
    });
    for (const auto* entry : sorted) {
      for (const Part& p : entry->second) {
        f(entry->first.order_id, entry->first.line, p.warehouse, p.units);
      }
    }
  }

 private:
  struct LineRef {
    std::string_view order_id;
    uint32_t line;
  };
  struct LineKey {
    explicit LineKey(LineRef r) : order_id(r.order_id), line(r.line) {}
    std::string order_id;
    uint32_t line;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(const LineRef& k) const {
      return HashText(k.order_id) ^ (size_t{k.line} * 0x9E3779B97F4A7C15u);
    }
    size_t operator()(const LineKey& k) const {
      return (*this)(LineRef{k.order_id, k.line});
    }
  };
  struct Eq {
    using is_transparent = void;
    static LineRef Ref(const LineKey& k) { return {k.order_id, k.line}; }
    static LineRef Ref(const LineRef& k) { return k; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const LineRef x = Ref(a), y = Ref(b);
      return x.line == y.line && SameText(x.order_id, y.order_id);
    }
  };
  absl::flat_hash_map<LineKey, Parts, Hash, Eq> lines_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_PLACED_LINES_H_
