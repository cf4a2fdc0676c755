// The units of one SKU that order lines hold at each warehouse (rule 9),
// by (order id, line): one lookup finds all of a line's parts.
//
// Contract:
//  - Units(order, line, w) is the part of (order, line) at warehouse w,
//    added with 0 units if the line had none there. A part stays, with
//    whatever units it holds (0 included), until DropEmpty.
//  - A line's parts are kept in warehouse index order.
//  - Erase drops all of a line's parts at once.
//  - A reference or pointer into the table (Units, Find) stays valid
//    until the next line is added; erasing never moves another line.
//  - ForEachInOrder visits every part in (order id, line, warehouse)
//    order, the order snapshots and changelog records are written in.
//
// How: open addressing with linear probing over one array of 64-byte
// entries, each holding its key (the order id, inline while short) beside
// the line's parts, so a lookup reads one cache line where a table with a
// separate control array reads two. Erasing leaves a tombstone (nothing
// moves); the table is rebuilt, larger or only cleaned, when live entries
// and tombstones fill three quarters of it.
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
#include <vector>

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
    Parts& parts = FindOrAdd(order_id, line);
    for (auto at = parts.begin(); at != parts.end(); ++at) {
      if (at->warehouse == w) return at->units;
      if (at->warehouse > w) return parts.insert(at, Part{w, 0})->units;
    }
    parts.push_back(Part{w, 0});
    return parts.back().units;
  }

  // The line's parts, in warehouse order; nullptr when it holds none.
  Parts* Find(std::string_view order_id, uint32_t line) {
    Entry* e = Lookup(order_id, line, Hash(order_id, line));
    return e == nullptr ? nullptr : &e->parts;
  }

  // Drops every part of the line.
  void Erase(std::string_view order_id, uint32_t line) {
    if (Entry* e = Lookup(order_id, line, Hash(order_id, line))) Remove(*e);
  }

  // Drops the line's parts with no units left, and the line with the last.
  void DropEmpty(std::string_view order_id, uint32_t line) {
    Entry* e = Lookup(order_id, line, Hash(order_id, line));
    if (e == nullptr) return;
    Parts& parts = e->parts;
    parts.erase(std::remove_if(parts.begin(), parts.end(),
                               [](const Part& p) { return p.units <= 0; }),
                parts.end());
    if (parts.empty()) Remove(*e);
  }

  size_t size() const { return size_; }

  // f(order_id, line, warehouse, units) for every part, in (order id,
  // line, warehouse) order.
  template <typename F>
  void ForEachInOrder(const F& f) const {
    std::vector<const Entry*> sorted;
    sorted.reserve(size_);
    for (const Entry& e : entries_) {
      if (e.state == kFull) sorted.push_back(&e);
    }
    std::sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) {
      return std::tie(a->order_id, a->line) < std::tie(b->order_id, b->line);
    });
    for (const Entry* e : sorted) {
      for (const Part& p : e->parts) f(e->order_id, e->line, p.warehouse, p.units);
    }
  }

 private:
  enum State : uint8_t { kEmpty, kFull, kErased };
  struct Entry {
    std::string order_id;
    uint32_t line = 0;
    State state = kEmpty;
    Parts parts;
  };

  static size_t Hash(std::string_view order_id, uint32_t line) {
    return HashText(order_id) ^ (size_t{line} * 0x9E3779B97F4A7C15u);
  }
  size_t Home(size_t hash) const { return HomePlace(hash, mask_); }

  Entry* Lookup(std::string_view order_id, uint32_t line, size_t hash) {
    if (entries_.empty()) return nullptr;
    for (size_t i = Home(hash);; i = (i + 1) & mask_) {
      Entry& e = entries_[i];
      if (e.state == kEmpty) return nullptr;
      if (e.state == kFull && e.line == line && SameText(e.order_id, order_id)) {
        return &e;
      }
    }
  }

  Parts& FindOrAdd(std::string_view order_id, uint32_t line) {
    const size_t hash = Hash(order_id, line);
    if (Entry* e = Lookup(order_id, line, hash)) return e->parts;
    if ((size_ + erased_ + 1) * 4 > entries_.size() * 3) Rebuild();
    size_t i = Home(hash);
    while (entries_[i].state == kFull) i = (i + 1) & mask_;
    Entry& e = entries_[i];
    if (e.state == kErased) --erased_;
    e.order_id.assign(order_id.data(), order_id.size());
    e.line = line;
    e.state = kFull;
    e.parts.clear();
    ++size_;
    return e.parts;
  }

  void Remove(Entry& e) {
    e.state = kErased;
    e.parts.clear();
    --size_;
    ++erased_;
  }

  // Room for one more line: doubled until live entries, the new one
  // included, fill at most half of it, else the same size without
  // tombstones. (A SKU with one line open takes two entries.)
  void Rebuild() {
    size_t capacity = std::max<size_t>(entries_.size(), 2);
    while ((size_ + 1) * 2 > capacity) capacity *= 2;
    std::vector<Entry> old(capacity);
    old.swap(entries_);
    mask_ = capacity - 1;
    erased_ = 0;
    for (Entry& e : old) {
      if (e.state != kFull) continue;
      size_t i = Home(Hash(e.order_id, e.line));
      while (entries_[i].state != kEmpty) i = (i + 1) & mask_;
      entries_[i] = std::move(e);
    }
  }

  std::vector<Entry> entries_;  // a power of two of them, or none
  size_t mask_ = 0;
  size_t size_ = 0;    // entries kFull
  size_t erased_ = 0;  // entries kErased
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_PLACED_LINES_H_
