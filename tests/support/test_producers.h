// Producers of the tests that run on a real broker: one that writes each
// record where the engine reads its key from, and a transactional one.
// A producer that cannot be made is a test failure and null.
#ifndef ORDERFLOW_TESTS_SUPPORT_TEST_PRODUCERS_H_
#define ORDERFLOW_TESTS_SUPPORT_TEST_PRODUCERS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "config/config_file.h"
#include "engine/topics.h"
#include "librdkafka/rdkafkacpp.h"

namespace orderflow::testing {

// A producer with `kafka`'s settings that partitions as the engine does
// (murmur2); give its records to ProduceKeyed.
std::unique_ptr<RdKafka::Producer> KeyedProducer(const KafkaSettings& kafka);

// `value`, keyed `key` with timestamp `time`, to `topic` (named with
// `config`'s prefix) in the partition of `key` among the topic's
// partitions under `config.engine`. Not delivered until flushed.
void ProduceKeyed(RdKafka::Producer& producer, const Config& config, Topic topic,
                  const std::string& key, const std::string& value, int64_t time);

// A producer with `kafka`'s settings and `transactional_id`, its
// transactions initialised.
std::unique_ptr<RdKafka::Producer> TransactionalProducer(
    const KafkaSettings& kafka, const std::string& transactional_id);

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_SUPPORT_TEST_PRODUCERS_H_
