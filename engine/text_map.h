// A map from text keys to values, for keys that are never removed (SKU
// names): open addressing with linear probing over one array of entries,
// each holding its key (inline while short) beside its value, so a lookup
// reads the one place it lands on, where a table with a separate control
// array reads that array and then the slot. A key takes 16 bytes (up to
// 15 characters in place: engine/text_key.h), so that an entry with a
// 48-byte value is one 64-byte cache line, not parts of two.
//
// Contract:
//  - Find(key) is the key's value, or nullptr; operator[] finds it or adds
//    it with a value-initialized V.
//  - A pointer or reference to a value stays valid until the next key is
//    added (the table may grow then and move every entry).
//  - ForEach visits every entry in no particular order.
//
//   TextMap<int64_t> on_hand;
//   on_hand["SKU-1"] += 5;
//   if (const int64_t* n = on_hand.Find("SKU-1")) ...
#ifndef ORDERFLOW_ENGINE_TEXT_MAP_H_
#define ORDERFLOW_ENGINE_TEXT_MAP_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/string_map.h"
#include "engine/text_key.h"

namespace orderflow {

template <typename V>
class TextMap {
 public:
  V* Find(std::string_view key) {
    const size_t at = Place(key);
    return at == kNowhere ? nullptr : &entries_[at].value;
  }
  const V* Find(std::string_view key) const {
    return const_cast<TextMap*>(this)->Find(key);
  }

  V& operator[](std::string_view key) {
    if (V* found = Find(key)) return *found;
    // At most three quarters full, so every probe meets an empty entry.
    if ((size_ + 1) * 4 > entries_.size() * 3) Grow();
    Entry& e = entries_[FreePlace(HashText(key))];
    e.key.Assign(key);
    ++size_;
    return e.value;
  }

  size_t size() const { return size_; }

  // Starts reading the key's first place into cache, for a lookup soon
  // after (it changes nothing).
  void Prefetch(std::string_view key) const {
    if (!entries_.empty()) __builtin_prefetch(&entries_[Home(HashText(key))]);
  }

  // f(key, value) for every entry.
  template <typename F>
  void ForEach(const F& f) const {
    for (const Entry& e : entries_) {
      if (e.key.full()) f(e.key.view(), e.value);
    }
  }

 private:
  static constexpr size_t kNowhere = ~size_t{0};

  struct Entry {
    TextKey key;
    V value{};
  };

  size_t Home(size_t hash) const { return HomePlace(hash, mask_); }

  size_t Place(std::string_view key) const {
    if (entries_.empty()) return kNowhere;
    for (size_t i = Home(HashText(key));; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (!e.key.full()) return kNowhere;
      if (SameText(e.key.view(), key)) return i;
    }
  }
  size_t FreePlace(size_t hash) const {
    size_t i = Home(hash);
    while (entries_[i].key.full()) i = (i + 1) & mask_;
    return i;
  }

  void Grow() {
    std::vector<Entry> old(entries_.empty() ? 4 : entries_.size() * 2);
    old.swap(entries_);
    mask_ = entries_.size() - 1;
    for (Entry& e : old) {
      if (e.key.full()) entries_[FreePlace(HashText(e.key.view()))] = std::move(e);
    }
  }

  std::vector<Entry> entries_;  // a power of two of them, or none
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_TEXT_MAP_H_
