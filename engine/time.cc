#include "engine/time.h"

#include "absl/time/time.h"

namespace orderflow {

std::string FormatTime(EpochMillis ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(ms),
                          absl::UTCTimeZone());
}

}  // namespace orderflow
