// The order shard's state as data: whole-shard snapshots, and the per-key
// records (with change tracking) that a changelog holds.
#include <algorithm>
#include <memory>

#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/order_wire.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::EarlyRecord;

void OrderShard::FillOrderState(const Order& o,
                                internal::v1::OrderState* s) const {
  s->set_order_id(std::string(o.id.view()));
  s->set_status(o.status);
  s->set_service_level(o.level);
  s->set_placed_at_ms(o.placed_at);
  s->set_promised_ms(o.promise.deliver_by);
  s->set_ship_by_ms(o.promise.ship_by);
  s->set_since_ms(o.since);
  s->set_content_hash(o.content_hash);
  s->set_raised(o.raised.bits());
  s->set_cleared(o.cleared.bits());
  s->set_awaiting_answers(o.awaiting_answers);
  s->set_task_created(o.task_created);
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const Order::Line& line = o.lines[i];
    internal::v1::LineState* l = s->add_lines();
    l->set_line_id(std::string(o.LineId(i)));
    l->set_sku(SkuName(line.sku));
    l->set_quantity(line.quantity);
    l->set_reserved(line.reserved);
    l->set_unit_price_minor(line.unit_price());
  }
  if (IsSourced(o)) {  // rule 9: each line's warehouse and task
    for (uint32_t i = 0; i < o.lines.size(); ++i) {
      const Order::Line& at = o.lines[i];
      internal::v1::LineState* l = s->mutable_lines(static_cast<int>(i));
      if (at.warehouse != LineSourcing::kNowhere) {
        l->set_warehouse_id(config_.sourcing.warehouses[at.warehouse].id);
      }
      l->set_task(at.task);
      const std::vector<LineSourcing::Part>* more = MorePartsOf(o, i);
      if (more == nullptr) continue;
      for (const LineSourcing::Part& part : *more) {  // split_lines
        internal::v1::LinePart* p = s->add_line_parts();
        p->set_line(static_cast<uint32_t>(i));
        p->set_warehouse_id(config_.sourcing.warehouses[part.warehouse].id);
        p->set_task(part.task);
        p->set_units(part.units);
      }
    }
    s->set_tasks_cancelled_up_to(TasksCancelledUpTo(o));
    s->set_sourcing_country(std::string(SkuName(store_.SourcingCountry(o))));
    for (const OrderAmendments::TaskMark& m : TaskMarksOf(o)) {
      internal::v1::TaskMark* x = s->add_task_marks();  // rule 11
      if (m.warehouse != LineSourcing::kNowhere) {
        x->set_warehouse_id(config_.sourcing.warehouses[m.warehouse].id);
      }
      x->set_number(m.number);
      x->set_picked(m.picked);
      x->set_open_before(m.open_before);
    }
  }
  for (uint64_t k : o.shipment_events_seen) s->add_shipment_events_seen(k);
  if (o.has_ship_to()) ParseAddress(store_.ship_to().Of(o), s->mutable_ship_to());
  s->set_currency(SkuName(o.currency));
  if (o.invoices) {
    for (const LineAmounts& line : o.invoices->lines) {
      internal::v1::InvoicedLine* l = s->add_invoiced();
      l->set_line_id(line.line_id);
      l->set_sku(line.sku);
      l->set_quantity(line.quantity);
      l->set_amount_minor(line.amount_minor);
    }
    for (const auto& [id, hash] : o.invoices->seen) {
      internal::v1::InvoiceSeen* seen = s->add_invoices();
      seen->set_invoice_id(id);
      seen->set_content_hash(hash);
    }
  }
  if (HasParcels(o)) {
    const LineParcels& p = o.extras->parcels;
    internal::v1::ParcelsState* ps = s->mutable_parcels();
    for (int32_t n : p.shipped) ps->add_shipped(n);
    for (int32_t n : p.delivered) ps->add_delivered(n);
    for (const LineParcels::Parcel& parcel : p.parcels) {
      internal::v1::ParcelState* x = ps->add_parcels();
      x->set_shipment_id(parcel.shipment_id);
      for (const auto& [i, n] : parcel.lines) {
        x->add_line_index(i);
        x->add_quantity(n);
      }
      x->set_shipped(parcel.shipped);
      x->set_delivered(parcel.delivered);
      x->set_failed(parcel.failed);
      x->set_whole(parcel.whole);
    }
    ps->set_whole_shipped(p.whole_shipped);
    ps->set_rest_cancelled(p.rest_cancelled);
  }
  FillContactsState(o, s);  // rule 13
  if (o.extras && !o.extras->holds.holds.empty()) FillHoldsState(o, s);
  // Rule 11: nothing for an order never amended, so that the state of
  // every other order keeps its bytes; RestoreOrder infers its work.
  if (o.extras != nullptr && o.extras->amendments.active()) {
    s->set_work_reported(o.work_reported);
    const OrderAmendments& a = o.extras->amendments;
    for (const std::string& id : a.seen) s->add_amendments_seen(id);
    if (a.has_ship_to()) ParseAddress(*a.ship_to, s->mutable_amended_ship_to());
    s->set_resize_answers_awaited(a.resize_pending ? 1 : 0);
  }
}

