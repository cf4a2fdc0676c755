#include "observe/order_timeline_parcels.h"

#include <algorithm>
#include <utility>

#include "engine/order_status.h"
#include "engine/text.h"
#include "kafka/topic_names.h"

namespace orderflow {
namespace {

using Json = nlohmann::ordered_json;

std::string_view ShipmentName(v1::ShipmentStatus s) {
  return WithoutPrefix(v1::ShipmentStatus_Name(s), "SHIPMENT_STATUS_");
}

Json StringOrNull(const std::string& s) { return s.empty() ? Json() : Json(s); }

}  // namespace

void OrderParcelView::Add(Topic topic, const google::protobuf::Message& value,
                          EpochMillis time, bool first, v1::OrderStatus status) {
  if (IsInput(topic)) Input(topic);
  switch (topic) {
    case Topic::kOrders:
      if (first) AddOrder(static_cast<const v1::OrderPlaced&>(value));
      return;
    case Topic::kShipments:
      AddShipment(static_cast<const v1::ShipmentEvent&>(value), time,
                  status == v1::ORDER_STATUS_CANCELLED);
      return;
    case Topic::kCancellations:
      AddCancellation();
      return;
    case Topic::kAmendments:
      AddAmendment(static_cast<const v1::OrderAmended&>(value));
      return;
    case Topic::kAmendmentResults:
      AddAmendmentResult(static_cast<const v1::AmendmentResult&>(value));
      return;
    case Topic::kDeliveryTasks:
      AddTask(static_cast<const v1::DeliveryTask&>(value));
      return;
    case Topic::kDeadLetter: {
      const auto& dead = static_cast<const v1::DeadLetter&>(value);
      if (auto source = TopicByShortOrKafkaName(dead.source_topic())) {
        Rejected(*source, dead.payload());
      }
      return;
    }
    case Topic::kInventory:
    case Topic::kInvoices:
    case Topic::kOrderStatus:
    case Topic::kEscalations:
    case Topic::kHolds:
    case Topic::kCustomerContacts:
      return;
  }
}

void OrderParcelView::AddJson(Json& state, bool closed_unshipped) const {
  state["deliveryTasks"] = TasksJson();
  state["parcels"] = ParcelsJson();
  state["unshipped"] = UnshippedJson(closed_unshipped);
  state["restCancelled"] = rest_cancelled();
}

void OrderParcelView::Input(Topic topic) {
  last_input_ = topic;
  before_last_.reset();
  early_applied_.clear();
}

void OrderParcelView::AddOrder(const v1::OrderPlaced& order) {
  placed_ = true;
  progress_ = Progress{};
  for (const v1::OrderLine& line : order.lines()) {
    progress_.lines.push_back({line.line_id(), line.sku(), line.quantity(), 0, 0});
  }
  placed_lines_ = progress_.lines;
  for (const auto& [shipment, time] : early_) Apply(shipment, time);
  early_applied_ = std::move(early_);
  early_.clear();
}

void OrderParcelView::AddShipment(const v1::ShipmentEvent& shipment,
                                  EpochMillis time, bool cancelled) {
  if (!placed_) {
    early_.emplace_back(shipment, time);
    return;
  }
  if (cancelled) return;
  before_last_ = progress_;
  last_shipment_id_ = shipment.shipment_id();
  Apply(shipment, time);
}

void OrderParcelView::AddCancellation() {
  if (!placed_) return;
  before_last_ = progress_;
  bool some_shipped = false, some_unshipped = false;
  for (const Line& l : progress_.lines) {
    some_shipped |= l.shipped > 0;
    some_unshipped |= ToShip(l) > l.shipped;
  }
  if (some_shipped && some_unshipped) progress_.rest_cancelled = true;
}

void OrderParcelView::AddAmendment(const v1::OrderAmended& amendment) {
  if (amendment.lines_size() > 0) amendments_.push_back(amendment);
}

void OrderParcelView::AddAmendmentResult(const v1::AmendmentResult& result) {
  auto it = std::find_if(amendments_.begin(), amendments_.end(),
                         [&](const v1::OrderAmended& a) {
                           return a.amendment_id() == result.amendment_id();
                         });
  if (it == amendments_.end()) return;
  if (result.outcome() == v1::AMENDMENT_OUTCOME_APPLIED) {
    // An existing lineId gets the new quantity, 0 removes it, a new one is
    // added (rule 11).
    for (const v1::AmendedLine& a : it->lines()) {
      Line* line = FindLine(a.line_id());
      if (line == nullptr && a.quantity() > 0) {
        progress_.lines.push_back({a.line_id(), a.sku(), a.quantity(), 0, 0});
      } else if (line != nullptr && a.quantity() > 0) {
        line->quantity = a.quantity();
        if (!a.sku().empty()) line->sku = a.sku();
      } else if (line != nullptr && line->shipped == 0) {
        progress_.lines.erase(progress_.lines.begin() +
                              (line - progress_.lines.data()));
      }
    }
  }
  amendments_.erase(it);
}

void OrderParcelView::AddTask(const v1::DeliveryTask& task) {
  auto it = std::find_if(tasks_.begin(), tasks_.end(), [&](const Task& t) {
    return t.task_id == task.task_id();
  });
  if (it == tasks_.end()) {
    tasks_.emplace_back();
    tasks_.back().task_id = task.task_id();
    it = tasks_.end() - 1;
  }
  it->action = task.action();
  if (task.action() == v1::TASK_ACTION_CREATE ||
      task.action() == v1::TASK_ACTION_UPDATE) {
    if (!task.warehouse_id().empty()) it->warehouse_id = task.warehouse_id();
    it->lines.clear();
    for (const v1::TaskLine& l : task.lines()) {
      it->lines.push_back({l.line_id(), l.sku(), l.quantity(), 0, 0});
    }
  }
}

void OrderParcelView::Rejected(Topic source, std::string_view payload) {
  v1::ShipmentEvent refused;
  if (source == Topic::kShipments && last_input_ == Topic::kOrders &&
      refused.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    // A shipment held for the order, refused when the order came: the
    // order's parcels are the others.
    auto it = std::find_if(early_applied_.begin(), early_applied_.end(),
                           [&](const auto& e) {
                             return e.first.shipment_id() == refused.shipment_id() &&
                                    e.first.status() == refused.status();
                           });
    if (it == early_applied_.end()) return;
    early_applied_.erase(it);
    progress_ = Progress{};
    progress_.lines = placed_lines_;
    for (const auto& [shipment, time] : early_applied_) Apply(shipment, time);
    return;
  }
  if (last_input_ != source || !before_last_) return;
  if (source == Topic::kShipments && !payload.empty() &&
      refused.ParseFromArray(payload.data(), static_cast<int>(payload.size())) &&
      !refused.shipment_id().empty() &&
      refused.shipment_id() != last_shipment_id_) {
    return;  // another shipment's
  }
  progress_ = *std::move(before_last_);
  before_last_.reset();
}

int32_t OrderParcelView::ToShip(const Line& line) const {
  return progress_.rest_cancelled ? line.shipped : line.quantity;
}

OrderParcelView::Line* OrderParcelView::FindLine(const std::string& line_id) {
  for (Line& l : progress_.lines) {
    if (l.line_id == line_id) return &l;
  }
  return nullptr;
}

const OrderParcelView::Line* OrderParcelView::FindLine(
    const std::string& line_id) const {
  return const_cast<OrderParcelView*>(this)->FindLine(line_id);
}

void OrderParcelView::Apply(const v1::ShipmentEvent& shipment, EpochMillis time) {
  Progress& p = progress_;
  auto parcel = std::find_if(p.parcels.begin(), p.parcels.end(), [&](const Parcel& x) {
    return x.shipment_id == shipment.shipment_id();
  });
  if (parcel == p.parcels.end()) {
    p.parcels.emplace_back();
    parcel = p.parcels.end() - 1;
    parcel->shipment_id = shipment.shipment_id();
  }
  const v1::ShipmentStatus status = shipment.status();
  // A repeated (shipmentId, status) is a no-op for the engine (rule 5).
  for (const Event& e : parcel->history) {
    if (e.status == status) return;
  }
  parcel->history.push_back(
      {status, shipment.has_occurred_at() ? ToMillis(shipment.occurred_at()) : time});
  if (!shipment.task_id().empty()) parcel->task_id = shipment.task_id();
  if (!shipment.carrier().empty()) parcel->carrier = shipment.carrier();
  if (!shipment.tracking_number().empty()) {
    parcel->tracking_number = shipment.tracking_number();
  }
  const bool leaves_warehouse = status == v1::SHIPMENT_STATUS_SHIPPED ||
                                status == v1::SHIPMENT_STATUS_DELIVERED ||
                                status == v1::SHIPMENT_STATUS_DELIVERY_FAILED;
  if (!leaves_warehouse) return;  // PICKED, PACKED: recorded only

  // Its first event that leaves the warehouse says what the parcel
  // carries; DELIVERED and DELIVERY_FAILED of a parcel not shipped ship it
  // first.
  if (!parcel->shipped) {
    parcel->shipped = true;
    parcel->lines.clear();
    for (const v1::ShipmentLine& l : shipment.lines()) {
      auto same = std::find_if(parcel->lines.begin(), parcel->lines.end(),
                               [&](const auto& x) { return x.first == l.line_id(); });
      if (same != parcel->lines.end()) {
        same->second += l.quantity();
      } else {
        parcel->lines.emplace_back(l.line_id(), l.quantity());
      }
    }
    const Task* task = nullptr;
    for (const Task& t : tasks_) {
      if (t.task_id == shipment.task_id()) task = &t;
    }
    if (parcel->lines.empty() && task != nullptr && tasks_.size() > 1) {
      // No lines is the whole task: its lines, as ordered (rule 10).
      for (const Line& t : task->lines) {
        if (const Line* l = FindLine(t.line_id)) {
          parcel->lines.emplace_back(l->line_id, l->quantity);
        }
      }
    } else if (parcel->lines.empty()) {  // the rest of the order
      parcel->whole = true;
      for (const Line& l : p.lines) {
        const int32_t rest = ToShip(l) - l.shipped;
        if (rest > 0) parcel->lines.emplace_back(l.line_id, rest);
      }
    }
    const bool first_shipped =
        std::none_of(p.parcels.begin(), p.parcels.end(), [&](const Parcel& x) {
          return x.shipped && &x != &*parcel;
        });
    if (first_shipped && parcel->whole) p.whole_shipped = true;
    // After a first parcel that carried every unit, later ones ship
    // nothing more (they still deliver).
    if (parcel->whole || !p.whole_shipped) {
      for (const auto& [id, units] : parcel->lines) {
        if (Line* l = FindLine(id)) l->shipped += units;
      }
    }
  }
  if (status == v1::SHIPMENT_STATUS_DELIVERED && !parcel->delivered) {
    if (parcel->whole) {  // the whole order is delivered
      for (Line& l : p.lines) l.delivered = ToShip(l);
      for (Parcel& x : p.parcels) {
        x.delivered = x.shipped;
        x.failed = false;
      }
    } else {
      for (const auto& [id, units] : parcel->lines) {
        if (Line* l = FindLine(id)) l->delivered += units;
      }
      parcel->delivered = true;
      parcel->failed = false;
    }
  } else if (status == v1::SHIPMENT_STATUS_DELIVERY_FAILED && !parcel->delivered) {
    parcel->failed = true;
  }
}

std::string OrderParcelView::TaskOf(const Parcel& parcel) const {
  if (!parcel.task_id.empty()) return parcel.task_id;
  // Without a taskId a parcel belongs to the order's one task.
  return tasks_.size() == 1 ? tasks_.front().task_id : std::string();
}

Json OrderParcelView::TasksJson() const {
  Json tasks = Json::array();
  for (const Task& t : tasks_) {
    Json lines = Json::array();
    for (const Line& l : t.lines) {
      lines.push_back({{"lineId", l.line_id}, {"sku", l.sku}, {"quantity", l.quantity}});
    }
    tasks.push_back(
        {{"taskId", t.task_id},
         {"warehouseId", StringOrNull(t.warehouse_id)},
         {"action", std::string(WithoutPrefix(v1::TaskAction_Name(t.action),
                                              "TASK_ACTION_"))},
         {"lines", std::move(lines)}});
  }
  return tasks;
}

Json OrderParcelView::ParcelsJson() const {
  Json parcels = Json::array();
  for (const Parcel& x : progress_.parcels) {
    const std::string task_id = TaskOf(x);
    std::string warehouse;
    for (const Task& t : tasks_) {
      if (t.task_id == task_id) warehouse = t.warehouse_id;
    }
    Json lines = Json::array();
    for (const auto& [id, units] : x.lines) {
      const Line* l = FindLine(id);
      lines.push_back({{"lineId", id},
                       {"sku", l != nullptr ? Json(l->sku) : Json()},
                       {"quantity", units}});
    }
    Json history = Json::array();
    for (const Event& e : x.history) {
      history.push_back({{"status", std::string(ShipmentName(e.status))},
                         {"at", FormatRfc3339(e.at)}});
    }
    // Before it leaves the warehouse, its latest PICKED or PACKED.
    const v1::ShipmentStatus status =
        x.delivered ? v1::SHIPMENT_STATUS_DELIVERED
        : x.failed  ? v1::SHIPMENT_STATUS_DELIVERY_FAILED
        : x.shipped ? v1::SHIPMENT_STATUS_SHIPPED
                    : x.history.back().status;
    parcels.push_back({{"shipmentId", x.shipment_id},
                       {"taskId", StringOrNull(task_id)},
                       {"warehouseId", StringOrNull(warehouse)},
                       {"whole", x.whole},
                       {"lines", std::move(lines)},
                       {"carrier", StringOrNull(x.carrier)},
                       {"trackingNumber", StringOrNull(x.tracking_number)},
                       {"status", std::string(ShipmentName(status))},
                       {"history", std::move(history)}});
  }
  return parcels;
}

Json OrderParcelView::UnshippedJson(bool closed_unshipped) const {
  Json unshipped = Json::array();
  if (closed_unshipped) return unshipped;
  for (const Line& l : progress_.lines) {
    const int32_t rest = ToShip(l) - l.shipped;
    if (rest <= 0) continue;
    unshipped.push_back({{"lineId", l.line_id},
                         {"sku", l.sku},
                         {"quantity", rest},
                         {"ordered", l.quantity}});
  }
  return unshipped;
}

// ------------------------------------------------------------------ text

namespace {

std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json& ArrayAt(const Json& j, const char* key) {
  static const Json kEmpty = Json::array();
  if (!j.is_object()) return kEmpty;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

int64_t Int(const Json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// "line 1 SKU-A x3, line 2 SKU-B x2"
std::string LinesText(const Json& lines) {
  std::vector<std::string> parts;
  for (const Json& l : lines) {
    std::string part = Cat("line ", Str(l, "lineId"));
    if (!Str(l, "sku").empty()) part += Cat(" ", Str(l, "sku"));
    parts.push_back(Cat(part, " x", Int(l, "quantity")));
  }
  return parts.empty() ? std::string("no lines") : Join(parts, ", ");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParcelRows(const Json& state) {
  std::vector<std::pair<std::string, std::string>> rows;
  const Json& tasks = ArrayAt(state, "deliveryTasks");
  const Json& parcels = ArrayAt(state, "parcels");
  bool shown = tasks.size() > 1 || parcels.size() > 1;
  for (const Json& t : tasks) shown |= !Str(t, "warehouseId").empty();
  for (const Json& x : parcels) {
    shown |= x.is_object() && !x.value("whole", true);
  }
  if (!shown) return rows;

  std::string label = "tasks";
  for (const Json& t : tasks) {
    std::string text = Str(t, "taskId");
    if (!Str(t, "warehouseId").empty()) text += Cat(" at ", Str(t, "warehouseId"));
    text += Cat(" ", Str(t, "action"), ": ", LinesText(ArrayAt(t, "lines")));
    rows.emplace_back(std::exchange(label, ""), text);
  }
  label = "parcels";
  for (const Json& x : parcels) {
    std::string text = Str(x, "shipmentId");
    std::vector<std::string> where;
    if (!Str(x, "taskId").empty()) where.push_back(Cat("task ", Str(x, "taskId")));
    if (!Str(x, "warehouseId").empty()) where.push_back(Str(x, "warehouseId"));
    if (!where.empty()) text += Cat(" (", Join(where, ", "), ")");
    text += Cat(": ", LinesText(ArrayAt(x, "lines")));
    if (!Str(x, "carrier").empty()) text += Cat(" by ", Str(x, "carrier"));
    if (!Str(x, "trackingNumber").empty()) {
      text += Cat(", tracking ", Str(x, "trackingNumber"));
    }
    rows.emplace_back(std::exchange(label, ""), text);
    std::vector<std::string> history;
    for (const Json& e : ArrayAt(x, "history")) {
      history.push_back(Cat(Str(e, "status"), " ", Str(e, "at")));
    }
    if (!history.empty()) rows.emplace_back("", Cat("  ", Join(history, ", ")));
  }
  const Json& unshipped = ArrayAt(state, "unshipped");
  if (unshipped.empty()) {
    rows.emplace_back("unshipped", state.value("restCancelled", false)
                                       ? "nothing (the rest was cancelled)"
                                       : "nothing");
  }
  label = "unshipped";
  for (const Json& l : unshipped) {
    rows.emplace_back(std::exchange(label, ""),
                      Cat("line ", Str(l, "lineId"), " ", Str(l, "sku"), ": ",
                          Int(l, "quantity"), " of ", Int(l, "ordered")));
  }
  return rows;
}

}  // namespace orderflow
