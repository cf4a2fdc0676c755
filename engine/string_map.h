// Hash maps keyed by strings that can be looked up with a std::string_view
// without building a std::string.
#ifndef ORDERFLOW_ENGINE_STRING_MAP_H_
#define ORDERFLOW_ENGINE_STRING_MAP_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace orderflow {

struct StringKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return absl::Hash<std::string_view>{}(s);
  }
};
struct StringKeyEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    return a == b;
  }
};

// Owns its keys.
template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringKeyHash, StringKeyEq>;
// Keys are views of strings that the owner keeps alive and unmoved.
template <typename V>
using StringViewMap =
    absl::flat_hash_map<std::string_view, V, StringKeyHash, StringKeyEq>;

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_STRING_MAP_H_
