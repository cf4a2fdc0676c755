// What the end-to-end bench measures beyond bench/support's pieces: what
// each system wrote to Kafka, and percentiles.
#ifndef ORDERFLOW_BENCH_E2E_WRITTEN_H_
#define ORDERFLOW_BENCH_E2E_WRITTEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/support/bench_kafka.h"

namespace orderflow::bench {

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

#endif  // ORDERFLOW_BENCH_E2E_WRITTEN_H_
