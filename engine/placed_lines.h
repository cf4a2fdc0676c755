// The units of one SKU that order lines hold at each warehouse (rule 9),
// by (order id, line): one lookup finds all of a line's parts.
//
// Contract:
//  - Units(order, line, w) is the part of (order, line) at warehouse w,
//    added with 0 units if the line had none there. A part stays, with
//    whatever units it holds (0 included), until DropEmpty.
//  - A line's parts are kept in warehouse index order.
//  - Erase drops all of a line's parts at once; DropEmpty those with no
//    units left (DropEmptyAt: at the place Find gave, with no lookup).
//  - A reference or pointer into the table (Units, Find) stays valid
//    until the next line is added; erasing never moves another line.
//  - ForEachInOrder visits every part in (order id, line, warehouse)
//    order, the order snapshots and changelog records are written in.
//
// How: open addressing with linear probing over one array of 48-byte
// entries, each holding its key (the order id in 16 bytes, inline up to
// 15 characters: engine/text_key.h) and where its probe starts beside the
// line's parts, so a lookup reads one entry where a table with a separate
// control array reads two places, and a rebuild hashes nothing again.
// Erasing leaves a tombstone (nothing moves); the table is rebuilt,
// larger or only cleaned, when live entries and tombstones fill three
// quarters of it.
//
//   PlacedLines placed;
//   placed.Units("SO-1", 0, 2) += 5;
//   for (PlacedLines::Part& p : *placed.Find("SO-1", 0)) ...
#ifndef ORDERFLOW_ENGINE_PLACED_LINES_H_
#define ORDERFLOW_ENGINE_PLACED_LINES_H_

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "engine/sourcing_config.h"
#include "engine/string_map.h"
#include "engine/text_key.h"

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
    size_t place;
    return Find(order_id, line, place);
  }

  // The same, and the line's place in the table, for DropEmptyAt: valid
  // while no line is added.
  Parts* Find(std::string_view order_id, uint32_t line, size_t& place) {
    Entry* e = Lookup(order_id, line, Start(order_id, line));
    if (e == nullptr) return nullptr;
    place = static_cast<size_t>(e - entries_.data());
    return &e->parts;
  }

  // Drops every part of the line.
  void Erase(std::string_view order_id, uint32_t line) {
    if (Entry* e = Lookup(order_id, line, Start(order_id, line))) Remove(*e);
  }

  // Drops the line's parts with no units left, and the line with the last.
  void DropEmpty(std::string_view order_id, uint32_t line) {
    if (Entry* e = Lookup(order_id, line, Start(order_id, line))) DropEmpty(*e);
  }
  // The same for the line at `place` (Find's), looked up no more.
  void DropEmptyAt(size_t place) { DropEmpty(entries_[place]); }

  size_t size() const { return size_; }

  // f(order_id, line, warehouse, units) for every part, in (order id,
  // line, warehouse) order.
  template <typename F>
  void ForEachInOrder(const F& f) const {
    std::vector<const Entry*> sorted;
    sorted.reserve(size_);
    for (const Entry& e : entries_) {
      if (e.order_id.full()) sorted.push_back(&e);
    }
    std::sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) {
      const std::string_view a_id = a->order_id.view(), b_id = b->order_id.view();
      return std::tie(a_id, a->line) < std::tie(b_id, b->line);
    });
    for (const Entry* e : sorted) {
      for (const Part& p : e->parts) {
        f(e->order_id.view(), e->line, p.warehouse, p.units);
      }
    }
  }

 private:
  struct Entry {
    TextKey order_id;  // free: never used; erased: a tombstone
    uint32_t line = 0;
    uint32_t start = 0;  // Start(order_id, line)
    Parts parts;
  };
  static_assert(sizeof(Entry) == 48);

  // Where a probe for the line starts, before the table's mask is applied
  // (a table never has 2^32 entries): HomePlace's fold of its hash.
  static uint32_t Start(std::string_view order_id, uint32_t line) {
    const size_t hash = HashText(order_id) ^ (size_t{line} * 0x9E3779B97F4A7C15u);
    return static_cast<uint32_t>(HomePlace(hash, UINT32_MAX));
  }

  Entry* Lookup(std::string_view order_id, uint32_t line, uint32_t start) {
    if (entries_.empty()) return nullptr;
    for (size_t i = start & mask_;; i = (i + 1) & mask_) {
      Entry& e = entries_[i];
      if (e.order_id.free()) return nullptr;
      if (e.start == start && e.line == line && e.order_id.full() &&
          SameText(e.order_id.view(), order_id)) {
        return &e;
      }
    }
  }

  Parts& FindOrAdd(std::string_view order_id, uint32_t line) {
    const uint32_t start = Start(order_id, line);
    if (Entry* e = Lookup(order_id, line, start)) return e->parts;
    if ((size_ + erased_ + 1) * 4 > entries_.size() * 3) Rebuild();
    size_t i = start & mask_;
    while (entries_[i].order_id.full()) i = (i + 1) & mask_;
    Entry& e = entries_[i];
    if (e.order_id.erased()) --erased_;
    e.order_id.Assign(order_id);
    e.line = line;
    e.start = start;
    e.parts.clear();
    ++size_;
    return e.parts;
  }

  void DropEmpty(Entry& e) {
    Parts& parts = e.parts;
    parts.erase(std::remove_if(parts.begin(), parts.end(),
                               [](const Part& p) { return p.units <= 0; }),
                parts.end());
    if (parts.empty()) Remove(e);
  }

  void Remove(Entry& e) {
    e.order_id.Erase();
    e.parts.clear();
    --size_;
    ++erased_;
  }

  // Room for one more line: doubled until live entries, the new one
  // included, fill at most half of it, else the same size without
  // tombstones. A table starts at four entries (192 bytes): most SKUs
  // have one or two lines open at a time, and starting at two made
  // every SKU that had two rebuild at once.
  void Rebuild() {
    size_t capacity = std::max<size_t>(entries_.size(), 4);
    while ((size_ + 1) * 2 > capacity) capacity *= 2;
    std::vector<Entry> old(capacity);
    old.swap(entries_);
    mask_ = capacity - 1;
    erased_ = 0;
    for (Entry& e : old) {
      if (!e.order_id.full()) continue;
      size_t i = e.start & mask_;
      while (!entries_[i].order_id.free()) i = (i + 1) & mask_;
      entries_[i] = std::move(e);
    }
  }

  std::vector<Entry> entries_;  // a power of two of them, or none
  size_t mask_ = 0;
  size_t size_ = 0;    // entries with a full key
  size_t erased_ = 0;  // entries with an erased key
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_PLACED_LINES_H_
