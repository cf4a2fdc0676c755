// The order stage's state for the orders of one partition: rules 1, 2
// (the order's side), 4, 5, 6 and 7, and invoices against what shipped.
//
// An OrderShard owns every order whose id hashes to its partition: the
// order's status, its lines and which of them are reserved, its deadlines
// and the escalations raised for it. Stock lives in the inventory stage;
// the shard asks for it with AllocationRequests and learns the answers
// from AllocationResults.
//
// Time: the shard has a clock that only moves forward. The host moves it
// with AdvanceClock (firing every timer that falls due, in due order) and
// then applies records at that clock. Timers are part of the state: each
// order has at most one, at its next deadline (or, once closed, at the end
// of its retention), and each early record expires on its own.
//
//   OrderShard shard(config);
//   shard.AdvanceClock(record_time, out);
//   shard.OnOrderPlaced(order, source, out);
//   ...
//   internal::v1::OrderShardSnapshot saved = shard.Snapshot();
#ifndef ORDERFLOW_ENGINE_ORDER_SHARD_H_
#define ORDERFLOW_ENGINE_ORDER_SHARD_H_

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "engine/config.h"
#include "engine/deadlines.h"
#include "engine/emitter.h"
#include "engine/escalations.h"
#include "engine/invoices.h"
#include "engine/outputs.h"
#include "engine/record.h"
#include "engine/service_metrics.h"
#include "engine/slot_index.h"
#include "engine/stage_messages.h"
#include "engine/string_map.h"
#include "orderflow/internal/v1/internal.pb.h"

namespace orderflow {

class OrderShard {
 public:
  // `config` must outlive the shard.
  explicit OrderShard(const EngineConfig& config);
  OrderShard(const OrderShard&) = delete;
  OrderShard& operator=(const OrderShard&) = delete;

  EpochMillis clock() const { return clock_; }

  // The earliest timer: when it is due and the order it belongs to.
  // {kNever, ""} when there is none. The view is valid until the next call.
  struct TimerRef {
    EpochMillis due;
    std::string_view order_id;
  };
  TimerRef NextTimer() const;
  // Fires the earliest timer (which must exist), moving the clock to its
  // due time if that is later.
  void FireNextTimer(Emitter& out);
  // Fires every timer due at or before `now`, in (due, order id) order,
  // then moves the clock to `now`. An earlier `now` fires what is overdue
  // and leaves the clock where it is.
  void AdvanceClock(EpochMillis now, Emitter& out);

  // Inputs, applied at the shard's clock. `source` is where the record
  // came from, for dead letters; its payload must stay valid for the call.
  void OnOrderPlaced(const v1::OrderPlaced& order, const RecordSource& source,
                     Emitter& out);
  void OnCancellation(const v1::CancellationRequested& cancellation,
                      const RecordSource& source, Emitter& out);
  void OnShipment(const v1::ShipmentEvent& shipment, const RecordSource& source,
                  Emitter& out);
  // Invoices (engine/invoices.h says what "agrees" means):
  //  - a malformed invoice (engine/invoices.h CheckInvoice) goes to
  //    dead-letter with its reason; so does one whose key is not its
  //    orderId (KEY_MISMATCH);
  //  - a repeat of an invoice already applied (same invoiceId, same
  //    content) is a no-op; the same invoiceId with other content goes to
  //    dead-letter (DUPLICATE_INVOICE) and the first one stands; several
  //    invoices of one order add up per lineId;
  //  - for an order that has shipped (SHIPPED, DELIVERED, DELIVERY_FAILED)
  //    the order's invoices are compared with its lines at once; for one
  //    cancelled or rejected, with nothing; for one not yet shipped, they
  //    are kept and compared when it ships or is cancelled;
  //  - on disagreement a level-1 INVOICE_MISMATCH is RAISED (once: rule 7)
  //    with a sentence naming the lines; when a later invoice makes the
  //    order agree, it is CLEARED (once: it is not raised again after);
  //  - an invoice for an order not seen is held like an early shipment
  //    (EngineConfig::early_invoice_retention) and applied when the order
  //    comes; when the retention ends it goes to dead-letter
  //    (INVOICE_FOR_UNKNOWN_ORDER). A closed order forgotten after its
  //    retention is an order not seen.
  void OnInvoice(const v1::InvoiceIssued& invoice, const RecordSource& source,
                 Emitter& out);
  void OnAllocationResult(const internal::v1::AllocationResult& result,
                          Emitter& out);
  void OnAllocationResult(const StockAnswer& result, Emitter& out);

