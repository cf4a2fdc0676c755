// `orderflow demo`: everything in one process on an embedded Kafka.
#include <iostream>
#include <memory>

#include "commands/command.h"
#include "producers/demo.h"

namespace orderflow {

Command DemoCommand() {
  return Command::Leaf(
      "demo",
      "Everything in one process on an embedded Kafka: an ERP and a "
      "warehouse simulated for a week, the engine, live progress, then the "
      "service metrics",
      "Needs no broker. With --save DIR the week can then be read by "
      "report, reconcile and inspect.",
      [](CLI::App& app) -> Command::Action {
        auto options = std::make_shared<DemoOptions>();
        app.add_option("--days", options->days, "simulated days")
            ->check(CLI::Range(1, 60));
        app.add_option("--seconds", options->seconds,
                       "wall-clock seconds the simulated days take")
            ->check(CLI::Range(5, 3600));
        app.add_option("--orders-per-day", options->orders_per_day)
            ->check(CLI::Range(10, 200000));
        app.add_option("--seed", options->seed, "the same seed, the same week");
        app.add_option("--http", options->http_address,
                       "serve the dashboard and metrics here: host:port (port 0: "
                       "any free one), or off")
            ->capture_default_str();
        app.add_option("--http-token-file", options->http_token_file,
                       "a file holding the bearer token every HTTP request must "
                       "carry; required when --http is not loopback");
        app.add_option("--save", options->save_dir,
                       "also write the week as replay files here (inputs.jsonl, "
                       "outputs.jsonl) for report, reconcile and inspect");
        app.add_flag("--keep-serving", options->keep_serving,
                     "after the summary, keep serving the dashboard until Ctrl-C");
        return [options] {
          InstallStopHandlers();
          return RunDemo(*options, stop_requested, std::cout, std::cerr);
        };
      });
}

}  // namespace orderflow