internal::v1::OrderShardSnapshot OrderShard::Snapshot() const {
  std::vector<const Order*> sorted;
  sorted.reserve(store_.size());
  store_.ForEach([&](const Order& order) { sorted.push_back(&order); });
  std::sort(sorted.begin(), sorted.end(), [](const Order* a, const Order* b) {
    return a->id.view() < b->id.view();
  });
  internal::v1::OrderShardSnapshot snap;
  snap.set_clock_ms(clock_);
  for (const Order* o : sorted) {
    FillOrderState(*o, snap.add_orders());
  }
  // early_ keeps no order: its entries, sorted by id.
  std::vector<const decltype(early_)::value_type*> early;
  early.reserve(early_.size());
  for (const auto& entry : early_) early.push_back(&entry);
  std::sort(early.begin(), early.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : early) {
    for (const EarlyRecord& r : entry->second) *snap.add_early() = r;
  }
  return snap;
}

void OrderShard::RestoreOrder(const internal::v1::OrderState& s) {
  Order& o = Create(s.order_id());
  o.status = s.status();
  o.level = s.service_level();
  o.placed_at = s.placed_at_ms();
  o.promise = Promise{s.promised_ms(), s.ship_by_ms()};
  o.since = s.since_ms();
  o.content_hash = s.content_hash();
  o.raised = RungSet(s.raised());
  o.cleared = RungSet(s.cleared());
  o.awaiting_answers = static_cast<uint16_t>(s.awaiting_answers());
  o.task_created = s.task_created();
  for (const internal::v1::LineState& l : s.lines()) {
    o.AddLine(l.line_id(), store_.Intern(l.sku()), static_cast<int32_t>(l.quantity()),
              l.unit_price_minor(), l.reserved());
  }
  if (config_.sourcing.sourced() && !o.lines.empty()) {
    StartSourcing(o);
    for (int i = 0; i < s.lines_size(); ++i) {
      Order::Line& at = o.lines[i];
      at.warehouse = config_.sourcing.Find(s.lines(i).warehouse_id())
                         .value_or(LineSourcing::kNowhere);
      at.task = static_cast<uint16_t>(s.lines(i).task());
    }
    for (const internal::v1::LinePart& p : s.line_parts()) {
      const std::optional<WarehouseIndex> w = config_.sourcing.Find(p.warehouse_id());
      if (p.line() >= o.lines.size() || !w) continue;
      AddMorePart(o, p.line(),
                  LineSourcing::Part{*w, static_cast<uint16_t>(p.task()),
                                     static_cast<int32_t>(p.units())});
    }
    if (s.tasks_cancelled_up_to() != 0) {
      o.Extras().sourcing.tasks_cancelled_up_to =
          static_cast<uint16_t>(s.tasks_cancelled_up_to());
    }
    store_.SetSourcingCountry(o, store_.InternCountry(s.sourcing_country()));
    for (const internal::v1::TaskMark& x : s.task_marks()) {
      const std::optional<WarehouseIndex> w = config_.sourcing.Find(x.warehouse_id());
      if (!w && !x.warehouse_id().empty()) continue;
      AddTaskMark(o, OrderAmendments::TaskMark{
          w.value_or(LineSourcing::kNowhere), static_cast<uint16_t>(x.number()),
          x.picked(), x.open_before()});
    }
  }
  o.shipment_events_seen.assign(s.shipment_events_seen().begin(),
                                s.shipment_events_seen().end());
  if (s.has_ship_to()) ship_to().Keep(o, s.ship_to());
  o.currency = store_.InternCurrency(s.currency());
  if (s.invoiced_size() > 0 || s.invoices_size() > 0) {
    o.invoices = std::make_unique<Order::Invoices>();
    for (const internal::v1::InvoicedLine& l : s.invoiced()) {
      o.invoices->lines.push_back(
          LineAmounts{l.line_id(), l.sku(), l.quantity(), l.amount_minor()});
    }
    for (const internal::v1::InvoiceSeen& seen : s.invoices()) {
      o.invoices->seen.emplace_back(seen.invoice_id(), seen.content_hash());
    }
  }
  if (s.has_parcels()) {
    const internal::v1::ParcelsState& ps = s.parcels();
    LineParcels& p = o.Extras().parcels;
    p.shipped.assign(ps.shipped().begin(), ps.shipped().end());
    p.delivered.assign(ps.delivered().begin(), ps.delivered().end());
    for (const internal::v1::ParcelState& x : ps.parcels()) {
      LineParcels::Parcel& parcel = p.parcels.emplace_back();
      parcel.shipment_id = x.shipment_id();
      for (int k = 0; k < x.line_index_size() && k < x.quantity_size(); ++k) {
        parcel.lines.emplace_back(x.line_index(k), x.quantity(k));
      }
      parcel.shipped = x.shipped();
      parcel.delivered = x.delivered();
      parcel.failed = x.failed();
      parcel.whole = x.whole();
    }
    // A state that does not fit the order's lines (written by hand, or
    // damaged) is cut to fit: an index past the lines counts nothing.
    p.shipped.resize(o.lines.size(), 0);
    p.delivered.resize(o.lines.size(), 0);
    for (LineParcels::Parcel& parcel : p.parcels) {
      parcel.lines.erase(
          std::remove_if(parcel.lines.begin(), parcel.lines.end(),
                         [&](const auto& l) { return l.first >= o.lines.size(); }),
          parcel.lines.end());
    }
    p.whole_shipped = ps.whole_shipped();
    p.rest_cancelled = ps.rest_cancelled();
  }
  RestoreContactsState(o, s);  // rule 13
  if (s.has_holds()) RestoreHolds(o, s);
  o.work_reported = std::min<uint32_t>(s.work_reported(), Order::kWorkPacked);
  if (s.amendments_seen_size() == 0 && NotYetShipped(o.status) &&
      !o.shipment_events_seen.empty()) {
    // Not saved (never amended): an order not yet shipped has recorded
    // only PICKED and PACKED events, so one means picked and two or more
    // packed. (One PACKED alone reads as picked: docs/contract.md.)
    o.work_reported = o.shipment_events_seen.size() >= 2 ? Order::kWorkPacked
                                                         : Order::kWorkPicked;
  }
  if (s.amendments_seen_size() > 0 || s.has_amended_ship_to() ||
      s.resize_answers_awaited() > 0) {
    OrderAmendments& a = o.Extras().amendments;
    a.seen.assign(s.amendments_seen().begin(), s.amendments_seen().end());
    a.ship_to.reset();
    if (s.has_amended_ship_to()) {
      a.ship_to = std::make_unique<std::string>();
      AppendAddress(s.amended_ship_to(), *a.ship_to);
    }
    a.resize_pending = s.resize_answers_awaited() > 0;
  }
  store_.NoteBacklogEntry(o);
  Reschedule(o);
}

