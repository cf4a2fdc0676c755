// `orderflow reconcile`: month-end invoice alignment (reconcile/command.h).
#include <iostream>
#include <memory>

#include "commands/command.h"
#include "reconcile/command.h"

namespace orderflow {

Command ReconcileCommand() {
  return Command::Leaf(
      "reconcile",
      "Month-end invoice alignment: per order, shipped-not-invoiced, "
      "invoiced-not-shipped, quantity and amount mismatches, with totals",
      "Reads a replay's --input and --outputs files, or the topics of "
      "--config's Kafka.",
      [](CLI::App& app) -> Command::Action {
        auto o = std::make_shared<ReconcileOptions>();
        app.add_option("--month", o->month, "the month, UTC, like 2026-10")
            ->required();
        app.add_option("--input", o->input_path,
                       "a replay input file (its orders and invoices)");
        app.add_option("--outputs", o->outputs_path,
                       "that replay's output file (its order-status)");
        app.add_option("--config", o->config_path,
                       "read the orders, invoices and order-status topics "
                       "of this configuration's Kafka instead");
        app.add_option("--json", o->json_path,
                       "also write the report as JSON to this file (- for "
                       "JSON on stdout instead of the text)");
        return [o] { return RunReconcile(*o, std::cout, std::cerr); };
      });
}

}  // namespace orderflow
