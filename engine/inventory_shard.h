// The inventory stage's state for the SKUs of one partition: rules 2 and 3.
//
// Each SKU has a stock ledger (on hand, reserved) and a backorder queue of
// orders still waiting for units, served by priority whenever stock grows.
// The order stage asks through AllocationRequests and is answered with
// AllocationResults; inventory events change on-hand directly.
//
// Invariant: a SKU with a non-empty queue has nothing available (on hand
// minus reserved <= 0), because stock is handed to the queue as soon as it
// appears. So a new order never jumps the queue.
//
// An order that is not in a SKU's queue but has asked for it holds exactly
// what it asked for; that is why RELEASE and CONSUME carry the quantity and
// rank, and the stage keeps no per-order record for fully reserved orders.
//
// With warehouses configured (rule 9, inventory_sourcing.cc) each SKU's
// stock is also kept per warehouse (its on_hand and reserved are then the
// sums), the order asks per line, and a line is reserved whole at the
// first warehouse in its preference order that can fill it, or else held
// partly at the one with the most available and queued. Stock arriving at
// a warehouse serves the queue in rule 3's order: a line held there gets
// what it lacks (and, short still, the rest waits for it); a line held
// elsewhere that the warehouse can fill whole moves there, releasing its
// partial reservation, which in turn serves the queue at its warehouse.
// With split_lines a line no warehouse can fill whole takes what each
// has instead, and while short takes what it lacks from any warehouse's
// stock (it never moves). Without warehouses none of this runs: v1, byte
// for byte.
//
// With sourcing.preempt (inventory_preemption.cc) an OVERNIGHT or EXPRESS
// line that would wait takes a STANDARD line's whole reservation instead,
// one that has not been picked and ships at least preempt_min_slack
// later; the STANDARD line waits first in line for the SKU's stock. An
// order picked before the preemption reached it refuses it
// (ACTION_REFUSE_PREEMPTION): its line gets its units back and the
// urgent line gives them up, its order told (taken_back_by).
#ifndef ORDERFLOW_ENGINE_INVENTORY_SHARD_H_
#define ORDERFLOW_ENGINE_INVENTORY_SHARD_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "engine/config.h"
#include "engine/emitter.h"
#include "engine/placed_lines.h"
#include "engine/record.h"
#include "engine/stage_messages.h"
#include "engine/string_map.h"
#include "engine/text_map.h"
#include "orderflow/internal/v1/internal.pb.h"

namespace orderflow {

// The most units an inventory event may carry, and the most (and, negated,
// the least) on-hand a SKU may reach. An event past it is dead-lettered
// (INVALID_VALUE) and changes nothing, so no count can wrap: a trillion
// units is far beyond any warehouse, and sums of such counts stay far from
// the end of int64.
inline constexpr int64_t kMaxStockQuantity = 1'000'000'000'000;

class InventoryShard {
 public:
  // `config` must outlive the shard.
  explicit InventoryShard(const EngineConfig& config);
  // Not copied: it keeps a pointer into its own table.
  InventoryShard(const InventoryShard&) = delete;
  InventoryShard& operator=(const InventoryShard&) = delete;

  EpochMillis clock() const { return clock_; }
  // Time never moves back: an earlier `now` is ignored. The clock is the
  // time of the shard's own records (inventory events): a request does
  // not move it, and is answered at the time it was asked (its
  // asked_at), whatever the clock says.
  void AdvanceClock(EpochMillis now) { clock_ = std::max(clock_, now); }

  // An InventoryEvent from the `inventory` topic.
  void OnInventoryEvent(const v1::InventoryEvent& event,
                        const RecordSource& source, Emitter& out);
  // A request from the order stage, as read from Kafka or in-process.
  void OnAllocationRequest(const internal::v1::AllocationRequest& request,
                           Emitter& out);
  void OnAllocationRequest(const StockRequest& request, Emitter& out);

  struct StockView {
    int64_t on_hand = 0;
    int64_t reserved = 0;
    size_t waiting_orders = 0;
  };
  // nullopt for a SKU this shard has never heard of.
  std::optional<StockView> Stock(std::string_view sku) const;
  size_t sku_count() const { return skus_.size(); }

