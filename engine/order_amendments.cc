// Rule 11, amendments: an OrderAmended changes an order's address, service
// level, promise or lines, as a whole or not at all.
//
// Applied in arrival order, once per amendmentId (a repeat changes nothing
// and says nothing). REJECTED, with every reason found, when the order is
// closed (REJECTED, CANCELLED, DELIVERED), when it changes or adds a line
// once the warehouse has started picking (a PICKED, PACKED or anything
// shipped; with warehouses, of a task holding the line), changes the
// address once the parcel is packed, or when the order as amended would
// fail review (rule 1's codes).
// Otherwise APPLIED:
//  - a new service level or promise recomputes the promise and shipBy as
//    acceptance does (a new level without a promise: the level's default
//    from placedAt), clears the deadline escalations that no longer hold
//    and re-arms the order's timer;
//  - each SKU whose demand changed, or whose backorder rank changed while
//    it waits, is RESIZEd at the inventory stage: the order keeps what it
//    holds up to the new quantity, releases the rest to the queue (rule 3)
//    and waits for what it lacks at its new rank, in one step per SKU;
//  - when the answers are in the order settles: ALLOCATED (its task
//    UPDATEd, or CREATEd when it was backordered) or BACKORDERED (its task
//    CANCELled when it had one);
//  - without stock changes, an open task is UPDATEd at once.
// A line is never taken out of the order: quantity 0 keeps its lineId, and
// tasks leave it out. With warehouses the lines are amended line by line
// (order_amendments_sourced.cc).
#include <algorithm>
#include <memory>

#include "engine/dead_letter.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/order_wire.h"
#include "engine/review.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;
using internal::v1::EarlyRecord;

namespace {

// The order's line with `line_id`, or nullopt.
std::optional<uint32_t> LineIndex(const Order& order, std::string_view line_id) {
  for (uint32_t i = 0; i < order.lines.size(); ++i) {
    if (order.LineId(i) == line_id) return i;
  }
  return std::nullopt;
}

OrderAmendments& AmendmentsOf(Order& order) {
  return order.Extras().amendments;
}

// The deadline escalations a new promise may take back.
constexpr Rung kDeadlineRungs[] = {
    Rung::kShipDeadlineAtRisk1, Rung::kShipDeadlineMissed2,
    Rung::kDeliveryDeadlineMissed2, Rung::kDeliveryDeadlineMissed3};

}  // namespace

void OrderShard::OnAmendment(const v1::OrderAmended& amendment,
                             const RecordSource& source, Emitter& out) {
  std::string_view missing;
  if (amendment.order_id().empty()) missing = "orderId";
  else if (amendment.amendment_id().empty()) missing = "amendmentId";
  else if (!amendment.has_requested_at()) missing = "requestedAt";
  if (!missing.empty()) {
    DeadLetter(source, "MISSING_FIELD", Cat(missing, " missing"), clock_, out);
    return;
  }
  const std::string& id = amendment.order_id();
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  Changed(id);
  Order* order = Find(id);
  if (order == nullptr) {
    KeepEarly(EarlyRecord::KIND_AMENDMENT, amendment, id, source);
    return;
  }
  ApplyAmendment(*order, amendment, out);
  Reschedule(*order);
}

