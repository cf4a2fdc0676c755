// A map from text keys to values, for keys that are never removed (SKU
// names): open addressing with linear probing over one array of entries,
// each holding its key (inline while short) beside its value, so a lookup
// reads the one place it lands on, where a table with a separate control
// array reads that array and then the slot. A key takes 16 bytes (up to
// 15 characters in place), so that an entry with a 48-byte value is one
// 64-byte cache line, not parts of two.
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
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/string_map.h"

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

  // f(key, value) for every entry.
  template <typename F>
  void ForEach(const F& f) const {
    for (const Entry& e : entries_) {
      if (e.key.full()) f(e.key.view(), e.value);
    }
  }

 private:
  static constexpr size_t kNowhere = ~size_t{0};

  // An entry's key in 16 bytes: up to 15 characters in place with their
  // count in the last byte, or a longer key on the heap (its address and
  // its size, 32 bits, in place, the last byte kOnHeap: keys are names
  // from records, far below 4 GiB); kFree for an entry with none, whose
  // view() is not to be asked for.
  class Key {
   public:
    Key() { bytes_[kTag] = kFree; }
    Key(const Key&) = delete;
    Key& operator=(const Key&) = delete;
    Key(Key&& other) noexcept { Take(other); }
    Key& operator=(Key&& other) noexcept {
      if (this != &other) {
        Release();
        Take(other);
      }
      return *this;
    }
    ~Key() { Release(); }

    bool full() const { return tag() != kFree; }
    std::string_view view() const {
      if (tag() != kOnHeap) return std::string_view(bytes_, tag());
      const char* data;
      uint32_t size;
      std::memcpy(&data, bytes_, sizeof data);
      std::memcpy(&size, bytes_ + sizeof data, sizeof size);
      return std::string_view(data, size);
    }
    void Assign(std::string_view text) {
      Release();
      if (text.size() <= kInPlace) {
        if (!text.empty()) std::memcpy(bytes_, text.data(), text.size());
        bytes_[kTag] = static_cast<char>(text.size());
        return;
      }
      char* const data = new char[text.size()];
      std::memcpy(data, text.data(), text.size());
      const auto size = static_cast<uint32_t>(text.size());
      std::memcpy(bytes_, &data, sizeof data);
      std::memcpy(bytes_ + sizeof data, &size, sizeof size);
      bytes_[kTag] = static_cast<char>(kOnHeap);
    }

   private:
    static constexpr size_t kTag = 15, kInPlace = 15;
    static constexpr unsigned char kOnHeap = 0xFF, kFree = 0xFE;
    unsigned char tag() const { return static_cast<unsigned char>(bytes_[kTag]); }
    void Take(Key& other) {
      std::memcpy(bytes_, other.bytes_, sizeof bytes_);
      other.bytes_[kTag] = static_cast<char>(kFree);
    }
    void Release() {
      if (tag() == kOnHeap) {
        char* data;
        std::memcpy(&data, bytes_, sizeof data);
        delete[] data;
      }
      bytes_[kTag] = static_cast<char>(kFree);
    }
    alignas(8) char bytes_[16];
  };
  static_assert(sizeof(Key) == 16);
  struct Entry {
    Key key;
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
