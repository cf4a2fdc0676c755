#include "engine/order_shard.h"

#include <algorithm>

#include "engine/dead_letter.h"
#include "engine/fingerprint.h"
#include "engine/order_status.h"
#include "engine/order_wire.h"
#include "engine/review.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;
using internal::v1::AllocationResult;
using internal::v1::EarlyRecord;

namespace {

std::string_view LevelName(v1::ServiceLevel level) {
  return WithoutPrefix(v1::ServiceLevel_Name(level), "SERVICE_LEVEL_");
}
std::string_view ShipmentStatusName(v1::ShipmentStatus s) {
  return WithoutPrefix(v1::ShipmentStatus_Name(s), "SHIPMENT_STATUS_");
}


// (shipmentId, status): the id's bytes, then the status as its own bytes,
// so that no id and status can stand for another pair.
uint64_t ShipmentEventKey(const v1::ShipmentEvent& e) {
  const uint32_t status = static_cast<uint32_t>(e.status());
  const char bytes[4] = {static_cast<char>(status), static_cast<char>(status >> 8),
                         static_cast<char>(status >> 16),
                         static_cast<char>(status >> 24)};
  return Fingerprint(std::string_view(bytes, 4), Fingerprint(e.shipment_id()));
}

}  // namespace

OrderShard::OrderShard(const EngineConfig& config)
    : config_(config) {
  Intern("");  // name 0: Order::currency before it is known
}

// ------------------------------------------------------------ storage

void OrderShard::Order::AddLine(std::string_view line_id, SkuId sku,
                                int32_t quantity, int64_t unit_price,
                                bool reserved) {
  const size_t end = lines.empty() ? 0 : lines.back().id_end;
  packed.insert(end, line_id);  // before the address, if any
  const uint64_t price = static_cast<uint64_t>(unit_price);
  lines.push_back(Line{sku, quantity, static_cast<uint32_t>(end + line_id.size()),
                       reserved, static_cast<uint32_t>(price),
                       static_cast<int32_t>(static_cast<uint32_t>(price >> 32))});
}

void OrderShard::Order::KeepShipTo(const v1::Address& address) {
  DropShipTo();
  AppendAddress(address, packed);
  has_ship_to = true;
}

void OrderShard::Order::KeepShipToBytes(std::string_view address_bytes) {
  DropShipTo();
  packed.append(address_bytes);
  has_ship_to = true;
}

std::string_view OrderShard::Order::ShipToBytes() const {
  const size_t begin = lines.empty() ? 0 : lines.back().id_end;
  return std::string_view(packed).substr(begin);
}

void OrderShard::Order::DropShipTo() {
  if (!has_ship_to) return;
  has_ship_to = false;
  const size_t end = lines.empty() ? 0 : lines.back().id_end;
  if (packed.size() == end) return;  // nothing was kept here
  packed.resize(end);
  packed.shrink_to_fit();
}

std::string_view OrderShard::ShipToOf(const Order& order) const {
  if (waiting_ship_to_ && waiting_ship_to_->slot == order.slot) {
    return waiting_ship_to_->bytes;
  }
  return order.ShipToBytes();
}

void OrderShard::KeepShipToFromEncoding(Order& order,
                                        std::string_view address_bytes) {
  DropShipTo(order);
  order.has_ship_to = true;
  waiting_ship_to_ = WaitingShipTo{order.slot, address_bytes};
}

void OrderShard::DropShipTo(Order& order) {
  if (waiting_ship_to_ && waiting_ship_to_->slot == order.slot) {
    waiting_ship_to_.reset();
  }
  order.DropShipTo();
}

void OrderShard::KeepWaitingShipTo() {
  if (!waiting_ship_to_) return;
  Order& order = At(waiting_ship_to_->slot);
  const std::string_view bytes = waiting_ship_to_->bytes;
  waiting_ship_to_.reset();
  order.KeepShipToBytes(bytes);
}


OrderShard::Order* OrderShard::Find(std::string_view id) {
  return const_cast<Order*>(std::as_const(*this).Find(id));
}
const OrderShard::Order* OrderShard::Find(std::string_view id) const {
  const std::optional<Slot> slot = index_.Find(
      id, HashText(id), [this](Slot s) -> std::string_view { return At(s).id; });
  return slot ? &At(*slot) : nullptr;
}

