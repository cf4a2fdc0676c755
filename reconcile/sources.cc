#include "reconcile/sources.h"

#include "engine/text.h"
#include "nlohmann/json.hpp"
#include "replay/json_codec.h"
#include "replay/replay_line.h"

namespace orderflow {

ReadCounts ReadReplayInput(std::istream& in, ReconcileRecords* records) {
  ReadCounts counts;
  std::string text;
  while (std::getline(in, text)) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    LineError error;
    std::optional<ReplayLine> line = ParseReplayLine(text, &error);
    if (!line) {
      ++counts.unusable_input_lines;
      continue;
    }
    if (line->kind != ReplayLine::Kind::kRecord) continue;
    line->record.Visit(Overloaded{
        [&](const v1::OrderPlaced& order) {
          records->AddOrder(order);
          ++counts.records;
        },
        [&](const v1::InvoiceIssued& invoice) {
          records->AddInvoice(invoice, line->key);
          ++counts.records;
        },
        [&](const v1::ShipmentEvent& shipment) {
          records->AddShipment(shipment, line->key);
          ++counts.records;
        },
        [](const auto&) {}});
  }
  return counts;
}

absl::Status ReadReplayOutput(std::istream& in, const std::string& name,
                              ReconcileRecords* records, ReadCounts* counts) {
  std::string text;
  int64_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fail = [&](std::string_view why) {
      return absl::InvalidArgumentError(
          Cat(name, ":", number, ": not a replay output record (", why, ")"));
    };
    std::string why;
    const std::optional<nlohmann::json> parsed = ParseJsonText(text, &why);
    if (!parsed) return fail(why);
    const nlohmann::json& j = *parsed;
    if (!j.is_object()) return fail("not a JSON object");
    if (!j.contains("topic") || !j["topic"].is_string() || !j.contains("value")) {
      return fail("no topic or value");
    }
    const std::string topic = j["topic"].get<std::string>();
    if (topic == "delivery-tasks") {
      v1::DeliveryTask task;
      if (absl::Status s = DecodeJson(j["value"], &task); !s.ok()) {
        return fail(std::string(s.message()));
      }
      records->AddTask(task);
      ++counts->records;
      continue;
    }
    if (topic != "order-status") continue;
    v1::OrderStatusChanged status;
    if (absl::Status s = DecodeJson(j["value"], &status); !s.ok()) {
      return fail(std::string(s.message()));
    }
    records->AddStatus(status);
    ++counts->records;
  }
  return absl::OkStatus();
}

}  // namespace orderflow
