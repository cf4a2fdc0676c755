// An index from text keys (order ids) to slots, for keys that live in the
// slots themselves: the index keeps only (hash tag, slot) pairs, 8 bytes
// each, in one array. A lookup reads one place of that array (one cache
// miss) and then the key of each slot whose tag matches (almost always
// only the one it is looking for); a general hash set reads a control
// byte array and then a slot array.
//
// Open addressing with linear probing; erasing shifts the entries after
// the erased one back, so there are no tombstones. The table doubles when
// it is three quarters full. The tag is the hash's high 32 bits and an
// entry's home place is the tag's top bits, so growing needs no key (with
// 2^k places, two keys near each other are told apart by the other 32 - k
// bits: one needless key comparison in thousands of lookups). The caller
// hashes (HashText) and says how to read a slot's key: the index never
// stores or copies keys.
//
//   SlotIndex index;
//   index.Insert(HashText(id), slot);
//   std::optional<uint32_t> s = index.Find(id, HashText(id), key_of_slot);
#ifndef ORDERFLOW_ENGINE_SLOT_INDEX_H_
#define ORDERFLOW_ENGINE_SLOT_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/string_map.h"

namespace orderflow {

class SlotIndex {
 public:
  using Slot = uint32_t;

  size_t size() const { return size_; }

  // The slot holding `key`, whose hash is `hash`; `key_of(slot)` returns
  // the key kept in a slot (something that converts to a string_view).
  template <typename KeyOf>
  std::optional<Slot> Find(std::string_view key, uint64_t hash,
                           const KeyOf& key_of) const {
    if (entries_.empty()) return std::nullopt;
    const uint32_t tag = TagOf(hash);
    for (size_t i = PlaceOf(tag);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kEmpty) return std::nullopt;
      if (e.tag == tag && SameText(key_of(e.slot), key)) return e.slot;
    }
  }
  // Adds `slot`, whose key hashes to `hash`; its key must not be indexed.
  void Insert(uint64_t hash, Slot slot);
  // Removes `slot`, whose key hashes to `hash`; it must be indexed.
  void Erase(uint64_t hash, Slot slot);
  void Clear();

  // Calls f(slot) for every slot indexed, in no particular order.
  template <typename F>
  void ForEach(const F& f) const {
    for (const Entry& e : entries_) {
      if (e.slot != kEmpty) f(e.slot);
    }
  }

 private:
  static constexpr Slot kEmpty = ~Slot{0};
  struct Entry {
    uint32_t tag;
    Slot slot;
  };
  static uint32_t TagOf(uint64_t hash) {
    return static_cast<uint32_t>(hash >> 32);
  }
  size_t PlaceOf(uint32_t tag) const { return tag >> shift_; }
  // Puts `e` at the first free place from its home (there is one).
  void Put(Entry e);
  void Grow();

  std::vector<Entry> entries_;  // 2^(32 - shift_) of them, or none
  size_t mask_ = 0;
  int shift_ = 32;
  size_t size_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_SLOT_INDEX_H_
