// `orderflow run`: both engine stages on Kafka, exactly once, until SIGTERM.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "commands/command.h"
#include "commands/stop_watchdog.h"
#include "config/properties_file.h"
#include "consumers/kafka_host.h"
#include "observe/dashboard.h"
#include "observe/health.h"
#include "observe/order_history.h"

namespace orderflow {
namespace {

// What the command line adds to the configuration file.
struct RunFlags {
  std::string config_path;
  // kafka.instance_id, when not empty: a StatefulSet's pod name, a
  // systemd template's instance (deploy/).
  std::string instance_id;
  // A properties file whose entries join kafka.properties: credentials
  // kept apart from the configuration (config/properties_file.h).
  std::string kafka_properties;
};

int Run(const RunFlags& flags) {
  Config config = LoadOrExit(flags.config_path);
  if (!flags.instance_id.empty()) config.kafka.instance_id = flags.instance_id;
  if (!flags.kafka_properties.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> properties =
        ReadPropertiesFile(flags.kafka_properties);
    if (!properties.ok()) {
      std::cerr << "orderflow: " << properties.status().message() << "\n";
      return 2;
    }
    for (auto& [key, value] : *properties) config.kafka.properties[key] = value;
  }
  // Metrics and the dashboard (config http.address); more routes can be
  // added to `http` with http.Route(prefix, handler).
  MetricsBoard board;
  OrderTimelines timelines(config.observe);
  // The open escalations of this process's partitions, from the same
  // committed outputs as the timelines (GET /api/escalations), and from
  // the state of each order partition it restores (below).
  EscalationWorklist worklist(static_cast<size_t>(config.observe.worklist_limit));
  timelines.SetListener(&worklist);
  HttpServer http;
  ServeEscalations(worklist, http);
  // Any order of the cluster: read from Kafka when this process has not
  // seen the whole of it (observe/order_history.h).
  ServeOrders(timelines, http, [&config](std::string_view order_id) {
    return ReadOrderHistory(config, order_id);
  });
  // /healthz and /readyz (observe/health.h): not ready while starting,
  // restoring, unassigned, late to commit, or after SIGTERM.
  ServeHealth(board,
              ReadinessPolicyFor(config.kafka.commit_interval,
                                 config.observe.ready_commit_within),
              [] { return stop_requested.load(); }, http);
  const HttpAccess access{config.observe.http_token_file,
                          config.observe.http_address_origin,
                          config.observe.http_token_file_origin};
  if (absl::Status s =
          StartMetricsServer(config.observe.http_address, board, http, access);
      !s.ok()) {
    std::cerr << "orderflow: " << s.message() << "\n";
    return 1;
  }
  if (http.running()) {
    std::cerr << "run: dashboard at " << http.url() << ", Prometheus metrics at "
              << http.url() << "metrics, orders at " << http.url()
              << "api/orders/<id> (orderflow inspect), open escalations at "
              << http.url() << "api/escalations, health at " << http.url()
              << "healthz and " << http.url() << "readyz\n";
  }
  // What the host is doing, for the stop watchdog below.
  std::atomic<const char*> doing{"starting"};
  HostOptions host_options;
  host_options.log = &std::cerr;
  host_options.doing = &doing;
  if (http.running()) {
    host_options.on_restored_escalation = [&worklist](const v1::Escalation& e) {
      worklist.AddRestored(e);
    };
  }
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
  StopWatchdog watchdog(stop_requested,
                        std::chrono::milliseconds(config.kafka.stop_within),
                        [&doing] { return std::string(doing.load()); }, std::cerr);
  absl::Status done = (*host)->Run(stop_requested);
  // The clients' destructors talk to the broker too (a producer's last
  // flush): still within the bound.
  doing.store("closing the Kafka clients");
  host->reset();
  if (!done.ok()) {
    std::cerr << "orderflow: " << done.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

Command RunCommand() {
  return Command::Leaf(
      "run", "Run both engine stages on Kafka, exactly once, until SIGTERM",
      "Reads the input topics, writes the output topics in transactions and "
      "serves the\ndashboard and metrics on http.address. Create the topics "
      "first: orderflow topics create.",
      [](CLI::App& app) -> Command::Action {
        auto flags = std::make_shared<RunFlags>();
        app.add_option("--config", flags->config_path, "configuration file (YAML)")
            ->required();
        app.add_option("--instance-id", flags->instance_id,
                       "overrides kafka.instance_id (e.g. a StatefulSet's pod name)");
        app.add_option("--kafka-properties", flags->kafka_properties,
                       "key=value file added to kafka.properties (credentials)");
        return [flags] { return Run(*flags); };
      });
}

}  // namespace orderflow