bool OrderShard::SameContent(const Order& order, uint64_t hash,
                             std::string_view encoding) {
  // An order restored from a state saved before ContentFingerprint holds
  // the FNV-1a fingerprint of the same encoding (OrderState.content_hash).
  return order.content_hash == hash ||
         order.content_hash == Fingerprint(encoding);
}

OrderShard::Order& OrderShard::Create(std::string_view id) {
  Slot slot;
  if (free_slots_.empty()) {
    slot = slots_used_++;
    if (slot % kChunkSize == 0) {
      chunks_.push_back(std::make_unique<Order[]>(kChunkSize));
    }
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Order& order = At(slot);
  order.id.assign(id);
  order.slot = slot;  // generation: kept from the slot's last order
  index_.Insert(HashText(id), slot);
  Changed(id);
  return order;
}

void OrderShard::Forget(Order& order) {
  Changed(order.id);
  DropShipTo(order);
  const Slot slot = order.slot;
  const uint32_t generation = order.generation;
  index_.Erase(HashText(order.id), slot);
  if (slot < backlog_entries_.size()) backlog_entries_[slot] = {};
  order = Order{};  // its timer entries die with the generation
  order.generation = generation + 1;
  free_slots_.push_back(slot);
}

OrderShard::SkuId OrderShard::Intern(std::string_view sku) {
  auto it = sku_ids_.find(sku);
  if (it != sku_ids_.end()) return it->second;
  const SkuId id = static_cast<SkuId>(sku_names_.size());
  sku_names_.emplace_back(sku);
  sku_ids_.emplace(sku, id);
  return id;
}

std::optional<OrderShard::SkuId> OrderShard::InternedId(std::string_view sku) const {
  auto it = sku_ids_.find(sku);
  if (it == sku_ids_.end()) return std::nullopt;
  return it->second;
}

std::optional<v1::OrderStatus> OrderShard::StatusOf(std::string_view id) const {
  const Order* order = Find(id);
  if (order == nullptr) return std::nullopt;
  return order->status;
}

size_t OrderShard::open_orders() const {
  size_t n = 0;
  index_.ForEach([&](Slot slot) { n += IsOpen(At(slot).status); });
  return n;
}

void OrderShard::CountBacklog(EpochMillis now, Backlog& backlog) const {
  for (const BacklogEntry& e : backlog_entries_) {
    backlog.Add(static_cast<v1::OrderStatus>(e.status), now - e.placed_at);
  }
}

void OrderShard::NoteBacklogEntry(const Order& order) {
  if (order.slot >= backlog_entries_.size()) {
    backlog_entries_.resize((order.slot / kChunkSize + 1) * kChunkSize);
  }
  backlog_entries_[order.slot] = {.placed_at = order.placed_at, .status = order.status};
}

size_t OrderShard::early_records() const {
  size_t n = 0;
  for (const auto& [id, records] : early_) n += records.size();
  return n;
}

// -------------------------------------------------------------- time

void OrderShard::TimerQueue::Add(const Order& order) {
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
      last_bucket_ = &buckets_[start];
      last_start_ = start;
    }
    last_bucket_->push_back(timer);
  }
}

void OrderShard::TimerQueue::AddTie(const Timer& timer) {
  // An entry that is already there (an order that moved away and back)
  // may be added again: the first of the two to fire moves the order's
  // timer, which leaves the other dead.
  ties_.push_back({timer, shard_.At(timer.slot).id});
  std::push_heap(ties_.begin(), ties_.end(), LaterId);
}

void OrderShard::TimerQueue::TiesBackToHeap() {
  const EpochMillis due = ties_.front().timer.due;
  const EpochMillis start = due - due % kBucketWidth;
  if (heap_start_ == kNever) heap_start_ = start;  // ties came from buckets_
  for (const Tie& t : ties_) heap_.push_back(t.timer);
  std::make_heap(heap_.begin(), heap_.end(), DueLater);
  ties_.clear();
}

