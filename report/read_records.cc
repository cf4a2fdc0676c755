#include "report/read_records.h"

#include <optional>

#include "engine/text.h"
#include "engine/topics.h"
#include "nlohmann/json.hpp"
#include "replay/json_codec.h"
#include "replay/replay_line.h"

namespace orderflow {

std::string ReadStats::Summary() const {
  auto plural = [](int64_t n, std::string_view one, std::string_view many) {
    return Cat(n, " ", n == 1 ? one : many);
  };
  std::string s = Cat(plural(used, "record", "records"), " used");
  if (ignored > 0) s += Cat(", ", ignored, " delivery tasks passed over");
  if (inputs_ignored > 0) {
    s += Cat(", ", plural(inputs_ignored, "input record", "input records"),
             " passed over");
  }
  if (bad > 0) s += Cat(", ", plural(bad, "bad line", "bad lines"), " skipped");
  return s;
}

namespace {

// Fills a missing event time from the record's timestamp.
void DefaultTime(google::protobuf::Timestamp* t, std::optional<EpochMillis> record_time) {
  if (t->seconds() == 0 && t->nanos() == 0 && record_time) SetTimestamp(*record_time, t);
}

}  // namespace

bool AddRecord(Topic topic, google::protobuf::Message& value,
               std::optional<EpochMillis> record_time, RecordSink& builder) {
  switch (topic) {
    case Topic::kOrderStatus: {
      auto& m = static_cast<v1::OrderStatusChanged&>(value);
      DefaultTime(m.mutable_occurred_at(), record_time);
      builder.Add(m);
      return true;
    }
    case Topic::kEscalations: {
      auto& m = static_cast<v1::Escalation&>(value);
      DefaultTime(m.mutable_detected_at(), record_time);
      builder.Add(m);
      return true;
    }
    case Topic::kDeadLetter: {
      auto& m = static_cast<v1::DeadLetter&>(value);
      DefaultTime(m.mutable_dead_lettered_at(), record_time);
      builder.Add(m);
      return true;
    }
    case Topic::kAmendmentResults: {
      auto& m = static_cast<v1::AmendmentResult&>(value);
      DefaultTime(m.mutable_occurred_at(), record_time);
      builder.Add(m);
      return true;
    }
    case Topic::kOrders: {
      if (!builder.ReadsInputs()) return false;
      auto& m = static_cast<v1::OrderPlaced&>(value);
      DefaultTime(m.mutable_placed_at(), record_time);
      builder.Add(m);
      return true;
    }
    case Topic::kHolds: {
      if (!builder.ReadsInputs()) return false;
      auto& m = static_cast<v1::HoldEvent&>(value);
      DefaultTime(m.mutable_occurred_at(), record_time);
      builder.Add(m);
      return true;
    }
    case Topic::kCustomerContacts: {
      if (!builder.ReadsInputs()) return false;
      auto& m = static_cast<v1::CustomerContact&>(value);
      DefaultTime(m.mutable_received_at(), record_time);
      builder.Add(m);
      return true;
    }
    default:
      return false;
  }
}

bool ReadsInputTopic(Topic topic) {
  return topic == Topic::kOrders || topic == Topic::kHolds ||
         topic == Topic::kCustomerContacts;
}

namespace {

// Why a line cannot be used, or empty when it was used (or passed over).
std::string UseLine(std::string_view line, RecordSink& builder,
                    ReadStats& stats) {
  std::string why;
  const std::optional<nlohmann::json> parsed = ParseJsonText(line, &why);
  if (!parsed) return why;
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return "not a JSON object";
  if (builder.ReadsInputs() && j.contains("clock") && !j.contains("topic")) {
    ++stats.inputs_ignored;  // a replay input's clock line
    return "";
  }
  if (!j.contains("topic") || !j["topic"].is_string()) return "no \"topic\"";
  const std::string name = j["topic"].get<std::string>();
  const std::optional<Topic> topic = TopicByShortName(name);
  if (topic && IsInput(*topic) && builder.ReadsInputs()) {
    if (!ReadsInputTopic(*topic)) {
      ++stats.inputs_ignored;
      return "";
    }
  } else if (!topic || IsInput(*topic)) {
    return Cat("topic '", name,
               "' is not an output topic (order-status, escalations, "
               "delivery-tasks, dead-letter): is this a replay input rather "
               "than its output?");
  }
  if (*topic == Topic::kDeliveryTasks) {
    ++stats.ignored;
    return "";
  }
  std::optional<EpochMillis> envelope;
  if (j.contains("timestamp") && j["timestamp"].is_string()) {
    envelope = ParseTime(j["timestamp"].get<std::string>());
  }
  if (!j.contains("value") || !j["value"].is_object()) return "no \"value\" object";
  std::unique_ptr<google::protobuf::Message> value(MessageTypeOf(*topic).New());
  if (absl::Status s = DecodeJson(j["value"], value.get()); !s.ok()) {
    return Cat(name, " value: ", std::string(s.message()));
  }
  AddRecord(*topic, *value, envelope, builder);
  ++stats.used;
  return "";
}

}  // namespace

ReadStats ReadJsonLines(std::istream& in, const std::string& name,
                        RecordSink& builder, std::ostream& diagnostics) {
  ReadStats stats;
  std::string line;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++stats.lines;
    const std::string error = UseLine(line, builder, stats);
    if (error.empty()) continue;
    if (++stats.bad <= kMaxWarnings) {
      diagnostics << name << ":" << line_number << ": " << error << " (skipped)\n";
    }
  }
  if (stats.bad > kMaxWarnings) {
    diagnostics << name << ": " << stats.bad - kMaxWarnings
                << " more bad lines skipped\n";
  }
  stats.read_error = in.bad();
  return stats;
}

}  // namespace orderflow
