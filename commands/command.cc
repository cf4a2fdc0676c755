#include "commands/command.h"

#include <signal.h>

#include <cstdlib>
#include <iostream>

namespace orderflow {

Config LoadOrExit(const std::string& path) {
  if (path.empty()) return Config{};
  absl::StatusOr<Config> config = LoadConfigFile(path);
  if (!config.ok()) {
    std::cerr << "orderflow: " << config.status().message() << "\n";
    std::exit(2);
  }
  return *std::move(config);
}

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) { stop_requested.store(true); }

void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = RequestStop;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

}  // namespace orderflow