void OrderShard::TimerQueue::NextTies() {
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
    heap_start_ = buckets_.begin()->first;
    heap_ = std::move(buckets_.begin()->second);
    buckets_.erase(buckets_.begin());
    last_start_ = kNever;
    std::make_heap(heap_.begin(), heap_.end(), DueLater);
  }
  const EpochMillis due = heap_.front().due;
  while (!heap_.empty() && heap_.front().due == due) {
    const Timer t = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), DueLater);
    heap_.pop_back();
    if (Live(t)) ties_.push_back({t, shard_.At(t.slot).id});
  }
  std::make_heap(ties_.begin(), ties_.end(), LaterId);
}

const OrderShard::TimerQueue::Timer* OrderShard::TimerQueue::Front() {
  while (!ties_.empty() && !Live(ties_.front().timer)) PopFront();
  if (ties_.empty()) NextTies();
  return ties_.empty() ? nullptr : &ties_.front().timer;
}

void OrderShard::TimerQueue::Clear() {
  buckets_.clear();
  last_start_ = kNever;
  heap_.clear();
  heap_start_ = kNever;
  ties_.clear();
}

OrderShard::TimerRef OrderShard::NextTimer() const {
  TimerRef next{kNever, {}};
  if (const TimerQueue::Timer* first = timers_.Front()) {
    next = {first->due, At(first->slot).id};
  }
  if (!early_timers_.empty()) {
    const auto& [due, id] = *early_timers_.begin();
    if (std::pair<EpochMillis, std::string_view>(due, id) <
        std::pair<EpochMillis, std::string_view>(next.due, next.order_id)) {
      next = {due, id};
    }
  }
  return next;
}

void OrderShard::FireNextTimer(Emitter& out) {
  const TimerRef next = NextTimer();
  if (next.due == kNever) return;
  clock_ = std::max(clock_, next.due);
  const TimerQueue::Timer* first = timers_.Front();
  if (first != nullptr && first->due == next.due &&
      At(first->slot).id == next.order_id) {
    Order& order = At(first->slot);
    Changed(order.id);
    timers_.PopFront();
    order.timer_due = kNever;
    if (IsClosed(order.status)) {
      Forget(order);  // its retention is over
      return;
    }
    FireDeadlines(order, next.due, out);
    Reschedule(order);
    return;
  }
  const std::string id(next.order_id);
  Changed(id);
  early_timers_.erase(early_timers_.begin());
  ExpireEarly(id, next.due, out);
}

void OrderShard::AdvanceClock(EpochMillis now, Emitter& out) {
  while (NextTimer().due <= now) FireNextTimer(out);
  clock_ = std::max(clock_, now);
}

void OrderShard::Reschedule(Order& order) {
  const EpochMillis due =
      IsClosed(order.status)
          ? order.since + config_.closed_order_retention
          : NextDue(PositionOf(order), order.raised, config_);
  if (due == order.timer_due) return;
  order.timer_due = due;  // any entry at the old time is dead now
  if (due != kNever) timers_.Add(order);
}

void OrderShard::FireDeadlines(Order& order, EpochMillis due, Emitter& out) {
  const LadderPosition position = PositionOf(order);
  for (Rung rung : kTimedRungs) {
    const EpochMillis at = DueAt(rung, position, config_);
    if (at <= due && !order.raised.contains(rung)) {
      Raise(order, rung, at, DeadlineMessage(order, rung), out);
    }
  }
}

std::string OrderShard::DeadlineMessage(const Order& order, Rung rung) const {
  const std::string_view level = LevelName(order.level);
  switch (rung) {
    case Rung::kShipDeadlineAtRisk1:
      return Cat("Order ", order.id, " (", level,
                          ") has not shipped and must ship by ",
                          FormatTime(order.promise.ship_by), ".");
    case Rung::kShipDeadlineMissed2:
      return Cat("Order ", order.id, " (", level,
                          ") missed its ship-by time ",
                          FormatTime(order.promise.ship_by), ".");
    case Rung::kDeliveryDeadlineMissed2:
      return Cat("Order ", order.id, " (", level,
                          ") was promised for delivery by ",
                          FormatTime(order.promise.deliver_by),
                          " and is not delivered.");
    case Rung::kDeliveryDeadlineMissed3:
      return Cat("Order ", order.id, " (", level,
                          ") is still not delivered ",
                          config_.delivery_level3_after / Hours(1),
                          "h after its promised delivery time ",
                          FormatTime(order.promise.deliver_by), ".");
    case Rung::kBackorderAged1:
    case Rung::kBackorderAged2: {
      std::vector<std::string_view> short_skus;
      for (const Line& line : order.lines) {
        if (!line.reserved) short_skus.push_back(SkuName(line.sku));
      }
      return Cat(
          "Order ", order.id, " (", level, ") has been backordered since ",
          FormatTime(order.since), ", waiting for ",
          Join(short_skus, ", "), ".");
    }
    case Rung::kValidationFailed1:
    case Rung::kCancelAfterShipment2:
    case Rung::kDeliveryFailed2:
    case Rung::kInvoiceMismatch1:
    case Rung::kCount:
      break;
  }
  return {};
}