  // Change tracking, as OrderShard's: SKUs whose stock may have changed.
  void set_track_changes(bool on) { track_changes_ = on; }
  std::vector<std::string> TakeChangedKeys();
  // What the shard keeps for `sku` (all zero for an unknown SKU).
  internal::v1::StockState KeyState(std::string_view sku) const;
  // The same into `state`, cleared first (a message reused from key to key).
  void FillKeyState(std::string_view sku, internal::v1::StockState* state) const;
  // Sets the SKU's stock to `state`, as read back from a changelog.
  absl::Status RestoreKey(std::string_view sku,
                          const internal::v1::StockState& state);
  void RestoreClock(EpochMillis t) { clock_ = std::max(clock_, t); }

  // The whole shard, SKUs in name order, so equal states give equal bytes.
  internal::v1::InventoryShardSnapshot Snapshot() const;
  // Replaces the shard's state. Fails on a snapshot that is not internally
  // consistent (a negative count, a queue entry with nothing missing).
  absl::Status Restore(const internal::v1::InventoryShardSnapshot& snapshot);

 private:
  static constexpr uint32_t kWholeSku = UINT32_MAX;
  struct Backorder {
    std::string order_id;
    int service_level;
    // With warehouses: the order's line (kWholeSku: v1, the whole SKU)
    // and where its partial reservation is held.
    uint32_t line = kWholeSku;
    WarehouseIndex held_at = 0;
    EpochMillis ship_by;
    EpochMillis placed_at;
    int64_t requested;
    mutable int64_t reserved;  // not part of the ordering
    // Rule 9's preemption took its reservation: it is served before
    // every line that was not preempted.
    bool preempted = false;
    // Warehouse work on its order has begun (ACTION_PICKED came while it
    // waited): once served it is not preemptible. Not part of the ordering.
    mutable bool picked = false;
  };
  // Rule 3's serving order.
  struct ServeFirst {
    bool operator()(const Backorder& a, const Backorder& b) const;
  };
  // One SKU's stock at one warehouse (rule 9).
  struct AtWarehouse {
    int64_t on_hand = 0;
    int64_t reserved = 0;
    int64_t available() const { return on_hand - reserved; }
  };
  // What a SKU keeps only with warehouses configured.
  struct Sourced {
    // Per configured warehouse, in configuration order: in place for up
    // to three warehouses (read for every request of the SKU), so that a
    // SKU's Sourced is 128 bytes, two whole cache lines.
    absl::InlinedVector<AtWarehouse, 3> at;
    // Units of lines reserved whole, and with split_lines every part of a
    // line (waiting or not), by (order id, line, warehouse): a RELEASE or
    // CONSUME finds where, whatever the order stage had heard by then.
    // A line reserved whole at one warehouse has one entry; a split line
    // one per warehouse it takes units from.
    PlacedLines placed;
    // With preempt: the STANDARD lines reserved whole (one part) and not
    // yet picked, with their order's ship_by and placed_at.
    struct Rank {
      EpochMillis ship_by;
      EpochMillis placed_at;
    };
    absl::btree_map<std::pair<std::string, uint32_t>, Rank> preemptible;
  };
  static_assert(sizeof(Sourced) == 128);
  struct Sku {
    int64_t on_hand = 0;
    int64_t reserved = 0;
    absl::btree_set<Backorder, ServeFirst> queue;
    std::unique_ptr<Sourced> sourced;  // null without warehouses
    int64_t available() const { return on_hand - reserved; }
  };

  static Backorder KeyOf(const StockRequest& r);
  // Hands available units to waiting orders by priority; the answers are
  // decided at `now`.
  void Serve(std::string_view sku, Sku& stock, EpochMillis now, Emitter& out);
  // The time a request's answers are decided at: when it was asked (the
  // shard's own clock for a request that does not say).
  EpochMillis DecidedAt(const StockRequest& r) const {
    return r.asked_at.value_or(clock_);
  }
  // Takes the order's units out of the queue or the fully reserved pool:
  // returns how many units it held.
  int64_t Withdraw(const StockRequest& r, Sku& stock);
  // Rule 11: the order's demand for the SKU changes from the request's
  // previous quantity and rank to its quantity and rank, in one step: it
  // keeps what it held up to the new quantity, the rest serves the queue,
  // what it lacks waits at the new rank. Answered at once, like a RESERVE.
  void Resize(const StockRequest& request, Sku& stock, Emitter& out);

