// The orderflow command: one binary, one subcommand per job.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "config/config_file.h"
#include "replay/replay.h"

namespace orderflow {
namespace {

// Loads the configuration, or the defaults when no file is named. Exits
// the process with the error on a bad file: nothing else is done.
Config LoadOrExit(const std::string& path) {
  if (path.empty()) return Config{};
  absl::StatusOr<Config> config = LoadConfigFile(path);
  if (!config.ok()) {
    std::cerr << "orderflow: " << config.status().message() << "\n";
    std::exit(2);
  }
  return *std::move(config);
}

int Replay(const std::string& config_path, const std::string& input_path,
           const std::string& output_path) {
  const Config config = LoadOrExit(config_path);
  std::ifstream input_file;
  std::istream* in = &std::cin;
  if (!input_path.empty() && input_path != "-") {
    input_file.open(input_path);
    if (!input_file) {
      std::cerr << "orderflow: " << input_path << ": cannot open\n";
      return 1;
    }
    in = &input_file;
  }
  std::ofstream output_file;
  std::ostream* out = &std::cout;
  if (!output_path.empty() && output_path != "-") {
    output_file.open(output_path, std::ios::binary | std::ios::trunc);
    if (!output_file) {
      std::cerr << "orderflow: " << output_path << ": cannot write\n";
      return 1;
    }
    out = &output_file;
  }
  ReplayOptions options;
  options.show_progress = isatty(STDERR_FILENO);
  const ReplayStats stats =
      RunReplay(config.engine, *in, *out, std::cerr, options);
  out->flush();
  if (!*out) {
    std::cerr << "orderflow: writing the output failed\n";
    return 1;
  }
  std::cerr << stats.Summary() << "\n";
  return 0;
}

}  // namespace
}  // namespace orderflow

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app{
      "orderflow: event-driven order processing (review, allocation, "
      "backorders, deadlines, escalations)"};
  app.require_subcommand(1);

  std::string config_path, input_path, output_path;
  CLI::App* replay = app.add_subcommand(
      "replay",
      "Run the engine over a JSON Lines file of input records (event time) "
      "and write its outputs as JSON Lines");
  replay->add_option("--config", config_path, "configuration file (YAML)");
  replay->add_option("--output,-o", output_path,
                     "write outputs here instead of standard output");
  replay->add_option("input", input_path, "input file, or - for standard input");

  CLI11_PARSE(app, argc, argv);
  if (replay->parsed()) {
    return orderflow::Replay(config_path, input_path, output_path);
  }
  return 0;
}
