#include "replay/replay.h"

#include <chrono>

#include "engine/partitioner.h"
#include "engine/pipeline.h"
#include "engine/text.h"
#include "nlohmann/json.hpp"
#include "observe/metrics_json.h"
#include "observe/order_timeline.h"
#include "replay/json_codec.h"
#include "replay/replay_line.h"

namespace orderflow {
namespace {

// Writes each output as one envelope line and counts it.
class JsonLinesWriter : public Emitter {
 public:
  JsonLinesWriter(std::ostream& out, ReplayStats& stats,
                  OrderTimelines* timelines)
      : out_(out), stats_(stats), timelines_(timelines) {}

  void SendStatus(const StatusOutput& s) override {
    ++stats_.status_changes;
    v1::OrderStatusChanged m;
    ToProto(s, &m);
    Write(Topic::kOrderStatus, m.order_id(), m);
  }
  void SendTask(const TaskOutput& t) override {
    ++stats_.tasks;
    v1::DeliveryTask m;
    ToProto(t, &m);
    Write(Topic::kDeliveryTasks, m.order_id(), m);
  }
  void Escalated(const v1::Escalation& m) override {
    ++stats_.escalations;
    Write(Topic::kEscalations, m.order_id(), m);
  }
  void DeadLettered(const v1::DeadLetter& m) override {
    ++stats_.dead_letters;
    Write(Topic::kDeadLetter, m.key(), m);
  }
  void AmendmentDecided(const v1::AmendmentResult& m) override {
    ++stats_.amendment_results;
    Write(Topic::kAmendmentResults, m.order_id(), m);
  }
  void SendToInventory(const StockRequest&) override {}
  void SendToOrders(const StockAnswer&) override {}

 private:
  void Write(Topic topic, std::string_view key,
             const google::protobuf::Message& m) {
    const EpochMillis time = OutputTime(topic, m);
    out_ << EnvelopeLine(ShortName(topic), key, time, m) << "\n";
    if (timelines_ != nullptr) {
      timelines_->RecordOutput(ShortName(topic), key, time, m);
    }
  }

  std::ostream& out_;
  ReplayStats& stats_;
  OrderTimelines* timelines_;
};

}  // namespace

std::string ReplayStats::Summary() const {
  return Cat("replay: ", lines, " lines (", records, " records, ", clock_lines,
             " clock, ", bad_lines, " bad) -> ",
             status_changes + tasks + escalations + dead_letters +
                 amendment_results,
             " outputs (", status_changes, " order-status, ", tasks,
             " delivery-tasks, ", escalations, " escalations, ", dead_letters,
             " dead-letter",
             amendment_results > 0
                 ? Cat(", ", amendment_results, " amendment-results")
                 : std::string(),
             ") in ",
             static_cast<int64_t>(seconds * 1000), " ms");
}

ReplayStats RunReplay(const EngineConfig& config, std::istream& in,
                      std::ostream& out, std::ostream& diagnostics,
                      const ReplayOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         started)
        .count();
  };
  ReplayStats stats;
  JsonLinesWriter writer(out, stats, options.timelines);
  Pipeline pipeline(config, writer);
  std::string text;
  while (std::getline(in, text)) {
    const int64_t line_number = ++stats.lines;
    if (options.show_progress && line_number % 100000 == 0) {
      diagnostics << "\rreplay: " << line_number << " lines, "
                  << static_cast<int64_t>(line_number / elapsed())
                  << " lines/s" << std::flush;
    }
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    LineError error;
    std::optional<ReplayLine> line = ParseReplayLine(text, &error);
    if (!line) {
      ++stats.bad_lines;
      if (options.show_progress) diagnostics << "\n";
      diagnostics << "line " << line_number << ": " << error.reason << ": "
                  << error.detail << "\n";
      v1::DeadLetter dead;
      dead.set_source_topic(error.topic);
      dead.set_offset(line_number);
      dead.set_key(error.key);
      dead.set_payload(text);
      dead.set_reason(error.reason);
      dead.set_detail(error.detail);
      SetTimestamp(pipeline.clock(), dead.mutable_dead_lettered_at());
      writer.DeadLettered(dead);
      continue;
    }
    if (line->kind == ReplayLine::Kind::kClock) {
      ++stats.clock_lines;
      pipeline.AdvanceClock(*line->time);
      continue;
    }
    ++stats.records;
    const google::protobuf::Message& value = line->record.message();
    const Topic topic = *PublicTopic(line->record.topic());
    const std::string payload = value.SerializeAsString();
    const int32_t partitions = PartitionCount(topic, config);
    RecordSource source;
    source.topic = ShortName(topic);
    source.partition = line->key.empty() ? 0 : PartitionOf(line->key, partitions);
    source.offset = line_number;
    source.key = line->key;
    source.payload = payload;
    source.timestamp = line->time.value_or(pipeline.clock());
    if (options.timelines != nullptr) {
      // Timers due by now fire first, so that their outputs come before
      // the record in the timeline, as the engine decided them.
      pipeline.AdvanceClock(source.timestamp);
      options.timelines->RecordInput(source.topic, line->key, source.timestamp,
                                     value);
    }
    pipeline.Apply(line->record, source);
  }
  if (options.show_progress && stats.lines >= 100000) diagnostics << "\n";
  if (options.metrics != nullptr) {
    const MetricsSnapshot snapshot{pipeline.clock(), pipeline.Metrics(),
                                   pipeline.CountBacklog()};
    *options.metrics << MetricsToJson(snapshot).dump(2) << "\n";
  }
  stats.seconds = elapsed();
  return stats;
}

}  // namespace orderflow