  // Rule 9 (inventory_sourcing.cc): the same steps per (SKU, warehouse).
  bool sourced() const { return config_.sourcing.sourced(); }
  // (Inline: asked for every warehouse a request looks at.)
  static Sourced& SourcedOf(Sku& stock, size_t warehouses) {
    return stock.sourced != nullptr ? *stock.sourced
                                    : StartSourced(stock, warehouses);
  }
  static Sourced& StartSourced(Sku& stock, size_t warehouses);
  AtWarehouse& At(Sku& stock, WarehouseIndex w) const {
    return SourcedOf(stock, config_.sourcing.warehouses.size()).at[w];
  }
  // An inventory event's change to the warehouse's on-hand, checked.
  bool OnSourcedEvent(const v1::InventoryEvent& event, const RecordSource& source,
                      Emitter& out);
  void OnLineRequest(const StockRequest& request, Sku& stock, Emitter& out);
  // Serves the queue with what is available at `w`, then at every
  // warehouse a moved line released its partial reservation at.
  void ServeAt(std::string_view sku, Sku& stock, WarehouseIndex w,
               EpochMillis now, Emitter& out);
  // ServeAt at each warehouse in `touched`, in its order, once each.
  void ServeTouched(std::string_view sku, Sku& stock,
                    const WarehouseList& touched,
                    EpochMillis now, Emitter& out);
  void AnswerLine(std::string_view sku, const Backorder& line,
                  WarehouseIndex at, int64_t reserved, bool first,
                  EpochMillis now, Emitter& out) {
    AnswerLine(sku, line.order_id, line.line, line.requested, at, reserved,
               first, now, out);
  }
  // Sends an answer with these fields, and the scratch answer's
  // preempted_by, preempted_by_line and taken_back_by (which preemption
  // sets around the call): written in full into the emitter's next place
  // for an answer when it hands one out, else through the scratch answer.
  void SendAnswer(std::string_view order_id, std::string_view sku,
                  int64_t requested, int64_t reserved, bool first,
                  EpochMillis decided_at, std::optional<uint32_t> line,
                  std::string_view warehouse_id, Emitter& out);
  // The same for a line no Backorder was made for (reserved whole at once).
  void AnswerLine(std::string_view sku, std::string_view order_id,
                  uint32_t line, int64_t requested, WarehouseIndex at,
                  int64_t reserved, bool first, EpochMillis now, Emitter& out);
  // split_lines: what no single warehouse can fill whole is taken from
  // each in `preference` order, the rest waits.
  void ReserveSplit(const StockRequest& request, Sku& stock,
                    const std::vector<WarehouseIndex>& preference,
                    EpochMillis now, Emitter& out);
  // Answers a line with every part it holds, in the warehouses' rank
  // order (then id): each part an answer whose `requested` is what the
  // line still lacked before it and whose `reserved` is the part's units,
  // so the first part's `requested` is the line's quantity and the line
  // is complete when the last part's `reserved` reaches its `requested`.
  // Only the last answer carries `first` (the order decides once all
  // parts are in). A line holding nothing is answered once, with 0 at
  // `line.held_at`.
  void AnswerParts(std::string_view sku, Sku& stock, const Backorder& line,
                   bool first, EpochMillis now, Emitter& out);
  // RELEASE or CONSUME of the request's line: all it holds while it waits
  // (it leaves the queue), else up to the request's quantity of its placed
  // units, at its warehouse_id first. The warehouses touched are added to
  // `touched`; the queues are not served. A CONSUME of a preempted line
  // still waiting takes the request's quantity off on-hand at its
  // warehouse_id and releases what the line held (a shipment its order
  // made before it heard of the preemption). Returns whether units were
  // released, so that the queues at `touched` are to be served.
  bool TakeLine(const StockRequest& request, Sku& stock,
                WarehouseList& touched);
  // RELEASE or CONSUME of up to `quantity` of the line's placed units, the
  // part at `first` (if any) before the others; the warehouses touched are
  // added to `touched`.
  int64_t TakePlaced(const StockRequest& request, Sku& stock, int64_t quantity,
                     std::optional<WarehouseIndex> first,
                     WarehouseList& touched);
  const std::vector<WarehouseIndex>& PreferenceFor(std::string_view country);
  // The queue entry of the request's line, preempted or not.
  absl::btree_set<Backorder, ServeFirst>::iterator FindWaiting(
      const StockRequest& request, Sku& stock) const;