  // nullopt for an order this shard does not know (or has forgotten).
  std::optional<v1::OrderStatus> StatusOf(std::string_view order_id) const;
  // Orders accepted and not yet closed (delivered, cancelled).
  size_t open_orders() const;
  size_t known_orders() const { return index_.size(); }
  size_t early_records() const;

  // The service metrics of what this shard decided since it was made (or
  // since the last TakeMetrics). Not part of the state: a restored shard
  // starts counting afresh.
  const ServiceMetrics& metrics() const { return metrics_; }
  // Hands over the metrics counted so far and starts again from zero (a
  // host adds them to its totals when their transaction commits).
  ServiceMetrics TakeMetrics() { return std::exchange(metrics_, {}); }
  // Adds the shard's open orders, by status and age at `now`, to `backlog`.
  // Reads 8 bytes an order, in slot order (see backlog_entries_): a host
  // calls it every second with hundreds of thousands of orders held.
  void CountBacklog(EpochMillis now, Backlog& backlog) const;

  // Change tracking, for hosts that write each change to a changelog.
  // Off by default. When on, every order id whose state (order or early
  // records) may have changed is remembered until TakeChangedKeys.
  void set_track_changes(bool on) { track_changes_ = on; }
  // The ids changed since the last call, in the order they first changed.
  std::vector<std::string> TakeChangedKeys();
  // What the shard keeps under `id`; an empty state (no order, no early
  // records) means nothing: the changelog's tombstone.
  internal::v1::OrderKeyState KeyState(std::string_view id) const;
  // The same into `state`, cleared first: a host writing many keys reuses
  // one message (and the memory of its lines and texts).
  void FillKeyState(std::string_view id, internal::v1::OrderKeyState* state) const;
  // Sets what the shard keeps under `id` to `state`, as read back from a
  // changelog (an empty state is a tombstone: the id is forgotten).
  absl::Status RestoreKey(std::string_view id,
                          const internal::v1::OrderKeyState& state);
  // Moves the clock to `t` without firing anything: for a restore, or for
  // a host that has itself fired every timer due by `t` (FireNextTimer).
  void MoveClock(EpochMillis t) { clock_ = std::max(clock_, t); }
  void RestoreClock(EpochMillis t) { MoveClock(t); }

  // The whole shard, orders by id, so equal states give equal bytes.
  internal::v1::OrderShardSnapshot Snapshot() const;
  // Replaces the shard's state; timers are rebuilt from it.
  absl::Status Restore(const internal::v1::OrderShardSnapshot& snapshot);

