// A subcommand of `orderflow`, as the command line presents it: its name,
// a one-line summary (listed by `orderflow --help`), a longer help text
// (the end of `orderflow NAME --help`), and either what it runs or the
// subcommands it groups (`orderflow topics create`).
//
// Each command lives in its own file and exposes one function returning
// its Command; commands/main.cc lists them, builds the CLI11 application
// from the list and runs the one the command line chose.
//
//   Command ReplayCommand() {
//     return Command::Leaf("replay", "Run the engine over ...", "...",
//                          [](CLI::App& app) -> Command::Action {
//       auto args = std::make_shared<ReplayArgs>();
//       app.add_option("--config", args->config_path, "...");
//       return [args] { return Replay(*args); };
//     });
//   }
#ifndef ORDERFLOW_COMMANDS_COMMAND_H_
#define ORDERFLOW_COMMANDS_COMMAND_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "config/config_file.h"

namespace orderflow {

struct Command {
  // What a parsed command does: the process's exit status.
  using Action = std::function<int()>;
  // Adds the command's options to `app` (the subcommand made for it) and
  // returns its action. The options are bound to state the action owns.
  using Define = std::function<Action(CLI::App& app)>;

  std::string name;
  std::string summary;
  std::string help;  // may be empty
  Define define;                     // a command that runs
  std::vector<Command> subcommands;  // or a group: exactly one is chosen

  static Command Leaf(std::string name, std::string summary, std::string help,
                      Define define) {
    return Command{std::move(name), std::move(summary), std::move(help),
                   std::move(define), {}};
  }
  static Command Group(std::string name, std::string summary, std::string help,
                       std::vector<Command> subcommands) {
    return Command{std::move(name), std::move(summary), std::move(help), {},
                   std::move(subcommands)};
  }
};

// The commands, one per file, in the order `orderflow --help` lists them.
Command ReplayCommand();     // commands/replay.cc
Command InspectCommand();    // commands/inspect_command.cc
Command RunCommand();        // commands/run.cc
Command TopicsCommand();     // commands/topics.cc
Command PublishCommand();    // commands/publish.cc
Command TailCommand();       // commands/tail.cc
Command DemoCommand();       // commands/demo.cc
Command SimulateCommand();   // commands/simulate.cc
Command ReportCommand();     // commands/report.cc
Command ReconcileCommand();  // commands/reconcile.cc
Command AlertsCommand();     // commands/alerts.cc

// Helpers the commands share (commands/command.cc).

// Loads the configuration, or the defaults when no file is named. Exits
// the process with the error on a bad file (status 2): nothing else is done.
Config LoadOrExit(const std::string& path);

// Set by SIGTERM and SIGINT once InstallStopHandlers has run: the command
// finishes what it is doing and stops.
extern std::atomic<bool> stop_requested;
void InstallStopHandlers();

}  // namespace orderflow

#endif  // ORDERFLOW_COMMANDS_COMMAND_H_
