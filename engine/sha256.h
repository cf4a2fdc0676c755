// SHA-256 of bytes, as lower-case hex: what `sha256sum` prints, so that an
// operator can check a dead letter's digest against the original record.
#ifndef ORDERFLOW_ENGINE_SHA256_H_
#define ORDERFLOW_ENGINE_SHA256_H_

#include <string>
#include <string_view>

namespace orderflow {

// 64 hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_SHA256_H_
