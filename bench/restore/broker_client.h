// The restore bench's own Kafka client pieces (librdkafka, nothing of
// orderflow's host): a producer that partitions as orderflow expects, a
// read_committed reader assigned at given offsets, and a way to ask a
// partition's offsets; plus starting and stopping a process by its pid.
#ifndef ORDERFLOW_BENCH_RESTORE_BROKER_CLIENT_H_
#define ORDERFLOW_BENCH_RESTORE_BROKER_CLIENT_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "librdkafka/rdkafkacpp.h"

namespace orderflow::bench {

using Settings = std::vector<std::pair<std::string, std::string>>;

// A global configuration for `bootstrap` with `settings`; exits on a
// setting librdkafka refuses (a bench, not a service).
std::unique_ptr<RdKafka::Conf> KafkaConf(const std::string& bootstrap,
                                         const Settings& settings);

class Producer {
 public:
  explicit Producer(const std::string& bootstrap);
  // Keyed by `key`, partitioned by Kafka's default partitioner (murmur2),
  // as orderflow's own producers and its partitioner are.
  void Send(const std::string& topic, const std::string& key,
            const std::string& value);
  // Waits until everything sent is acknowledged; false if not within a
  // minute.
  bool Flush();

 private:
  std::string error_;
  std::unique_ptr<RdKafka::Producer> p_;
};

// Reads `topic` with read_committed, from `offsets` (one per partition).
class Reader {
 public:
  Reader(const std::string& bootstrap, const std::string& topic,
         const std::vector<int64_t>& offsets);
  ~Reader();
  // The next record, or null after `timeout_ms`.
  std::unique_ptr<RdKafka::Message> Next(int timeout_ms);

 private:
  std::string error_;
  std::unique_ptr<RdKafka::KafkaConsumer> c_;
};

// The high watermark of each of `partitions` partitions of `topic`
// (read_uncommitted: every record written, markers included).
std::vector<int64_t> HighWatermarks(const std::string& bootstrap,
                                    const std::string& topic, int partitions);

// Starts `args` with stdout and stderr appended to `log`.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log);
// SIGTERM, then waits for it; returns its exit status as waitpid gives it.
int Stop(pid_t pid);

}  // namespace orderflow::bench

#endif  // ORDERFLOW_BENCH_RESTORE_BROKER_CLIENT_H_
