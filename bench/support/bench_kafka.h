// What the real-broker benches (bench/e2e, bench/restore) need around the
// systems they measure, with librdkafka alone and nothing of orderflow's
// host: starting and stopping a process and its CPU time, a producer that
// partitions as orderflow expects, a read_committed reader assigned at
// given offsets, a partition's high watermarks, and the orders they send.
// A bench is not a service: a setting librdkafka refuses, or a process
// that cannot start, ends the bench with a message.
#ifndef ORDERFLOW_BENCH_SUPPORT_BENCH_KAFKA_H_
#define ORDERFLOW_BENCH_SUPPORT_BENCH_KAFKA_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "librdkafka/rdkafkacpp.h"

namespace orderflow::bench {

using Settings = std::vector<std::pair<std::string, std::string>>;

int64_t NowMs();  // the wall clock

// A global configuration for `bootstrap` with `settings`.
std::unique_ptr<RdKafka::Conf> KafkaConf(const std::string& bootstrap,
                                         const Settings& settings);

// Starts `args` (args[0] found on PATH when it has no slash) with stdout
// and stderr appended to `log`.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log);
// SIGTERM, then waits for it; returns its exit status as waitpid gives it.
int Stop(pid_t pid);
// CPU time (user + system, all threads) the process has used so far, from
// /proc/PID/stat; -1 when it cannot be read.
double CpuSeconds(pid_t pid);

// An OrderPlaced of two lines over `skus` SKUs placed at `placed_ms`,
// STANDARD (its first deadline, ship-by at risk, is 44 hours later),
// protobuf binary. `n` picks its customer, SKUs and quantities.
std::string OrderBytes(const std::string& id, int64_t placed_ms, int n,
                       int skus = 1000);

class Producer {
 public:
  // Idempotent, keyed records partitioned by Kafka's default partitioner
  // (murmur2), as orderflow's own producers and its partitioner are;
  // `settings` add to that (batching, compression).
  explicit Producer(const std::string& bootstrap, const Settings& settings = {});
  // `ts` 0: the time of sending.
  void Send(const std::string& topic, const std::string& key,
            const std::string& value, int64_t ts = 0);
  void Poll(int timeout_ms) { p_->poll(timeout_ms); }
  // Waits until everything sent is acknowledged; false if not within a
  // minute.
  bool Flush();

 private:
  std::string error_;
  std::unique_ptr<RdKafka::Producer> p_;
};

// Reads `topic` with read_committed from `offsets` (one per partition;
// RdKafka::Topic::OFFSET_BEGINNING for the start).
class Reader {
 public:
  Reader(const std::string& bootstrap, const std::string& topic,
         const std::vector<int64_t>& offsets, const Settings& settings = {});
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

}  // namespace orderflow::bench

#endif  // ORDERFLOW_BENCH_SUPPORT_BENCH_KAFKA_H_