void OrderShard::ApplyAmendment(Order& order, const v1::OrderAmended& amendment,
                                Emitter& out) {
  OrderAmendments& amendments = AmendmentsOf(order);
  std::vector<std::string>& seen = amendments.seen;
  if (std::find(seen.begin(), seen.end(), amendment.amendment_id()) !=
      seen.end()) {
    return;  // the same amendment again
  }
  seen.push_back(amendment.amendment_id());
  std::vector<std::string> problems = AmendmentProblems(order, amendment);
  if (!problems.empty()) {
    const std::string codes = Join(problems, ", ");
    SendAmendmentResult(order, amendment, std::move(problems), out);
    metrics_.OnAmendment(false);
    Raise(order, Rung::kAmendmentRejected1, clock_,
          Cat("Amendment ", amendment.amendment_id(), " of order ", order.id,
              " (requested ",
              FormatTime(ToMillis(amendment.requested_at())),
              ") was rejected (", codes,
              "); the order stands as it was: tell the customer or send a "
              "corrected amendment."),
          out);
    return;
  }
  SendAmendmentResult(order, amendment, {}, out);
  metrics_.OnAmendment(true);
  if (amendment.has_ship_to()) {
    if (!amendments.ship_to) amendments.ship_to = std::make_unique<std::string>();
    amendments.ship_to->clear();
    AppendAddress(amendment.ship_to(), *amendments.ship_to);
    ship_to().Drop(order);  // the amended address stands in for it
    if (IsSourced(order)) {
      store_.SetSourcingCountry(order,
                                 store_.InternCountry(amendment.ship_to().country()));
    }
  }
  bool lines_changed = false;
  for (const v1::AmendedLine& line : amendment.lines()) {
    const std::optional<uint32_t> i = LineIndex(order, line.line_id());
    lines_changed = lines_changed || !i ||
                    order.lines[*i].quantity != line.quantity();
  }
  const v1::ServiceLevel level_before = order.level;
  const EpochMillis ship_by_before = order.promise.ship_by;
  const bool dates_changed = AmendDates(order, amendment, out);
  const bool resized =
      AmendLines(order, amendment, level_before, ship_by_before, out);
  if (!resized && (dates_changed || lines_changed || amendment.has_ship_to()) &&
      NotYetShipped(order.status) && order.task_created) {
    UpdateTasks(order, out);
  }
}

std::vector<std::string> OrderShard::AmendmentProblems(
    const Order& order, const v1::OrderAmended& amendment) const {
  switch (order.status) {
    case v1::ORDER_STATUS_REJECTED: return {"ORDER_REJECTED"};
    case v1::ORDER_STATUS_CANCELLED: return {"ORDER_CANCELLED"};
    case v1::ORDER_STATUS_DELIVERED: return {"ORDER_DELIVERED"};
    default: break;
  }
  std::vector<std::string> problems;
  auto add = [&problems](std::string code) {
    if (std::find(problems.begin(), problems.end(), code) == problems.end()) {
      problems.push_back(std::move(code));
    }
  };
  // Warehouse work covers the order's whole task (v1: one task; with
  // warehouses, the task of each part of a line).
  const bool sourced = IsSourced(order);
  const bool picked = sourced ? SourcedWorkCoversAll(order)
                              : order.work_reported >= Order::kWorkPicked ||
                                    HasShipped(order.status);
  const bool packed = order.work_reported >= Order::kWorkPacked ||
                      HasShipped(order.status);

  // The order as amended, for review: its lines with their new quantities
  // (a line of quantity 0 is removed, not reviewed), and stand-ins for
  // what the order does not keep and review passed at acceptance.
  v1::OrderPlaced amended;
  amended.set_order_id(std::string(order.id.view()));
  amended.set_customer_id("-");
  SetTimestamp(order.placed_at, amended.mutable_placed_at());
  amended.set_service_level(amendment.service_level() !=
                                    v1::SERVICE_LEVEL_UNSPECIFIED
                                ? amendment.service_level()
                                : v1::ServiceLevel{order.level});
  if (amendment.has_promised_delivery_at()) {
    *amended.mutable_promised_delivery_at() = amendment.promised_delivery_at();
  }
  amended.set_currency(SkuName(order.currency));
  if (amendment.has_ship_to()) {
    *amended.mutable_ship_to() = amendment.ship_to();
    if (packed) add("ADDRESS_AFTER_PACKED");
  } else {
    v1::Address* kept = amended.mutable_ship_to();
    kept->set_name("-");
    kept->set_line1("-");
    kept->set_city("-");
    kept->set_postal_code("-");
    kept->set_country("-");
  }
  std::vector<int32_t> quantity(order.lines.size());
  for (uint32_t i = 0; i < order.lines.size(); ++i) {
    quantity[i] = order.lines[i].quantity;
  }
  std::vector<std::string_view> named;
  for (const v1::AmendedLine& line : amendment.lines()) {
    if (std::find(named.begin(), named.end(), line.line_id()) != named.end()) {
      add(Cat("DUPLICATE_LINE:", line.line_id()));
      continue;
    }
    named.push_back(line.line_id());
    const std::optional<uint32_t> i = LineIndex(order, line.line_id());
    if (!i) {
      if (picked) add(Cat("LINE_ADDED_AFTER_PICKED:", line.line_id()));
      v1::OrderLine* added = amended.add_lines();
      added->set_line_id(line.line_id());
      added->set_sku(line.sku());
      added->set_quantity(line.quantity());
      added->set_unit_price_minor(0);
      continue;
    }
    if (!line.sku().empty() && line.sku() != SkuName(order.lines[*i].sku)) {
      add(Cat("SKU_MISMATCH:", line.line_id()));
    }
    if (line.quantity() != order.lines[*i].quantity) {
      if (sourced ? SourcedLinePicked(order, *i) : picked) {
        add(Cat("LINE_ALREADY_PICKED:", line.line_id()));
      }
      quantity[*i] = line.quantity();
    }
  }
  for (uint32_t i = 0; i < order.lines.size(); ++i) {
    if (quantity[i] == 0) continue;
    v1::OrderLine* kept = amended.add_lines();
    kept->set_line_id(std::string(order.LineId(i)));
    kept->set_sku(SkuName(order.lines[i].sku));
    kept->set_quantity(quantity[i]);
    kept->set_unit_price_minor(order.lines[i].unit_price());
  }
  for (std::string& code : Review(amended, config_).codes) add(std::move(code));
  return problems;
}

