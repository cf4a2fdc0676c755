#include "engine/outputs.h"

#include "engine/order_wire.h"

namespace orderflow {
namespace {

// The string field's own memory is reused (set_x would build a temporary).
void Assign(std::string_view text, std::string* field) {
  field->assign(text.data(), text.size());
}

}  // namespace

void AppendTaskId(const TaskOutput& t, std::string* out) {
  out->append(t.order_id.data(), t.order_id.size());
  out->append("/delivery");
  if (t.warehouse_id.empty()) return;
  out->push_back('/');
  out->append(t.warehouse_id.data(), t.warehouse_id.size());
  if (t.number > 1) {
    out->push_back('/');
    out->append(std::to_string(t.number));
  }
}

void ToProto(const StatusOutput& s, v1::OrderStatusChanged* m) {
  Assign(s.order_id, m->mutable_order_id());
  m->set_status(s.status);
  m->set_previous_status(s.previous_status);
  m->clear_reasons();
  for (const std::string& r : s.reasons) m->add_reasons(r);
  SetTimestamp(s.occurred_at, m->mutable_occurred_at());
  if (s.placed_at != 0) {
    SetTimestamp(s.placed_at, m->mutable_placed_at());
  } else {
    m->clear_placed_at();
  }
  if (s.promised_delivery_at != 0) {
    SetTimestamp(s.promised_delivery_at, m->mutable_promised_delivery_at());
  } else {
    m->clear_promised_delivery_at();
  }
}

void ToProto(const TaskOutput& t, v1::DeliveryTask* m) {
  std::string* task_id = m->mutable_task_id();
  task_id->clear();
  AppendTaskId(t, task_id);
  Assign(t.order_id, m->mutable_order_id());
  m->set_action(t.action);
  // Lines are overwritten in place; surplus ones from an earlier task go.
  auto* lines = m->mutable_lines();
  const int count = static_cast<int>(t.lines.size());
  while (lines->size() > count) lines->RemoveLast();
  for (int i = 0; i < count; ++i) {
    const TaskOutputLine& line = t.lines[i];
    v1::TaskLine* l = i < lines->size() ? lines->Mutable(i) : lines->Add();
    Assign(line.line_id, l->mutable_line_id());
    Assign(line.sku, l->mutable_sku());
    l->set_quantity(line.quantity);
  }
  m->set_priority(t.priority);
  if (t.ship_to) {
    ParseAddress(*t.ship_to, m->mutable_ship_to());
  } else {
    m->clear_ship_to();
  }
  SetTimestamp(t.ship_by, m->mutable_ship_by());
  SetTimestamp(t.deliver_by, m->mutable_deliver_by());
  SetTimestamp(t.created_at, m->mutable_created_at());
  Assign(t.warehouse_id, m->mutable_warehouse_id());
}

}  // namespace orderflow
