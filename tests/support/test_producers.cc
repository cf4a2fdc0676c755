#include "tests/support/test_producers.h"

#include "engine/partitioner.h"
#include "gtest/gtest.h"
#include "kafka/kafka_client.h"
#include "kafka/topic_names.h"

namespace orderflow::testing {
namespace {

std::unique_ptr<RdKafka::Producer> MakeProducer(
    const KafkaSettings& kafka, const std::map<std::string, std::string>& role) {
  auto conf = MakeKafkaConf(kafka, role);
  EXPECT_TRUE(conf.ok()) << conf.status();
  if (!conf.ok()) return nullptr;
  std::string error;
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf->get(), error));
  EXPECT_TRUE(p) << error;
  return p;
}

}  // namespace

std::unique_ptr<RdKafka::Producer> KeyedProducer(const KafkaSettings& kafka) {
  return MakeProducer(kafka, {{"partitioner", "murmur2_random"}});
}

void ProduceKeyed(RdKafka::Producer& producer, const Config& config, Topic topic,
                  const std::string& key, const std::string& value, int64_t time) {
  const std::string name = KafkaTopic(config.kafka.topic_prefix, topic);
  const int32_t partition = PartitionOf(key, PartitionCount(topic, config.engine));
  ASSERT_EQ(producer.produce(name, partition, RdKafka::Producer::RK_MSG_COPY,
                             const_cast<char*>(value.data()), value.size(),
                             key.data(), key.size(), time, nullptr),
            RdKafka::ERR_NO_ERROR);
}

std::unique_ptr<RdKafka::Producer> TransactionalProducer(
    const KafkaSettings& kafka, const std::string& transactional_id) {
  std::unique_ptr<RdKafka::Producer> p =
      MakeProducer(kafka, {{"transactional.id", transactional_id}});
  if (p == nullptr) return nullptr;
  ErrorPtr e(p->init_transactions(30000));
  EXPECT_FALSE(e) << e->str();
  return p;
}

}  // namespace orderflow::testing