 private:
  using SkuId = uint32_t;
  using Slot = uint32_t;  // where an order lives in the shard's storage
  struct Line {
    SkuId sku;
    int32_t quantity;
    uint32_t id_end : 31;   // where this line's lineId ends in line_ids
    uint32_t reserved : 1;  // the order's whole demand for this SKU is reserved
    // unitPriceMinor in two halves: keeps the line 4-byte aligned (20
    // bytes, not 24) in the order's inline storage.
    uint32_t price_low;
    int32_t price_high;
    int64_t unit_price() const {
      return static_cast<int64_t>((static_cast<uint64_t>(
                                       static_cast<uint32_t>(price_high))
                                   << 32) |
                                  price_low);
    }
  };
  // What an order's invoices bill, kept only for orders that have one.
  struct Invoices {
    std::vector<LineAmounts> lines;  // summed per lineId
    std::vector<std::pair<std::string, uint64_t>> seen;  // id, fingerprint
  };
  // Hot fields first: what every later record of the order (shipment
  // events, cancellation) and its timers read, from the id to the inline
  // lines, spans three cache lines; the ship-to address (dropped once the
  // task is created), invoices and the content fingerprint come last.
  struct Order {
    std::string id;
    v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
    v1::ServiceLevel level = v1::SERVICE_LEVEL_UNSPECIFIED;
    Slot slot = 0;
    uint32_t generation = 0;  // of the slot: how many orders it held before
    EpochMillis timer_due = kNever;
    EpochMillis since = 0;  // see OrderState.since_ms
    Promise promise{};
    EpochMillis placed_at = 0;
    RungSet raised, cleared;
    uint16_t awaiting_answers = 0;
    bool task_created = false;
    bool has_ship_to = false;
    SkuId currency = 0;  // interned like SKU names; 0 is ""
    // A shipped order usually sees three events (PACKED, SHIPPED,
    // DELIVERED): kept inline, no allocation.
    absl::InlinedVector<uint64_t, 3> shipment_events_seen;
    // Two lines are kept inline. `packed` holds their lineIds back to
    // back, then, until the delivery task is created (it carries the
    // address), the ship-to address in protobuf binary: one string, inline
    // while short, instead of a message with a string per field.
    absl::InlinedVector<Line, 2> lines;
    std::string packed;
    std::unique_ptr<Invoices> invoices;  // null until the first invoice
    uint64_t content_hash = 0;

    std::string_view LineId(size_t i) const {
      const size_t begin = i == 0 ? 0 : lines[i - 1].id_end;
      return std::string_view(packed).substr(begin, lines[i].id_end - begin);
    }
    // Lines first, then the address.
    void AddLine(std::string_view line_id, SkuId sku, int32_t quantity,
                 int64_t unit_price, bool reserved);
    void KeepShipTo(const v1::Address& address);
    // The same, from the bytes AppendAddress would append for it.
    void KeepShipToBytes(std::string_view address_bytes);
    // The bytes KeepShipTo(Bytes) kept (none while the address waits in
    // the shard's encoding buffer: OrderShard::ShipToOf reads either).
    std::string_view ShipToBytes() const;
    void DropShipTo();
  };

  // Storage: orders live in fixed-size chunks (stable addresses), each in
  // a slot; the index and the timers hold slots and read ids through At.
  // A chunk is as many orders as fit in 224 KiB (with new[]'s count):
  // 1.75 times a power of two, a size class of allocators that round large
  // blocks up to a quarter of a power of two (jemalloc, which `orderflow`
  // runs with), so no chunk carries an unused tail (1024 orders would
  // leave a tenth of each chunk unused).
  static constexpr size_t kChunkBytes = 224 * 1024;
  static constexpr Slot kChunkSize =
      static_cast<Slot>((kChunkBytes - 16) / sizeof(Order));
  Order& At(Slot slot) { return chunks_[slot / kChunkSize][slot % kChunkSize]; }
  const Order& At(Slot slot) const {
    return chunks_[slot / kChunkSize][slot % kChunkSize];
  }
  // Whether `order` was placed with the content whose encoding (the
  // bytes of EncodeOrderPlaced) is `encoding`, fingerprinted `hash`.
  static bool SameContent(const Order& order, uint64_t hash,
                          std::string_view encoding);
  Order* Find(std::string_view id);
  const Order* Find(std::string_view id) const;
  Order& Create(std::string_view id);
  void Forget(Order& order);
  SkuId Intern(std::string_view sku);
  // The id of an interned name; nullopt for a name never interned.
  std::optional<SkuId> InternedId(std::string_view sku) const;
  const std::string& SkuName(SkuId id) const { return sku_names_[id]; }

