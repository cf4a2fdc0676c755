// UTF-8 checks for text that arrives as bytes (Kafka keys, URL paths) and
// must become a JSON or protobuf string, both of which must be valid UTF-8.
#ifndef ORDERFLOW_ENGINE_UTF8_H_
#define ORDERFLOW_ENGINE_UTF8_H_

#include <string>
#include <string_view>

namespace orderflow {

// True for well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// `bytes` itself when valid; otherwise each byte that does not start a
// well-formed sequence is replaced by U+FFFD, so that a reader sees where
// the bad bytes were. Valid input gives the same bytes back.
std::string ValidUtf8(std::string_view bytes);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_UTF8_H_
