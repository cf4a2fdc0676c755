// `orderflow topics create`: the topics orderflow needs, on the configured
// broker.
#include <iostream>
#include <memory>
#include <string>

#include "commands/command.h"
#include "kafka/topics_admin.h"

namespace orderflow {
namespace {

int TopicsCreate(const std::string& config_path) {
  const Config config = LoadOrExit(config_path);
  std::string report;
  absl::Status s = CreateTopics(config, &report);
  std::cout << report;
  if (!s.ok()) {
    std::cerr << "orderflow: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

Command CreateCommand() {
  return Command::Leaf(
      "create", "Create every topic orderflow needs (existing ones are kept)",
      "Public topics <prefix>.<name>.v1 and the engine's own (stage to stage, "
      "changelogs),\nwith kafka.replication_factor and kafka.topic_configs.",
      [](CLI::App& app) -> Command::Action {
        auto config_path = std::make_shared<std::string>();
        app.add_option("--config", *config_path, "configuration file (YAML)");
        return [config_path] { return TopicsCreate(*config_path); };
      });
}

}  // namespace

Command TopicsCommand() {
  return Command::Group("topics", "Manage orderflow's topics", "",
                        {CreateCommand()});
}

}  // namespace orderflow