  // The ship-to address of an order placed last can stay in the encoding
  // it came in (order_encoding_) until the next order is encoded: most
  // orders are allocated, and their task is created, before that, so their
  // address is never copied. These are the only ways to an order's
  // address; Order::KeepShipTo and DropShipTo alone do not know of it.
  // The address's bytes (AppendAddress's), only while has_ship_to.
  std::string_view ShipToOf(const Order& order) const;
  // The order keeps `address_bytes`, a view into order_encoding_; no
  // other address may be waiting (KeepWaitingShipTo came before the
  // encoding was written).
  void KeepShipToFromEncoding(Order& order, std::string_view address_bytes);
  void DropShipTo(Order& order);
  // Copies a waiting address into its order, before order_encoding_ is
  // written again.
  void KeepWaitingShipTo();

  // Transitions and what they emit.
  void SetStatus(Order& order, v1::OrderStatus status,
                 std::vector<std::string> reasons, Emitter& out);
  void Raise(Order& order, Rung rung, EpochMillis detected_at,
             std::string message, Emitter& out);
  void Clear(Order& order, Rung rung, Emitter& out);
  // Emits the escalation of `rung` for `order` in `state`.
  void Escalate(const Order& order, Rung rung, v1::EscalationState state,
                EpochMillis detected_at, std::string message, Emitter& out);
  void ClearAllOpen(Order& order, Emitter& out);
  void AskInventory(const Order& order, StockRequest::Action action,
                    Emitter& out);
  void SendTask(const Order& order, v1::TaskAction action, Emitter& out);

  // The rules' steps.
  // `ship_to_bytes`: placed.ship_to() as AppendAddress writes it, when
  // known (EncodeOrderPlacedWithShipTo), so it is not written again.
  void Accept(Order& order, const v1::OrderPlaced& placed,
              std::optional<std::string_view> ship_to_bytes, Emitter& out);
  void Allocate(Order& order, Emitter& out);
  void Cancel(Order& order, Emitter& out);
  void MarkShipped(Order& order, Emitter& out);
  void ApplyShipment(Order& order, const v1::ShipmentEvent& shipment,
                     const RecordSource& source, Emitter& out);
  // Invoices (order_shard_invoices.cc).
  void ApplyInvoice(Order& order, const v1::InvoiceIssued& invoice,
                    const RecordSource& source, Emitter& out);
  // Compares the order's invoices, if any, with what it shipped, unless it
  // has not shipped yet: raises or clears INVOICE_MISMATCH.
  void CheckInvoices(Order& order, Emitter& out);
  void FireDeadlines(Order& order, EpochMillis due, Emitter& out);
  std::string DeadlineMessage(const Order& order, Rung rung) const;

  // Early records: kept until their order comes or they expire.
  void KeepEarly(internal::v1::EarlyRecord::Kind kind,
                 const google::protobuf::Message& value, std::string_view id,
                 const RecordSource& source);
  void ReplayEarly(Order& order, Emitter& out);
  void ExpireEarly(std::string_view id, EpochMillis now, Emitter& out);

  // Keeps the order's one timer at its next deadline.
  void Reschedule(Order& order);
  LadderPosition PositionOf(const Order& order) const {
    return LadderPosition{order.status, order.promise, order.since};
  }
  void RestoreOrder(const internal::v1::OrderState& state);
  void FillOrderState(const Order& order, internal::v1::OrderState* s) const;
  // A key already changed since the last TakeChangedKeys is found without
  // copying it (a popular SKU changes with nearly every order).
  void Changed(std::string_view id) {
    // (absl's own string_view: the one its string hash takes.)
    if (track_changes_ &&
        !changed_set_.contains(absl::string_view(id.data(), id.size()))) {
      changed_set_.emplace(id);
      changed_.emplace_back(id);
    }
  }

  const EngineConfig& config_;
  EpochMillis clock_ = 0;

