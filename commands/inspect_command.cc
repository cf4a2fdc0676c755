// `orderflow inspect ORDER_ID`: the command line of commands/inspect.h.
#include <iostream>
#include <memory>
#include <string>

#include "commands/command.h"
#include "commands/inspect.h"

namespace orderflow {
namespace {

struct InspectArgs {
  InspectOptions options;
  std::string config_path;
};

}  // namespace

Command InspectCommand() {
  return Command::Leaf(
      "inspect",
      "Show an order's current state and every input and output that "
      "concerned it, with times",
      "From a running engine (--url, or http.address of --config), or from "
      "a replay run in-process (--replay FILE).",
      [](CLI::App& app) -> Command::Action {
        auto args = std::make_shared<InspectArgs>();
        InspectOptions& o = args->options;
        app.add_option("order_id", o.order_id, "the order id")->required();
        CLI::Option* replay = app.add_option(
            "--replay", o.replay_input,
            "replay this JSON Lines input in-process and show the order from it");
        app.add_option("--url", o.url,
                       "ask a running engine (default: http.address of "
                       "--config, http://127.0.0.1:9464)")
            ->excludes(replay);
        app.add_option("--token-file", o.token_file,
                       "the engine's bearer token, in a file (default: "
                       "http.token_file of --config)")
            ->excludes(replay);
        app.add_option("--config", args->config_path, "configuration file (YAML)");
        app.add_flag("--json", o.json, "print the JSON instead of the text");
        return [args] {
          return Inspect(LoadOrExit(args->config_path), args->options, std::cout,
                         std::cerr);
        };
      });
}

}  // namespace orderflow