// ------------------------------------------------------- transitions

// The escalation message below is a member, overwritten field by field for
// each escalation (every field is set each time), so that its strings and
// sub-messages keep their memory from one output to the next.

void OrderShard::SetStatus(Order& order, v1::OrderStatus status,
                           std::vector<std::string> reasons, Emitter& out) {
  const StatusOutput change{order.id,
                            status,
                            order.status,
                            reasons,
                            clock_,
                            order.placed_at,
                            order.promise.deliver_by};
  metrics_.OnStatusChanged({order.status, status, clock_, order.placed_at,
                            order.promise.deliver_by});
  order.status = status;
  NoteBacklogEntry(order);
  if (IsClosed(status) || status == v1::ORDER_STATUS_BACKORDERED) {
    order.since = clock_;
  }
  if (IsClosed(status) || status == v1::ORDER_STATUS_SHIPPED) {
    DropShipTo(order);  // no task will need it any more
  }
  out.SendStatus(change);
}

void OrderShard::Escalate(const Order& order, Rung rung,
                          v1::EscalationState state, EpochMillis detected_at,
                          std::string message, Emitter& out) {
  v1::Escalation& e = escalation_message_;
  e.set_escalation_id(EscalationId(order.id, rung));
  e.set_order_id(order.id);
  e.set_kind(KindOf(rung));
  e.set_level(LevelOf(rung));
  e.set_state(state);
  SetTimestamp(detected_at, e.mutable_detected_at());
  e.set_message(std::move(message));
  metrics_.OnEscalation(e.kind(), state);
  out.Escalated(e);
}

void OrderShard::Raise(Order& order, Rung rung, EpochMillis detected_at,
                       std::string message, Emitter& out) {
  if (order.raised.contains(rung)) return;
  order.raised.insert(rung);
  Escalate(order, rung, v1::ESCALATION_STATE_RAISED, detected_at,
           std::move(message), out);
}

void OrderShard::Clear(Order& order, Rung rung, Emitter& out) {
  if (!order.raised.contains(rung) || order.cleared.contains(rung)) return;
  order.cleared.insert(rung);
  Escalate(order, rung, v1::ESCALATION_STATE_CLEARED, clock_,
           Cat("Order ", order.id, " is now ",
               WithoutPrefix(v1::OrderStatus_Name(order.status), "ORDER_STATUS_"),
               "; ", KindName(KindOf(rung)), " level ", LevelOf(rung),
               " is cleared."),
           out);
}

void OrderShard::ClearAllOpen(Order& order, Emitter& out) {
  for (int r = 0; r < static_cast<int>(Rung::kCount); ++r) {
    Clear(order, static_cast<Rung>(r), out);
  }
}

void OrderShard::AskInventory(const Order& order, StockRequest::Action action,
                              Emitter& out) {
  // One request per distinct SKU, for all of the order's units of it, in
  // the order the SKUs first appear in the order.
  StockRequest& request = request_;
  request.action = action;
  request.order_id = order.id;
  request.service_level = order.level;
  request.ship_by = order.promise.ship_by;
  request.placed_at = order.placed_at;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    const SkuId sku = order.lines[i].sku;
    bool seen_before = false;
    for (size_t j = 0; j < i && !seen_before; ++j) {
      seen_before = order.lines[j].sku == sku;
    }
    if (seen_before) continue;
    int64_t quantity = 0;
    for (size_t j = i; j < order.lines.size(); ++j) {
      if (order.lines[j].sku == sku) quantity += order.lines[j].quantity;
    }
    request.sku = SkuName(sku);
    request.quantity = quantity;
    out.SendToInventory(request);
  }
}

