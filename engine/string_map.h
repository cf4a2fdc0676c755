// Hash maps keyed by strings that can be looked up with a std::string_view
// without building a std::string.
#ifndef ORDERFLOW_ENGINE_STRING_MAP_H_
#define ORDERFLOW_ENGINE_STRING_MAP_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "engine/fingerprint.h"

namespace orderflow {

namespace string_map_internal {
inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace string_map_internal

// A fast hash of short text (ids, SKUs) for in-memory tables only. Today
// it is ContentFingerprint (engine/fingerprint.h: wyhash's construction,
// 8-byte words folded by a 128-bit product), but tables may move to
// another, so nothing may be saved or ordered by HashText.
inline size_t HashText(std::string_view s) { return ContentFingerprint(s); }

// Where a probe of an open-addressing table of `mask` + 1 places (a power
// of two) starts for `hash`: its high bits folded into the low ones that
// pick the place (TextMap, PlacedLines).
inline size_t HomePlace(size_t hash, size_t mask) {
  return (hash ^ (hash >> 29)) & mask;
}

// a == b, with no library call for text of up to 16 bytes (ids, SKUs,
// country codes): two overlapping words of each, compared at once.
inline bool SameText(std::string_view a, std::string_view b) {
  using namespace string_map_internal;
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8 && n <= 16) {
    return ((Load64(p) ^ Load64(q)) | (Load64(p + n - 8) ^ Load64(q + n - 8))) == 0;
  }
  if (n >= 4 && n < 8) {
    return ((Load32(p) ^ Load32(q)) | (Load32(p + n - 4) ^ Load32(q + n - 4))) == 0;
  }
  if (n < 4) {
    // 1 to 3 bytes (country codes): the first, middle and last are all.
    return n == 0 || (p[0] == q[0] && p[n >> 1] == q[n >> 1] &&
                      p[n - 1] == q[n - 1]);
  }
  return a == b;
}

struct StringKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return HashText(s); }
};
struct StringKeyEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    return SameText(a, b);
  }
};

// Owns its keys.
template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringKeyHash, StringKeyEq>;
// Keys are views of strings that the owner keeps alive and unmoved.
template <typename V>
using StringViewMap =
    absl::flat_hash_map<std::string_view, V, StringKeyHash, StringKeyEq>;

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_STRING_MAP_H_
