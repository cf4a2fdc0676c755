// String building for messages. std::string_view throughout: Debian's
// Abseil has its own string_view type, so absl::StrCat does not take ours.
#ifndef ORDERFLOW_ENGINE_TEXT_H_
#define ORDERFLOW_ENGINE_TEXT_H_

#include <concepts>
#include <string>
#include <string_view>

namespace orderflow {

namespace text_internal {
inline void Append(std::string& s, std::string_view v) { s.append(v); }
template <std::integral T>
void Append(std::string& s, T v) {
  s.append(std::to_string(v));
}
}  // namespace text_internal

// Cat("order ", id, " has ", 3, " lines")
template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string s;
  (text_internal::Append(s, pieces), ...);
  return s;
}

// Join({"a", "b"}, ", ") == "a, b"
template <typename Range>
std::string Join(const Range& parts, std::string_view separator) {
  std::string s;
  bool first = true;
  for (const auto& part : parts) {
    if (!first) s.append(separator);
    s.append(std::string_view(part));
    first = false;
  }
  return s;
}

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_TEXT_H_
