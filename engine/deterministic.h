// Protobuf binary with deterministic serialization (map entries in key
// order): the same message gives the same bytes in every process. What
// fingerprints are taken of and what tests and digests compare.
#ifndef ORDERFLOW_ENGINE_DETERMINISTIC_H_
#define ORDERFLOW_ENGINE_DETERMINISTIC_H_

#include <string>

#include "google/protobuf/message_lite.h"

namespace orderflow {

// Appends m's deterministic serialization to `out`.
void AppendDeterministic(const google::protobuf::MessageLite& m, std::string& out);
// m's deterministic serialization.
std::string Deterministic(const google::protobuf::MessageLite& m);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_DETERMINISTIC_H_