void OrderShard::SendTask(const Order& order, v1::TaskAction action,
                          Emitter& out) {
  std::vector<TaskOutputLine>& lines = task_lines_;
  lines.clear();
  for (size_t i = 0; i < order.lines.size(); ++i) {
    lines.push_back(TaskOutputLine{order.LineId(i), SkuName(order.lines[i].sku),
                                   order.lines[i].quantity});
  }
  TaskOutput task{order.id, action, lines, order.level, std::nullopt,
                  order.promise.ship_by, order.promise.deliver_by, clock_};
  if (action == v1::TASK_ACTION_CREATE && order.has_ship_to) {
    task.ship_to = ShipToOf(order);
  }
  out.SendTask(task);
}

// -------------------------------------------------------------- rules

void OrderShard::OnOrderPlaced(const v1::OrderPlaced& placed,
                               const RecordSource& source, Emitter& out) {
  std::string_view id = placed.order_id();
  if (id.empty()) id = source.key;
  if (id.empty()) {
    DeadLetter(source, "MISSING_FIELD", "orderId missing and no record key", clock_, out);
    return;
  }
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  // The content fingerprint is of the order's deterministic protobuf
  // encoding (saved in snapshots, so it must not change); the encoding
  // also holds the address's bytes that Accept keeps.
  KeepWaitingShipTo();  // order_encoding_ is written again
  const OrderEncoding encoding =
      EncodeOrderPlacedWithShipTo(placed, order_encoding_);
  const uint64_t hash = ContentFingerprint(encoding.bytes);
  if (Order* existing = Find(id)) {
    if (SameContent(*existing, hash, encoding.bytes)) return;  // the same order again
    Changed(id);
    DeadLetter(source, "DUPLICATE_ORDER",
               Cat("order ", id,
                            " was already received with different content"), clock_, out);
    Raise(*existing, Rung::kValidationFailed1, clock_,
          Cat("Order ", id,
                       " was sent again with different content; the first "
                       "version stands and the new one is in dead-letter."),
          out);
    Reschedule(*existing);
    return;
  }

  Order& order = Create(id);
  order.content_hash = hash;
  order.level = placed.service_level();
  order.placed_at = ToMillis(placed.placed_at());
  order.currency = Intern(placed.currency());
  const ReviewFindings findings = Review(placed, config_);
  if (!findings.ok()) {
    SetStatus(order, v1::ORDER_STATUS_REJECTED, findings.codes, out);
    Raise(order, Rung::kValidationFailed1, clock_, findings.Sentence(id), out);
    Reschedule(order);
    ReplayEarly(order, out);
    return;
  }
  Accept(order, placed, encoding.ship_to, out);
}

void OrderShard::Accept(Order& order, const v1::OrderPlaced& placed,
                        std::optional<std::string_view> ship_to_bytes,
                        Emitter& out) {
  order.promise = PromiseFor(placed, config_);
  order.lines.reserve(placed.lines_size());
  for (const v1::OrderLine& line : placed.lines()) {
    order.AddLine(line.line_id(), Intern(line.sku()),
                  static_cast<int32_t>(line.quantity()), line.unit_price_minor(),
                  false);
  }
  if (ship_to_bytes) {
    KeepShipToFromEncoding(order, *ship_to_bytes);
  } else {
    DropShipTo(order);
    order.KeepShipTo(placed.ship_to());
  }
  SetStatus(order, v1::ORDER_STATUS_ACCEPTED, {}, out);

  auto early = early_.find(order.id);
  const bool cancelled_early =
      early != early_.end() &&
      std::any_of(early->second.begin(), early->second.end(),
                  [](const EarlyRecord& r) {
                    return r.kind() == EarlyRecord::KIND_CANCELLATION;
                  });
  if (cancelled_early) {
    // Rule 4: cancelled at once, without reserving stock.
    SetStatus(order, v1::ORDER_STATUS_CANCELLED, {"CANCEL_REQUESTED"}, out);
  } else {
    // One answer per distinct SKU (AskInventory's requests).
    uint16_t distinct = 0;
    for (size_t i = 0; i < order.lines.size(); ++i) {
      const SkuId sku = order.lines[i].sku;
      distinct += std::none_of(order.lines.begin(), order.lines.begin() + i,
                               [sku](const Line& l) { return l.sku == sku; });
    }
    order.awaiting_answers = distinct;
    AskInventory(order, AllocationRequest::ACTION_RESERVE, out);
  }
  Reschedule(order);
  ReplayEarly(order, out);
}

