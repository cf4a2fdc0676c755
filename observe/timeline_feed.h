// Records committed inputs and outputs into OrderTimelines on a thread of
// its own, so that recording what one transaction committed does not hold
// up the next one.
//
//   TimelineFeed feed(&timelines);
//   feed.Add(std::move(committed_entries));  // after the commit
//   ...
//   feed.Flush();  // everything added so far is recorded
//
// Entries are recorded in the order they were added, batch after batch,
// so a timeline reads as the engine decided. What a reader of the
// timelines sees lags the commit by the time the thread takes to catch
// up (milliseconds). Add() waits while more than a few batches are
// waiting, so memory stays bounded when the engine outpaces the thread.
// A batch's memory goes back to the caller of a later Add, to be filled
// again.
// Entries are recorded as OrderTimelines::RecordEncoded records them: the
// bytes must be an encoding of the topic's type (give it only inputs that
// were decoded; one that was not is dead-lettered, and the dead letter has
// an entry of its own).
#ifndef ORDERFLOW_OBSERVE_TIMELINE_FEED_H_
#define ORDERFLOW_OBSERVE_TIMELINE_FEED_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/time.h"
#include "engine/topics.h"

namespace orderflow {

class OrderTimelines;

class TimelineFeed {
 public:
  struct Entry {
    bool output;  // an output of the engine; else an input it consumed
    Topic topic;
    std::string key;
    EpochMillis time;
    std::string value;  // protobuf binary of the topic's type
  };

  // `timelines` must outlive the feed.
  explicit TimelineFeed(OrderTimelines* timelines);
  // Records what was added, then stops the thread.
  ~TimelineFeed();
  TimelineFeed(const TimelineFeed&) = delete;
  TimelineFeed& operator=(const TimelineFeed&) = delete;

  // Queues `batch` and returns an empty vector with the capacity of a
  // batch recorded earlier (or none), to fill next: the host's batches are
  // large, and growing a new one each time costs more than recording it.
  std::vector<Entry> Add(std::vector<Entry> batch);
  // Returns when every batch added before the call is recorded.
  void Flush();

 private:
  static constexpr size_t kMaxWaitingBatches = 4;
  void Loop();
  void Record(std::vector<Entry>& batch);  // takes the values

  OrderTimelines* const timelines_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::vector<Entry>> waiting_;
  std::vector<Entry> spare_;  // recorded and emptied, for Add to hand back
  bool recording_ = false;  // the thread holds a batch
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_TIMELINE_FEED_H_
