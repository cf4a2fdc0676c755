// The orderflow command: one binary, one subcommand per job.
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/inspect.h"
#include "config/config_file.h"
#include "consumers/kafka_host.h"
#include "kafka/topics_admin.h"
#include "observe/dashboard.h"
#include "producers/demo.h"
#include "producers/publish.h"
#include "producers/simulate.h"
#include "producers/tail.h"
#include "reconcile/command.h"
#include "replay/command_files.h"
#include "replay/replay.h"
#include "report/report_command.h"

namespace orderflow {

// Loads the configuration, or the defaults when no file is named. Exits
// the process with the error on a bad file: nothing else is done.
Config LoadOrExit(const std::string& path) {
  if (path.empty()) return Config{};
  absl::StatusOr<Config> config = LoadConfigFile(path);
  if (!config.ok()) {
    std::cerr << "orderflow: " << config.status().message() << "\n";
    std::exit(2);
  }
  return *std::move(config);
}

int Replay(const std::string& config_path, const std::string& input_path,
           const std::string& output_path, const std::string& metrics_path) {
  const Config config = LoadOrExit(config_path);
  std::ifstream input_file;
  std::istream* in = OpenInput(input_path, input_file);
  if (in == nullptr) return 1;
  std::ofstream output_file;
  std::ostream* out = OpenOutput(output_path, output_file);
  if (out == nullptr) return 1;
  ReplayOptions options;
  options.show_progress = isatty(STDERR_FILENO);
  std::ofstream metrics_file;
  if (!metrics_path.empty()) {
    options.metrics = OpenOutput(metrics_path, metrics_file);
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

std::atomic<bool> stop_requested{false};
extern "C" void RequestStop(int) { stop_requested.store(true); }

// SIGTERM and SIGINT ask the command to finish what it is doing and stop.
void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = RequestStop;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

int Run(const std::string& config_path) {
  const Config config = LoadOrExit(config_path);
  // Metrics and the dashboard (config http.address); more routes can be
  // added to `http` with http.Route(prefix, handler).
  MetricsBoard board;
  OrderTimelines timelines(config.observe);
  HttpServer http;
  ServeOrders(timelines, http);
  if (absl::Status s = StartMetricsServer(config.observe.http_address, board, http);
      !s.ok()) {
    std::cerr << "orderflow: " << s.message() << "\n";
    return 1;
  }
  if (http.running()) {
    std::cerr << "run: dashboard at " << http.url() << ", Prometheus metrics at "
              << http.url() << "metrics, orders at " << http.url()
              << "api/orders/<id> (orderflow inspect)\n";
  }
  HostOptions host_options;
  host_options.log = &std::cerr;
  if (const char* every = std::getenv("ORDERFLOW_FAULT_ABORT_EVERY")) {
    host_options.abort_every = std::atoll(every);  // tests: abort every Nth
  }
  absl::StatusOr<std::unique_ptr<KafkaHost>> host = KafkaHost::Create(
      config, &board, http.running() ? &timelines : nullptr, host_options);
  if (!host.ok()) {
    std::cerr << "orderflow: " << host.status().message() << "\n";
    return 1;
  }
  InstallStopHandlers();
  absl::Status done = (*host)->Run(stop_requested);
  if (!done.ok()) {
    std::cerr << "orderflow: " << done.message() << "\n";
    return 1;
  }
  return 0;
}

int TopicsCreate(const std::string& config_path) {
  const Config config = LoadOrExit(config_path);
  std::string report;
  absl::Status s = orderflow::CreateTopics(config, &report);
  std::cout << report;
  if (!s.ok()) {
    std::cerr << "orderflow: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace orderflow

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app{
      "orderflow: event-driven order processing (review, allocation, "
      "backorders, deadlines, escalations)"};
  app.require_subcommand(1);

  std::string config_path, input_path, output_path;
  CLI::App* replay = app.add_subcommand(
      "replay",
      "Run the engine over a JSON Lines file of input records (event time) "
      "and write its outputs as JSON Lines");
  replay->add_option("--config", config_path, "configuration file (YAML)");
  replay->add_option("--output,-o", output_path,
                     "write outputs here instead of standard output");
  std::string metrics_path;
  replay->add_option("--metrics", metrics_path,
                     "write the service metrics at the end as JSON here");
  replay->add_option("input", input_path, "input file, or - for standard input");

  orderflow::InspectOptions inspect_options;
  CLI::App* inspect = app.add_subcommand(
      "inspect",
      "Show an order's current state and every input and output that "
      "concerned it, with times");
  inspect->add_option("order_id", inspect_options.order_id, "the order id")
      ->required();
  CLI::Option* inspect_replay = inspect->add_option(
      "--replay", inspect_options.replay_input,
      "replay this JSON Lines input in-process and show the order from it");
  inspect->add_option("--url", inspect_options.url,
                      "ask a running engine (default: http.address of "
                      "--config, http://127.0.0.1:9464)")
      ->excludes(inspect_replay);
  inspect->add_option("--config", config_path, "configuration file (YAML)");
  inspect->add_flag("--json", inspect_options.json,
                    "print the JSON instead of the text");

  CLI::App* run = app.add_subcommand(
      "run", "Run both engine stages on Kafka, exactly once, until SIGTERM");
  run->add_option("--config", config_path, "configuration file (YAML)")
      ->required();

  CLI::App* topics = app.add_subcommand("topics", "Manage orderflow's topics");
  topics->require_subcommand(1);
  CLI::App* create = topics->add_subcommand(
      "create", "Create every topic orderflow needs (existing ones are kept)");
  create->add_option("--config", config_path, "configuration file (YAML)");

  orderflow::PublishOptions publish_options;
  CLI::App* publish = app.add_subcommand(
      "publish",
      "Check JSON Lines against the schema, then publish the good ones to a "
      "topic in one transaction");
  publish->add_option("--config", config_path, "configuration file (YAML)");
  publish->add_option("--topic", publish_options.topic,
                      "orders, cancellations, shipments, inventory, invoices")
      ->required();
  publish->add_option("--key-field", publish_options.key_field,
                      "lines are bare values; this field is the key");
  publish->add_option("input", input_path, "input file, or - for standard input");

  orderflow::TailOptions tail_options;
  CLI::App* tail = app.add_subcommand(
      "tail", "Print a topic's committed records as JSON Lines");
  tail->add_option("--config", config_path, "configuration file (YAML)");
  tail->add_option("--topic", tail_options.topic,
                   "order-status, delivery-tasks, escalations, dead-letter, "
                   "an input topic or an internal one")
      ->required();
  tail->add_flag("--follow,-f", tail_options.follow,
                 "keep waiting for new records");
  tail->add_flag("--from-end", tail_options.from_end,
                 "only records that arrive from now on");

  orderflow::DemoOptions demo_options;
  CLI::App* demo = app.add_subcommand(
      "demo",
      "Everything in one process on an embedded Kafka: an ERP and a "
      "warehouse simulated for a week, the engine, live progress, then the "
      "service metrics");
  demo->add_option("--days", demo_options.days, "simulated days")
      ->check(CLI::Range(1, 60));
  demo->add_option("--seconds", demo_options.seconds,
                   "wall-clock seconds the simulated days take")
      ->check(CLI::Range(5, 3600));
  demo->add_option("--orders-per-day", demo_options.orders_per_day)
      ->check(CLI::Range(10, 200000));
  demo->add_option("--seed", demo_options.seed, "the same seed, the same week");
  demo->add_option("--http", demo_options.http_address,
                   "serve the dashboard and metrics here: host:port (port 0: "
                   "any free one), or off")
      ->capture_default_str();
  demo->add_option("--save", demo_options.save_dir,
                   "also write the week as replay files here (inputs.jsonl, "
                   "outputs.jsonl) for report, reconcile and inspect");
  demo->add_flag("--keep-serving", demo_options.keep_serving,
                 "after the summary, keep serving the dashboard until Ctrl-C");

  CLI::App* simulate = app.add_subcommand("simulate", "Simulated systems around the engine");
  simulate->require_subcommand(1);
  orderflow::ErpOptions erp_options;
  int erp_days = 7;
  CLI::App* erp = simulate->add_subcommand(
      "erp",
      "Write a seeded week of a web shop's orders, stock and cancellations as "
      "a replay file (the same seed, the same file)");
  erp->add_option("--days", erp_days, "simulated days")->check(CLI::Range(1, 366));
  erp->add_option("--orders-per-day", erp_options.orders_per_day)
      ->check(CLI::Range(1, 1000000));
  erp->add_option("--seed", erp_options.seed);
  erp->add_option("--output,-o", output_path,
                  "write a replay file here (- for stdout) instead of publishing");
  erp->add_option("--config", config_path,
                  "publish to this configuration's Kafka as time passes");
  double speed = 1;
  erp->add_option("--speed", speed,
                  "simulated time runs this many times as fast as the wall clock")
      ->check(CLI::Range(0.001, 1e7));
  orderflow::ShippingOptions shipping_options;
  int shipping_seconds = 0;
  CLI::App* shipping = simulate->add_subcommand(
      "shipping",
      "Turn delivery tasks into PICKED, PACKED, SHIPPED and DELIVERED events "
      "(some late, some failed), honouring CANCEL tasks");
  shipping->add_option("--config", config_path, "configuration file (YAML)")->required();
  shipping->add_option("--seed", shipping_options.seed);
  double shipping_speed = 1;
  shipping->add_option("--speed", shipping_speed, "simulated time per wall-clock time")
      ->check(CLI::Range(0.001, 1e7));
  shipping->add_option("--max-hours-to-ship", shipping_options.max_hours_to_ship,
                       "on-time shipments leave within this many hours of packing")
      ->check(CLI::Range(0.6, 1000.0));
  shipping->add_option("--late-share", shipping_options.late_share,
                       "share of shipments that miss shipBy")
      ->check(CLI::Range(0.0, 1.0));
  shipping->add_option("--failed-share", shipping_options.failed_share,
                       "share of deliveries that fail at the first attempt")
      ->check(CLI::Range(0.0, 1.0));
  shipping->add_option("--for", shipping_seconds, "stop after this many seconds");

  orderflow::ReportOptions report_options;
  CLI::App* report = app.add_subcommand(
      "report",
      "A team lead's weekly report (ISO week, UTC) from a replay output file or "
      "the output topics: text on stdout, an HTML page with charts");
  report->add_option("--week", report_options.week, "ISO week, e.g. 2026-W09");
  report->add_option("--from", report_options.from,
                     "a replay output file (JSON Lines), - for standard input");
  report->add_option("--config", report_options.config_path,
                     "read the output topics of this configuration's Kafka");
  report->add_option("--html", report_options.html_path,
                     "HTML file (default report-WEEK.html; - for none)");
  report->add_option("--text", report_options.text_path, "also write the text here");
  report->add_option("--json", report_options.json_path, "the figures as JSON here");

  orderflow::ReconcileOptions reconcile_options;
  CLI::App* reconcile = app.add_subcommand(
      "reconcile",
      "Month-end invoice alignment: per order, shipped-not-invoiced, "
      "invoiced-not-shipped, quantity and amount mismatches, with totals");
  reconcile->add_option("--month", reconcile_options.month,
                        "the month, UTC, like 2026-10")
      ->required();
  reconcile->add_option("--input", reconcile_options.input_path,
                        "a replay input file (its orders and invoices)");
  reconcile->add_option("--outputs", reconcile_options.outputs_path,
                        "that replay's output file (its order-status)");
  reconcile->add_option("--config", reconcile_options.config_path,
                        "read the orders, invoices and order-status topics "
                        "of this configuration's Kafka instead");
  reconcile->add_option("--json", reconcile_options.json_path,
                        "also write the report as JSON to this file (- for "
                        "JSON on stdout instead of the text)");

  CLI11_PARSE(app, argc, argv);
  if (reconcile->parsed()) {
    return orderflow::RunReconcile(reconcile_options, std::cout, std::cerr);
  }
  if (shipping->parsed()) {
    const orderflow::Config config = orderflow::LoadOrExit(config_path);
    orderflow::InstallStopHandlers();
    return orderflow::SimulateShipping(config, shipping_options, shipping_speed,
                                       shipping_seconds,
                                       orderflow::stop_requested, std::cerr);
  }
  if (erp->parsed() && output_path.empty()) {
    if (config_path.empty()) {
      std::cerr << "orderflow: simulate erp needs --output FILE or --config FILE\n";
      return 2;
    }
    const orderflow::Config config = orderflow::LoadOrExit(config_path);
    orderflow::InstallStopHandlers();
    return orderflow::SimulateErpToKafka(config, erp_options, erp_days, speed,
                                         orderflow::stop_requested, std::cerr);
  }
  if (erp->parsed()) {
    std::ofstream file;
    std::ostream* out = orderflow::OpenOutput(output_path, file);
    if (out == nullptr) return 1;
    const int64_t n = orderflow::SimulateErp(erp_options, erp_days, *out);
    out->flush();
    std::cerr << "simulate erp: " << n << " records over " << erp_days << " days\n";
    return *out ? 0 : 1;
  }
  if (demo->parsed()) {
    orderflow::InstallStopHandlers();
    return orderflow::RunDemo(demo_options, orderflow::stop_requested,
                              std::cout, std::cerr);
  }
  if (publish->parsed()) {
    const orderflow::Config config = orderflow::LoadOrExit(config_path);
    std::ifstream file;
    std::istream* in = orderflow::OpenInput(input_path, file);
    if (in == nullptr) return 1;
    return orderflow::Publish(config, publish_options, *in, std::cout,
                              std::cerr);
  }
  if (tail->parsed()) {
    const orderflow::Config config = orderflow::LoadOrExit(config_path);
    orderflow::InstallStopHandlers();
    return orderflow::Tail(config, tail_options, orderflow::stop_requested,
                           std::cout, std::cerr);
  }
  if (report->parsed()) {
    orderflow::InstallStopHandlers();
    return orderflow::RunReport(report_options, orderflow::stop_requested,
                                std::cout, std::cerr);
  }
  if (replay->parsed()) {
    return orderflow::Replay(config_path, input_path, output_path,
                             metrics_path);
  }
  if (inspect->parsed()) {
    return orderflow::Inspect(orderflow::LoadOrExit(config_path),
                              inspect_options, std::cout, std::cerr);
  }
  if (run->parsed()) return orderflow::Run(config_path);
  if (create->parsed()) return orderflow::TopicsCreate(config_path);
  return 0;
}
