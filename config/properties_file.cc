#include "config/properties_file.h"

#include <fstream>
#include <sstream>

#include "engine/text.h"

namespace orderflow {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const size_t last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseProperties(
    std::string_view text, const std::string& file_name) {
  std::map<std::string, std::string> properties;
  int line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line =
        Trim(text.substr(0, end == std::string_view::npos ? text.size() : end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || Trim(line.substr(0, eq)).empty()) {
      return absl::InvalidArgumentError(
          Cat(file_name, ":", line_number, ": expected key=value"));
    }
    properties[std::string(Trim(line.substr(0, eq)))] =
        std::string(Trim(line.substr(eq + 1)));
  }
  return properties;
}

absl::StatusOr<std::map<std::string, std::string>> ReadPropertiesFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(Cat(path, ": cannot open the properties file"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseProperties(text.str(), path);
}

}  // namespace orderflow
