// orderflow's configuration file (YAML): every threshold of DOMAIN.md, the
// partition counts, and (for `run`) the Kafka settings.
//
// Every key is optional; what is left out keeps its default. A bad line is
// an error naming the file, the line and what was expected:
//
//   orderflow.yaml:7:20: deadlines.at_risk_window: expected a duration
//   like 4h, 30m, 2d or 1d12h, got "soon"
//
// deploy/orderflow.example.yaml lists every key with its default.
#ifndef ORDERFLOW_CONFIG_CONFIG_FILE_H_
#define ORDERFLOW_CONFIG_CONFIG_FILE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/config.h"
#include "engine/time.h"

namespace orderflow {

struct Config {
  EngineConfig engine;
};

// Reads and checks the file at `path`.
absl::StatusOr<Config> LoadConfigFile(const std::string& path);
// Checks YAML text; `file_name` is only used in error messages.
absl::StatusOr<Config> ParseConfig(const std::string& yaml,
                                   const std::string& file_name);

// "4h", "30m", "2d", "1d12h", "500ms", "90s". Nullopt if malformed.
std::optional<Millis> ParseDuration(std::string_view text);

}  // namespace orderflow

#endif  // ORDERFLOW_CONFIG_CONFIG_FILE_H_
