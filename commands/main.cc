// The orderflow command: one binary, one subcommand per job. Each command
// is defined in its own file (commands/command.h); this builds the command
// line from their list and runs the one chosen.
#include <iostream>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "commands/command.h"

namespace orderflow {
namespace {

// A command that runs, with the subcommand CLI11 made for it.
struct Chosen {
  CLI::App* app;
  Command::Action action;
};

// Adds `command` under `parent`, and each runnable command (a group's
// members, recursively) to `leaves`.
void Add(const Command& command, CLI::App& parent, std::vector<Chosen>& leaves) {
  CLI::App* app = parent.add_subcommand(command.name, command.summary);
  if (!command.help.empty()) app->footer(command.help);
  if (command.subcommands.empty()) {
    leaves.push_back({app, command.define(*app)});
    return;
  }
  app->require_subcommand(1);
  for (const Command& sub : command.subcommands) Add(sub, *app, leaves);
}

}  // namespace
}  // namespace orderflow

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app{
      "orderflow: event-driven order processing (review, allocation, "
      "backorders, deadlines, escalations)"};
  app.require_subcommand(1);

  const std::vector<orderflow::Command> commands = {
      orderflow::ReplayCommand(),   orderflow::InspectCommand(),
      orderflow::RunCommand(),      orderflow::TopicsCommand(),
      orderflow::PublishCommand(),  orderflow::TailCommand(),
      orderflow::DemoCommand(),     orderflow::SimulateCommand(),
      orderflow::ReportCommand(),   orderflow::ReconcileCommand(),
      orderflow::AlertsCommand(),
  };
  std::vector<orderflow::Chosen> leaves;
  for (const orderflow::Command& command : commands) {
    orderflow::Add(command, app, leaves);
  }

  CLI11_PARSE(app, argc, argv);
  for (const orderflow::Chosen& leaf : leaves) {
    if (leaf.app->parsed()) return leaf.action();
  }
  return 0;
}
