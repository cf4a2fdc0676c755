// The partitioner is Kafka's: murmur2 as the Java client computes it, and
// partition = (murmur2 & 0x7fffffff) % partitions, so that a replay shard
// holds exactly the keys of its Kafka partition.
#include "engine/partitioner.h"

#include <cstdint>

#include "engine/config.h"
#include "engine/pipeline.h"
#include "gtest/gtest.h"
#include "tests/engine/recorder.h"

namespace orderflow {
namespace {

struct Vector {
  const char* key;
  uint32_t murmur2;
};

// librdkafka src/rdmurmur2.c, unittest_murmur2(): java_murmur2_results.
constexpr Vector kLibrdkafkaVectors[] = {
    {"kafka", 0xd067cf64},
    {"giberish123456789", 0x8f552b0c},
    {"1234", 0x9fc97b14},
    {"234", 0xe7c009ca},
    {"34", 0x873930da},
    {"4", 0x5a4b5ca1},
    {"PreAmbleWillBeRemoved,ThePrePartThatIs", 0x78424f1c},
    {"reAmbleWillBeRemoved,ThePrePartThatIs", 0x4a62b377},
    {"eAmbleWillBeRemoved,ThePrePartThatIs", 0xe0e4e09e},
    {"AmbleWillBeRemoved,ThePrePartThatIs", 0x62b8b43f},
    {"", 0x106e08d9},
};

TEST(PartitionerTest, Murmur2MatchesLibrdkafkasJavaVectors) {
  for (const Vector& v : kLibrdkafkaVectors) {
    EXPECT_EQ(Murmur2(v.key), v.murmur2) << "key \"" << v.key << "\"";
  }
}

// Apache Kafka clients/src/test/java/.../utils/UtilsTest.java testMurmur2.
TEST(PartitionerTest, Murmur2MatchesKafkasUtilsTest) {
  const std::pair<const char*, int32_t> cases[] = {
      {"21", -973932308},
      {"foobar", -790332482},
      {"a-little-bit-long-string", -985981536},
      {"a-little-bit-longer-string", -1486304829},
      {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
      {"abc", 479470107},
  };
  for (const auto& [key, java] : cases) {
    EXPECT_EQ(static_cast<int32_t>(Murmur2(key)), java) << "key \"" << key << "\"";
  }
}

TEST(PartitionerTest, KeyBytesAreNotSignExtended) {
  // Java masks every byte with 0xff; a key with bytes >= 0x80 (UTF-8
  // "ü") must hash like the same bits taken unsigned: re-derive the hash
  // of the two-byte key with the published algorithm.
  const std::string key = "\xc3\xbc";
  uint32_t h = 0x9747b28c ^ 2u;
  h ^= 0xbcu << 8;
  h ^= 0xc3u;
  h *= 0x5bd1e995;
  h ^= h >> 13;
  h *= 0x5bd1e995;
  h ^= h >> 15;
  EXPECT_EQ(Murmur2(key), h);
}

TEST(PartitionerTest, PartitionIsPositiveHashModuloCount) {
  for (const Vector& v : kLibrdkafkaVectors) {
    for (int32_t partitions : {1, 3, 4, 7, 12}) {
      EXPECT_EQ(PartitionOf(v.key, partitions),
                static_cast<int32_t>((v.murmur2 & 0x7fffffffu) %
                                     static_cast<uint32_t>(partitions)))
          << "key \"" << v.key << "\" over " << partitions;
    }
  }
  // "kafka": 0xd067cf64 & 0x7fffffff = 1348980580.
  EXPECT_EQ(PartitionOf("kafka", 7), 1348980580 % 7);
}

TEST(PartitionerTest, PipelineRoutesKeysToTheirPartitionsShard) {
  EngineConfig config;
  config.order_partitions = 7;
  config.inventory_partitions = 5;
  testing::Recorder out;
  Pipeline pipeline(config, out);
  for (const Vector& v : kLibrdkafkaVectors) {
    EXPECT_EQ(&pipeline.OrderShardFor(v.key),
              &pipeline.order_shard(PartitionOf(v.key, 7)));
    EXPECT_EQ(&pipeline.InventoryShardFor(v.key),
              &pipeline.inventory_shard(PartitionOf(v.key, 5)));
  }
}

}  // namespace
}  // namespace orderflow
