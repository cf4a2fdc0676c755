// `orderflow report`: a team lead's weekly report, or the monthly root-cause
// review (report/report_command.h).
#include <iostream>
#include <memory>

#include "commands/command.h"
#include "report/report_command.h"

namespace orderflow {

Command ReportCommand() {
  return Command::Leaf(
      "report",
      "A team lead's weekly report (ISO week, UTC) or monthly root-cause review "
      "(calendar month, UTC) from a replay output file or the output topics: "
      "text on stdout, an HTML page with charts",
      "Reads --from FILE, or the output topics of --config's Kafka. The monthly "
      "review reads the replay input too (a second --from), or the input "
      "topics orders, holds and customer-contacts.",
      [](CLI::App& app) -> Command::Action {
        auto o = std::make_shared<ReportOptions>();
        app.add_option("--week", o->week, "ISO week, e.g. 2026-W09");
        app.add_option("--month", o->month,
                       "calendar month, e.g. 2026-03: the monthly review");
        app.add_option("--from", o->from,
                       "a replay output file (JSON Lines), - for standard input; "
                       "for --month, its replay input as well (give --from twice)");
        app.add_option("--config", o->config_path,
                       "read the output topics of this configuration's Kafka");
        app.add_option("--html", o->html_path,
                       "HTML file (default report-WEEK.html or report-MONTH.html; - for none)");
        app.add_option("--text", o->text_path, "also write the text here");
        app.add_option("--json", o->json_path, "the figures as JSON here");
        return [o] {
          InstallStopHandlers();
          return RunReport(*o, stop_requested, std::cout, std::cerr);
        };
      });
}

}  // namespace orderflow
