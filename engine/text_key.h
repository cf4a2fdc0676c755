// A text key of an open-addressing table (TextMap, PlacedLines) in 16
// bytes: up to 15 characters in place with their count in the last byte,
// or a longer key on the heap (its address and its size, 32 bits, in
// place, the last byte kOnHeap: keys are ids and names from records, far
// below 4 GiB). A key that holds no text is free (never used, or cleared)
// or erased (a tombstone, for a table that erases); either reads as empty
// text.
//
// Contract:
//  - A default key is free. Assign makes it full; Erase makes a full key
//    erased (and frees its heap text).
//  - view() is the text: empty for a free or erased key. A key converts
//    to its text where one is expected (an order's id, Order::id).
//  - Moving a key moves its text (a copy of 16 bytes) and leaves the
//    source free; keys are not copied.
//
//   TextKey key;
//   key.Assign("SO-1");
//   if (key.full() && SameText(key.view(), "SO-1")) ...
#ifndef ORDERFLOW_ENGINE_TEXT_KEY_H_
#define ORDERFLOW_ENGINE_TEXT_KEY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace orderflow {

class TextKey {
 public:
  TextKey() { bytes_[kTag] = static_cast<char>(kFree); }
  TextKey(const TextKey&) = delete;
  TextKey& operator=(const TextKey&) = delete;
  TextKey(TextKey&& other) noexcept { Take(other); }
  TextKey& operator=(TextKey&& other) noexcept {
    if (this != &other) {
      Release();
      Take(other);
    }
    return *this;
  }
  ~TextKey() { Release(); }

  bool full() const { return tag() <= kInPlace || on_heap(); }
  bool free() const { return tag() == kFree; }
  bool erased() const { return tag() == kErased; }

  // The text, where a key stands for it (an order's id).
  operator std::string_view() const { return view(); }  // NOLINT: reads as its text
  std::string_view view() const {
    if (tag() <= kInPlace) return std::string_view(bytes_, tag());
    if (!on_heap()) return {};  // free or erased
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

  // A full key becomes a tombstone.
  void Erase() {
    Release();
    bytes_[kTag] = static_cast<char>(kErased);
  }

 private:
  static constexpr size_t kTag = 15, kInPlace = 15;
  // Tags from 0 to 15 are in-place sizes.
  static constexpr unsigned char kErased = 0xFD, kFree = 0xFE, kOnHeap = 0xFF;
  unsigned char tag() const { return static_cast<unsigned char>(bytes_[kTag]); }
  bool on_heap() const { return tag() == kOnHeap; }
  void Take(TextKey& other) {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    other.bytes_[kTag] = static_cast<char>(kFree);
  }
  void Release() {
    if (on_heap()) {
      char* data;
      std::memcpy(&data, bytes_, sizeof data);
      delete[] data;
    }
    bytes_[kTag] = static_cast<char>(kFree);
  }
  alignas(8) char bytes_[16];
};
static_assert(sizeof(TextKey) == 16);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_TEXT_KEY_H_