  // Rule 9's preemption (inventory_preemption.cc). An urgent line that
  // would wait takes the reservation of the preemptible line that ships
  // latest (then order id, then line) whose units, with what is available
  // at its warehouse, fill it whole; returns false (nothing changed) when
  // preempt is off, the line is STANDARD, or no line qualifies.
  bool Preempt(const StockRequest& request, Sku& stock, EpochMillis now,
               Emitter& out);
  // Records a STANDARD line now reserved whole as preemptible, with
  // preempt on, unless its order was picked; and forgets one that leaves
  // or is picked.
  void NotePreemptible(Sku& stock, const Backorder& line);
  static void ForgetPreemptible(Sku& stock, const std::string& order_id,
                                uint32_t line);
  // ACTION_PICKED: the line is no longer preemptible, and if it waits,
  // it will not be once served.
  void NotePicked(const StockRequest& request, Sku& stock);
  // ACTION_REFUSE_PREEMPTION: the order's warehouse work had begun when
  // the answer that preempted its line came. The line holds the
  // request's quantity (its units not shipped meanwhile; 0 when all
  // were) at the request's warehouse again, whatever it held since (what
  // it gives up serves the queues), and is not preemptible; the urgent
  // line named gives back what it holds (TakeBack).
  void RefusePreemption(const StockRequest& request, Sku& stock, Emitter& out);
  // The urgent line a refusal names (preempted_by, preempted_by_line; for
  // a refusal that names no line, that order's first line of the SKU
  // holding units) releases every unit it holds, into `touched`, and its
  // order is answered: reserved 0, taken_back_by the refusing order.
  // Nothing when it holds none or waits (released, consumed or resized
  // since).
  void TakeBack(const StockRequest& refusal, Sku& stock, EpochMillis now,
                WarehouseList& touched, Emitter& out);
  void FillPreemptible(const Sku& stock, internal::v1::StockState* s) const;
  absl::Status LoadPreemptible(const internal::v1::StockState& s,
                               Sku& stock) const;
  // Rule 11 (inventory_resize.cc): the line's Resize.
  void ResizeLine(const StockRequest& request, Sku& stock, Emitter& out);

  // A key already changed since the last TakeChangedKeys is found without
  // copying it (a popular SKU changes with nearly every order).
  void Changed(std::string_view sku) {
    // (absl's own string_view: the one its string hash takes.)
    if (track_changes_ &&
        !changed_set_.contains(absl::string_view(sku.data(), sku.size()))) {
      changed_set_.emplace(sku);
      changed_.emplace_back(sku);
    }
  }
  absl::Status Load(const internal::v1::StockState& s, Sku& stock) const;
  void Fill(std::string_view sku, const Sku& stock,
            internal::v1::StockState* s) const;

  const EngineConfig& config_;
  EpochMillis clock_ = 0;
  TextMap<Sku> skus_;
  // Scratch, reused for every answer an emitter does not hand out a place
  // for (SendAnswer); its preemption fields are set around an answer.
  StockAnswer answer_;
  // Rule 9: each ship-to country's warehouse preference, as asked; and
  // the last one asked for (an order's lines ask one after another),
  // found again without a lookup. The pointer is into preference_, set
  // again by every lookup that misses it (the only place preference_
  // grows, so it never dangles).
  StringMap<std::vector<WarehouseIndex>> preference_;
  std::string last_country_;
  const std::vector<WarehouseIndex>* last_preference_ = nullptr;

  bool track_changes_ = false;
  std::vector<std::string> changed_;
  absl::flat_hash_set<std::string> changed_set_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_INVENTORY_SHARD_H_
