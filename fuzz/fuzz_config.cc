// Fuzzes the configuration reader (config/config_file.h): any text is a
// configuration within the limits the reader states, or an error that
// names the file; every duration accepted is a non-negative count of
// milliseconds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "config/config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orderflow;
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Config> config = ParseConfig(yaml, "fuzz.yaml");
  if (!config.ok() && config.status().message().find("fuzz.yaml") ==
                          std::string_view::npos) {
    std::cerr << "config: error without the file's name: " << config.status()
              << "\n";
    std::abort();
  }
  if (config.ok()) {
    const EngineConfig& e = config->engine;
    if (e.order_partitions < 1 || e.inventory_partitions < 1 ||
        e.max_line_quantity < 1 || e.ship_at_risk_window <= 0 ||
        e.closed_order_retention <= 0 || config->observe.timeline_max_orders < 1 ||
        config->observe.timeline_max_entries < 1) {
      std::cerr << "config: accepted a setting out of its range\n";
      std::abort();
    }
  }
  const std::optional<Millis> duration = ParseDuration(yaml);
  if (duration && *duration < 0) {
    std::cerr << "config: negative duration " << *duration << " from \""
              << yaml << "\"\n";
    std::abort();
  }
  return 0;
}
