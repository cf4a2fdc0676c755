// One line of a replay file (docs/contract.md, "Replay format"):
//
//   {"topic":"orders","key":"O-1","timestamp":"2026-03-02T10:00:00Z","value":{...}}
//   {"clock":"2026-03-05T00:00:00Z"}
//
// A record's `timestamp` may be left out: the record is then applied at
// the engine clock as it stands. `key` may be left out: the id in the
// value is the key.
#ifndef ORDERFLOW_REPLAY_REPLAY_LINE_H_
#define ORDERFLOW_REPLAY_REPLAY_LINE_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/input_record.h"
#include "engine/time.h"
#include "engine/topics.h"
#include "google/protobuf/message.h"

namespace orderflow {

struct ReplayLine {
  enum class Kind { kRecord, kClock };
  Kind kind = Kind::kRecord;
  // kClock: the time to move to. kRecord: the record's time, if given.
  std::optional<EpochMillis> time;
  // kRecord only: the record's key and its decoded value (a public input
  // topic's message).
  std::string key;
  InputRecord record;
};

// Why a line cannot be used. `reason` is a DeadLetter reason code.
struct LineError {
  // kMalformedJson, kUnknownTopic or kInvalidValue (engine/input_record.h).
  std::string reason;
  std::string detail;
  std::string topic;  // the topic named on the line, if any
  std::string key;
};

// Parses one non-blank line. On failure returns nullopt and fills `error`.
std::optional<ReplayLine> ParseReplayLine(std::string_view line,
                                          LineError* error);

// One record in the envelope, without the newline:
// {"topic":"orders","key":"O-1","timestamp":"...","value":{...}}
std::string EnvelopeLine(std::string_view topic, std::string_view key,
                         EpochMillis time,
                         const google::protobuf::Message& value);

// A timestamp in RFC 3339 ("2026-03-02T10:00:00Z"), as in protobuf JSON;
// nullopt outside the sane range (InTimeRange, engine/time.h).
// FormatRfc3339 (engine/time.h) writes it.
std::optional<EpochMillis> ParseTime(std::string_view text);

}  // namespace orderflow

#endif  // ORDERFLOW_REPLAY_REPLAY_LINE_H_
