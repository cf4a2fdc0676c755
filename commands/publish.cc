// `orderflow publish`: JSON Lines checked against the schema, then
// published to one topic in one transaction.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "commands/command.h"
#include "producers/publish.h"
#include "replay/command_files.h"

namespace orderflow {
namespace {

struct PublishArgs {
  PublishOptions options;
  std::string config_path;
  std::string input_path;
};

int RunPublish(const PublishArgs& args) {
  const Config config = LoadOrExit(args.config_path);
  std::ifstream file;
  std::istream* in = OpenInput(args.input_path, file);
  if (in == nullptr) return 1;
  return Publish(config, args.options, *in, std::cout, std::cerr);
}

}  // namespace

Command PublishCommand() {
  return Command::Leaf(
      "publish",
      "Check JSON Lines against the schema, then publish the good ones to a "
      "topic in one transaction",
      "A line is a replay envelope ({\"topic\":...,\"key\":...,\"value\":"
      "{...}}, its topic the one\npublished to), or with --key-field the bare "
      "value, keyed by that field.",
      [](CLI::App& app) -> Command::Action {
        auto args = std::make_shared<PublishArgs>();
        app.add_option("--config", args->config_path, "configuration file (YAML)");
        app.add_option("--topic", args->options.topic,
                       "orders, cancellations, shipments, inventory, invoices")
            ->required();
        app.add_option("--key-field", args->options.key_field,
                       "lines are bare values; this field is the key");
        app.add_option("input", args->input_path,
                       "input file, or - for standard input");
        return [args] { return RunPublish(*args); };
      });
}

}  // namespace orderflow
