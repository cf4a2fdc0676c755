// The ERP's v1.1 records (ErpOptions::extensions): stock per warehouse,
// orders to every country the shop sells to, amendments and holds. Every
// draw here is from world_rng_, so the v1 records (orders, stock counts
// and receipts, cancellations) stay those of the same seed without them.
#include <algorithm>
#include <cmath>
#include <memory>

#include "engine/text.h"
#include "sim/erp.h"
#include "sim/warehouses.h"

namespace orderflow {
namespace {

// Rule 12's default limits, in hours: PAYMENT 24h, FRAUD 4h, ADDRESS 24h.
double LimitHours(v1::HoldType type) {
  return type == v1::HOLD_TYPE_FRAUD ? 4 : 24;
}

}  // namespace

void ErpSimulator::SendStock(uint32_t sku, v1::InventoryKind kind, int64_t units,
                             EpochMillis at) {
  if (!extensions_) {
    out_(Topic::kInventory, skus_.Name(sku), InventoryRecord(skus_.Name(sku), kind, units, at),
         at);
    return;
  }
  // Each warehouse its share, rounded so that the parts add up to the
  // whole; a warehouse whose part is nothing hears nothing (a receipt
  // carries at least one unit).
  double share = 0;
  int64_t given = 0;
  for (const SimulatedWarehouse& w : kSimulatedWarehouses) {
    share += w.stock_share;
    const int64_t upto = static_cast<int64_t>(std::llround(static_cast<double>(units) * share));
    const int64_t part = upto - given;
    given = upto;
    if (part <= 0 && kind == v1::INVENTORY_KIND_RECEIPT) continue;
    out_(Topic::kInventory, skus_.Name(sku),
         InventoryRecord(skus_.Name(sku), kind, std::max<int64_t>(0, part), at, w.id), at);
  }
}

void ErpSimulator::SetDestination(v1::Address& address) {
  const SimulatedDestination& d = PickDestination(world_rng_.Uniform());
  address.set_line1(Cat(address.line1().substr(0, address.line1().find(' ')), " ", d.street));
  address.set_city(std::string(d.city));
  address.set_postal_code(std::string(d.postal_code));
  address.set_country(std::string(d.country));
}

void ErpSimulator::Later(EpochMillis at, Topic topic, const std::string& key,
                         std::shared_ptr<const google::protobuf::Message> record) {
  planned_.emplace(at, Planned{topic, key, std::move(record)});
}

void ErpSimulator::PlanChanges(const v1::OrderPlaced& order, EpochMillis at) {
  const double change = world_rng_.Uniform();
  if (change < 0.05) {
    PlanAmendment(order, at);
  } else if (change < 0.10) {
    PlanHold(order, at);
  }
}

// An address change (50 %), a faster service level (35 %; an OVERNIGHT
// order changes its address instead) or a quantity changed (15 %). Most
// come within the hour, before the warehouse picks; 25 % a day or so
// later, when the warehouse has picked or packed and an address or
// quantity change is refused (a faster service level is not: it touches
// no line). With warehouses configured a quantity change is applied per
// warehouse (each warehouse's task gets UPDATE, CANCEL or a new CREATE).
void ErpSimulator::PlanAmendment(const v1::OrderPlaced& order, EpochMillis at) {
  auto amendment = std::make_shared<v1::OrderAmended>();
  amendment->set_order_id(order.order_id());
  amendment->set_amendment_id(Cat("AM-", order.order_id(), "-1"));
  const bool late = world_rng_.Uniform() < 0.25;
  const EpochMillis requested =
      at + (late ? static_cast<Millis>((8 + world_rng_.Uniform() * 16) * Hours(1))
                 : static_cast<Millis>((2 + world_rng_.Uniform() * 40) * Minutes(1)));
  SetTimestamp(requested, amendment->mutable_requested_at());
  double what = world_rng_.Uniform();
  if (what >= 0.5 && what < 0.85 && order.service_level() == v1::SERVICE_LEVEL_OVERNIGHT) {
    what = 0;
  }
  if (what < 0.50) {
    v1::Address* to = amendment->mutable_ship_to();
    *to = order.ship_to();
    to->set_line1(Cat(1 + static_cast<int>(world_rng_.Uniform() * 200),
                      to->line1().substr(to->line1().find(' '))));
    to->set_name("Demo Customer (new address)");
  } else if (what < 0.85) {
    amendment->set_service_level(order.service_level() == v1::SERVICE_LEVEL_STANDARD
                                     ? v1::SERVICE_LEVEL_EXPRESS
                                     : v1::SERVICE_LEVEL_OVERNIGHT);
  } else {
    const v1::OrderLine& line = order.lines(0);
    v1::AmendedLine* changed = amendment->add_lines();
    changed->set_line_id(line.line_id());
    changed->set_sku(line.sku());
    changed->set_quantity(line.quantity() > 1 && world_rng_.Uniform() < 0.5
                              ? line.quantity() - 1
                              : line.quantity() + 1);
  }
  ++extras_.amendments;
  extras_.late_amendments += late;
  Later(requested, Topic::kAmendments, order.order_id(), std::move(amendment));
}

// A payment (50 %), fraud (30 %) or address (20 %) check placed minutes
// after the order. Released to go on within its limit (75 %), released
// cancelling the order (15 %), or left open past its limit before it is
// released (10 %: HOLD_AGED, some of them at level 2).
void ErpSimulator::PlanHold(const v1::OrderPlaced& order, EpochMillis at) {
  const double kind = world_rng_.Uniform();
  const v1::HoldType type = kind < 0.5   ? v1::HOLD_TYPE_PAYMENT
                            : kind < 0.8 ? v1::HOLD_TYPE_FRAUD
                                         : v1::HOLD_TYPE_ADDRESS;
  const std::string hold_id = Cat("HD-", order.order_id());
  const EpochMillis placed = at + static_cast<Millis>((1 + world_rng_.Uniform() * 9) * Minutes(1));
  auto place = std::make_shared<v1::HoldEvent>();
  place->set_order_id(order.order_id());
  place->set_hold_id(hold_id);
  place->set_action(v1::HOLD_ACTION_PLACE);
  place->set_type(type);
  SetTimestamp(placed, place->mutable_occurred_at());
  place->set_note(type == v1::HOLD_TYPE_PAYMENT ? "payment not yet authorised"
                  : type == v1::HOLD_TYPE_FRAUD ? "fraud score above threshold"
                                                : "address could not be verified");
  const double fate = world_rng_.Uniform();
  const double limit = LimitHours(type);
  const double after = fate < 0.9 ? 0.05 + world_rng_.Uniform() * 0.6    // within the limit
                                  : 1.2 + world_rng_.Uniform() * 1.3;    // past it
  auto release = std::make_shared<v1::HoldEvent>();
  release->set_order_id(order.order_id());
  release->set_hold_id(hold_id);
  release->set_action(v1::HOLD_ACTION_RELEASE);
  release->set_type(type);
  const EpochMillis released = placed + static_cast<Millis>(after * limit * Hours(1));
  SetTimestamp(released, release->mutable_occurred_at());
  if (fate >= 0.75 && fate < 0.9) {
    release->set_outcome(v1::HOLD_OUTCOME_CANCEL_ORDER);
    release->set_note("declined");
    ++extras_.holds_cancelling;
  } else {
    release->set_outcome(v1::HOLD_OUTCOME_RESUME);
    ++(fate < 0.75 ? extras_.holds_resumed : extras_.holds_aged);
  }
  ++extras_.holds;
  Later(placed, Topic::kHolds, order.order_id(), std::move(place));
  Later(released, Topic::kHolds, order.order_id(), std::move(release));
}

}  // namespace orderflow
