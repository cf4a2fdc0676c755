#include "reconcile/command.h"

#include <fstream>

#include "config/config_file.h"
#include "reconcile/reconcile.h"
#include "reconcile/sources.h"

namespace orderflow {

int RunReconcile(const ReconcileOptions& options, std::ostream& out,
                 std::ostream& err) {
  const std::optional<Month> month = ParseMonth(options.month);
  if (!month) {
    err << "orderflow: --month must be a month like 2026-10, got \""
        << options.month << "\"\n";
    return 2;
  }
  const bool files = !options.input_path.empty() || !options.outputs_path.empty();
  if (files && (options.input_path.empty() || options.outputs_path.empty())) {
    err << "orderflow: reconcile needs both --input (the replay input) and "
           "--outputs (that replay's output)\n";
    return 2;
  }
  if (files && !options.config_path.empty()) {
    err << "orderflow: reconcile reads either files (--input, --outputs) or "
           "Kafka (--config), not both\n";
    return 2;
  }
  if (!files && options.config_path.empty()) {
    err << "orderflow: reconcile needs --input FILE and --outputs FILE, or "
           "--config FILE to read Kafka\n";
    return 2;
  }

  ReconcileRecords records;
  ReadCounts counts;
  if (files) {
    std::ifstream input(options.input_path);
    if (!input) {
      err << "orderflow: " << options.input_path << ": cannot open\n";
      return 1;
    }
    std::ifstream outputs(options.outputs_path);
    if (!outputs) {
      err << "orderflow: " << options.outputs_path << ": cannot open\n";
      return 1;
    }
    counts = ReadReplayInput(input, &records);
    if (counts.records == 0 && counts.unusable_input_lines > 0) {
      err << "orderflow: " << options.input_path
          << ": no usable orders or invoices (is it a replay input?)\n";
      return 1;
    }
    if (absl::Status s =
            ReadReplayOutput(outputs, options.outputs_path, &records, &counts);
        !s.ok()) {
      err << "orderflow: " << s.message() << "\n";
      return 1;
    }
  } else {
    absl::StatusOr<Config> config = LoadConfigFile(options.config_path);
    if (!config.ok()) {
      err << "orderflow: " << config.status().message() << "\n";
      return 2;
    }
    if (absl::Status s = ReadKafka(*config, &records, &counts); !s.ok()) {
      err << "orderflow: " << s.message() << "\n";
      return 1;
    }
  }

  const ReconcileReport report = Reconcile(records, *month);
  if (!options.json_path.empty() && options.json_path != "-") {
    std::ofstream json(options.json_path, std::ios::binary | std::ios::trunc);
    json << FormatJson(report);
    json.flush();
    if (!json) {
      err << "orderflow: " << options.json_path << ": cannot write\n";
      return 1;
    }
  }
  out << (options.json_path == "-" ? FormatJson(report) : FormatText(report));
  out.flush();
  err << "reconcile: " << counts.records << " records read";
  if (counts.unusable_input_lines > 0) {
    err << " (" << counts.unusable_input_lines << " unusable skipped)";
  }
  err << "; " << report.orders << " orders in " << month->Name() << ", "
      << report.orders_with_differences << " with differences\n";
  return out ? 0 : 1;
}

}  // namespace orderflow
