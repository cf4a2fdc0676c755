// Protobuf binary, written by hand: the primitives the engine's encoders
// (engine/order_wire.cc, engine/output_wire.cc) share. They write into a
// buffer the caller has made large enough (the kMax sizes bound each
// field), fields in number order, each only when protobuf would write it,
// so that the bytes are protobuf's own deterministic serialization.
#ifndef ORDERFLOW_ENGINE_WIRE_H_
#define ORDERFLOW_ENGINE_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace orderflow::wire {

// Every field written has a number below 16: a one-byte tag.
constexpr uint8_t Tag(int field, int wire_type) {
  return static_cast<uint8_t>(field << 3 | wire_type);
}
constexpr int kVarint = 0, kLengthDelimited = 2;

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
// Signed 32- and 64-bit integers and enums: sign-extended to 64 bits.
inline uint64_t AsVarint(int64_t v) { return static_cast<uint64_t>(v); }

inline uint8_t* WriteVarint(uint64_t v, uint8_t* p) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

// std::memcpy(p, s.data(), s.size()), with no library call for the text
// of 8 to 16 bytes that most fields hold (ids, SKUs, names): two
// overlapping words.
inline void CopyText(std::string_view s, uint8_t* p) {
  const size_t n = s.size();
  if (n >= 8 && n <= 16) {
    uint64_t head, tail;
    std::memcpy(&head, s.data(), 8);
    std::memcpy(&tail, s.data() + n - 8, 8);
    std::memcpy(p, &head, 8);
    std::memcpy(p + n - 8, &tail, 8);
    return;
  }
  if (n != 0) std::memcpy(p, s.data(), n);  // an empty view may have no data
}

// Copies `s` to p; returns the end.
inline uint8_t* WriteBytes(std::string_view s, uint8_t* p) {
  CopyText(s, p);
  return p + s.size();
}

// A field is written only when set: text when not empty, a number when not
// zero, a sub-message or an `optional` field when present.
inline size_t TextSize(std::string_view s) {
  return s.empty() ? 0 : 1 + VarintSize(s.size()) + s.size();
}
inline uint8_t* WriteText(int field, std::string_view s, uint8_t* p) {
  if (s.empty()) return p;
  *p++ = Tag(field, kLengthDelimited);
  p = WriteVarint(s.size(), p);
  CopyText(s, p);
  return p + s.size();
}
inline uint8_t* WriteNumber(int field, uint64_t v, uint8_t* p) {
  if (v == 0) return p;
  *p++ = Tag(field, kVarint);
  return WriteVarint(v, p);
}

// The longest a text field's tag and length can be, a number field, and
// a Timestamp sub-message (tag, length, two numbers).
constexpr size_t kMaxText = 1 + 10;
constexpr size_t kMaxNumber = 1 + 10;
constexpr size_t kMaxTimestamp = 1 + 10 + 2 * kMaxNumber;

// Tag, length and the content `write(q)` writes at q (returning its end),
// at p; returns the end, and the content's size in *size if given. The
// content is written after a one-byte length and moved up if its length
// takes more bytes; the caller leaves room for the longest length.
template <typename Write>
inline uint8_t* WriteMessage(int field, uint8_t* p, const Write& write,
                      size_t* size = nullptr) {
  *p++ = Tag(field, kLengthDelimited);
  uint8_t* const content = p + 1;
  uint8_t* const end = write(content);
  const size_t n = static_cast<size_t>(end - content);
  if (size != nullptr) *size = n;
  if (n < 0x80) {
    *p = static_cast<uint8_t>(n);
    return end;
  }
  const size_t length_size = VarintSize(n);
  std::memmove(p + length_size, content, n);
  WriteVarint(n, p);
  return p + length_size + n;
}

// A Timestamp's content: seconds and nanos, each when not zero.
inline uint8_t* WriteTimestamp(int64_t seconds, int32_t nanos, uint8_t* p) {
  p = WriteNumber(1, AsVarint(seconds), p);
  return WriteNumber(2, AsVarint(nanos), p);
}

}  // namespace orderflow::wire

#endif  // ORDERFLOW_ENGINE_WIRE_H_
