// GET /api/orders/<id>: an order's JSON from its history in Kafka when
// this process did not see all of it, else from its own timelines
// (order_timeline.h says the contract).
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/text.h"
#include "nlohmann/json.hpp"
#include "observe/order_timeline.h"

namespace orderflow {

using Json = nlohmann::ordered_json;

std::pair<int, std::string> HandleOrderRequest(const OrderTimelines& timelines,
                                               std::string_view order_id,
                                               const OrderHistorySource& history) {
  std::optional<Json> j;
  std::string failed;
  if (history && !timelines.KeepsWholeHistory(order_id)) {
    absl::StatusOr<std::optional<Json>> read = history(order_id);
    if (read.ok()) {
      j = *std::move(read);
    } else {
      failed = std::string(read.status().message());
    }
  }
  if (!j) {
    j = timelines.OrderJson(order_id);
    if (j && !failed.empty()) {
      (*j)["incomplete"] = Cat(
          "only what this process saw of the order: its history could not be "
          "read from Kafka (",
          failed, ")");
    }
  }
  if (!j) {
    Json error;
    if (!failed.empty()) {
      error["error"] = Cat("the history of order ", order_id,
                           " could not be read from Kafka: ", failed);
      return {503, error.dump()};
    }
    error["error"] = Cat("order ", order_id, " is not known");
    return {404, error.dump()};
  }
  return {200, j->dump()};
}

}  // namespace orderflow