void OrderShard::SendAmendmentResult(const Order& order,
                                     const v1::OrderAmended& amendment,
                                     std::vector<std::string> reasons,
                                     Emitter& out) {
  v1::AmendmentResult result;
  result.set_order_id(std::string(order.id.view()));
  result.set_amendment_id(amendment.amendment_id());
  result.set_outcome(reasons.empty() ? v1::AMENDMENT_OUTCOME_APPLIED
                                     : v1::AMENDMENT_OUTCOME_REJECTED);
  for (std::string& r : reasons) result.add_reasons(std::move(r));
  SetTimestamp(clock_, result.mutable_occurred_at());
  out.AmendmentDecided(result);
}

bool OrderShard::AmendDates(Order& order, const v1::OrderAmended& amendment,
                            Emitter& out) {
  const v1::ServiceLevel level =
      amendment.service_level() != v1::SERVICE_LEVEL_UNSPECIFIED
          ? amendment.service_level()
          : v1::ServiceLevel{order.level};
  if (level == order.level && !amendment.has_promised_delivery_at()) {
    return false;
  }
  // As acceptance computes it (rule 6), from placedAt.
  v1::OrderPlaced dates;
  SetTimestamp(order.placed_at, dates.mutable_placed_at());
  dates.set_service_level(level);
  if (amendment.has_promised_delivery_at()) {
    *dates.mutable_promised_delivery_at() = amendment.promised_delivery_at();
  }
  const Promise promise = PromiseFor(dates, config_);
  if (level == order.level && promise.deliver_by == order.promise.deliver_by &&
      promise.ship_by == order.promise.ship_by) {
    return false;
  }
  order.level = level;
  order.promise = promise;
  // A deadline the new promise moves past the clock no longer holds.
  // (Rule 7: it is not raised again should the new deadline pass too.)
  for (Rung rung : kDeadlineRungs) {
    if (DueAt(rung, PositionOf(order), config_) > clock_) Clear(order, rung, out);
  }
  return true;
}

