// Records at and around Kafka's size limits, on a real broker
// (tests/integration/with_broker.sh gives its address in
// ORDERFLOW_TEST_BOOTSTRAP): values that do not decode, just below, at
// and just above librdkafka's default message.max.bytes (1,000,000) and
// the broker's (1,048,588), among good orders. The input topics take up to
// 1,200,000 bytes a record, so each of them can be published; the host's
// producer keeps librdkafka's defaults.
//
// Each becomes a dead letter that fits (a bounded prefix, the original
// size, the SHA-256 of the original), the orders around them are accepted,
// commits go on, and the host stops promptly. Before the dead letter was
// bounded, the first one copied the whole value, the producer refused it,
// and the host aborted and rewound the same transaction forever.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "consumers/kafka_host.h"
#include "engine/dead_letter.h"
#include "engine/partitioner.h"
#include "engine/sha256.h"
#include "engine/text.h"
#include "engine/topics.h"
#include "gtest/gtest.h"
#include "kafka/kafka_client.h"
#include "kafka/kafka_io.h"
#include "kafka/topic_names.h"
#include "kafka/topics_admin.h"
#include "observe/live_metrics.h"
#include "orderflow/v1/orderflow.pb.h"
#include "tests/support/sample_records.h"
#include "tests/support/test_producers.h"

namespace orderflow {
namespace {

constexpr int64_t kStart = 1772442000000;  // ms
constexpr char kTopicLimit[] = "1200000";

// Sizes of the values that do not decode.
const std::vector<size_t> kGarbageSizes = {
    999'950,    // the record first seen to stall the host
    999'999,   1'000'000, 1'000'001,  // librdkafka's message.max.bytes
    1'048'500, 1'048'588, 1'048'700,  // the broker's message.max.bytes
};
constexpr int kOrders = 30;

class LargeRecords : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bootstrap = std::getenv("ORDERFLOW_TEST_BOOTSTRAP");
    ASSERT_NE(bootstrap, nullptr) << "run through tests/integration/with_broker.sh";
    config_.kafka.bootstrap_servers = bootstrap;
    config_.kafka.topic_prefix = "large";
    config_.kafka.group_prefix = "large";
    config_.kafka.event_time = true;
    config_.engine.order_partitions = 2;
    config_.engine.inventory_partitions = 1;
    config_.kafka.topic_configs = {{"retention.ms", "-1"},
                                   {"max.message.bytes", kTopicLimit}};
    std::string report;
    const absl::Status created = CreateTopics(config_, &report);
    ASSERT_TRUE(created.ok()) << created;
  }

  // Stock, then orders with a value that does not decode after every
  // few, each keyed and partitioned as the engine expects.
  void Publish() {
    Config writer_config = config_;
    writer_config.kafka.properties["message.max.bytes"] = kTopicLimit;
    std::unique_ptr<RdKafka::Producer> p = testing::KeyedProducer(writer_config.kafka);
    ASSERT_TRUE(p);
    auto send = [&](Topic topic, const std::string& key, const std::string& value,
                    int64_t time) {
      testing::ProduceKeyed(*p, config_, topic, key, value, time);
    };
    send(Topic::kInventory, testing::kSampleSku,
         testing::PlentyOfStock(kStart - 3600000).SerializeAsString(), kStart - 3600000);
    size_t garbage = 0;
    for (int i = 0; i < kOrders; ++i) {
      const v1::OrderPlaced o = testing::OneLineOrder(Cat("O-", i), kStart + i * 1000);
      send(Topic::kOrders, o.order_id(), o.SerializeAsString(), kStart + i * 1000);
      if (i % 4 == 1 && garbage < kGarbageSizes.size()) {
        const std::string key = Cat("O-large-", garbage);
        originals_[key] = std::string(kGarbageSizes[garbage], static_cast<char>(0x9c + garbage));
        send(Topic::kOrders, key, originals_[key], kStart + i * 1000 + 500);
        ++garbage;
      }
    }
    ASSERT_EQ(garbage, kGarbageSizes.size());
    ASSERT_EQ(p->flush(60000), RdKafka::ERR_NO_ERROR);
  }

  Config config_;
  std::map<std::string, std::string> originals_;  // by key
};

TEST_F(LargeRecords, EachBecomesADeadLetterThatFitsAndTheRestGoesOn) {
  Publish();
  MetricsBoard board;
  std::ostringstream log;
  HostOptions options;
  options.log = &log;
  absl::StatusOr<std::unique_ptr<KafkaHost>> host =
      KafkaHost::Create(config_, &board, nullptr, options);
  ASSERT_TRUE(host.ok()) << host.status();
  std::atomic<bool> stop{false};
  absl::Status ran;
  std::thread runner([&] { ran = (*host)->Run(stop); });
  // Every order accepted and every large value dead-lettered, committed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  int64_t dead_letters = 0;
  int64_t accepted = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto latest = board.Latest()) {
      dead_letters = 0;
      for (const auto& [reason, n] : latest->host.dead_letters) dead_letters += n;
      accepted = latest->metrics.metrics.accepted;
      if (dead_letters >= static_cast<int64_t>(kGarbageSizes.size()) &&
          accepted >= kOrders) {
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const auto stop_asked = std::chrono::steady_clock::now();
  stop = true;
  runner.join();
  const auto stop_took = std::chrono::steady_clock::now() - stop_asked;
  EXPECT_TRUE(ran.ok()) << ran;
  EXPECT_EQ(dead_letters, static_cast<int64_t>(kGarbageSizes.size())) << log.str();
  EXPECT_EQ(accepted, kOrders) << log.str();
  EXPECT_LT(stop_took, std::chrono::seconds(10));
  EXPECT_LE((*host)->counters().aborts, 0) << log.str();

  // The dead letters as committed on Kafka.
  std::map<std::string, v1::DeadLetter> found;
  absl::StatusOr<ReadToEndStats> read = ReadTopicsToEnd(
      config_, {Topic::kDeadLetter}, [&](Topic, const RdKafka::Message& m) {
        v1::DeadLetter d;
        ASSERT_TRUE(d.ParseFromArray(m.payload(), static_cast<int>(m.len())));
        EXPECT_LT(m.len() + m.key_len(), size_t{1'000'000});
        found[d.key()] = d;
      });
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(found.size(), originals_.size());
  for (const auto& [key, original] : originals_) {
    const v1::DeadLetter& d = found[key];
    EXPECT_EQ(d.reason(), "UNDECODABLE") << key;
    EXPECT_TRUE(d.truncated()) << key;
    EXPECT_EQ(d.payload(), original.substr(0, kDeadLetterMaxPayload)) << key;
    EXPECT_EQ(d.original_payload_size(), static_cast<int64_t>(original.size()));
    EXPECT_EQ(d.payload_sha256(), Sha256Hex(original)) << key;
  }
}

}  // namespace
}  // namespace orderflow
