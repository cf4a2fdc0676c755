// `orderflow inspect ORDER_ID`: an order's current state and every input
// and output that concerned it (observe/order_timeline.h), from a replay
// run in-process or from a running engine over HTTP.
#ifndef ORDERFLOW_COMMANDS_INSPECT_H_
#define ORDERFLOW_COMMANDS_INSPECT_H_

#include <ostream>
#include <string>

#include "config/config_file.h"

namespace orderflow {

struct InspectOptions {
  std::string order_id;
  // Replays this JSON Lines input ("-": standard input) with timelines on.
  std::string replay_input;
  // Otherwise asks the engine here: GET <url>/api/orders/<id>. Empty: the
  // configuration's http.address.
  std::string url;
  // The bearer token's file for the engine (observe/http_token.h). Empty:
  // the configuration's http.token_file, if any.
  std::string token_file;
  // The JSON instead of the text.
  bool json = false;
};

// Prints the order on `out`; 0, or 1 with one line on `err` when the order
// is not known or the engine cannot be reached.
int Inspect(const Config& config, const InspectOptions& options,
            std::ostream& out, std::ostream& err);

}  // namespace orderflow

#endif  // ORDERFLOW_COMMANDS_INSPECT_H_
