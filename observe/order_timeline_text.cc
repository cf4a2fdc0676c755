// RenderOrderText (order_timeline.h): an order's JSON as plain text for a
// terminal.
#include "observe/order_timeline.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/text.h"
#include "observe/order_timeline_parcels.h"

namespace orderflow {
namespace {

using Json = nlohmann::ordered_json;

// A string member, or "" when it is missing or not a string.
std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<absl::Time> ParseTimeText(const std::string& text) {
  absl::Time t;
  std::string error;
  if (text.empty() || !absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return std::nullopt;
  }
  return t;
}

// "1d 2h", "6h 30m", "45m", "20s".
std::string DurationText(absl::Duration d) {
  int64_t s = absl::ToInt64Seconds(d);
  const int64_t days = s / 86400, hours = s % 86400 / 3600,
                minutes = s % 3600 / 60, seconds = s % 60;
  std::vector<std::string> parts;
  if (days) parts.push_back(Cat(days, "d"));
  if (hours) parts.push_back(Cat(hours, "h"));
  if (minutes && !days) parts.push_back(Cat(minutes, "m"));
  if (parts.empty()) parts.push_back(Cat(seconds, "s"));
  return Join(parts, " ");
}

// "2026-03-03T16:00:00Z (6h late)" against `deadline`; "(on time)" when
// at or before it.
std::string AgainstDeadline(const std::string& at, const std::string& deadline) {
  const auto a = ParseTimeText(at), d = ParseTimeText(deadline);
  if (!a || !d) return at;
  if (*a <= *d) return Cat(at, " (on time)");
  return Cat(at, " (", DurationText(*a - *d), " late)");
}

std::string Padded(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

}  // namespace

std::string RenderOrderText(const nlohmann::ordered_json& order) {
  const Json empty = Json::object();
  const Json& state =
      order.contains("state") && order["state"].is_object() ? order["state"] : empty;
  std::string out = Cat("order ", Str(order, "orderId"), "\n");
  auto row = [&out](std::string_view label, const std::string& value) {
    if (!value.empty()) out += Cat("  ", Padded(label, 14), value, "\n");
  };

  std::string status = Str(state, "status");
  if (status.empty()) {
    status = "no status yet";
  } else {
    status += Cat(" since ", Str(state, "since"));
    std::vector<std::string> reasons;
    if (state.contains("reasons") && state["reasons"].is_array()) {
      for (const auto& r : state["reasons"]) {
        if (r.is_string()) reasons.push_back(r.get<std::string>());
      }
    }
    if (!reasons.empty()) status += Cat(" (", Join(reasons, ", "), ")");
    if (state.value("closed", false)) status += ", closed";
  }
  row("status", status);
  row("customer", Str(state, "customerId"));
  row("service level", Str(state, "serviceLevel"));
  if (state.contains("lines") && state["lines"].is_array() &&
      !state["lines"].empty()) {
    std::vector<std::string> lines;
    for (const auto& line : state["lines"]) {
      lines.push_back(Cat(Str(line, "sku"), " x",
                          line.value("quantity", static_cast<int64_t>(0))));
    }
    row("lines", Join(lines, ", "));
  }
  row("placed", Str(state, "placedAt"));
  row("ship by", Str(state, "shipBy"));
  const std::string shipped = Str(state, "shippedAt");
  if (!shipped.empty()) row("shipped", AgainstDeadline(shipped, Str(state, "shipBy")));
  row("promised", Str(state, "promisedDeliveryAt"));
  if (Str(state, "deliverBy") != Str(state, "promisedDeliveryAt")) {
    row("deliver by", Str(state, "deliverBy"));
  }
  const std::string delivered = Str(state, "deliveredAt");
  if (!delivered.empty()) {
    row("delivered", AgainstDeadline(delivered, Str(state, "promisedDeliveryAt")));
  }
  row("delivery task", Str(state, "deliveryTask"));
  if (state.contains("shipment") && state["shipment"].is_object()) {
    const Json& s = state["shipment"];
    std::string text = Cat(Str(s, "shipmentId"), " ", Str(s, "status"));
    if (!Str(s, "carrier").empty()) text += Cat(" by ", Str(s, "carrier"));
    if (!Str(s, "trackingNumber").empty()) {
      text += Cat(", tracking ", Str(s, "trackingNumber"));
    }
    if (!Str(s, "at").empty()) text += Cat(" at ", Str(s, "at"));
    row("shipment", text);
  }
  for (const auto& [label, text] : ParcelRows(state)) row(label, text);
  bool any_open = false;
  if (state.contains("openEscalations") && state["openEscalations"].is_array()) {
    for (const auto& e : state["openEscalations"]) {
      row(any_open ? "" : "escalations",
          Cat(Str(e, "kind"), " level ", e.value("level", static_cast<int64_t>(0)),
              " since ", Str(e, "since")));
      any_open = true;  // later ones are aligned under the first
    }
  }
  if (!any_open) row("escalations", "none open");

  const Json& timeline = order.contains("timeline") && order["timeline"].is_array()
                             ? order["timeline"]
                             : empty;
  const int64_t dropped = order.value("droppedEntries", static_cast<int64_t>(0));
  std::string count = Cat(static_cast<int64_t>(timeline.size()),
                          timeline.size() == 1 ? " entry" : " entries");
  if (dropped > 0) {
    count += Cat(", ", dropped, dropped == 1 ? " earlier entry" : " earlier entries",
                 " dropped");
  }
  row("timeline", count);
  if (order.contains("incomplete") && order["incomplete"].is_string()) {
    row("incomplete", order["incomplete"].get<std::string>());
  }
  out += "\n";
  for (const auto& entry : timeline) {
    out += Cat(Padded(Str(entry, "time"), 20), "  ",
               Padded(Str(entry, "direction"), 3), "  ",
               Padded(Str(entry, "topic"), 14), " ", Str(entry, "summary"), "\n");
  }
  return out;
}

}  // namespace orderflow