absl::Status OrderShard::Restore(
    const internal::v1::OrderShardSnapshot& snapshot) {
  timers_.Clear();
  store_.Clear();
  early_.clear();
  early_timers_.clear();
  clock_ = snapshot.clock_ms();
  for (const internal::v1::OrderState& s : snapshot.orders()) {
    if (s.order_id().empty() || Find(s.order_id()) != nullptr) {
      return absl::DataLossError(Cat(
          "order shard snapshot: empty or repeated order id '", s.order_id(),
          "'"));
    }
    RestoreOrder(s);
  }
  for (const EarlyRecord& r : snapshot.early()) {
    early_timers_.insert({r.expires_ms(), r.order_id()});
    NoteTimerSet(r.expires_ms());
    early_[r.order_id()].push_back(r);
  }
  return absl::OkStatus();
}

std::vector<std::string> OrderShard::TakeChangedKeys() {
  changed_set_.clear();
  return std::exchange(changed_, {});
}

internal::v1::OrderKeyState OrderShard::KeyState(std::string_view id) const {
  internal::v1::OrderKeyState state;
  FillKeyState(id, &state);
  return state;
}

void OrderShard::FillKeyState(std::string_view id,
                              internal::v1::OrderKeyState* state) const {
  state->Clear();
  if (const Order* order = Find(id)) FillOrderState(*order, state->mutable_order());
  auto early = early_.find(id);
  if (early != early_.end()) {
    for (const EarlyRecord& r : early->second) *state->add_early() = r;
  }
}

absl::Status OrderShard::RestoreKey(std::string_view id,
                                   const internal::v1::OrderKeyState& state) {
  if (id.empty() || (state.has_order() && state.order().order_id() != id)) {
    return absl::DataLossError(
        Cat("order changelog record under key '", id,
            "' does not hold that order"));
  }
  if (Order* existing = Find(id)) Forget(*existing);
  auto early = early_.find(id);
  if (early != early_.end()) {
    for (const EarlyRecord& r : early->second) {
      early_timers_.erase({r.expires_ms(), r.order_id()});
    }
    early_.erase(early);
  }
  if (state.has_order()) RestoreOrder(state.order());
  for (const EarlyRecord& r : state.early()) {
    early_timers_.insert({r.expires_ms(), r.order_id()});
    NoteTimerSet(r.expires_ms());
    early_[r.order_id()].push_back(r);
  }
  return absl::OkStatus();
}

}  // namespace orderflow
