// `orderflow alerts`: escalations as Alertmanager alerts (alerts/alert_bridge.h).
#include <iostream>
#include <memory>
#include <string>

#include "alerts/alert_bridge.h"
#include "commands/command.h"

namespace orderflow {
namespace {

struct AlertsArgs {
  AlertBridgeOptions options;
  std::string config_path;
  int resend_seconds = 60;
  int hold_seconds = 240;
};

}  // namespace

Command AlertsCommand() {
  return Command::Leaf(
      "alerts",
      "Post escalations to Prometheus' Alertmanager: RAISED fires an alert, "
      "CLEARED resolves it; exactly what was committed, nothing lost on a restart",
      "Reads the escalations topic read_committed and commits its offsets "
      "only after Alertmanager took the alerts. Labels: alertname "
      "OrderflowEscalation, kind, level, order_id, escalation_id; the "
      "message is the summary annotation. Runs until SIGTERM.",
      [](CLI::App& app) -> Command::Action {
        auto args = std::make_shared<AlertsArgs>();
        app.add_option("--config", args->config_path, "configuration file (YAML)");
        app.add_option("--alertmanager", args->options.alertmanager_url,
                       "Alertmanager's URL, e.g. http://127.0.0.1:9093")
            ->required();
        app.add_option("--resend-every", args->resend_seconds,
                       "seconds between sending the firing alerts again")
            ->check(CLI::Range(1, 3600));
        app.add_option("--hold", args->hold_seconds,
                       "seconds a firing alert lasts unless sent again")
            ->check(CLI::Range(10, 86400));
        app.add_option("--batch", args->options.max_batch, "most alerts per POST")
            ->check(CLI::Range(1, 10000));
        return [args] {
          const Config config = LoadOrExit(args->config_path);
          args->options.resend_every = Seconds(args->resend_seconds);
          args->options.hold = Seconds(std::max(args->hold_seconds,
                                                2 * args->resend_seconds));
          InstallStopHandlers();
          return RunAlertBridge(config, args->options, stop_requested, std::cerr);
        };
      });
}

}  // namespace orderflow
