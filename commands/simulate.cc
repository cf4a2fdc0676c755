// `orderflow simulate erp` and `orderflow simulate shipping`: the systems
// around the engine (producers/simulate.h).
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "commands/command.h"
#include "producers/simulate.h"
#include "replay/command_files.h"

namespace orderflow {
namespace {

struct ErpArgs {
  ErpOptions options;
  bool v1 = false;  // the v1 stream as before
  int days = 7;
  std::string output_path;
  std::string config_path;
  double speed = 1;
};

// A replay file with --output; otherwise published to --config's Kafka as
// simulated time passes.
int RunErp(const ErpArgs& args) {
  if (args.output_path.empty()) {
    if (args.config_path.empty()) {
      std::cerr << "orderflow: simulate erp needs --output FILE or --config FILE\n";
      return 2;
    }
    const Config config = LoadOrExit(args.config_path);
    InstallStopHandlers();
    return SimulateErpToKafka(config, args.options, args.days, args.speed,
                              stop_requested, std::cerr);
  }
  std::ofstream file;
  std::ostream* out = OpenOutput(args.output_path, file);
  if (out == nullptr) return 1;
  const int64_t n = SimulateErp(args.options, args.days, *out);
  out->flush();
  std::cerr << "simulate erp: " << n << " records over " << args.days << " days\n";
  return *out ? 0 : 1;
}

Command ErpCommand() {
  return Command::Leaf(
      "erp",
      "Write a seeded week of a web shop's orders, stock (at three warehouses), "
      "cancellations, amendments and holds as a replay file (the same seed, the "
      "same file)",
      "With --config instead of --output, publishes the records to that "
      "Kafka as simulated time passes.",
      [](CLI::App& app) -> Command::Action {
        auto args = std::make_shared<ErpArgs>();
        app.add_option("--days", args->days, "simulated days")
            ->check(CLI::Range(1, 366));
        app.add_option("--orders-per-day", args->options.orders_per_day)
            ->check(CLI::Range(1, 1000000));
        app.add_option("--seed", args->options.seed);
        app.add_flag("--v1", args->v1,
                     "the v1 stream as before: one stock, orders to GB only, no "
                     "amendments or holds");
        app.add_option("--output,-o", args->output_path,
                       "write a replay file here (- for stdout) instead of publishing");
        app.add_option("--config", args->config_path,
                       "publish to this configuration's Kafka as time passes");
        app.add_option("--speed", args->speed,
                       "simulated time runs this many times as fast as the wall clock")
            ->check(CLI::Range(0.001, 1e7));
        return [args] {
          args->options.extensions = !args->v1;
          return RunErp(*args);
        };
      });
}

struct ShippingArgs {
  ShippingOptions options;
  bool v1 = false;  // the v1 events as before
  std::string config_path;
  double speed = 1;
  int seconds = 0;
};

Command ShippingCommand() {
  return Command::Leaf(
      "shipping",
      "Turn delivery tasks into PICKED, PACKED, SHIPPED and DELIVERED events "
      "(some late, some failed, some in two parcels), honouring CANCEL, HOLD "
      "and UPDATE tasks, and send the customer contacts that follow",
      "Reads delivery-tasks and writes shipments on --config's Kafka until "
      "SIGTERM (or --for).",
      [](CLI::App& app) -> Command::Action {
        auto args = std::make_shared<ShippingArgs>();
        ShippingOptions& o = args->options;
        app.add_option("--config", args->config_path, "configuration file (YAML)")
            ->required();
        app.add_option("--seed", o.seed);
        app.add_option("--speed", args->speed,
                       "simulated time per wall-clock time")
            ->check(CLI::Range(0.001, 1e7));
        app.add_option("--max-hours-to-ship", o.max_hours_to_ship,
                       "on-time shipments leave within this many hours of packing")
            ->check(CLI::Range(0.6, 1000.0));
        app.add_option("--late-share", o.late_share,
                       "share of shipments that miss shipBy")
            ->check(CLI::Range(0.0, 1.0));
        app.add_option("--failed-share", o.failed_share,
                       "share of deliveries that fail at the first attempt")
            ->check(CLI::Range(0.0, 1.0));
        app.add_option("--split-share", o.split_share,
                       "share of tasks of two or more units packed in two parcels")
            ->check(CLI::Range(0.0, 1.0));
        app.add_flag("--v1", args->v1,
                     "v1 events as before: one shipment an order, no lines, no "
                     "customer contacts");
        app.add_option("--for", args->seconds, "stop after this many seconds");
        return [args] {
          args->options.parcels = !args->v1;
          const Config config = LoadOrExit(args->config_path);
          InstallStopHandlers();
          return SimulateShipping(config, args->options, args->speed,
                                  args->seconds, stop_requested, std::cerr);
        };
      });
}

}  // namespace

Command SimulateCommand() {
  return Command::Group("simulate", "Simulated systems around the engine", "",
                        {ErpCommand(), ShippingCommand()});
}

}  // namespace orderflow
