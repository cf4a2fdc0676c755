// A stable 64-bit fingerprint (FNV-1a) of bytes. Stable across processes
// and builds, so fingerprints can be saved in snapshots and changelogs.
#ifndef ORDERFLOW_ENGINE_FINGERPRINT_H_
#define ORDERFLOW_ENGINE_FINGERPRINT_H_

#include <cstdint>
#include <string_view>

namespace orderflow {

inline uint64_t Fingerprint(std::string_view bytes,
                            uint64_t seed = 14695981039346656037ull) {
  uint64_t h = seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_FINGERPRINT_H_
