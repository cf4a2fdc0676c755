// Protobuf messages as JSON (the protobuf JSON mapping), for replay files,
// `publish` and `tail`.
//
// Decoding is forgiving where integrators expect it to be: an enum value
// may be written without its enum's prefix ("EXPRESS" for
// SERVICE_LEVEL_EXPRESS). Unknown fields are an error, named.
#ifndef ORDERFLOW_REPLAY_JSON_CODEC_H_
#define ORDERFLOW_REPLAY_JSON_CODEC_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"

namespace orderflow {

// Fills `out` (cleared first) from `value`, which must be a JSON object.
// The error message says which field is at fault and why.
absl::Status DecodeJson(const nlohmann::json& value,
                        google::protobuf::Message* out);

// Compact JSON, lowerCamelCase names, enums by name: same message, same
// bytes.
std::string EncodeJson(const google::protobuf::Message& message);

}  // namespace orderflow

#endif  // ORDERFLOW_REPLAY_JSON_CODEC_H_
