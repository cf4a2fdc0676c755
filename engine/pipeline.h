// Both stages in one process, connected by a deterministic router: what
// `orderflow replay`, the tests and the benchmark run.
//
// Each stage has one shard per partition (EngineConfig's partition
// counts). A record goes to the shard its key hashes to; what a shard
// sends the other stage is delivered, first in first out, until no message
// is left, before the next record or timer. Public outputs go to the
// Emitter given at construction, in the order they were decided.
//
// Time is event time: the largest record timestamp seen so far, or a time
// given to AdvanceClock. Timers of all order shards fire in (due, order
// id) order, each before any record stamped at or after its due time.
// Outputs do not depend on the partition counts.
//
//   Pipeline pipeline(config, out);
//   pipeline.OnOrderPlaced(order, source);   // source.timestamp is its time
//   pipeline.Apply(record, source);          // a decoded InputRecord
//   pipeline.AdvanceClock(end_of_day);
#ifndef ORDERFLOW_ENGINE_PIPELINE_H_
#define ORDERFLOW_ENGINE_PIPELINE_H_

#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "engine/config.h"
#include "engine/emitter.h"
#include "engine/input_record.h"
#include "engine/inventory_shard.h"
#include "engine/order_shard.h"
#include "engine/record.h"

namespace orderflow {

class Pipeline {
 public:
  // `config` and `out` must outlive the pipeline.
  Pipeline(const EngineConfig& config, Emitter& out);

  EpochMillis clock() const { return clock_; }
  // Moves engine time forward to `now`, firing every timer due by then.
  void AdvanceClock(EpochMillis now);

  // One input record each. The record's time is source.timestamp; a record
  // older than the clock is applied at the clock and does not move it.
  void OnOrderPlaced(const v1::OrderPlaced& m, const RecordSource& source);
  void OnCancellation(const v1::CancellationRequested& m,
                      const RecordSource& source);
  void OnShipment(const v1::ShipmentEvent& m, const RecordSource& source);
  void OnInvoice(const v1::InvoiceIssued& m, const RecordSource& source);
  void OnCustomerContact(const v1::CustomerContact& m,
                         const RecordSource& source);
  void OnHold(const v1::HoldEvent& m, const RecordSource& source);
  void OnInventoryEvent(const v1::InventoryEvent& m, const RecordSource& source);
  void OnAmendment(const v1::OrderAmended& m, const RecordSource& source);
  // The one of the above for the record's message. Stage-to-stage
  // messages are the pipeline's own business (it routes them in the
  // process): a record of such a topic is ignored.
  void Apply(const InputRecord& record, const RecordSource& source);

  int order_shard_count() const { return static_cast<int>(orders_.size()); }
  int inventory_shard_count() const {
    return static_cast<int>(inventory_.size());
  }
  // Whoever holds an order shard may change its timers (a restore):
  // handing one out with order_shard makes the pipeline ask the shards for
  // their next timer again. The pipeline's own records and messages go
  // through OrderShardFor; it learns the timers they set from the shard
  // (OrderShard::TakeEarliestTimerSet).
  OrderShard& order_shard(int i) {
    next_due_known_ = false;
    shard_clocks_.reset();
    return *orders_[i];
  }
  InventoryShard& inventory_shard(int i) {
    shard_clocks_.reset();
    return *inventory_[i];
  }
  // The shards a key belongs to.
  OrderShard& OrderShardFor(std::string_view order_id);
  InventoryShard& InventoryShardFor(std::string_view sku);

  // Every order shard's metrics together, and the open orders at the clock.
  ServiceMetrics Metrics() const;
  Backlog CountBacklog() const;

  // After shards were restored from snapshots: take up their clock.
  void SyncClockFromShards();

 private:
  // Delivers internal messages; passes public outputs through.
  class Router : public Emitter {
   public:
    Router(Pipeline& pipeline, Emitter& out) : pipeline_(pipeline), out_(out) {}
    void SendStatus(const StatusOutput& s) override { out_.SendStatus(s); }
    void SendTask(const TaskOutput& t) override { out_.SendTask(t); }
    void Escalated(const v1::Escalation& m) override { out_.Escalated(m); }
    void DeadLettered(const v1::DeadLetter& m) override {
      out_.DeadLettered(m);
    }
    void AmendmentDecided(const v1::AmendmentResult& m) override {
      out_.AmendmentDecided(m);
    }
    // A request is handed to its inventory shard at once, not copied: the
    // inventory stage only answers (it queues answers, emits nothing else
    // and never enters an order shard), and an order shard sends nothing
    // but requests, so each shard sees its messages in the order queueing
    // every message would give, and public outputs keep their order.
    void SendToInventory(const StockRequest& m) override;
    // An answer waits, as an order shard may be sending it a request.
    void SendToOrders(const StockAnswer& m) override { *queue_.Next() = m; }
    StockAnswer* NextAnswerToOrders() override { return queue_.Next(); }
    // Answers in the order they were sent. A place an earlier round left
    // is written over, not made and destroyed: its texts keep their memory.
    class Answers {
     public:
      StockAnswer* Next() {
        if (size_ == kept_.size()) kept_.emplace_back();
        return &kept_[size_++];
      }
      bool empty() const { return size_ == 0; }
      const StockAnswer* begin() const { return kept_.data(); }
      const StockAnswer* end() const { return kept_.data() + size_; }
      void Clear() { size_ = 0; }
      void Swap(Answers& other) {
        kept_.swap(other.kept_);
        std::swap(size_, other.size_);
      }

     private:
      std::vector<StockAnswer> kept_;  // the first size_ are the answers
      size_t size_ = 0;
    };
    // The answers sent since the last round of delivery. Drain delivers
    // them in rounds: it swaps queue_ with delivering_ and delivers that
    // in place, while the answers sent meanwhile queue up for the next
    // round; first in, first out, and nothing is moved.
    Answers queue_;
    Answers delivering_;

   private:
    Pipeline& pipeline_;
    Emitter& out_;
  };

  // Moves the clock for a record at `t`.
  void Arrive(EpochMillis t);
  // Delivers queued internal messages until none is left, then fires
  // timers that the record made overdue.
  void Settle();
  void Drain();
  // Whether a timer of some order shard may be due by `until`: not
  // known, or next_due_ says so.
  bool TimerMayBeDueBy(EpochMillis until) const {
    return !next_due_known_ || next_due_ <= until;
  }
  // Fires every order shard's timers due by `until`, in (due, order id)
  // order across the shards, each followed by what it sent; leaves
  // next_due_ known.
  void FireTimersDueBy(EpochMillis until);

  const EngineConfig& config_;
  Router router_;
  EpochMillis clock_ = 0;
  // No timer of any order shard is due before this: the earliest, as
  // AdvanceClock last found it (after the timers due by then had fired),
  // or earlier, as timers set since lower it. Kept while no order shard
  // has been handed out (order_shard), so that a record whose timers are
  // all later than the clock does not ask every shard again.
  EpochMillis next_due_ = kNever;
  bool next_due_known_ = false;
  // The clock every shard was last moved to (none: not known, as after a
  // shard was handed out), so that the clock moving nowhere moves none.
  std::optional<EpochMillis> shard_clocks_;
  std::vector<std::unique_ptr<OrderShard>> orders_;
  std::vector<std::unique_ptr<InventoryShard>> inventory_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_PIPELINE_H_
