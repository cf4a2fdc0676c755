// Hash maps keyed by strings that can be looked up with a std::string_view
// without building a std::string.
#ifndef ORDERFLOW_ENGINE_STRING_MAP_H_
#define ORDERFLOW_ENGINE_STRING_MAP_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace orderflow {

namespace string_map_internal {
// 64 x 64 -> 128-bit product, folded: every input bit reaches every
// output bit.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}
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

// A fast hash of short text (ids, SKUs) for in-memory tables only: it is
// not stable across versions, so nothing may be saved or ordered by it.
// (wyhash's construction: the text in 8-byte words, folded by Mix.)
inline size_t HashText(std::string_view s) {
  using namespace string_map_internal;
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                     k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t seed = k2, a = 0, b = 0;
  if (n > 16) {
    for (; n > 16; n -= 16, p += 16) {
      seed = Mix(Load64(p) ^ k0, Load64(p + 8) ^ seed);
    }
    a = Load64(p + n - 16);
    b = Load64(p + n - 8);
  } else if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16 |
        static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
        static_cast<unsigned char>(p[n - 1]);
  }
  return Mix(k1 ^ s.size(), Mix(a ^ k1, b ^ seed));
}

// a == b, with no library call for text of 4 to 16 bytes (ids, SKUs):
// two overlapping words of each, compared at once.
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
