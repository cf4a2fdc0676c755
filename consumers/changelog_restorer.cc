#include "consumers/changelog_restorer.h"

#include <chrono>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/text.h"
#include "kafka/kafka_errors.h"

namespace orderflow {
namespace {

constexpr int kWatermarkTimeoutMs = 30000;
constexpr int kPollTimeoutMs = 500;
constexpr int kMaxBatch = 1000;

}  // namespace

absl::StatusOr<int64_t> ChangelogRestorer::Restore(
    HostedStage& stage, const std::string& changelog_topic,
    const std::set<int>& partitions) {
  // An empty changelog partition (a new deployment) needs no reading:
  // waiting for the end of nothing costs a fetch round of its own. The
  // high watermark counts records whose transaction's markers are not
  // written yet; the reading ends at an end-of-partition event there or
  // past it (see the header). Unknown, it ends at the first one.
  //
  // Each partition is read from its low watermark, known here, rather than
  // from "the beginning", which the client would look up first. And the
  // restorer's own client asks for one partition's watermarks too, answer
  // unused: that makes it look the topic up now. A client assigned a topic it has not
  // looked up waits for its next metadata scan, up to a second, before its
  // first fetch; that wait was most of a small restore's time, and came
  // once for each stage.
  std::set<int> to_read;
  std::map<int, int64_t> targets;
  std::map<int, int64_t> starts;
  for (int p : partitions) {
    absl::StatusOr<Watermarks> w =
        ends_.QueryWatermarks(changelog_topic, p, kWatermarkTimeoutMs);
    if (!w.ok() || w->high > w->low) to_read.insert(p);
    targets[p] = w.ok() ? w->high : 0;
    starts[p] = w.ok() ? w->low : kBeginningOffset;
  }
  if (to_read.empty()) return 0;
  (void)consumer_->QueryWatermarks(changelog_topic, *to_read.begin(),
                                   kWatermarkTimeoutMs);
  std::vector<TopicPartitionOffset> tps;
  // Below the low watermark (records deleted since), the client starts
  // from the earliest offset (auto.offset.reset of every consumer).
  for (int p : to_read) tps.push_back({changelog_topic, p, starts[p]});
  if (absl::Status s = consumer_->Assign(tps); !s.ok()) {
    return absl::UnavailableError(
        Cat("reading ", changelog_topic, ": ", MessageOf(s)));
  }
  int64_t restored = 0;
  std::set<int> done;
  // Partitions whose end came short of the target, since when.
  std::map<int, KafkaEnv::Clock::time_point> short_since;
  const auto deadline =
      env_.Now() + std::chrono::milliseconds(kRestoreTimeoutMs);
  absl::Status status = absl::OkStatus();
  while (done.size() < to_read.size() && status.ok()) {
    // What is there, without waiting; if nothing, wait for one record (a
    // batch poll waits for a full batch or its timeout).
    absl::Span<const ConsumedRecord> batch = consumer_->PollBatch(0, kMaxBatch);
    if (batch.empty()) batch = consumer_->PollBatch(kPollTimeoutMs, 1);
    if (batch.empty() && env_.Now() > deadline) {
      status = absl::DeadlineExceededError(
          Cat("restoring from ", changelog_topic, " took over ",
              kRestoreTimeoutMs / 1000, " s"));
    }
    for (const ConsumedRecord& r : batch) {
      if (!status.ok()) break;
      switch (r.kind) {
        case ConsumedRecord::Kind::kRecord: {
          std::optional<std::string_view> value;
          if (!r.null_value) value = r.value;
          status = stage.Restore(r.partition, r.key, value);
          ++restored;
          break;
        }
        case ConsumedRecord::Kind::kPartitionEnd:
          if (r.offset >= targets[r.partition]) {
            done.insert(r.partition);
          } else if (short_since.emplace(r.partition, env_.Now()).second) {
            log_ << "run: " << changelog_topic << "[" << r.partition
                 << "] stable up to " << r.offset << " of "
                 << targets[r.partition]
                 << "; waiting for the last transaction's markers\n";
          }
          break;
        case ConsumedRecord::Kind::kError:
        case ConsumedRecord::Kind::kFatal:
          log_ << "run: reading " << changelog_topic << ": " << r.error << "\n";
          break;
      }
    }
    for (const auto& [p, since] : short_since) {
      if (!done.contains(p) &&
          env_.Now() - since >= std::chrono::milliseconds(kMarkerWaitMs)) {
        log_ << "run: " << changelog_topic << "[" << p << "] still short of "
             << targets[p] << " after " << kMarkerWaitMs / 1000
             << " s (a transaction left open by a process that stopped?); "
                "restored to its last stable offset\n";
        done.insert(p);
      }
    }
  }
  (void)consumer_->Unassign();
  if (!status.ok()) return status;
  return restored;
}

}  // namespace orderflow
