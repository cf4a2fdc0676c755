#include "engine/slot_index.h"

#include <utility>

namespace orderflow {

void SlotIndex::Put(Entry e) {
  size_t i = PlaceOf(e.tag);
  while (entries_[i].slot != kEmpty) i = (i + 1) & mask_;
  entries_[i] = e;
}

void SlotIndex::Grow() {
  std::vector<Entry> old = std::move(entries_);
  const size_t capacity = old.empty() ? 16 : old.size() * 2;
  entries_.assign(capacity, Entry{0, kEmpty});
  mask_ = capacity - 1;
  shift_ = 32 - __builtin_ctzll(capacity);
  for (const Entry& e : old) {
    if (e.slot != kEmpty) Put(e);
  }
}

void SlotIndex::Insert(uint64_t hash, Slot slot) {
  if (4 * (size_ + 1) > 3 * entries_.size()) Grow();
  Put(Entry{TagOf(hash), slot});
  ++size_;
}

void SlotIndex::Erase(uint64_t hash, Slot slot) {
  size_t i = PlaceOf(TagOf(hash));
  while (entries_[i].slot != slot) i = (i + 1) & mask_;
  // Backward shift: each later entry of the run that may sit at `i` (its
  // home is not in (i, j]) moves there, and its place becomes the hole.
  for (size_t j = (i + 1) & mask_; entries_[j].slot != kEmpty;
       j = (j + 1) & mask_) {
    const size_t home = PlaceOf(entries_[j].tag);
    const bool home_in_between = ((j - home) & mask_) < ((j - i) & mask_);
    if (!home_in_between) {
      entries_[i] = entries_[j];
      i = j;
    }
  }
  entries_[i] = Entry{0, kEmpty};
  --size_;
}

void SlotIndex::Clear() {
  entries_.clear();
  mask_ = 0;
  shift_ = 32;
  size_ = 0;
}

}  // namespace orderflow
