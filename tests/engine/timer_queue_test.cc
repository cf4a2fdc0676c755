// TimerQueue against a model: a std::set of (due, order id) of every
// order's live timer. Random timers are added, moved (earlier, later, to a
// time many orders share, and back to where they were), ended, and fired
// from the front, and orders are forgotten and their slots reused, over
// times spread across hours (many one-minute buckets) and crowded onto a
// few shared times (long runs of ties broken by order id).
#include "engine/timer_queue.h"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/order_store.h"
#include "gtest/gtest.h"

namespace orderflow {
namespace {

class TimerQueueTest : public ::testing::Test {
 protected:
  uint64_t Next() {
    return rng_ = rng_ * 6364136223846793005ull + 1442695040888963407ull;
  }
  size_t Pick(size_t n) { return (Next() >> 33) % n; }

  // A due time: one of a few shared times, or any millisecond of three
  // hours; either way sometimes before the last time fired.
  EpochMillis Due() {
    constexpr EpochMillis kBase = 1'700'000'000'000;
    if (Pick(2) == 0) return kBase + static_cast<EpochMillis>(Pick(6)) * 90'000;
    return kBase + static_cast<EpochMillis>(Pick(3 * 3'600'000));
  }

  // Sets the order's timer, in the queue and in the model.
  void Move(Order& order, EpochMillis due) {
    if (order.timer_due != kNever) {
      model_.erase({order.timer_due, std::string(order.id.view())});
    }
    order.timer_due = due;
    if (due == kNever) return;
    timers_.Add(order);
    model_.insert({due, std::string(order.id.view())});
  }

  // Fires the front, as the shard does: the order's timer ends (the shard
  // then moves it on, or not).
  void FireFront() {
    const TimerQueue::Timer* front = timers_.Front();
    ASSERT_EQ(front == nullptr, model_.empty());
    if (front == nullptr) return;
    Order& order = store_.At(front->slot);
    ASSERT_EQ(front->due, model_.begin()->first);
    ASSERT_EQ(order.id.view(), model_.begin()->second);
    ASSERT_EQ(order.timer_due, front->due);
    timers_.PopFront();
    model_.erase(model_.begin());
    order.timer_due = kNever;
    ++fired_;
  }

  uint64_t rng_ = 1;
  OrderStore store_;
  TimerQueue timers_{store_};
  std::set<std::pair<EpochMillis, std::string>> model_;
  std::vector<Order*> orders_;
  int fired_ = 0;
};

TEST_F(TimerQueueTest, FiresTheLiveTimersInDueThenIdOrder) {
  int created = 0;
  for (int step = 0; step < 200000; ++step) {
    const size_t op = Pick(100);
    if (op < 15 || orders_.empty()) {
      if (orders_.size() >= 400) continue;
      // Ids in no particular order, so that slot order is not id order.
      Order& order = store_.Create("SO-" + std::to_string(Next() >> 40) + "-" +
                                   std::to_string(created++));
      orders_.push_back(&order);
    } else if (op < 55) {
      Move(*orders_[Pick(orders_.size())], Due());
    } else if (op < 60) {
      Order& order = *orders_[Pick(orders_.size())];
      if (order.timer_due != kNever) Move(order, order.timer_due);  // again
    } else if (op < 65) {
      Move(*orders_[Pick(orders_.size())], kNever);
    } else if (op < 72) {
      const size_t i = Pick(orders_.size());
      Order& order = *orders_[i];
      if (order.timer_due != kNever) {
        model_.erase({order.timer_due, std::string(order.id.view())});
      }
      store_.Forget(order);  // its entries die with the generation
      orders_.erase(orders_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ASSERT_NO_FATAL_FAILURE(FireFront()) << "step " << step;
    }
  }
  while (!model_.empty()) ASSERT_NO_FATAL_FAILURE(FireFront());
  EXPECT_EQ(timers_.Front(), nullptr);
  EXPECT_GT(fired_, 20000);
}

// A forgotten order's entries die even where its slot holds a new order
// due at the same time; Clear drops everything.
TEST_F(TimerQueueTest, AForgottenOrdersEntriesDieWithItsGeneration) {
  Order& first = store_.Create("SO-1");
  Move(first, 1000);
  const OrderSlot slot = first.slot;
  model_.clear();
  store_.Forget(first);
  Order& second = store_.Create("SO-2");
  ASSERT_EQ(second.slot, slot);
  Move(second, 1000);
  ASSERT_NO_FATAL_FAILURE(FireFront());
  EXPECT_EQ(timers_.Front(), nullptr);

  Move(second, 2000);
  timers_.Clear();
  EXPECT_EQ(timers_.Front(), nullptr);
}

}  // namespace
}  // namespace orderflow
