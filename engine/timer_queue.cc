#include "engine/timer_queue.h"

namespace orderflow {

void TimerQueue::Add(const Order& order) {
  const Timer timer{order.timer_due, order.slot, order.generation};
  if (!ties_.empty() && timer.due <= ties_.front().timer.due) {
    if (timer.due == ties_.front().timer.due) {
      AddTie(timer);
      return;
    }
    TiesBackToHeap();  // something earlier came
  }
  // Rounds towards zero: any rounding that never reorders will do.
  const EpochMillis start = timer.due - timer.due % kBucketWidth;
  if (heap_start_ != kNever && start <= heap_start_) {
    heap_.push_back(timer);
    std::push_heap(heap_.begin(), heap_.end(), DueLater);
  } else {
    if (start != last_start_) {
      const auto [at, added] = buckets_.try_emplace(start);
      if (added) {
        starts_.push_back(start);
        std::push_heap(starts_.begin(), starts_.end(), std::greater<>());
        if (!spare_.empty()) {
          at->second = std::move(spare_.back());
          spare_.pop_back();
        } else {
          at->second.reserve(kNewBucket);
        }
      }
      last_bucket_ = &at->second;
      last_start_ = start;
    }
    last_bucket_->push_back(timer);
  }
}

void TimerQueue::AddTie(const Timer& timer) {
  // An entry that is already there (an order that moved away and back)
  // may be added again: the first of the two to fire moves the order's
  // timer, which leaves the other dead.
  ties_.push_back({timer, std::string(store_.At(timer.slot).id.view())});
  std::push_heap(ties_.begin(), ties_.end(), LaterId);
}

void TimerQueue::TiesBackToHeap() {
  const EpochMillis due = ties_.front().timer.due;
  const EpochMillis start = due - due % kBucketWidth;
  if (heap_start_ == kNever) heap_start_ = start;  // ties came from buckets_
  for (const Tie& t : ties_) heap_.push_back(t.timer);
  std::make_heap(heap_.begin(), heap_.end(), DueLater);
  ties_.clear();
}

void TimerQueue::NextTies() {
  for (;;) {
    while (!heap_.empty() && !Live(heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), DueLater);
      heap_.pop_back();
    }
    if (!heap_.empty()) break;
    if (buckets_.empty()) {
      heap_start_ = kNever;
      return;
    }
    heap_start_ = starts_.front();
    std::pop_heap(starts_.begin(), starts_.end(), std::greater<>());
    starts_.pop_back();
    const auto bucket = buckets_.find(heap_start_);
    if (heap_.capacity() > 0 && spare_.size() < kSpareBuckets) {
      spare_.push_back(std::move(heap_));  // empty, its room kept
    }
    heap_ = std::move(bucket->second);
    buckets_.erase(bucket);
    last_start_ = kNever;
    std::make_heap(heap_.begin(), heap_.end(), DueLater);
  }
  const EpochMillis due = heap_.front().due;
  while (!heap_.empty() && heap_.front().due == due) {
    const Timer t = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), DueLater);
    heap_.pop_back();
    if (Live(t)) ties_.push_back({t, std::string(store_.At(t.slot).id.view())});
  }
  std::make_heap(ties_.begin(), ties_.end(), LaterId);
}

const TimerQueue::Timer* TimerQueue::Front() {
  while (!ties_.empty() && !Live(ties_.front().timer)) PopFront();
  if (ties_.empty()) NextTies();
  return ties_.empty() ? nullptr : &ties_.front().timer;
}

void TimerQueue::Clear() {
  buckets_.clear();
  starts_.clear();
  last_start_ = kNever;
  heap_.clear();
  heap_start_ = kNever;
  ties_.clear();
}

}  // namespace orderflow