void OrderShard::OnAllocationResult(const AllocationResult& result,
                                    Emitter& out) {
  OnAllocationResult(FromProto(result), out);
}

void OrderShard::OnAllocationResult(const StockAnswer& result, Emitter& out) {
  Order* found = Find(result.order_id);
  if (found == nullptr) return;
  Order& order = *found;
  Changed(order.id);
  if (order.status != v1::ORDER_STATUS_ACCEPTED &&
      order.status != v1::ORDER_STATUS_BACKORDERED) {
    return;  // cancelled or shipped meanwhile; inventory has been told
  }
  const bool complete = result.reserved >= result.requested;
  const std::optional<SkuId> sku = InternedId(result.sku);
  for (Line& line : order.lines) {
    if (line.sku == sku) line.reserved = complete;
  }
  if (result.first_answer && order.awaiting_answers > 0) {
    --order.awaiting_answers;
  }
  if (order.awaiting_answers > 0) return;
  const bool all_reserved =
      std::all_of(order.lines.begin(), order.lines.end(),
                  [](const Line& l) { return l.reserved; });
  if (all_reserved) {
    Allocate(order, out);
  } else if (order.status == v1::ORDER_STATUS_ACCEPTED) {
    std::vector<std::string> reasons;
    for (const Line& line : order.lines) {
      std::string reason = Cat("SHORT_STOCK:", SkuName(line.sku));
      if (!line.reserved &&
          std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) {
        reasons.push_back(std::move(reason));
      }
    }
    SetStatus(order, v1::ORDER_STATUS_BACKORDERED, std::move(reasons), out);
  }
  Reschedule(order);
}

void OrderShard::Allocate(Order& order, Emitter& out) {
  SetStatus(order, v1::ORDER_STATUS_ALLOCATED, {}, out);
  SendTask(order, v1::TASK_ACTION_CREATE, out);
  order.task_created = true;
  DropShipTo(order);
  Clear(order, Rung::kBackorderAged1, out);
  Clear(order, Rung::kBackorderAged2, out);
}

void OrderShard::OnCancellation(const v1::CancellationRequested& cancellation,
                                const RecordSource& source, Emitter& out) {
  const std::string& id = cancellation.order_id();
  if (id.empty() || !cancellation.has_requested_at()) {
    DeadLetter(source, "MISSING_FIELD",
               id.empty() ? "orderId missing" : "requestedAt missing", clock_, out);
    return;
  }
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  Changed(id);
  Order* order = Find(id);
  if (order == nullptr) {
    KeepEarly(EarlyRecord::KIND_CANCELLATION, cancellation, id, source);
    return;
  }
  if (NotYetShipped(order->status)) {
    Cancel(*order, out);
  } else if (HasShipped(order->status)) {
    Raise(*order, Rung::kCancelAfterShipment2, clock_,
          Cat("Order ", id, " was asked to be cancelled at ",
                       FormatTime(ToMillis(cancellation.requested_at())),
                       " but has already shipped."),
          out);
  }
  // Already cancelled or rejected: nothing more to do.
  Reschedule(*order);
}

void OrderShard::Cancel(Order& order, Emitter& out) {
  AskInventory(order, AllocationRequest::ACTION_RELEASE, out);
  SetStatus(order, v1::ORDER_STATUS_CANCELLED, {"CANCEL_REQUESTED"}, out);
  if (order.task_created) SendTask(order, v1::TASK_ACTION_CANCEL, out);
  ClearAllOpen(order, out);
  CheckInvoices(order, out);  // anything invoiced was not shipped
}

