#include "observe/live_metrics.h"

#include <cmath>
#include <limits>
#include <utility>

#include "engine/order_status.h"

namespace orderflow {
namespace {
using Json = nlohmann::ordered_json;
}  // namespace

HistorySample SampleOf(const LiveSnapshot& snapshot) {
  HistorySample h;
  h.wall_time = snapshot.wall_time;
  h.as_of = snapshot.metrics.as_of;
  const ServiceSummary summary = Summarize(snapshot.metrics.metrics);
  h.placed_to_shipped = summary.placed_to_shipped;
  h.placed_to_delivered = summary.placed_to_delivered;
  const Backlog& b = snapshot.metrics.backlog;
  for (size_t i = 0; i < kOpenStatuses.size(); ++i) {
    h.backlog_by_status[i] = b.of_status(kOpenStatuses[i]);
  }
  for (int a = 0; a < kAgeBuckets; ++a) {
    h.backlog_by_age[a] = b.of_age(static_cast<AgeBucket>(a));
  }
  h.received = snapshot.metrics.metrics.received;
  return h;
}

void MetricsBoard::Publish(LiveSnapshot snapshot) {
  HistorySample sample = SampleOf(snapshot);
  auto latest = std::make_shared<const LiveSnapshot>(std::move(snapshot));
  std::lock_guard<std::mutex> lock(mu_);
  latest_ = std::move(latest);
  if (!history_.empty() &&
      sample.wall_time - history_.back().wall_time < interval_) {
    newest_ = std::move(sample);
    return;
  }
  history_.push_back(std::move(sample));
  newest_.reset();
  if (history_.size() > options_.capacity) {
    // Keep every other sample, counting back from the newest.
    std::vector<HistorySample> kept;
    kept.reserve(history_.size() / 2 + 1);
    const size_t last = history_.size() - 1;
    for (size_t i = last % 2; i <= last; i += 2) kept.push_back(history_[i]);
    history_ = std::move(kept);
    interval_ *= 2;
  }
}

std::shared_ptr<const LiveSnapshot> MetricsBoard::Latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

std::vector<HistorySample> MetricsBoard::History() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<HistorySample> out = history_;
  if (newest_) out.push_back(*newest_);
  return out;
}

void CommitDurations::Add(int64_t micros) {
  size_t i = 0;
  while (i < kUpperBounds.size() && micros > kUpperBounds[i] * 1000) ++i;
  ++counts[i];
  total_us += micros;
  ++count;
}

double CommitDurations::UpperBoundSeconds(size_t i) {
  return i < kUpperBounds.size() ? static_cast<double>(kUpperBounds[i]) / 1000
                                 : std::numeric_limits<double>::infinity();
}

int64_t CommitDurations::AtMost(size_t i) const {
  int64_t n = 0;
  for (size_t k = 0; k <= i && k < counts.size(); ++k) n += counts[k];
  return n;
}

nlohmann::ordered_json LiveToJson(const LiveSnapshot& snapshot,
                                  const std::vector<HistorySample>& history) {
  Json j = MetricsToJson(snapshot.metrics);
  const HostStats& h = snapshot.host;
  Json& host = j["host"];
  host["startedAt"] = FormatTime(h.started_at);
  host["inputs"] = h.inputs;
  host["outputs"] = h.outputs;
  host["commits"] = h.commits;
  host["aborts"] = h.aborts;
  host["producerRebuilds"] = h.producer_rebuilds;
  host["restoredRecords"] = h.restored_records;
  host["deadLetters"] = Json::object();
  for (const auto& [reason, n] : h.dead_letters) host["deadLetters"][reason] = n;
  const CommitDurations& c = h.commit_durations;
  Json& commit = host["commitSeconds"];
  commit["count"] = c.count;
  commit["sum"] = c.TotalSeconds();
  commit["atMost"] = Json::array();
  for (size_t i = 0; i <= CommitDurations::kUpperBounds.size(); ++i) {
    const double le = CommitDurations::UpperBoundSeconds(i);
    Json bucket;
    bucket["le"] = std::isinf(le) ? Json() : Json(le);  // JSON has no infinity
    bucket["commits"] = c.AtMost(i);
    commit["atMost"].push_back(std::move(bucket));
  }

  Json samples = Json::array();
  for (const HistorySample& s : history) {
    Json x;
    x["at"] = FormatTime(s.wall_time);
    x["asOf"] = FormatTime(s.as_of);
    x["received"] = s.received;
    x["placedToShipped"] = PercentilesJson(s.placed_to_shipped);
    x["placedToDelivered"] = PercentilesJson(s.placed_to_delivered);
    for (size_t i = 0; i < kOpenStatuses.size(); ++i) {
      x["backlogByStatus"][std::string(StatusName(kOpenStatuses[i]))] =
          s.backlog_by_status[i];
    }
    for (int a = 0; a < kAgeBuckets; ++a) {
      x["backlogByAge"][std::string(AgeBucketLabel(static_cast<AgeBucket>(a)))] =
          s.backlog_by_age[a];
    }
    samples.push_back(std::move(x));
  }
  j["history"] = std::move(samples);
  return j;
}

}  // namespace orderflow
