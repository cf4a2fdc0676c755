// `orderflow tail`: a topic's committed records as JSON Lines.
#include <iostream>
#include <memory>
#include <string>

#include "commands/command.h"
#include "producers/tail.h"

namespace orderflow {
namespace {

struct TailArgs {
  TailOptions options;
  std::string config_path;
};

}  // namespace

Command TailCommand() {
  return Command::Leaf(
      "tail", "Print a topic's committed records as JSON Lines",
      "Reads to the end of the topic as it is now and stops, or with "
      "--follow keeps waiting.",
      [](CLI::App& app) -> Command::Action {
        auto args = std::make_shared<TailArgs>();
        app.add_option("--config", args->config_path, "configuration file (YAML)");
        app.add_option("--topic", args->options.topic,
                       "order-status, delivery-tasks, escalations, dead-letter, "
                       "an input topic or an internal one")
            ->required();
        app.add_flag("--follow,-f", args->options.follow,
                     "keep waiting for new records");
        app.add_flag("--from-end", args->options.from_end,
                     "only records that arrive from now on");
        return [args] {
          const Config config = LoadOrExit(args->config_path);
          InstallStopHandlers();
          return Tail(config, args->options, stop_requested, std::cout,
                      std::cerr);
        };
      });
}

}  // namespace orderflow
