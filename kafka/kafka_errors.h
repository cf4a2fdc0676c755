// How the host tells the seam's errors apart (kafka/kafka_env.h):
// retriable, abortable, or fatal for the producer.
#ifndef ORDERFLOW_KAFKA_KAFKA_ERRORS_H_
#define ORDERFLOW_KAFKA_KAFKA_ERRORS_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/cord.h"

namespace orderflow {

inline constexpr char kAbortablePayload[] = "orderflow/abortable";
inline constexpr char kRefusedPayload[] = "orderflow/refused";

// The same call may succeed if made again.
inline bool IsRetriable(const absl::Status& s) { return absl::IsUnavailable(s); }

// The transaction must be aborted; the producer goes on. A retriable
// error can be abortable too, once its retries have run out.
inline bool IsAbortable(const absl::Status& s) {
  return absl::IsAborted(s) || s.GetPayload(kAbortablePayload).has_value();
}

// The status's message as a std::string_view (absl's may be its own type).
inline std::string_view MessageOf(const absl::Status& s) {
  return std::string_view(s.message().data(), s.message().size());
}

inline void MarkAbortable(absl::Status& s) {
  s.SetPayload(kAbortablePayload, absl::Cord("1"));
}

// The producer or the broker refused a record for what it is (too large,
// invalid), not for the state of the cluster: the same record will be
// refused again however often it is produced (consumers/poison_records.h).
inline bool IsRefused(const absl::Status& s) {
  return s.GetPayload(kRefusedPayload).has_value();
}

inline void MarkRefused(absl::Status& s) {
  s.SetPayload(kRefusedPayload, absl::Cord("1"));
}

}  // namespace orderflow

#endif  // ORDERFLOW_KAFKA_KAFKA_ERRORS_H_
