// consumers/produce_batches.h on librdkafka's mock cluster: what is
// gathered arrives, per partition in the order it was added (tombstones
// too), also when librdkafka's queue has room for only a few records at a
// time; nothing gathered before Clear is ever produced.
#include "consumers/produce_batches.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/mock_cluster.h"

namespace orderflow {
namespace {

constexpr char kTopic[] = "batches";

using Record = std::pair<std::string, std::optional<std::string>>;

// Every record of each partition, in offset order.
std::map<int, std::vector<Record>> ReadAll(const MockCluster& mock,
                                           int partitions, size_t expected) {
  rd_kafka_t* consumer = mock.NewClient(
      RD_KAFKA_CONSUMER, {{"group.id", "reader"}, {"enable.auto.commit", "false"}});
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, kTopic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  EXPECT_EQ(rd_kafka_assign(consumer, list), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(list);
  std::map<int, std::vector<Record>> read;
  size_t n = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (n < expected && std::chrono::steady_clock::now() < give_up) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ADD_FAILURE() << rd_kafka_message_errstr(m);
    } else {
      std::optional<std::string> value;
      if (m->payload != nullptr) value.emplace(static_cast<const char*>(m->payload), m->len);
      read[m->partition].emplace_back(
          std::string(static_cast<const char*>(m->key), m->key_len), std::move(value));
      ++n;
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  return read;
}

// Element by element, so that a failure names the first record that
// differs.
void ExpectSame(const std::vector<Record>& actual, const std::vector<Record>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_EQ(actual[i], expected[i]) << "record " << i;
  }
}

class ProduceBatchesTest : public ::testing::Test {
 protected:
  void SetUp() override { mock_.CreateTopic(kTopic, 3); }
  // A producer whose queue holds at most `queue` records.
  void StartProducer(int queue) {
    producer_ = mock_.NewClient(
        RD_KAFKA_PRODUCER,
        {{"queue.buffering.max.messages", std::to_string(queue)}, {"linger.ms", "1"}});
    topic_ = rd_kafka_topic_new(producer_, kTopic, nullptr);
    // The partitions are known before anything is sent, as the host makes
    // sure of for every topic it writes (MakeProducerTopics).
    const rd_kafka_metadata_t* metadata = nullptr;
    ASSERT_EQ(rd_kafka_metadata(producer_, 0, topic_, &metadata, 5000),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_metadata_destroy(metadata);
  }
  void TearDown() override {
    if (topic_ != nullptr) rd_kafka_topic_destroy(topic_);
    if (producer_ != nullptr) {
      rd_kafka_flush(producer_, 10000);
      rd_kafka_destroy(producer_);
    }
  }
  void Flush() { ASSERT_EQ(rd_kafka_flush(producer_, 10000), RD_KAFKA_RESP_ERR_NO_ERROR); }

  MockCluster mock_;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_topic_t* topic_ = nullptr;
};

TEST_F(ProduceBatchesTest, EachPartitionGetsItsRecordsInTheOrderAdded) {
  StartProducer(100000);
  ProduceBatches batches;
  std::map<int, std::vector<Record>> expected;
  for (int i = 0; i < 300; ++i) {
    const int partition = (i * 7) % 3;
    const std::string key = "K-" + std::to_string(i);
    std::optional<std::string> value;
    if (i % 10 != 3) value = "value " + std::to_string(i) + std::string(i % 50, 'x');
    batches.Add(topic_, partition, key, value);
    expected[partition].emplace_back(key, value);
  }
  EXPECT_EQ(batches.pending(), 300u);
  std::string error;
  ASSERT_TRUE(batches.Send(producer_, &error)) << error;
  EXPECT_EQ(batches.pending(), 0u);
  // A second round reuses the batches' memory and follows the first.
  batches.Add(topic_, 1, "after", std::string("the first round"));
  expected[1].emplace_back("after", "the first round");
  ASSERT_TRUE(batches.Send(producer_, &error)) << error;
  Flush();
  std::map<int, std::vector<Record>> read = ReadAll(mock_, 3, 301);
  for (int p = 0; p < 3; ++p) ExpectSame(read[p], expected[p]);
}

TEST_F(ProduceBatchesTest, AFullQueueIsWaitedForInOrder) {
  StartProducer(10);  // room for ten records at a time
  ProduceBatches batches;
  std::vector<Record> expected;
  for (int i = 0; i < 500; ++i) {
    const std::string key = "K-" + std::to_string(i);
    batches.Add(topic_, 2, key, key);
    expected.emplace_back(key, key);
  }
  std::string error;
  ASSERT_TRUE(batches.Send(producer_, &error)) << error;
  Flush();
  ExpectSame(ReadAll(mock_, 3, 500)[2], expected);
}

TEST_F(ProduceBatchesTest, ClearedRecordsAreNeverProduced) {
  StartProducer(100000);
  ProduceBatches batches;
  batches.Add(topic_, 0, "dropped", std::string("aborted"));
  batches.Clear();
  EXPECT_EQ(batches.pending(), 0u);
  batches.Add(topic_, 0, "kept", std::string("committed"));
  std::string error;
  ASSERT_TRUE(batches.Send(producer_, &error)) << error;
  Flush();
  const std::vector<Record> expected = {{"kept", "committed"}};
  ExpectSame(ReadAll(mock_, 3, 1)[0], expected);
}

TEST_F(ProduceBatchesTest, AnUnknownPartitionFailsTheSend) {
  StartProducer(100000);
  ProduceBatches batches;
  batches.Add(topic_, 7, "nowhere", std::string("x"));
  std::string error;
  EXPECT_FALSE(batches.Send(producer_, &error));
  EXPECT_NE(error.find(kTopic), std::string::npos) << error;
}

}  // namespace
}  // namespace orderflow
