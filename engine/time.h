// Engine time: milliseconds since the Unix epoch, as Kafka timestamps are.
//
// The engine never reads a clock of its own. Every call that can make time
// pass is handed the time, so the same inputs at the same times always give
// the same outputs.
#ifndef ORDERFLOW_ENGINE_TIME_H_
#define ORDERFLOW_ENGINE_TIME_H_

#include <cstdint>
#include <limits>
#include <string>

#include "google/protobuf/timestamp.pb.h"

namespace orderflow {

// A point in time, milliseconds since 1970-01-01T00:00:00Z.
using EpochMillis = int64_t;
// A length of time in milliseconds.
using Millis = int64_t;

inline constexpr EpochMillis kNever = std::numeric_limits<int64_t>::max();

inline constexpr Millis Seconds(int64_t n) { return n * 1000; }
inline constexpr Millis Minutes(int64_t n) { return n * 60 * 1000; }
inline constexpr Millis Hours(int64_t n) { return n * 3600 * 1000; }
inline constexpr Millis Days(int64_t n) { return n * 24 * 3600 * 1000; }

// The sane range, in one place. Times from 1970-01-01T00:00:00Z up to (not
// including) 9000-01-01T00:00:00Z are accepted from inputs; a time outside
// it is a review or schema failure. Durations of the configuration are at
// most 100 years (36500d). A time in range plus a few such durations stays
// far below year 9999, the last that RFC 3339 (and protobuf JSON) can
// print, and far from the end of int64 milliseconds.
inline constexpr EpochMillis kEarliestTime = 0;
inline constexpr EpochMillis kTimeLimit = Days(2'567'655);  // 9000-01-01
inline constexpr Millis kLongestDuration = Days(36'500);
inline constexpr bool InTimeRange(EpochMillis t) {
  return t >= kEarliestTime && t < kTimeLimit;
}
// "1970-01-01T00:00:00Z up to 9000-01-01T00:00:00Z": for messages.
inline constexpr const char* kTimeRangeText =
    "1970-01-01T00:00:00Z up to 9000-01-01T00:00:00Z";

// Protobuf timestamps in and out. Sub-millisecond digits are dropped.
// A protobuf Timestamp's two fields.
struct SecondsAndNanos {
  int64_t seconds;
  int32_t nanos;
};
// Seconds beyond what milliseconds can hold (a binary Timestamp may carry
// any) saturate instead of wrapping: far outside InTimeRange either way.
inline EpochMillis JoinMillis(SecondsAndNanos t) {
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1000 - 1;
  if (t.seconds > kMaxSeconds) return kMaxSeconds * 1000;
  if (t.seconds < -kMaxSeconds) return -kMaxSeconds * 1000;
  return t.seconds * 1000 + t.nanos / 1000000;
}
inline EpochMillis ToMillis(const google::protobuf::Timestamp& t) {
  return JoinMillis({t.seconds(), t.nanos()});
}
// The two fields for `ms`: whole seconds, rounded down (also before 1970),
// and the nanoseconds after them.
inline SecondsAndNanos SplitMillis(EpochMillis ms) {
  int64_t s = ms / 1000, rem = ms % 1000;
  if (rem < 0) { s -= 1; rem += 1000; }
  return {s, static_cast<int32_t>(rem * 1000000)};
}
inline void SetTimestamp(EpochMillis ms, google::protobuf::Timestamp* t) {
  const SecondsAndNanos split = SplitMillis(ms);
  t->set_seconds(split.seconds);
  t->set_nanos(split.nanos);
}

// A time in RFC 3339, UTC, as protobuf JSON writes a Timestamp:
// "2026-03-02T10:00:00Z", with milliseconds only when there are some
// ("2026-03-02T10:00:00.250Z"). What replay files, tail and order
// timelines print.
std::string FormatRfc3339(EpochMillis ms);

// The same to the whole second, rounded down ("2026-03-02T10:00:00Z" for
// 10:00:00.250): for messages meant for people.
std::string FormatTime(EpochMillis ms);

// Days since 1970-01-01 of a date of the (proleptic Gregorian) calendar,
// UTC; Days(DayNumber(...)) is the date's midnight. A month past 12 runs
// on into the next year.
int64_t DayNumber(int year, unsigned month, unsigned day);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_TIME_H_
