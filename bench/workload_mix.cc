#include "bench/workload_mix.h"

#include <array>
#include <map>

#include "sim/catalogue.h"

namespace orderflow::workload {
namespace {

constexpr std::array<int, 6> kHoldTypeWeights = {40, 20, 15, 10, 10, 5};
constexpr std::array<v1::HoldType, 6> kHoldTypes = {
    v1::HOLD_TYPE_PAYMENT, v1::HOLD_TYPE_FRAUD,
    v1::HOLD_TYPE_ADDRESS, v1::HOLD_TYPE_CREDIT,
    v1::HOLD_TYPE_CUSTOMER_REQUEST, v1::HOLD_TYPE_OTHER};

constexpr std::array<int, 7> kContactKindWeights = {40, 20, 10, 10, 8, 7, 5};
constexpr std::array<v1::ContactKind, 7> kContactKinds = {
    v1::CONTACT_KIND_WHERE_IS_MY_ORDER, v1::CONTACT_KIND_LATE,
    v1::CONTACT_KIND_DAMAGED, v1::CONTACT_KIND_BILLING,
    v1::CONTACT_KIND_WRONG_ITEM, v1::CONTACT_KIND_MISSING_ITEM,
    v1::CONTACT_KIND_OTHER};
constexpr const char* kChannels[] = {"email", "phone", "chat"};

// Rule 12's default limits.
Millis LimitOf(v1::HoldType type) {
  switch (type) {
    case v1::HOLD_TYPE_FRAUD: return Hours(4);
    case v1::HOLD_TYPE_CREDIT: return Hours(48);
    case v1::HOLD_TYPE_CUSTOMER_REQUEST: return Hours(72);
    default: return Hours(24);
  }
}

}  // namespace

std::string_view HomeOf(uint32_t sku) {
  const uint64_t h = (sku * 2654435761ull) % 100;
  return h < 94 ? "WH-DE-1" : h < 97 ? "WH-DE-2" : "WH-FR";
}

std::vector<Parcel> PlanParcels(const v1::OrderPlaced& order,
                                const std::vector<std::string_view>& homes,
                                uint64_t number, bool split_task) {
  // Tasks by warehouse, in the order their first line comes.
  std::vector<std::string_view> warehouses;
  std::map<std::string_view, std::vector<int>> lines_of;
  for (int i = 0; i < order.lines_size(); ++i) {
    auto [it, added] = lines_of.try_emplace(homes[i]);
    if (added) warehouses.push_back(homes[i]);
    it->second.push_back(i);
  }
  std::vector<Parcel> parcels;
  auto add = [&](std::string_view warehouse) -> Parcel& {
    Parcel& p = parcels.emplace_back();
    p.task_id = order.order_id() + "/delivery/" + std::string(warehouse);
    p.shipment_id = Padded("SHP-", number, 8) + "-" +
                    std::to_string(parcels.size());
    return p;
  };
  for (std::string_view warehouse : warehouses) {
    const std::vector<int>& lines = lines_of[warehouse];
    int32_t units = 0;
    for (int i : lines) units += order.lines(i).quantity();
    Parcel& first = add(warehouse);
    if (!split_task || units < 2) {
      for (int i : lines) {
        first.lines.emplace_back(order.lines(i).line_id(), order.lines(i).quantity());
      }
      continue;
    }
    // Two boxes: the first line's units split, or the lines shared out.
    std::vector<std::pair<std::string, int32_t>> a, b;
    if (lines.size() == 1) {
      const v1::OrderLine& line = order.lines(lines[0]);
      a.emplace_back(line.line_id(), line.quantity() / 2);
      b.emplace_back(line.line_id(), line.quantity() - line.quantity() / 2);
    } else {
      for (size_t k = 0; k < lines.size(); ++k) {
        const v1::OrderLine& line = order.lines(lines[k]);
        (k % 2 == 0 ? a : b).emplace_back(line.line_id(), line.quantity());
      }
    }
    first.lines = std::move(a);
    add(warehouse).lines = std::move(b);
  }
  return parcels;
}

void DescribeParcel(const Parcel& parcel, v1::ShipmentEvent& event) {
  event.set_task_id(parcel.task_id);
  if (event.status() == v1::SHIPMENT_STATUS_PACKED ||
      event.status() == v1::SHIPMENT_STATUS_PICKED) {
    return;
  }
  for (const auto& [line_id, units] : parcel.lines) {
    v1::ShipmentLine* line = event.add_lines();
    line->set_line_id(line_id);
    line->set_quantity(units);
  }
}

v1::HoldType DrawHoldType(Random& rng) {
  return kHoldTypes[rng.Weighted(kHoldTypeWeights)];
}

Millis DrawHoldDuration(v1::HoldType type, Random& rng) {
  const Millis limit = LimitOf(type);
  if (rng.Chance(0.1)) return rng.Between(limit + limit / 10, limit * 5 / 2);
  return rng.Between(Minutes(10), limit / 2);
}

v1::HoldEvent HoldPlaced(std::string_view order_id, std::string_view hold_id,
                         v1::HoldType type, EpochMillis at) {
  v1::HoldEvent m;
  m.set_order_id(std::string(order_id));
  m.set_hold_id(std::string(hold_id));
  m.set_action(v1::HOLD_ACTION_PLACE);
  m.set_type(type);
  SetTimestamp(at, m.mutable_occurred_at());
  m.set_note(type == v1::HOLD_TYPE_FRAUD ? "score above threshold"
                                         : "awaiting confirmation");
  return m;
}

v1::HoldEvent HoldReleased(std::string_view order_id, std::string_view hold_id,
                           bool cancel_order, EpochMillis at) {
  v1::HoldEvent m;
  m.set_order_id(std::string(order_id));
  m.set_hold_id(std::string(hold_id));
  m.set_action(v1::HOLD_ACTION_RELEASE);
  SetTimestamp(at, m.mutable_occurred_at());
  m.set_outcome(cancel_order ? v1::HOLD_OUTCOME_CANCEL_ORDER
                             : v1::HOLD_OUTCOME_RESUME);
  return m;
}

v1::CustomerContact ContactRecord(std::string_view contact_id,
                                  std::string_view order_id,
                                  std::string_view customer_id,
                                  v1::ContactKind kind, EpochMillis received_at,
                                  EpochMillis resolved_at) {
  v1::CustomerContact m;
  m.set_contact_id(std::string(contact_id));
  m.set_order_id(std::string(order_id));
  m.set_customer_id(std::string(customer_id));
  SetTimestamp(received_at, m.mutable_received_at());
  m.set_kind(kind);
  m.set_channel(kChannels[(received_at / 1000) % std::size(kChannels)]);
  m.set_text("customer asks about the order");
  if (resolved_at != kNever) {
    SetTimestamp(resolved_at, m.mutable_resolved_at());
    m.set_resolution("answered");
  }
  return m;
}

v1::ContactKind DrawContactKind(Random& rng) {
  return kContactKinds[rng.Weighted(kContactKindWeights)];
}

v1::OrderAmended AddressChange(const v1::OrderPlaced& order,
                               std::string_view amendment_id, EpochMillis at) {
  v1::OrderAmended m;
  m.set_order_id(order.order_id());
  m.set_amendment_id(std::string(amendment_id));
  SetTimestamp(at, m.mutable_requested_at());
  *m.mutable_ship_to() = order.ship_to();
  m.mutable_ship_to()->set_line2("c/o reception");
  return m;
}

v1::OrderAmended ServiceUpgrade(std::string_view order_id,
                                std::string_view amendment_id,
                                v1::ServiceLevel level, EpochMillis at) {
  v1::OrderAmended m;
  m.set_order_id(std::string(order_id));
  m.set_amendment_id(std::string(amendment_id));
  SetTimestamp(at, m.mutable_requested_at());
  m.set_service_level(level);
  return m;
}

}  // namespace orderflow::workload
