// Where an input record came from: enough to dead-letter it faithfully.
#ifndef ORDERFLOW_ENGINE_RECORD_H_
#define ORDERFLOW_ENGINE_RECORD_H_

#include <cstdint>
#include <string_view>

#include "engine/time.h"

namespace orderflow {

struct RecordSource {
  std::string_view topic;   // short name in replay, full name on Kafka
  int32_t partition = 0;
  int64_t offset = 0;       // replay: the input line number
  std::string_view key;
  std::string_view payload;  // the value's original bytes
  EpochMillis timestamp = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_RECORD_H_
