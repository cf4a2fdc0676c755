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

std::string EnvelopeLine(std::string_view topic, std::string_view key,
                         EpochMillis time,
                         const google::protobuf::Message& value) {
  return Cat("{\"topic\":\"", topic, "\",\"key\":",
             JsonString(key), ",\"timestamp\":\"",
             FormatRfc3339(time), "\",\"value\":", EncodeJson(value), "}");
}

std::optional<ReplayLine> ParseReplayLine(std::string_view line,
                                          LineError* error) {
  auto fail = [error](std::string_view reason, std::string detail) {
    error->reason = std::string(reason);
    error->detail = std::move(detail);
    return std::nullopt;
  };
  std::string why;
  std::optional<nlohmann::json> parsed = ParseJsonText(line, &why);
  if (!parsed) return fail(kMalformedJson, why);
  nlohmann::json& j = *parsed;
  if (!j.is_object()) return fail(kMalformedJson, "not a JSON object");

  ReplayLine out;
  if (j.contains("clock")) {
    const auto& clock = j["clock"];
    std::optional<EpochMillis> t;
    if (clock.is_string()) t = ParseTime(clock.get<std::string>());
    if (!t) {
      return fail(kMalformedJson,
                  Cat("clock must be an RFC 3339 time like 2026-03-05T00:00:00Z, from ",
                      kTimeRangeText));
    }
    out.kind = ReplayLine::Kind::kClock;
    out.time = t;
    return out;
  }

  if (!j.contains("topic") || !j["topic"].is_string()) {
    return fail(kMalformedJson, "a record needs \"topic\" (or a \"clock\" line)");
  }
  error->topic = j["topic"].get<std::string>();
  if (j.contains("key")) {
    if (!j["key"].is_string()) return fail(kMalformedJson, "key must be a string");
    out.key = error->key = j["key"].get<std::string>();
  }
  const std::optional<Topic> topic = TopicByShortName(error->topic);
  if (!topic || !IsInput(*topic)) {
    return fail(kUnknownTopic,
                Cat("'", error->topic,
                    "' is not an input topic (orders, cancellations, "
                    "shipments, inventory, invoices)"));
  }
  if (j.contains("timestamp")) {
    std::optional<EpochMillis> t;
    if (j["timestamp"].is_string()) t = ParseTime(j["timestamp"].get<std::string>());
    if (!t) {
      return fail(kMalformedJson,
                  Cat("timestamp must be an RFC 3339 time like 2026-03-02T10:00:00Z, from ",
                      kTimeRangeText));
    }
    out.time = t;
  }
  if (!j.contains("value")) return fail(kMalformedJson, "value missing");
  google::protobuf::Message& value = out.record.Reset(*AsInput(*topic));
  if (absl::Status s = DecodeJson(j["value"], &value); !s.ok()) {
    return fail(kInvalidValue, std::string(s.message()));
  }
  return out;
}

}  // namespace orderflow
