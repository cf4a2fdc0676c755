// The orders' timers of one shard, fired in (due, order id) order.
//
// Contract:
//  - Each order has at most one timer, at Order::timer_due (kNever: none).
//    Whoever moves an order's timer sets timer_due and then calls Add; the
//    entry at the old time is not looked for: it is dead from then on.
//  - An entry counts ("live") only while the order in its slot is of the
//    generation it was added with and still due at its time. An order
//    forgotten (OrderStore::Forget bumps its slot's generation) leaves
//    only dead entries; dead entries are dropped as they come up.
//  - Front gives the live entry with the earliest due time and, among
//    those due then, the smallest order id (as the id was when the entry
//    came up, which is the id of its live order). PopFront removes it;
//    the caller then moves or ends the order's timer (sets timer_due), so
//    that an entry added twice for the same time (an order that moved
//    away and back) fires once: the second is dead by then.
//  - Entries may be added at any time before the front, after it or at
//    its very time.
//
// How: entries wait unsorted in one-minute buckets; the earliest bucket is
// a heap by due time, and the entries due at its earliest time move to a
// heap by order id when that time comes up (each with a copy of its id: a
// dead entry's slot may hold another order by then). Thousands of orders
// placed in one second share their deadlines; adding one more to that
// group costs O(log n), never a scan.
//
//   TimerQueue timers(store);
//   order.timer_due = due;
//   timers.Add(order);
//   while (const TimerQueue::Timer* t = timers.Front(); t && t->due <= now) {
//     Order& o = store.At(t->slot);
//     timers.PopFront();
//     o.timer_due = kNever;
//     ...
//   }
#ifndef ORDERFLOW_ENGINE_TIMER_QUEUE_H_
#define ORDERFLOW_ENGINE_TIMER_QUEUE_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/order.h"
#include "engine/order_store.h"
#include "engine/time.h"

namespace orderflow {

class TimerQueue {
 public:
  // `store` holds the orders whose timers are queued; it must outlive the
  // queue.
  explicit TimerQueue(const OrderStore& store) : store_(store) {}
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  struct Timer {
    EpochMillis due;
    OrderSlot slot;
    uint32_t generation;  // the slot's, when the entry was made
  };
  // The order is (now) due at order.timer_due.
  void Add(const Order& order);
  // The earliest live timer; nullptr when there is none. Valid until the
  // next call that changes the queue.
  const Timer* Front();
  // Removes the timer Front returned.
  void PopFront() {
    std::pop_heap(ties_.begin(), ties_.end(), LaterId);
    ties_.pop_back();
  }
  // Drops every entry.
  void Clear();

 private:
  static constexpr Millis kBucketWidth = Minutes(1);
  bool Live(const Timer& t) const {
    const Order& order = store_.At(t.slot);
    return order.generation == t.generation && order.timer_due == t.due;
  }
  // Heap order: the earliest due on top.
  static bool DueLater(const Timer& a, const Timer& b) { return a.due > b.due; }
  // A timer of the group due next, with its order's id as it was added.
  struct Tie {
    Timer timer;
    std::string id;
  };
  // Heap order of ties_: the smallest id on top.
  static bool LaterId(const Tie& a, const Tie& b) { return a.id > b.id; }
  void AddTie(const Timer& timer);
  // Fills ties_ from the heap (and the heap from buckets_).
  void NextTies();
  void TiesBackToHeap();

  const OrderStore& store_;
  // The buckets by start, found with one hash probe (an order's deadlines
  // fall in any of thousands of minutes, and a sorted map's search was
  // most of what adding a timer cost), and their starts in a heap, the
  // earliest on top.
  absl::flat_hash_map<EpochMillis, std::vector<Timer>> buckets_;
  std::vector<EpochMillis> starts_;
  // The bucket the last timer went to (timers added one after another
  // often share their minute); forgotten when a bucket leaves buckets_,
  // and found again after another comes, as either may move the others.
  EpochMillis last_start_ = kNever;
  std::vector<Timer>* last_bucket_ = nullptr;
  // Every timer before buckets_'s: those of the bucket starting at
  // heap_start_ and any added later for earlier times.
  std::vector<Timer> heap_;
  EpochMillis heap_start_ = kNever;
  // Emptied heaps, their room kept for the next new buckets: a bucket
  // that grew one push at a time would allocate again and again.
  static constexpr size_t kSpareBuckets = 8;
  // Room a new bucket starts with when no emptied heap is left (256
  // bytes), instead of growing from one through 2, 4 and 8.
  static constexpr size_t kNewBucket = 16;
  std::vector<std::vector<Timer>> spare_;
  // Before the heap's: timers all due at one time, a heap by id (dead
  // entries leave when they reach the top).
  std::vector<Tie> ties_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_TIMER_QUEUE_H_
