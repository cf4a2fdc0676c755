// Protobuf messages as JSON (the protobuf JSON mapping), for replay files,
// `publish` and `tail`.
//
// Decoding is forgiving where integrators expect it to be: an enum value
// may be written without its enum's prefix ("EXPRESS" for
// SERVICE_LEVEL_EXPRESS). Unknown fields are an error, named.
#ifndef ORDERFLOW_REPLAY_JSON_CODEC_H_
#define ORDERFLOW_REPLAY_JSON_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"

namespace orderflow {

// The deepest nesting of arrays and objects accepted in a JSON text.
// Parsing, printing and decoding a value recurse once per level, so a line
// of a few hundred kilobytes of '[' would exhaust the stack; no message of
// the contract nests deeper than a few levels.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` as one JSON value. Nullopt, with `why` saying so ("not
// valid JSON", or "nested deeper than 64 levels of arrays and objects"),
// when it is not one or nests deeper than kMaxJsonDepth: the depth is
// checked before anything recursive runs.
std::optional<nlohmann::json> ParseJsonText(std::string_view text,
                                            std::string* why);

// Fills `out` (cleared first) from `value`, which must be a JSON object.
// The error message says which field is at fault and why.
absl::Status DecodeJson(const nlohmann::json& value,
                        google::protobuf::Message* out);

// `bytes` as a JSON string: valid UTF-8 as is (the same bytes as
// nlohmann::json(bytes).dump()), otherwise with each bad byte shown as
// U+FFFD, so that any key read from Kafka can be printed.
std::string JsonString(std::string_view bytes);

// The key fields of a record's JSON envelope: "key":"..." and, only for a
// key that is not valid UTF-8, ,"keyBytes":"<base64 of the bytes>".
std::string JsonKeyFields(std::string_view key);

// Compact JSON, lowerCamelCase names, enums by name: same message, same
// bytes. A message protobuf cannot print (a timestamp outside years
// 1-9999) gives {"unprintable":"<why>"}, never a truncated text; the
// engine's range checks keep such times out of its outputs.
std::string EncodeJson(const google::protobuf::Message& message);

}  // namespace orderflow

#endif  // ORDERFLOW_REPLAY_JSON_CODEC_H_
