// Which partition a key belongs to: Kafka's default (murmur2) partitioner,
// the one Java clients use and librdkafka's "murmur2_random", so a shard in
// replay holds exactly the keys its Kafka partition would.
#ifndef ORDERFLOW_ENGINE_PARTITIONER_H_
#define ORDERFLOW_ENGINE_PARTITIONER_H_

#include <cstdint>
#include <string_view>

namespace orderflow {

uint32_t Murmur2(std::string_view key);

// `partitions` must be > 0.
inline int32_t PartitionOf(std::string_view key, int32_t partitions) {
  return static_cast<int32_t>((Murmur2(key) & 0x7fffffff) %
                              static_cast<uint32_t>(partitions));
}

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_PARTITIONER_H_
