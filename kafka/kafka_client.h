// Building librdkafka clients from orderflow's configuration.
//
// Every client gets bootstrap.servers and the `kafka.properties` of the
// configuration (so TLS, SASL and any tuning work without code changes),
// then the settings its role needs; a property librdkafka refuses is an
// error naming it.
#ifndef ORDERFLOW_KAFKA_KAFKA_CLIENT_H_
#define ORDERFLOW_KAFKA_KAFKA_CLIENT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

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

// One partition of a topic, by its Kafka name.
struct TopicPartitionName {
  std::string topic;
  int32_t partition = 0;
};
// Where a partition begins and ends now.
struct PartitionEnds {
  int64_t low = 0;
  int64_t high = 0;  // the high watermark: the offset after its last record
};

// The ends of `partitions` (in their order), asked by an idle
// read_uncommitted client of group `group_id`. For a read_committed reader
// that reads to these ends, what any transaction committed before the
// call is in: the last stable offset (what a read_committed client is
// told) stays short of a transaction whose commit has returned until the
// coordinator has written its markers. A record of a transaction still
// open is below the end too, so such a reader waits for that transaction
// to end; it has to give up at some point (see ReadTopicsToEnd, tail).
// A partition that has no leader yet (a broker just come back) is asked
// again for up to 30 s; then Unavailable naming it.
absl::StatusOr<std::vector<PartitionEnds>> HighWatermarks(
    const KafkaSettings& settings, const std::string& group_id,
    const std::vector<TopicPartitionName>& partitions);

// How many partitions `topic` has, asked of the cluster `client` is
// connected to with up to `timeout_ms`; 0 when it is not there or the
// cluster did not answer (then `*code`, when given, says why; otherwise it
// is ERR_NO_ERROR).
int TopicPartitionCount(RdKafka::Handle& client, const std::string& topic,
                        int timeout_ms, RdKafka::ErrorCode* code = nullptr);

// Owns the error object a librdkafka call returns (null: no error).
struct ErrorDeleter {
  void operator()(RdKafka::Error* e) const { delete e; }
};
using ErrorPtr = std::unique_ptr<RdKafka::Error, ErrorDeleter>;

// "Local: Broker transport failure (-195)": a librdkafka error for people.
std::string Describe(RdKafka::ErrorCode code);

}  // namespace orderflow

#endif  // ORDERFLOW_KAFKA_KAFKA_CLIENT_H_
