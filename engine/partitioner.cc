#include "engine/partitioner.h"

#include <cstring>

namespace orderflow {

// As org.apache.kafka.common.utils.Utils.murmur2.
uint32_t Murmur2(std::string_view key) {
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t m = 0x5bd1e995;
  constexpr int r = 24;
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const uint32_t length = static_cast<uint32_t>(key.size());
  uint32_t h = kSeed ^ length;
  const uint32_t blocks = length / 4;
  for (uint32_t i = 0; i < blocks; ++i) {
    const uint32_t i4 = i * 4;
    uint32_t k = (data[i4 + 0] & 0xffu) | ((data[i4 + 1] & 0xffu) << 8) |
                 ((data[i4 + 2] & 0xffu) << 16) | ((data[i4 + 3] & 0xffu) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const uint32_t tail = blocks * 4;
  switch (length % 4) {
    case 3: h ^= (data[tail + 2] & 0xffu) << 16; [[fallthrough]];
    case 2: h ^= (data[tail + 1] & 0xffu) << 8; [[fallthrough]];
    case 1: h ^= data[tail] & 0xffu; h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

}  // namespace orderflow
