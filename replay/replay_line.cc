#include "replay/replay_line.h"

#include "engine/text.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "replay/json_codec.h"

namespace orderflow {

std::optional<EpochMillis> ParseTime(std::string_view text) {
  google::protobuf::Timestamp t;
  if (!google::protobuf::util::TimeUtil::FromString(std::string(text), &t)) {
    return std::nullopt;
  }
  const EpochMillis ms = ToMillis(t);
  if (!InTimeRange(ms)) return std::nullopt;
  return ms;
}

std::string FormatRfc3339(EpochMillis ms) {
  google::protobuf::Timestamp t;
  SetTimestamp(ms, &t);
  return google::protobuf::util::TimeUtil::ToString(t);
}

std::string EnvelopeLine(std::string_view topic, std::string_view key,
                         EpochMillis time,
                         const google::protobuf::Message& value) {
  return Cat("{\"topic\":\"", topic, "\",\"key\":",
             JsonString(key), ",\"timestamp\":\"",
             FormatRfc3339(time), "\",\"value\":", EncodeJson(value), "}");
}

std::optional<ReplayLine> ParseReplayLine(std::string_view line,
                                          LineError* error) {
  auto fail = [error](std::string reason, std::string detail) {
    error->reason = std::move(reason);
    error->detail = std::move(detail);
    return std::nullopt;
  };
  std::string why;
  std::optional<nlohmann::json> parsed = ParseJsonText(line, &why);
  if (!parsed) return fail("MALFORMED_JSON", why);
  nlohmann::json& j = *parsed;
  if (!j.is_object()) return fail("MALFORMED_JSON", "not a JSON object");

  ReplayLine out;
  if (j.contains("clock")) {
    const auto& clock = j["clock"];
    std::optional<EpochMillis> t;
    if (clock.is_string()) t = ParseTime(clock.get<std::string>());
    if (!t) {
      return fail("MALFORMED_JSON",
                  Cat("clock must be an RFC 3339 time like 2026-03-05T00:00:00Z, from ",
                      kTimeRangeText));
    }
    out.kind = ReplayLine::Kind::kClock;
    out.time = t;
    return out;
  }

  if (!j.contains("topic") || !j["topic"].is_string()) {
    return fail("MALFORMED_JSON", "a record needs \"topic\" (or a \"clock\" line)");
  }
  error->topic = j["topic"].get<std::string>();
  if (j.contains("key")) {
    if (!j["key"].is_string()) return fail("MALFORMED_JSON", "key must be a string");
    out.key = error->key = j["key"].get<std::string>();
  }
  const std::optional<Topic> topic = TopicByShortName(error->topic);
  if (!topic || !IsInput(*topic)) {
    return fail("UNKNOWN_TOPIC",
                Cat("'", error->topic,
                    "' is not an input topic (orders, cancellations, "
                    "shipments, inventory, invoices)"));
  }
  out.topic = *topic;
  if (j.contains("timestamp")) {
    std::optional<EpochMillis> t;
    if (j["timestamp"].is_string()) t = ParseTime(j["timestamp"].get<std::string>());
    if (!t) {
      return fail("MALFORMED_JSON",
                  Cat("timestamp must be an RFC 3339 time like 2026-03-02T10:00:00Z, from ",
                      kTimeRangeText));
    }
    out.time = t;
  }
  if (!j.contains("value")) return fail("MALFORMED_JSON", "value missing");
  out.value.reset(MessageTypeOf(*topic).New());
  if (absl::Status s = DecodeJson(j["value"], out.value.get()); !s.ok()) {
    return fail("INVALID_VALUE", std::string(s.message()));
  }
  return out;
}

}  // namespace orderflow