void OrderShard::OnShipment(const v1::ShipmentEvent& shipment,
                            const RecordSource& source, Emitter& out) {
  std::string_view missing;
  if (shipment.order_id().empty()) missing = "orderId";
  else if (shipment.shipment_id().empty()) missing = "shipmentId";
  else if (shipment.status() == v1::SHIPMENT_STATUS_UNSPECIFIED) missing = "status";
  else if (!v1::ShipmentStatus_IsValid(shipment.status())) {
    DeadLetter(source, "INVALID_VALUE",
               Cat("status ", static_cast<int>(shipment.status()),
                   " is not a shipment status"),
               clock_, out);
    return;
  }
  else if (!shipment.has_occurred_at()) missing = "occurredAt";
  if (!missing.empty()) {
    DeadLetter(source, "MISSING_FIELD", Cat(missing, " missing"), clock_, out);
    return;
  }
  const std::string& id = shipment.order_id();
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  Changed(id);
  Order* order = Find(id);
  if (order == nullptr) {
    KeepEarly(EarlyRecord::KIND_SHIPMENT, shipment, id, source);
    return;
  }
  ApplyShipment(*order, shipment, source, out);
  Reschedule(*order);
}

void OrderShard::ApplyShipment(Order& order, const v1::ShipmentEvent& shipment,
                               const RecordSource& source, Emitter& out) {
  const uint64_t key = ShipmentEventKey(shipment);
  auto& seen = order.shipment_events_seen;
  if (std::find(seen.begin(), seen.end(), key) != seen.end()) return;
  seen.push_back(key);

  const v1::ShipmentStatus event = shipment.status();
  const bool leaves_warehouse = event == v1::SHIPMENT_STATUS_SHIPPED ||
                                event == v1::SHIPMENT_STATUS_DELIVERED ||
                                event == v1::SHIPMENT_STATUS_DELIVERY_FAILED;
  if (order.status == v1::ORDER_STATUS_REJECTED) {
    DeadLetter(source, "ORDER_REJECTED",
               Cat("order ", order.id,
                            " was rejected; shipment event ",
                            ShipmentStatusName(event), " not applied"), clock_, out);
    return;
  }
  if (order.status == v1::ORDER_STATUS_CANCELLED) {
    if (leaves_warehouse) {
      Raise(order, Rung::kCancelAfterShipment2, clock_,
            Cat("Order ", order.id, " was cancelled but shipment ",
                         shipment.shipment_id(), " reports it ",
                         ShipmentStatusName(event), " at ",
                         FormatTime(ToMillis(shipment.occurred_at())), "."),
            out);
    }
    return;
  }
  if (!leaves_warehouse) return;  // PICKED, PACKED: recorded only
  if (NotYetShipped(order.status)) MarkShipped(order, out);

  if (event == v1::SHIPMENT_STATUS_DELIVERED &&
      order.status != v1::ORDER_STATUS_DELIVERED) {
    SetStatus(order, v1::ORDER_STATUS_DELIVERED, {}, out);
    Clear(order, Rung::kDeliveryDeadlineMissed2, out);
    Clear(order, Rung::kDeliveryDeadlineMissed3, out);
    Clear(order, Rung::kDeliveryFailed2, out);
  } else if (event == v1::SHIPMENT_STATUS_DELIVERY_FAILED &&
             order.status == v1::ORDER_STATUS_SHIPPED) {
    SetStatus(order, v1::ORDER_STATUS_DELIVERY_FAILED, {}, out);
    Raise(order, Rung::kDeliveryFailed2, clock_,
          Cat("Delivery of order ", order.id, " (shipment ",
                       shipment.shipment_id(), ") failed at ",
                       FormatTime(ToMillis(shipment.occurred_at())), "."),
          out);
  }
}

void OrderShard::MarkShipped(Order& order, Emitter& out) {
  AskInventory(order, AllocationRequest::ACTION_CONSUME, out);
  SetStatus(order, v1::ORDER_STATUS_SHIPPED, {}, out);
  Clear(order, Rung::kShipDeadlineAtRisk1, out);
  Clear(order, Rung::kShipDeadlineMissed2, out);
  Clear(order, Rung::kBackorderAged1, out);
  Clear(order, Rung::kBackorderAged2, out);
  CheckInvoices(order, out);  // invoices that came before it shipped
}

}  // namespace orderflow