bool OrderShard::AmendLines(Order& order, const v1::OrderAmended& amendment,
                            v1::ServiceLevel level_before,
                            EpochMillis ship_by_before, Emitter& out) {
  if (!NotYetShipped(order.status)) return false;  // nothing waits for stock
  if (IsSourced(order)) {  // line by line (rule 9)
    return AmendSourcedLines(order, amendment, level_before, ship_by_before,
                             out);
  }
  const bool reranked =
      order.level != level_before || order.promise.ship_by != ship_by_before;
  DemandBySku(order, &demand_);
  const std::vector<SkuDemand> before = demand_;
  bool added = false;
  for (const v1::AmendedLine& line : amendment.lines()) {
    if (const std::optional<uint32_t> i = LineIndex(order, line.line_id())) {
      order.lines[*i].quantity = line.quantity();
    } else {
      // A new line of a SKU the order already has shares its lines' state
      // (one request per SKU): reserved when they are, until a RESIZE says.
      const SkuId sku = store_.Intern(line.sku());
      bool reserved = false;
      for (const Order::Line& l : order.lines) {
        if (l.sku == sku) reserved = l.reserved;
      }
      order.AddLine(line.line_id(), sku, line.quantity(), 0, reserved);
      added = true;
    }
  }
  if (added) sku_lines_.Forget();
  DemandBySku(order, &demand_);
  bool sent = false;
  for (const SkuDemand& d : demand_) {
    int64_t had = 0;
    for (const SkuDemand& b : before) {
      if (b.sku == d.sku) had = b.quantity;
    }
    bool waiting = false;
    sku_lines_.ForEachOf(order, d.sku, [&](uint32_t i) {
      waiting = waiting || !order.lines[i].reserved;
    });
    if (had == d.quantity && !(reranked && waiting)) continue;
    sku_lines_.ForEachOf(order, d.sku, [&](uint32_t i) {
      order.lines[i].reserved = false;  // until the answer
    });
    StockRequest& request = RequestFor(order, AllocationRequest::ACTION_RESIZE);
    request.sku = SkuName(d.sku);
    request.quantity = d.quantity;
    request.previous_quantity = had;
    request.previous_service_level = level_before;
    request.previous_ship_by = ship_by_before;
    out.SendToInventory(request);
    ++order.awaiting_answers;
    sent = true;
  }
  if (sent) order.extras->amendments.resize_pending = true;
  return sent;
}

bool OrderShard::NoteResizeAnswer(Order& order, const StockAnswer& result,
                                  Emitter& out) {
  if (!AwaitsResize(order) || !result.first_answer) return false;
  if (order.awaiting_answers > 0) return true;
  order.extras->amendments.resize_pending = false;
  SettleResize(order, out);
  return true;
}

void OrderShard::SettleResize(Order& order, Emitter& out) {
  if (IsSourced(order)) {
    SettleSourcedResize(order, out);
    return;
  }
  const bool all_reserved =
      std::all_of(order.lines.begin(), order.lines.end(),
                  [](const Order::Line& l) { return l.reserved; });
  if (all_reserved) {
    if (order.status != v1::ORDER_STATUS_ALLOCATED) {
      Allocate(order, out);
    } else if (order.task_created) {
      UpdateTasks(order, out);
    }
    return;
  }
  if (order.status == v1::ORDER_STATUS_BACKORDERED) return;  // still waiting
  const bool had_task = order.status == v1::ORDER_STATUS_ALLOCATED &&
                        order.task_created;
  SetStatus(order, v1::ORDER_STATUS_BACKORDERED, ShortStockReasons(order), out);
  if (had_task) {
    // Ship-complete: the task cannot be worked until every line is
    // reserved again; a new CREATE follows then.
    EmitTask(order, v1::TASK_ACTION_CANCEL, out);
    order.task_created = false;
  }
}

void OrderShard::UpdateTasks(const Order& order, Emitter& out) {
  if (!IsSourced(order)) {
    EmitTask(order, v1::TASK_ACTION_UPDATE, out);
    return;
  }
  for (const auto& [warehouse, number] : CreatedTasks(order)) {
    EmitWarehouseTask(order, warehouse, number, v1::TASK_ACTION_UPDATE, out);
  }
}

std::optional<std::string_view> OrderShard::TaskShipTo(const Order& order) const {
  if (order.extras != nullptr && order.extras->amendments.has_ship_to()) {
    return std::string_view(*order.extras->amendments.ship_to);
  }
  if (order.has_ship_to()) return store_.ship_to().Of(order);
  return std::nullopt;
}

void OrderShard::NoteWork(Order& order, v1::ShipmentStatus event) {
  const uint32_t work = event == v1::SHIPMENT_STATUS_PACKED ? Order::kWorkPacked
                        : event == v1::SHIPMENT_STATUS_PICKED ? Order::kWorkPicked
                                                              : 0;
  order.work_reported = std::max<uint32_t>(order.work_reported, work);
}

}  // namespace orderflow
