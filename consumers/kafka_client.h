// Building librdkafka clients from orderflow's configuration.
//
// Every client gets bootstrap.servers and the `kafka.properties` of the
// configuration (so TLS, SASL and any tuning work without code changes),
// then the settings its role needs; a property librdkafka refuses is an
// error naming it.
#ifndef ORDERFLOW_CONSUMERS_KAFKA_CLIENT_H_
#define ORDERFLOW_CONSUMERS_KAFKA_CLIENT_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/config_file.h"
#include "librdkafka/rdkafkacpp.h"

namespace orderflow {

// A global configuration: the common settings, then `role_settings`
// (which win over the user's properties only where exactly-once or the
// host's design depends on them).
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(
    const KafkaSettings& settings,
    const std::map<std::string, std::string>& role_settings);

// A consumer of MakeKafkaConf(settings, role_settings); InvalidArgument
// with librdkafka's message when it refuses.
absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> MakeKafkaConsumer(
    const KafkaSettings& settings,
    const std::map<std::string, std::string>& role_settings);

// Owns the error object a librdkafka call returns (null: no error).
struct ErrorDeleter {
  void operator()(RdKafka::Error* e) const { delete e; }
};
using ErrorPtr = std::unique_ptr<RdKafka::Error, ErrorDeleter>;

// "Local: Broker transport failure (-195)": a librdkafka error for people.
std::string Describe(RdKafka::ErrorCode code);

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_KAFKA_CLIENT_H_
