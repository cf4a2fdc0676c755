// Stable 64-bit fingerprints of bytes: stable across processes, builds and
// versions, so they can be saved in snapshots and changelogs. Their values
// must never change (tests pin them).
//
// Fingerprint is FNV-1a 64, byte by byte: short inputs (shipment ids,
// invoices) and the order content hashes of states saved before
// ContentFingerprint existed.
//
// ContentFingerprint takes 16 bytes a step (wyhash's construction: two
// little-endian words folded by a 128-bit product), so a 200-byte order
// is a chain of 13 multiplications instead of FNV's 200: what the order
// stage hashes every order's encoding with (and, being fast on short
// text, what HashText uses for in-memory tables).
#ifndef ORDERFLOW_ENGINE_FINGERPRINT_H_
#define ORDERFLOW_ENGINE_FINGERPRINT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace orderflow {

inline uint64_t Fingerprint(std::string_view bytes,
                            uint64_t seed = 14695981039346656037ull) {
  constexpr uint64_t kPrime = 1099511628211ull;
  uint64_t h = seed;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  // Byte by byte as below, eight to a loop step: the same value, with a
  // loop's counting and branching once per eight bytes.
  for (; n >= 8; n -= 8, p += 8) {
    h = (h ^ p[0]) * kPrime;
    h = (h ^ p[1]) * kPrime;
    h = (h ^ p[2]) * kPrime;
    h = (h ^ p[3]) * kPrime;
    h = (h ^ p[4]) * kPrime;
    h = (h ^ p[5]) * kPrime;
    h = (h ^ p[6]) * kPrime;
    h = (h ^ p[7]) * kPrime;
  }
  for (; n > 0; --n, ++p) h = (h ^ *p) * kPrime;
  return h;
}

namespace fingerprint_internal {
// The 64 x 64 -> 128-bit product, its halves folded.
inline uint64_t Fold(uint64_t a, uint64_t b) {
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}
// Little-endian loads of 8 or 4 bytes, whatever the machine's order.
inline uint64_t Le(const unsigned char* p, int bytes) {
  if (bytes == 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) v = __builtin_bswap64(v);
    return v;
  }
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) v = __builtin_bswap32(v);
  return v;
}
}  // namespace fingerprint_internal

inline uint64_t ContentFingerprint(std::string_view bytes) {
  using fingerprint_internal::Fold;
  using fingerprint_internal::Le;
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                     k2 = 0x8ebc6af09c88c6e3ull;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  uint64_t seed = k2, a = 0, b = 0;
  if (n > 16) {
    for (; n > 16; n -= 16, p += 16) {
      seed = Fold(Le(p, 8) ^ k0, Le(p + 8, 8) ^ seed);
    }
    a = Le(p + n - 16, 8);
    b = Le(p + n - 8, 8);
  } else if (n >= 8) {
    a = Le(p, 8);
    b = Le(p + n - 8, 8);
  } else if (n >= 4) {
    a = Le(p, 4);
    b = Le(p + n - 4, 4);
  } else if (n > 0) {
    a = uint64_t{p[0]} << 16 | uint64_t{p[n / 2]} << 8 | p[n - 1];
  }
  return Fold(k1 ^ bytes.size(), Fold(a ^ k1, b ^ seed));
}

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_FINGERPRINT_H_
