// The KafkaEnv of a real broker: librdkafka clients built from the
// configuration (kafka/kafka_client.h), steady and system clocks.
//
// The consumers are read_committed, commit nothing themselves (offsets go
// with the host's transactions), start from the earliest offset without a
// committed one, assign by range, and read ahead as kafka/consumer_prefetch.h
// says unless kafka.properties names the setting. The producer is
// idempotent and transactional, with delivery reports (without them,
// librdkafka's flush in a commit sleeps in 10 ms steps).
#ifndef ORDERFLOW_KAFKA_RDKAFKA_ENV_H_
#define ORDERFLOW_KAFKA_RDKAFKA_ENV_H_

#include <memory>

#include "absl/status/statusor.h"
#include "config/config_file.h"
#include "kafka/kafka_env.h"

namespace orderflow {

// Checks every Kafka property of `config` before anything is contacted;
// InvalidArgument naming the one librdkafka refuses. `config` is copied.
absl::StatusOr<std::unique_ptr<KafkaEnv>> NewRdKafkaEnv(const Config& config);

}  // namespace orderflow

#endif  // ORDERFLOW_KAFKA_RDKAFKA_ENV_H_
