// `orderflow replay`: the engine over a JSON Lines file, in event time.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "commands/command.h"
#include "replay/command_files.h"
#include "replay/replay.h"

namespace orderflow {
namespace {

struct ReplayArgs {
  std::string config_path;
  std::string input_path;
  std::string output_path;
  std::string metrics_path;
};

int Replay(const ReplayArgs& args) {
  const Config config = LoadOrExit(args.config_path);
  std::ifstream input_file;
  std::istream* in = OpenInput(args.input_path, input_file);
  if (in == nullptr) return 1;
  std::ofstream output_file;
  std::ostream* out = OpenOutput(args.output_path, output_file);
  if (out == nullptr) return 1;
  ReplayOptions options;
  options.show_progress = isatty(STDERR_FILENO);
  std::ofstream metrics_file;
  if (!args.metrics_path.empty()) {
    options.metrics = OpenOutput(args.metrics_path, metrics_file);
    if (options.metrics == nullptr) return 1;
  }
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

Command ReplayCommand() {
  return Command::Leaf(
      "replay",
      "Run the engine over a JSON Lines file of input records (event time) "
      "and write its outputs as JSON Lines",
      "Input lines: {\"topic\":\"orders\",\"key\":...,\"timestamp\":...,"
      "\"value\":{...}} or {\"clock\":...}.\nThe same input and configuration "
      "give the same output bytes. See docs/contract.md, \"Replay format\".",
      [](CLI::App& app) -> Command::Action {
        auto args = std::make_shared<ReplayArgs>();
        app.add_option("--config", args->config_path, "configuration file (YAML)");
        app.add_option("--output,-o", args->output_path,
                       "write outputs here instead of standard output");
        app.add_option("--metrics", args->metrics_path,
                       "write the service metrics at the end as JSON here");
        app.add_option("input", args->input_path,
                       "input file, or - for standard input");
        return [args] { return Replay(*args); };
      });
}

}  // namespace orderflow
