// A stable 64-bit fingerprint (FNV-1a) of bytes. Stable across processes
// and builds, so fingerprints can be saved in snapshots and changelogs.
#ifndef ORDERFLOW_ENGINE_FINGERPRINT_H_
#define ORDERFLOW_ENGINE_FINGERPRINT_H_

#include <cstddef>
#include <cstdint>
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

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_FINGERPRINT_H_
