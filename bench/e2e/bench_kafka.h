// What the end-to-end bench needs around the systems it measures: starting
// and stopping them, their CPU time, a producer of orders and a
// read_committed reader of their outputs, and what they wrote to Kafka.
#ifndef ORDERFLOW_BENCH_E2E_BENCH_KAFKA_H_
#define ORDERFLOW_BENCH_E2E_BENCH_KAFKA_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "librdkafka/rdkafkacpp.h"

namespace orderflow::bench {

int64_t NowMs();  // the wall clock

// A librdkafka configuration with `settings`; exits naming a refused one.
std::unique_ptr<RdKafka::Conf> Conf(
    const std::string& bootstrap,
    const std::vector<std::pair<std::string, std::string>>& settings);

// Starts `args` (args[0] found on PATH when it has no slash) with stdout
// and stderr appended to `log`; exits when it cannot.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log);
// SIGTERM, then waits for it.
void Stop(pid_t pid);
// CPU time (user + system, all threads) the process has used so far, from
// /proc/PID/stat; -1 when it cannot be read.
double CpuSeconds(pid_t pid);

// An OrderPlaced of two lines over 1,000 SKUs, protobuf binary.
std::string OrderBytes(const std::string& id, int64_t now_ms, int n);

class Producer {
 public:
  explicit Producer(const std::string& bootstrap);
  void Send(const std::string& topic, const std::string& key,
            const std::string& value, int64_t ts);
  void Flush() { p_->flush(60000); }
  void Poll(int timeout_ms) { p_->poll(timeout_ms); }

 private:
  std::string error_;
  std::unique_ptr<RdKafka::Producer> p_;
};

// Reads a topic with read_committed from the beginning.
class Reader {
 public:
  Reader(const std::string& bootstrap, const std::string& topic, int partitions);
  ~Reader() { c_->close(); }
  // The next record, or null after `timeout_ms`.
  std::unique_ptr<RdKafka::Message> Next(int timeout_ms);

 private:
  std::string error_;
  std::unique_ptr<RdKafka::KafkaConsumer> c_;
};

// What a system wrote to the topics whose names begin with `prefix`, but
// those in `inputs`: log offsets (its records plus one transaction marker
// per partition per transaction: both are written to the log) and, when
// `log_dirs` (the broker's log.dirs) is not empty, the bytes of their
// segment files (batches as stored: headers and compression included).
struct Written {
  int64_t offsets = 0;
  int64_t bytes = -1;  // -1: not known
  int64_t public_offsets = 0;  // of those, in `public_outputs`
};
Written WrittenTo(const std::string& bootstrap, const std::string& prefix,
                  const std::vector<std::string>& inputs,
                  const std::vector<std::string>& public_outputs,
                  const std::string& log_dirs);

double Percentile(std::vector<int64_t> v, double q);

}  // namespace orderflow::bench

#endif  // ORDERFLOW_BENCH_E2E_BENCH_KAFKA_H_