  // The orders' timers, fired in (due, order id) order. Each order has at
  // most one timer, at Order::timer_due; the queue holds (due, slot)
  // entries and an entry counts only while its order is still due then
  // (and still in the slot), so moving a timer is one append and never a
  // search. Entries wait unsorted in one-minute buckets; the earliest
  // bucket is a heap by due time, and the timers due at its earliest time
  // move to a heap by order id when that time comes up (each a copy of its
  // id: a dead entry's slot may hold another order by then). Thousands of
  // orders placed in one second share their deadlines; adding one more to
  // that group costs O(log n), never a scan.
  class TimerQueue {
   public:
    explicit TimerQueue(const OrderShard& shard) : shard_(shard) {}
    struct Timer {
      EpochMillis due;
      Slot slot;
      uint32_t generation;  // the slot's, when the entry was made
    };
    // The order is (now) due at order.timer_due.
    void Add(const Order& order);
    // The earliest live timer; nullptr when there is none.
    const Timer* Front();
    // Removes the timer Front returned.
    void PopFront() {
      std::pop_heap(ties_.begin(), ties_.end(), LaterId);
      ties_.pop_back();
    }
    void Clear();

   private:
    static constexpr Millis kBucketWidth = Minutes(1);
    bool Live(const Timer& t) const {
      const Order& order = shard_.At(t.slot);
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

    const OrderShard& shard_;
    absl::btree_map<EpochMillis, std::vector<Timer>> buckets_;  // by start
    // The bucket the last timer went to (timers added one after another
    // often share their minute); forgotten when a bucket leaves buckets_,
    // which may move the others.
    EpochMillis last_start_ = kNever;
    std::vector<Timer>* last_bucket_ = nullptr;
    // Every timer before buckets_'s: those of the bucket starting at
    // heap_start_ and any added later for earlier times.
    std::vector<Timer> heap_;
    EpochMillis heap_start_ = kNever;
    // Before the heap's: timers all due at one time, a heap by id (dead
    // entries leave when they reach the top).
    std::vector<Tie> ties_;
  };

  std::vector<std::unique_ptr<Order[]>> chunks_;
  Slot slots_used_ = 0;  // slots ever handed out; the rest of the last chunk is free
  // What CountBacklog needs of each slot's order, beside the orders, so
  // that counting reads one small array front to back instead of every
  // order through the index. Written where an order's status is set
  // (SetStatus, RestoreOrder), cleared where its slot is freed (Forget);
  // a free or never-used slot holds UNSPECIFIED, which no backlog counts.
  // Eight bytes: placedAt in 56 bits (over a million years either side of
  // 1970) beside the status.
  struct BacklogEntry {
    EpochMillis placed_at : 56 = 0;
    int64_t status : 8 = v1::ORDER_STATUS_UNSPECIFIED;
  };
  static_assert(sizeof(BacklogEntry) == 8);
  std::vector<BacklogEntry> backlog_entries_;  // by slot
  void NoteBacklogEntry(const Order& order);
  std::vector<Slot> free_slots_;
  SlotIndex index_;  // the orders' slots by id
  // Mutable: NextTimer sorts what is due next, which changes no timer.
  mutable TimerQueue timers_{*this};

  // Each name twice: by id, and as the key of the lookup table, where a
  // short name sits in the table's slot (one cache miss, not two).
  std::deque<std::string> sku_names_;
  StringMap<SkuId> sku_ids_;

  // By order id, in no order (Snapshot sorts): looked up for every new
  // order, and nearly always missing.
  StringMap<std::vector<internal::v1::EarlyRecord>> early_;
  absl::btree_set<std::pair<EpochMillis, std::string>> early_timers_;

  // The last order placed, in protobuf binary (for its fingerprint).
  std::string order_encoding_;
  // Set while the address of the order in `slot` is only in
  // order_encoding_.
  struct WaitingShipTo {
    Slot slot;
    std::string_view bytes;
  };
  std::optional<WaitingShipTo> waiting_ship_to_;

  // Scratch space, reused from record to record.
  std::vector<TaskOutputLine> task_lines_;
  v1::Escalation escalation_message_;
  StockRequest request_;

  ServiceMetrics metrics_;

  bool track_changes_ = false;
  std::vector<std::string> changed_;
  absl::flat_hash_set<std::string> changed_set_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ORDER_SHARD_H_
