#include "observe/timeline_feed.h"

#include <utility>

#include "observe/order_timeline.h"

namespace orderflow {

TimelineFeed::TimelineFeed(OrderTimelines* timelines)
    : timelines_(timelines), thread_([this] { Loop(); }) {}

TimelineFeed::~TimelineFeed() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::vector<TimelineFeed::Entry> TimelineFeed::Add(std::vector<Entry> batch) {
  if (batch.empty()) return batch;
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return waiting_.size() < kMaxWaitingBatches; });
  waiting_.push_back(std::move(batch));
  changed_.notify_all();
  return std::exchange(spare_, {});
}

void TimelineFeed::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return waiting_.empty() && !recording_; });
}

void TimelineFeed::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // stopping, and everything is recorded
    std::vector<Entry> batch = std::move(waiting_.front());
    waiting_.pop_front();
    recording_ = true;
    changed_.notify_all();  // room for Add()
    lock.unlock();
    Record(batch);
    batch.clear();  // keeps its capacity
    lock.lock();
    if (batch.capacity() > spare_.capacity()) spare_ = std::move(batch);
    recording_ = false;
    changed_.notify_all();  // for Flush()
  }
}

void TimelineFeed::Record(std::vector<Entry>& batch) {
  for (Entry& e : batch) {
    timelines_->RecordEncoded(e.output, e.topic, e.key, e.time,
                              std::move(e.value));
  }
}

}  // namespace orderflow
