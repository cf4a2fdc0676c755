// What the host tests (host_test.cc, worklist_restore_test.cc) start
// from: a small configuration in event time that commits each round, a
// FakeKafka with every topic it needs, and records sent where the
// producers would put them.
//
//   const Config config = TestConfig();
//   FakeKafka kafka(TopicsOf(config));
//   PublishStock(config, kafka);
//   Send(config, kafka, Topic::kOrders, o.order_id(), kStart, o);
#ifndef ORDERFLOW_TESTS_HOST_HOST_SETUP_H_
#define ORDERFLOW_TESTS_HOST_HOST_SETUP_H_

#include <cstdint>
#include <map>
#include <string>

#include "config/config_file.h"
#include "engine/partitioner.h"
#include "engine/topics.h"
#include "google/protobuf/message.h"
#include "kafka/topic_names.h"
#include "kafka/topics_admin.h"
#include "tests/host/fake_kafka.h"
#include "tests/support/sample_records.h"

namespace orderflow {

// The first order's placedAt (ms); the stock comes an hour before.
inline constexpr int64_t kStart = 1772442000000;

// Two order and two inventory partitions, event time, a commit each round.
inline Config TestConfig() {
  Config config;
  config.engine.order_partitions = 2;
  config.engine.inventory_partitions = 2;
  config.kafka.event_time = true;
  config.kafka.commit_interval = 0;  // a commit each round
  return config;
}

// Every topic `config` needs: name -> partitions.
inline std::map<std::string, int> TopicsOf(const Config& config) {
  std::map<std::string, int> topics;
  for (const TopicSpec& t : RequiredTopics(config)) topics[t.name] = t.partitions;
  return topics;
}

// `m` on `topic`, keyed `key`, in the partition the key maps to.
inline void Send(const Config& config, FakeKafka& kafka, Topic topic,
                 const std::string& key, int64_t time,
                 const google::protobuf::Message& m) {
  kafka.Append(KafkaTopic(config.kafka.topic_prefix, topic),
               PartitionOf(key, PartitionCount(topic, config.engine)),
               {key, m.SerializeAsString(), time});
}

// Stock for every order, an hour before kStart.
inline void PublishStock(const Config& config, FakeKafka& kafka) {
  Send(config, kafka, Topic::kInventory, testing::kSampleSku, kStart - 3600000,
       testing::PlentyOfStock(kStart - 3600000));
}

}  // namespace orderflow

#endif  // ORDERFLOW_TESTS_HOST_HOST_SETUP_H_
