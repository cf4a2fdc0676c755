// The order stage's state for the orders of one partition: rules 1, 2
// (the order's side), 4, 5, 6 and 7 of docs/contract.md, and invoices against
// what shipped.
//
// An OrderShard owns every order whose id hashes to its partition: the
// order's status, its lines and which of them are reserved, its deadlines
// and the escalations raised for it. Stock lives in the inventory stage;
// the shard asks for it with AllocationRequests and learns the answers
// from AllocationResults.
//
// The rules as the shard applies them, each in the file named after it:
//  - order_acceptance.cc (rule 1): an order placed is reviewed
//    (engine/review.h) and REJECTED with a level-1 VALIDATION_FAILED, or
//    ACCEPTED and its stock asked for, one request per distinct SKU. The
//    same order again is a no-op; the same id with other content goes to
//    dead-letter (DUPLICATE_ORDER) and raises VALIDATION_FAILED on the
//    order that stands.
//  - order_allocation.cc (rules 2 and 3, the order's side): when every SKU
//    has answered, an order whose lines are all reserved is ALLOCATED and
//    its DeliveryTask CREATE (with the ship-to address) emitted; one short
//    of stock is BACKORDERED with a SHORT_STOCK reason per short SKU, and
//    ALLOCATED when a later answer (rule 3's priority is the inventory
//    stage's) completes it.
//  - order_cancellation.cc (rule 4): before SHIPPED the order is CANCELLED,
//    its stock released, a CANCEL task follows a CREATE and its open
//    escalations are cleared; after, a level-2 CANCEL_AFTER_SHIPMENT.
//  - order_shipments.cc (rule 5): SHIPPED consumes the stock, DELIVERED is
//    terminal, DELIVERY_FAILED raises a level-2 escalation; a repeated
//    (shipmentId, status) is a no-op.
//  - order_parcels.cc (rule 10): a shipment event with lines ships,
//    delivers or fails those units (parcels), and a cancellation after a
//    partial shipment cancels the unshipped rest.
//  - order_deadlines.cc (rule 6): each order's next deadline is its one
//    timer (engine/timer_queue.h); what each deadline says when it fires.
//  - order_sourcing.cc (rule 9, the order's side): with warehouses, a
//    request per line, each line's warehouse, one task per warehouse.
//  - order_escalations.cc (rule 7): an escalation of an order is RAISED at
//    most once and CLEARED at most once, after it was raised.
//  - order_invoices.cc: invoices against what shipped (OnInvoice below).
//  - order_contacts.cc (rule 13): a customer contact raises a
//    CUSTOMER_CONTACT escalation with the order's facts and root cause,
//    level 2 and 3 while unresolved; a SHIPPED or DELIVERED for a cancelled
//    order raises DELIVERED_AFTER_CANCEL.
//  - order_holds.cc (rule 12): holds put an order not yet shipped ON_HOLD
//    (no task created, an existing one sent HOLD) until the last is
//    released; HOLD_AGED, HOLD_AFTER_SHIPMENT, CANCEL_ORDER (OnHold below).
//  - order_amendments.cc (rule 11): an amendment is applied (addresses,
//    service level, promise and lines; stock resized, tasks updated) or
//    rejected as a whole with its reasons and a level-1 AMENDMENT_REJECTED.
//  - order_early_records.cc: a cancellation, shipment or invoice that comes
//    before its order waits for it, and goes to dead-letter when its
//    retention ends.
//  - order_shard_state.cc: snapshots and the changelog's per-key states.
//  - order_open_escalations.cc: the escalations open in the orders' state,
//    for a view of them after a restore (ForEachOpenEscalation below).
//
// Time: the shard has a clock that only moves forward. The host moves it
// with AdvanceClock (firing every timer that falls due, in due order) and
// then applies records at that clock. Timers are part of the state: each
// order has at most one, at its next deadline (or, once closed, at the end
// of its retention), and each early record expires on its own. A closed
// order is forgotten when its retention ends; a record with its id after
// that is of a new order.
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
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "engine/config.h"
#include "engine/deadlines.h"
#include "engine/emitter.h"
#include "engine/escalations.h"
#include "engine/order.h"
#include "engine/sku_lines.h"
#include "engine/order_store.h"
#include "engine/order_status.h"
#include "engine/outputs.h"
#include "engine/parcels.h"
#include "engine/record.h"
#include "engine/service_metrics.h"
#include "engine/stage_messages.h"
#include "engine/string_map.h"
#include "engine/timer_queue.h"
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
  // The earliest due time of the timers set since the last call (kNever
  // for none), and starts again. A timer only moves earlier by being set,
  // so while NextTimer was at T when last asked and this stays after
  // `now`, nothing is due by `now` (what lets a caller skip NextTimer).
  EpochMillis TakeEarliestTimerSet() {
    return std::exchange(earliest_timer_set_, kNever);
  }
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
  // Rule 13 (order_contacts.cc, docs/contract.md): a contact without
  // contactId, orderId, receivedAt or kind goes to dead-letter
  // (MISSING_FIELD; INVALID_VALUE for an unknown kind; KEY_MISMATCH); one
  // for an order not seen waits like an early cancellation
  // (EngineConfig::early_contact_retention), then goes to dead-letter
  // (UNMATCHED_CONTACT).
  void OnCustomerContact(const v1::CustomerContact& contact,
                         const RecordSource& source, Emitter& out);
  // Holds (rule 12; docs/contract.md says it in full):
  //  - a malformed event (engine/holds.h CheckHoldEvent) goes to
  //    dead-letter with its reason, one whose key is not its orderId too
  //    (KEY_MISMATCH); a RELEASE of a holdId the order does not have goes
  //    there as UNKNOWN_HOLD; a repeated (holdId, action) is a no-op;
  //  - PLACE on an order not yet shipped makes it ON_HOLD (reasons
  //    HOLD_<TYPE>): it keeps and gains reservations but gets no task, and
  //    a task already created is sent HOLD; at or after SHIPPED it raises
  //    HOLD_AFTER_SHIPMENT level 2 and holds nothing;
  //  - RELEASE of the last open hold returns the order to the status it
  //    would have without holds (its task created then, or sent RELEASE);
  //    with outcome CANCEL_ORDER the order is cancelled by rule 4 (reason
  //    HOLD_<TYPE>);
  //  - a hold open past its type's limit (EngineConfig::holds) raises
  //    HOLD_AGED level 1, at twice the limit level 2, cleared when no open
  //    hold is that old any more;
  //  - an event for an order not seen is held like an early cancellation,
  //    then dead-lettered (UNMATCHED_HOLD).
  void OnHold(const v1::HoldEvent& hold, const RecordSource& source,
              Emitter& out);
  // Rule 11, an amendment (docs/contract.md says what each reason means):
  //  - without orderId, amendmentId or requestedAt it goes to dead-letter
  //    (MISSING_FIELD); one whose key is not its orderId, KEY_MISMATCH;
  //  - one for an order not seen is held like an early cancellation and
  //    applied when the order comes, or dead-lettered
  //    (UNMATCHED_AMENDMENT) when its retention ends;
  //  - an amendmentId already applied or rejected for the order is a
  //    no-op;
  //  - otherwise it is APPLIED or REJECTED as a whole: one AmendmentResult
  //    each, and a REJECTED one raises a level-1 AMENDMENT_REJECTED.
  void OnAmendment(const v1::OrderAmended& amendment,
                   const RecordSource& source, Emitter& out);
  // An answer of the inventory stage, decided at its decided_at (the
  // clock, for one that does not say): the status, task and escalations it
  // causes carry that time, whether the clock has moved past it while the
  // answer travelled or not reached it yet, so that they do not depend on
  // how the answer travelled. The clock does not move; when decided_at is
  // later, the order's own timers due by then fire first.
  void OnAllocationResult(const internal::v1::AllocationResult& result,
                          Emitter& out);
  void OnAllocationResult(const StockAnswer& result, Emitter& out);

  // nullopt for an order this shard does not know (or has forgotten).
  std::optional<v1::OrderStatus> StatusOf(std::string_view order_id) const;
  // Orders accepted and not yet closed (delivered, cancelled).
  size_t open_orders() const;
  size_t known_orders() const { return store_.size(); }
  size_t early_records() const;

  // The service metrics of what this shard decided since it was made (or
  // since the last TakeMetrics). Not part of the state: a restored shard
  // starts counting afresh.
  const ServiceMetrics& metrics() const { return metrics_; }
  // Hands over the metrics counted so far and starts again from zero (a
  // host adds them to its totals when their transaction commits).
  ServiceMetrics TakeMetrics() { return std::exchange(metrics_, {}); }
  // Adds the shard's open orders, by status and age at `now`, to `backlog`.
  // Reads 8 bytes an order, in slot order (OrderStore::CountBacklog): a
  // host calls it every second with hundreds of thousands of orders held.
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

  // Every escalation the shard's orders have RAISED and not CLEARED (rule
  // 7's rungs and rule 13's contacts), as a RAISED record: its id, kind,
  // level and, for a contact, root cause as emitted. The state keeps
  // neither the message nor the detection time, so `detected_at` is the
  // rung's due time (rule 6's timed rungs, a contact's ladder) or else
  // when the order entered its status, and the message says the
  // escalation was found open in the order's state, with the order's
  // facts now. For a view of open escalations after a restore
  // (observe/escalation_worklist.h); order_open_escalations.cc.
  void ForEachOpenEscalation(
      const std::function<void(const v1::Escalation&)>& f) const;

  // Everything below is how; engine/order_store.h, engine/order.h,
  // engine/timer_queue.h, engine/ship_to.h and engine/shipment_carriers.h
  // hold the layout. Each rule's
  // steps are defined in the file named after it (see the list above).
 private:
  Order* Find(std::string_view id) { return store_.Find(id); }
  const Order* Find(std::string_view id) const { return store_.Find(id); }
  Order& Create(std::string_view id) {
    Changed(id);
    sku_lines_.Forget();
    return store_.Create(id);
  }
  void Forget(Order& order) {
    Changed(order.id);
    sku_lines_.Forget();
    store_.Forget(order);
  }
  const std::string& SkuName(SkuId id) const { return store_.Name(id); }
  // One SHORT_STOCK:<sku> reason per SKU of a line not reserved, in the
  // order the SKUs first appear: what BACKORDERED says.
  std::vector<std::string> ShortStockReasons(const Order& order) const;
  ShipToAddresses& ship_to() { return store_.ship_to(); }
  // Whether `order` was placed with the content whose encoding (the
  // bytes of EncodeOrderPlaced) is `encoding`, fingerprinted `hash`.
  static bool SameContent(const Order& order, uint64_t hash,
                          std::string_view encoding);

  // Outputs (order_shard.cc).
  void SetStatus(Order& order, v1::OrderStatus status,
                 std::vector<std::string> reasons, Emitter& out);
  // Asks the inventory stage about the whole order: one request per
  // distinct SKU (per line when sourced, rule 9). Returns how many it sent,
  // which is how many first answers a RESERVE awaits.
  uint16_t AskInventory(const Order& order, StockRequest::Action action,
                        Emitter& out);
  // The shard's scratch request with `action` and the order's id and
  // backorder rank, asked at the shard's clock; the caller sets the SKU,
  // quantity (and line, warehouse) and sends it.
  StockRequest& RequestFor(const Order& order, StockRequest::Action action);
  void EmitTask(const Order& order, v1::TaskAction action, Emitter& out);

  // Rule 1 (order_acceptance.cc). `placed` was the last order encoded
  // (ShipToAddresses::Encode): the order keeps its address from there.
  void Accept(Order& order, const v1::OrderPlaced& placed, Emitter& out);
  // Rules 2 and 3, the order's side (order_allocation.cc). The result is
  // applied at clock_, which OnAllocationResult sets to its decision time;
  // `shard_clock` is the clock as it stands.
  void ApplyAllocationResult(const StockAnswer& result, EpochMillis shard_clock,
                             Emitter& out);
  void Allocate(Order& order, Emitter& out);
  // Rule 9, the order's side (order_sourcing.cc). A sourced order (with
  // warehouses configured) asks per line and keeps each line's warehouse
  // and task in the line (Order::Line), the further parts of split lines
  // in its extras.
  // (Inline: a v1 order is told by one test on the order.)
  bool IsSourced(const Order& order) const {
    return order.sourced && config_.sourcing.sourced() && !order.lines.empty();
  }
  void StartSourcing(Order& order);
  // `units`: how many of the line's units the request is about; 0 (the
  // default) is the whole line. A part only for RELEASE and CONSUME of a
  // line reserved whole (rule 10: a parcel consumes what it carries).
  // `at`: the warehouse named (its units there are taken first), if not
  // the line's first. `sku`: the line's SKU name, when the caller has it
  // at hand (the order being accepted); empty: read from the store, whose
  // copy of an old order's name is seldom in cache.
  void AskLine(const Order& order, uint32_t line, StockRequest::Action action,
               std::string_view country, Emitter& out, int64_t units = 0,
               uint16_t at = LineSourcing::kNowhere, std::string_view sku = {});
  // One warehouse's part of a sourced order's line: the whole line unless
  // split_lines took it from several (`part` 0 is the line's first).
  struct LinePart {
    uint32_t line;
    uint16_t part;
    uint16_t warehouse;
    uint16_t task;
    int32_t units;
  };
  // Every line's parts, in line order.
  std::vector<LinePart> LineParts(const Order& order) const;
  // f(part) for each of them, in the same order, with nothing allocated
  // (asked for every shipment event of a sourced order).
  template <typename F>
  void ForEachLinePart(const Order& order, const F& f) const {
    for (uint32_t i = 0; i < order.lines.size(); ++i) {
      const Order::Line& line = order.lines[i];
      const std::vector<LineSourcing::Part>* more = MorePartsOf(order, i);
      if (more == nullptr) {
        f(LinePart{i, 0, line.warehouse, line.task, line.quantity});
        continue;
      }
      int32_t first = line.quantity;
      for (const LineSourcing::Part& p : *more) first -= p.units;
      f(LinePart{i, 0, line.warehouse, line.task, first});
      for (size_t k = 0; k < more->size(); ++k) {
        const LineSourcing::Part& p = (*more)[k];
        f(LinePart{i, static_cast<uint16_t>(k + 1), p.warehouse, p.task, p.units});
      }
    }
  }
  // The parts of line `i` after its first (split_lines), or null when it
  // has none.
  static const std::vector<LineSourcing::Part>* MorePartsOf(const Order& order,
                                                           uint32_t i) {
    if (order.extras == nullptr) return nullptr;
    const std::vector<std::vector<LineSourcing::Part>>& more =
        order.extras->sourcing.more;
    return i < more.size() && !more[i].empty() ? &more[i] : nullptr;
  }
  // Line `i` has its first part only (from now on).
  static void DropMoreParts(Order& order, uint32_t i);
  // Line `i` has `part` after the parts it has.
  static void AddMorePart(Order& order, uint32_t i, LineSourcing::Part part);
  // The task number of a part, to set.
  static uint16_t& TaskOfPart(Order& order, const LinePart& part);
  // Rule 11's warehouse work reported per task (OrderAmendments::tasks):
  // the order's own mark (Order::has_task_mark), else its extras' marks.
  // A copy, as the two are kept apart.
  using TaskMarks = absl::InlinedVector<OrderAmendments::TaskMark, 2>;
  static TaskMarks TaskMarksOf(const Order& order);
  // The marks to change: an order's own mark moves into its extras first.
  static std::vector<OrderAmendments::TaskMark>& MutableTaskMarks(Order& order);
  // Adds `mark` after the order's marks: into the order itself when it is
  // the first and a picked one (the common case), else into the extras.
  static void AddTaskMark(Order& order, OrderAmendments::TaskMark mark);
  // LineSourcing::tasks_cancelled_up_to, 0 for an order without extras.
  static uint16_t TasksCancelledUpTo(const Order& order) {
    return order.extras == nullptr ? 0 : order.extras->sourcing.tasks_cancelled_up_to;
  }
  // The (warehouse, number) of every task created, once each, in the
  // order of their first lines (an order has a few: in place).
  using Tasks = absl::InlinedVector<std::pair<uint16_t, uint16_t>, 4>;
  Tasks CreatedTasks(const Order& order) const;
  // The (line, units) of the sourced order's task `task_id` (an id it
  // created), in line order; empty when it has no such task.
  std::vector<std::pair<uint32_t, int32_t>> SourcedTaskLines(
      const Order& order, std::string_view task_id) const;
  // The first part (in ForEachLinePart's order) that went into the
  // sourced order's task `task_id`; nullopt for none (or an empty id).
  std::optional<LinePart> FirstPartInTask(const Order& order,
                                          std::string_view task_id) const;
  // Whether `part` went into the task `task_id` (the id compared piece
  // by piece, built nowhere), in two steps: what `task_id` says after the
  // order's own "<orderId>/delivery" (nullopt when it does not begin so),
  // and whether that names `part`'s task.
  static std::optional<std::string_view> TaskIdRest(const Order& order,
                                                    std::string_view task_id);
  bool PartIsInTaskRest(const LinePart& part, std::string_view rest) const;
  void NoteLineAnswer(Order& order, const StockAnswer& result);
  // Creates a task per warehouse for the reserved lines in no task yet.
  void EmitSourcedTasks(Order& order, Emitter& out);
  // A reserved line (or part of one) in no task yet; a line amended to 0
  // units goes in none.
  bool AwaitsTask(const Order& order, const LinePart& part) const;
  // The number of `warehouse`'s next task of the order: after its
  // earlier tasks and after those cancelled.
  uint16_t NextTaskNumber(const Order& order, uint16_t warehouse) const;
  // Puts every part at `warehouse` that awaits a task in task `number`.
  void NumberAwaitingParts(Order& order, uint16_t warehouse, uint16_t number);
  // CANCELs every task created.
  void CancelSourcedTasks(const Order& order, Emitter& out);
  // Rule 9's preemption, the order's side (order_preemption.cc). An
  // answer with preempted_by: the line's reservation went to an urgent
  // order. The order's tasks are CANCELled (its other lines keep their
  // reservations), and an ALLOCATED order goes BACKORDERED with reason
  // PREEMPTED_BY:<orderId>. Unless warehouse work on the order had
  // already begun (WorkBegun: picked, packed or shipped, while its
  // ACTION_PICKED was still on its way): then it refuses
  // (RefusePreemption) and keeps its line, tasks and status.
  void ApplyPreemption(Order& order, const StockAnswer& result, Emitter& out);
  // ACTION_REFUSE_PREEMPTION for the preempted line: it keeps its units
  // at its warehouse, and the urgent line named gives them back.
  void RefusePreemption(const Order& order, const StockAnswer& result,
                        Emitter& out);
  // An answer with taken_back_by: the urgent line's reservation, taken by
  // preemption, went back to the order it was taken from, which refused.
  // As when preempted, the order's tasks are CANCELled and an ALLOCATED
  // order goes BACKORDERED, with reason PREEMPTED_ORDER_PICKED:<orderId>;
  // then it asks for the line again (a RESERVE, answered as any: other
  // stock, another preemptible line, or waiting in rule 3's order).
  void ApplyTakeBack(Order& order, const StockAnswer& result, Emitter& out);
  // Both: the order's tasks CANCELled as they were, an ALLOCATED order
  // BACKORDERED with `reason`, and no line in a task any more; task
  // numbers go on after the highest cancelled.
  void CancelTasksForLostLine(Order& order, std::string reason, Emitter& out);
  // Then, under ship_available and not ON_HOLD, what is still reserved
  // goes now (EmitSourcedTasks).
  void ShipWhatIsStillReserved(Order& order, Emitter& out);
  // Whether `result` serves a line the order holds after refusing its
  // preemption: the inventory stage served the line where the preemption
  // had left it waiting before the refusal reached it (the refusal gives
  // those units up). Such an answer is stale and changes nothing.
  bool ServesRefusedLine(const Order& order, const StockAnswer& result) const;
  // Rule 9: whether warehouse work on the order has begun (picked or
  // packed reported, or some of it shipped): a preemption that reaches
  // it now is refused.
  static bool WorkBegun(const Order& order) {
    return order.work_reported != 0 || HasShipped(order.status);
  }
  // Whether the order's lines may be preempted: preempt on, a sourced
  // STANDARD order.
  bool MayBePreempted(const Order& order) const {
    return config_.sourcing.preempt && IsSourced(order) &&
           order.level == v1::SERVICE_LEVEL_STANDARD;
  }
  // Whether preemption may cancel the order's tasks for new ones: a
  // STANDARD order's when its line is preempted, an urgent one's when
  // the line it took is taken back. Such an order keeps its address for
  // the tasks that follow.
  bool TasksMayBeRenewed(const Order& order) const {
    return config_.sourcing.preempt && IsSourced(order);
  }
  // The first warehouse work reported for such an order (a PICKED or
  // later of its task) tells the inventory stage its lines are picked.
  void TellPicked(const Order& order, Emitter& out);
  void EmitWarehouseTask(const Order& order, uint16_t warehouse,
                         uint16_t number, v1::TaskAction action, Emitter& out);
  // Rule 4 (order_cancellation.cc). `reason` is the CANCELLED record's.
  void Cancel(Order& order, Emitter& out,
              std::string_view reason = "CANCEL_REQUESTED");
  // A cancellation requested at `requested_at` for an order that exists:
  // cancelled before SHIPPED, the unshipped rest after a partial shipment,
  // CANCEL_AFTER_SHIPMENT after.
  void ApplyCancellation(Order& order, EpochMillis requested_at,
                         std::string_view reason, Emitter& out);
  // Rule 12 (order_holds.cc).
  void ApplyHold(Order& order, const v1::HoldEvent& hold,
                 const RecordSource& source, Emitter& out);
  void PlaceHold(Order& order, const v1::HoldEvent& hold, Emitter& out);
  void ReleaseHold(Order& order, OrderHolds::Hold& hold,
                   const v1::HoldEvent& event, Emitter& out);
  // The last hold is released: the status the order would have without
  // holds, its task created or released.
  void Resume(Order& order, Emitter& out);
  // Sends `action` (HOLD, RELEASE) for every task the order has created.
  void HoldTasks(Order& order, v1::TaskAction action, Emitter& out);
  // Raised when an order on hold ships all the same (MarkShipped).
  void ShippedWhileHeld(Order& order, Emitter& out);
  void ClearAgedHolds(Order& order, Emitter& out);
  // HOLD_AGED's next due time (kNever for an order not on hold).
  EpochMillis NextHoldDue(const Order& order) const;
  void FireHoldDeadlines(Order& order, EpochMillis due, Emitter& out);
  // Rule 6's message with the open holds named, for an order on hold.
  std::string WithOpenHolds(const Order& order, std::string message) const;
  bool IsHeld(const Order& order) const {
    return order.status == v1::ORDER_STATUS_ON_HOLD;
  }
  void FillHoldsState(const Order& order, internal::v1::OrderState* s) const;
  void RestoreHolds(Order& order, const internal::v1::OrderState& s);
  // Rule 5 (order_shipments.cc).
  void MarkShipped(Order& order, Emitter& out);
  void ApplyShipment(Order& order, const v1::ShipmentEvent& shipment,
                     const RecordSource& source, Emitter& out);
  // Rule 10 (order_parcels.cc). A shipment event of an order with parcels,
  // or with lines: false when it went to dead-letter (SHIPMENT_MISMATCH)
  // and changed nothing.
  // `in_task`: FirstPartInTask of the event's task_id, for a sourced
  // order (its warehouse is where the parcel's units are consumed first).
  bool ApplyParcel(Order& order, const v1::ShipmentEvent& shipment,
                   const std::optional<LinePart>& in_task,
                   const RecordSource& source, Emitter& out);
  // Whether `task_id` names a delivery task of `order`; for a sourced
  // order, whether `in_task` (FirstPartInTask of task_id) found a part.
  bool TaskOf(const Order& order, std::string_view task_id,
              const std::optional<LinePart>& in_task) const;
  // Stock requests for `units` of the order's lines (by line index): one
  // per SKU, for the units of its lines. A sourced order asks per line,
  // naming warehouse `at` (a parcel's task's) when given.
  void AskInventoryForUnits(const Order& order, StockRequest::Action action,
                            absl::Span<const int32_t> units, Emitter& out,
                            uint16_t at = LineSourcing::kNowhere);
  // The status the parcels give, and the escalations they clear;
  // invoices are compared when every unit has just shipped.
  void SettleParcels(Order& order, bool was_all_shipped,
                     std::vector<std::string> reasons, Emitter& out);
  // A cancellation while units are still to ship: the rest is released and
  // its task cancelled, CANCEL_AFTER_SHIPMENT raised for what shipped.
  void CancelUnshippedRest(Order& order, EpochMillis requested_at, Emitter& out);
  // Rule 6 (order_deadlines.cc).
  void FireDeadlines(Order& order, EpochMillis due, Emitter& out);
  std::string DeadlineMessage(const Order& order, Rung rung) const;
  // The message as rule 6 words it for the whole order (v1).
  std::string WholeOrderDeadlineMessage(const Order& order, Rung rung) const;
  // Keeps the order's one timer at its next deadline (or, once closed, at
  // the end of its retention).
  void Reschedule(Order& order);
  LadderPosition PositionOf(const Order& order) const {
    return LadderPosition{order.status, order.promise, order.since,
                          HasUnshippedUnits(order)};
  }
  // Rule 7 (order_escalations.cc): each escalation of an order is raised
  // at most once and cleared at most once, after it was raised.
  void Raise(Order& order, Rung rung, EpochMillis detected_at,
             std::string message, Emitter& out);
  void Clear(Order& order, Rung rung, Emitter& out);
  // Emits the escalation of `rung` for `order` in `state`.
  void Escalate(const Order& order, Rung rung, v1::EscalationState state,
                EpochMillis detected_at, std::string message, Emitter& out);
  void ClearAllOpen(Order& order, Emitter& out);
  // Rule 11 (order_amendments.cc).
  void ApplyAmendment(Order& order, const v1::OrderAmended& amendment,
                      Emitter& out);
  // Why the amendment cannot be applied to the order as it stands; empty
  // when it can.
  std::vector<std::string> AmendmentProblems(
      const Order& order, const v1::OrderAmended& amendment) const;
  void SendAmendmentResult(const Order& order,
                           const v1::OrderAmended& amendment,
                           std::vector<std::string> reasons, Emitter& out);
  // The new service level and promise, and the deadline escalations that
  // no longer hold cleared. True when either changed.
  bool AmendDates(Order& order, const v1::OrderAmended& amendment,
                  Emitter& out);
  // The new quantities and lines: a RESIZE per SKU whose demand changed,
  // or that waits in a queue while the order's rank changed from
  // (level_before, ship_by_before). True when any was sent: the order then
  // settles when their answers are in (SettleResize).
  bool AmendLines(Order& order, const v1::OrderAmended& amendment,
                  v1::ServiceLevel level_before, EpochMillis ship_by_before,
                  Emitter& out);
  // An answer of the inventory stage while a RESIZE is pending: true when
  // it was one (then handled).
  bool NoteResizeAnswer(Order& order, const StockAnswer& result, Emitter& out);
  void SettleResize(Order& order, Emitter& out);
  // UPDATE of every task the order has open.
  void UpdateTasks(const Order& order, Emitter& out);
  // The address a CREATE or UPDATE carries: an amended one, else the
  // order's own while it keeps it; nullopt when it has none.
  std::optional<std::string_view> TaskShipTo(const Order& order) const;
  // A PICKED or PACKED of the order's task (rule 11 reads it).
  static void NoteWork(Order& order, v1::ShipmentStatus event);
  // With warehouses (order_amendments_sourced.cc): whether warehouse work
  // reached every task of the order (or it shipped), or the task of a part
  // of `line`; the task of a PICKED or PACKED noted; a changed line
  // resized, a new one reserved, on its own; and the tasks settled once
  // the answers are in (UPDATE, CANCEL, CREATE).
  bool SourcedWorkCoversAll(const Order& order) const;
  bool SourcedLinePicked(const Order& order, uint32_t line) const;
  // (`in_task`: FirstPartInTask of the PICKED or PACKED event's task.)
  void NoteTaskWork(Order& order, const std::optional<LinePart>& in_task);
  bool AmendSourcedLines(Order& order, const v1::OrderAmended& amendment,
                         v1::ServiceLevel level_before,
                         EpochMillis ship_by_before, Emitter& out);
  void SettleSourcedResize(Order& order, Emitter& out);
  static bool AwaitsResize(const Order& order) {
    return order.extras != nullptr && order.extras->amendments.resize_pending;
  }
  // Invoices (order_invoices.cc).
  void ApplyInvoice(Order& order, const v1::InvoiceIssued& invoice,
                    const RecordSource& source, Emitter& out);
  // Compares the order's invoices, if any, with what it shipped, unless it
  // has not shipped yet: raises or clears INVOICE_MISMATCH.
  void CheckInvoices(Order& order, Emitter& out);
  // Rule 13 (order_contacts.cc).
  void ApplyContact(Order& order, const v1::CustomerContact& contact,
                    Emitter& out);
  // Raises level `level` of the order's contact at `index`, once.
  void RaiseContact(Order& order, size_t index, int level,
                    EpochMillis detected_at, std::string message, Emitter& out);
  void EscalateContact(const Order& order, const OrderContacts::Contact& contact,
                       int level, v1::EscalationState state,
                       EpochMillis detected_at, std::string message,
                       Emitter& out);
  // When the next level of an open contact falls due; kNever if none.
  EpochMillis NextContactDue(const Order& order) const;
  // Raises every level of an open contact due at or before `due`.
  void FireContactLadder(Order& order, EpochMillis due, Emitter& out);
  // The order's facts, for a person: status, promise, what shipped and
  // when, carrier and tracking, open escalations.
  std::string OrderFacts(const Order& order) const;
  // An applied SHIPPED, DELIVERED or DELIVERY_FAILED: its carrier and
  // tracking number, for every order (engine/shipment_carriers.h).
  void NoteCarrier(const Order& order, const v1::ShipmentEvent& shipment);
  // A SHIPPED or DELIVERED for a CANCELLED order.
  void RecordShippedAfterCancel(Order& order, const v1::ShipmentEvent& shipment,
                                Emitter& out);
  void FillContactsState(const Order& o, internal::v1::OrderState* s) const;
  void RestoreContactsState(Order& o, const internal::v1::OrderState& s);
  // Early records, kept until their order comes or they expire
  // (order_early_records.cc).
  void KeepEarly(internal::v1::EarlyRecord::Kind kind,
                 const google::protobuf::Message& value, std::string_view id,
                 const RecordSource& source);
  void ReplayEarly(Order& order, Emitter& out);
  void ExpireEarly(std::string_view id, EpochMillis now, Emitter& out);

  // State as data (order_shard_state.cc).
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

  OrderStore store_;
  // Mutable: NextTimer sorts what is due next, which changes no timer.
  mutable TimerQueue timers_{store_};
  // See TakeEarliestTimerSet; kept by NoteTimerSet.
  EpochMillis earliest_timer_set_ = kNever;
  void NoteTimerSet(EpochMillis due) {
    earliest_timer_set_ = std::min(earliest_timer_set_, due);
  }

  // By order id, in no order (Snapshot sorts): looked up for every new
  // order, and nearly always missing.
  StringMap<std::vector<internal::v1::EarlyRecord>> early_;
  absl::btree_set<std::pair<EpochMillis, std::string>> early_timers_;

  // Scratch space, reused from record to record.
  std::vector<TaskOutputLine> task_lines_;
  v1::Escalation escalation_message_;
  StockRequest request_;
  std::vector<SkuDemand> demand_;
  SkuLines sku_lines_;

  ServiceMetrics metrics_;

  bool track_changes_ = false;
  std::vector<std::string> changed_;
  absl::flat_hash_set<std::string> changed_set_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ORDER_SHARD_H_
