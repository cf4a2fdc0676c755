#include "reconcile/parcels.h"

#include <algorithm>

namespace orderflow {
namespace {

using Lines = std::vector<std::pair<std::string, int32_t>>;

bool LeavesWarehouse(v1::ShipmentStatus s) {
  return s == v1::SHIPMENT_STATUS_SHIPPED || s == v1::SHIPMENT_STATUS_DELIVERED ||
         s == v1::SHIPMENT_STATUS_DELIVERY_FAILED;
}

// Units per lineId, summed, in the order first named.
Lines Summed(const Lines& lines) {
  Lines out;
  for (const auto& [id, units] : lines) {
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const auto& x) { return x.first == id; });
    if (same != out.end()) {
      same->second += units;
    } else {
      out.emplace_back(id, units);
    }
  }
  return out;
}

Lines Sorted(Lines lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

ParcelShipping ShipParcels(
    const std::vector<LineAmounts>& lines,
    const std::map<std::string, std::vector<std::string>>& tasks,
    const std::vector<ReconcileShipment>& shipments) {
  ParcelShipping s;
  s.shipped.assign(lines.size(), 0);
  s.carried_by.resize(lines.size());
  const auto index_of = [&](const std::string& line_id) -> int {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].line_id == line_id) return static_cast<int>(i);
    }
    return -1;
  };
  std::map<std::string, Lines> parcels;  // counted, by shipmentId
  bool whole_shipped = false;  // a first parcel carried every unit
  for (const ReconcileShipment& e : shipments) {
    if (!LeavesWarehouse(e.status)) continue;
    Lines named = Summed(e.lines);
    if (named.empty() && !e.task_id.empty() && tasks.size() > 1) {
      // No lines, one task of several: that task's lines, whole.
      auto task = tasks.find(e.task_id);
      if (task == tasks.end()) continue;  // not the order's task
      for (const std::string& id : task->second) {
        const int i = index_of(id);
        if (i >= 0) named.emplace_back(id, static_cast<int32_t>(lines[i].quantity));
      }
    }
    if (std::any_of(named.begin(), named.end(),
                    [](const auto& l) { return l.second <= 0; })) {
      continue;  // malformed: not a parcel
    }
    // Counted once; a later event naming other lines is not counted.
    if (parcels.count(e.shipment_id) > 0) continue;
    const bool whole = named.empty();
    if (whole) {  // the rest of the order
      for (size_t i = 0; i < lines.size(); ++i) {
        const int64_t rest = lines[i].quantity - s.shipped[i];
        if (rest > 0) named.emplace_back(lines[i].line_id, static_cast<int32_t>(rest));
      }
    }
    std::vector<OverShipment> over;
    for (const auto& [id, units] : named) {
      const int i = index_of(id);
      const int64_t ordered = i >= 0 ? lines[i].quantity : 0;
      const int64_t before = i >= 0 ? s.shipped[i] : 0;
      // After a whole first parcel, a parcel ships nothing more; it is
      // only measured against the line.
      const int64_t after = (whole_shipped ? 0 : before) + units;
      if (i < 0 || after > ordered) {
        over.push_back({e.shipment_id, id, i >= 0 ? lines[i].sku : std::string(),
                        units, ordered, before, e.occurred_at});
      }
    }
    if (!over.empty()) {
      s.over.insert(s.over.end(), over.begin(), over.end());
      continue;
    }
    if (!whole) s.active = true;
    if (whole && parcels.empty()) whole_shipped = true;
    parcels.emplace(e.shipment_id, Sorted(named));
    s.left_at.push_back(e.occurred_at);
    if (whole_shipped && !whole) continue;  // ships nothing more
    for (const auto& [id, units] : named) {
      const int i = index_of(id);
      s.shipped[i] += units;
      s.carried_by[i].emplace_back(e.shipment_id, units);
    }
  }
  return s;
}

}  // namespace orderflow
