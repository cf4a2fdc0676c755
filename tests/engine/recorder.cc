#include "tests/engine/recorder.h"

#include <map>
#include <set>

#include "gtest/gtest.h"

namespace orderflow::testing {
namespace {

std::string WithoutPrefix(std::string name, std::string_view prefix) {
  if (name.compare(0, prefix.size(), prefix) == 0) name.erase(0, prefix.size());
  return name;
}

std::string TaskActionName(v1::TaskAction a) {
  return WithoutPrefix(v1::TaskAction_Name(a), "TASK_ACTION_");
}

std::string StateName(v1::EscalationState s) {
  return WithoutPrefix(v1::EscalationState_Name(s), "ESCALATION_STATE_");
}

template <typename T>
std::vector<T> OfType(const std::vector<Output>& outputs,
                      std::string_view order_id) {
  std::vector<T> found;
  for (const Output& o : outputs) {
    if (const T* m = std::get_if<T>(&o)) {
      if (order_id.empty() || m->order_id() == order_id) found.push_back(*m);
    }
  }
  return found;
}

}  // namespace

std::string StatusName(v1::OrderStatus s) {
  return WithoutPrefix(v1::OrderStatus_Name(s), "ORDER_STATUS_");
}

// Whether `id` is `prefix` ("O-1/SHIP_DEADLINE_MISSED/2") followed by
// "/" and a placedAt ("2026-03-02T10:00:00Z").
bool IsIdOf(std::string_view id, std::string_view prefix) {
  if (id.size() <= prefix.size() + 1 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '/') {
    return false;
  }
  const std::string_view placed_at = id.substr(prefix.size() + 1);
  return placed_at.find('/') == std::string_view::npos && placed_at.back() == 'Z' &&
         placed_at.size() >= 20 && placed_at[10] == 'T';
}

std::string KindName(v1::EscalationKind k) {
  return WithoutPrefix(v1::EscalationKind_Name(k), "ESCALATION_KIND_");
}

std::string Summary(const Output& output) {
  if (const auto* s = std::get_if<v1::OrderStatusChanged>(&output)) {
    std::string line = "status " + s->order_id() + " " +
                       (s->previous_status() == v1::ORDER_STATUS_UNSPECIFIED
                            ? std::string("NEW")
                            : StatusName(s->previous_status())) +
                       " -> " + StatusName(s->status());
    if (!s->reasons().empty()) {
      line += " [";
      for (int i = 0; i < s->reasons_size(); ++i) {
        if (i > 0) line += ", ";
        line += s->reasons(i);
      }
      line += "]";
    }
    return line;
  }
  if (const auto* t = std::get_if<v1::DeliveryTask>(&output)) {
    std::string line = "task " + t->task_id() + " " + TaskActionName(t->action()) + " [";
    for (int i = 0; i < t->lines_size(); ++i) {
      if (i > 0) line += ", ";
      line += t->lines(i).line_id() + " " + t->lines(i).sku() + " x" +
              std::to_string(t->lines(i).quantity());
    }
    return line + "]";
  }
  if (const auto* e = std::get_if<v1::Escalation>(&output)) {
    const std::string expected_id =
        e->order_id() + "/" + KindName(e->kind()) + "/" + std::to_string(e->level());
    // The id is "<orderId>/<KIND>/<level>/<placedAt>": shown by its
    // familiar prefix, and in full when it is not of that form.
    std::string line = StateName(e->state()) + " " + expected_id;
    if (!IsIdOf(e->escalation_id(), expected_id)) line += " id=" + e->escalation_id();
    return line;
  }
  if (const auto* a = std::get_if<v1::AmendmentResult>(&output)) {
    std::string line = "amendment " + a->order_id() + " " + a->amendment_id() +
                       " " +
                       WithoutPrefix(v1::AmendmentOutcome_Name(a->outcome()),
                                     "AMENDMENT_OUTCOME_");
    if (!a->reasons().empty()) {
      line += " [";
      for (int i = 0; i < a->reasons_size(); ++i) {
        if (i > 0) line += ", ";
        line += a->reasons(i);
      }
      line += "]";
    }
    return line;
  }
  const auto& d = std::get<v1::DeadLetter>(output);
  return "dead-letter " + d.source_topic() + "/" + d.key() + " " + d.reason();
}

std::string Bytes(const Output& output) {
  return std::visit(
      [&output](const auto& m) {
        std::string bytes = std::to_string(output.index()) + ":";
        std::string body;
        m.SerializeToString(&body);
        return bytes + body;
      },
      output);
}

void Recorder::SendStatus(const StatusOutput& s) {
  v1::OrderStatusChanged m;
  ToProto(s, &m);
  outputs_.emplace_back(std::move(m));
}
void Recorder::SendTask(const TaskOutput& t) {
  v1::DeliveryTask m;
  ToProto(t, &m);
  outputs_.emplace_back(std::move(m));
}
void Recorder::Escalated(const v1::Escalation& m) { outputs_.emplace_back(m); }
void Recorder::DeadLettered(const v1::DeadLetter& m) {
  outputs_.emplace_back(m);
}
void Recorder::AmendmentDecided(const v1::AmendmentResult& m) {
  outputs_.emplace_back(m);
}
void Recorder::SendToInventory(const StockRequest& m) {
  internal::v1::AllocationRequest message;
  ToProto(m, &message);
  ADD_FAILURE() << "internal AllocationRequest leaked to the public emitter: "
                << message.ShortDebugString();
}
void Recorder::SendToOrders(const StockAnswer& m) {
  internal::v1::AllocationResult message;
  ToProto(m, &message);
  ADD_FAILURE() << "internal AllocationResult leaked to the public emitter: "
                << message.ShortDebugString();
}

std::vector<std::string> Recorder::Take() {
  std::vector<std::string> lines;
  for (; taken_ < outputs_.size(); ++taken_) {
    lines.push_back(Summary(outputs_[taken_]));
  }
  return lines;
}

std::vector<std::string> Recorder::Lines() const {
  std::vector<std::string> lines;
  for (const Output& o : outputs_) lines.push_back(Summary(o));
  return lines;
}

std::vector<v1::OrderStatusChanged> Recorder::Statuses(
    std::string_view order_id) const {
  return OfType<v1::OrderStatusChanged>(outputs_, order_id);
}
std::vector<v1::DeliveryTask> Recorder::Tasks(std::string_view order_id) const {
  return OfType<v1::DeliveryTask>(outputs_, order_id);
}
std::vector<v1::Escalation> Recorder::Escalations(
    std::string_view order_id) const {
  return OfType<v1::Escalation>(outputs_, order_id);
}
std::vector<v1::AmendmentResult> Recorder::AmendmentResults(
    std::string_view order_id) const {
  return OfType<v1::AmendmentResult>(outputs_, order_id);
}

std::vector<v1::DeadLetter> Recorder::DeadLetters() const {
  std::vector<v1::DeadLetter> found;
  for (const Output& o : outputs_) {
    if (const auto* d = std::get_if<v1::DeadLetter>(&o)) found.push_back(*d);
  }
  return found;
}

v1::Escalation Recorder::Escalation(std::string_view escalation_id,
                                    v1::EscalationState state) const {
  v1::Escalation found;
  bool any = false;
  for (const v1::Escalation& e : Escalations()) {
    if ((e.escalation_id() == escalation_id || IsIdOf(e.escalation_id(), escalation_id)) &&
        e.state() == state) {
      found = e;
      any = true;
    }
  }
  if (!any) {
    ADD_FAILURE() << "no " << StateName(state) << " escalation " << escalation_id;
  }
  return found;
}

std::vector<std::string> Recorder::ContractViolations() const {
  std::vector<std::string> problems;
  std::map<std::string, int> raised, cleared;
  std::map<std::string, v1::OrderStatus> status;
  std::set<std::string> created;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const Output& o = outputs_[i];
    const std::string where = "output #" + std::to_string(i) + " (" + Summary(o) + ")";
    if (const auto* e = std::get_if<v1::Escalation>(&o)) {
      const std::string& id = e->escalation_id();
      if (e->state() == v1::ESCALATION_STATE_RAISED) {
        if (++raised[id] > 1) problems.push_back(where + ": RAISED again (rule 7)");
      } else if (e->state() == v1::ESCALATION_STATE_CLEARED) {
        if (raised[id] == 0) problems.push_back(where + ": CLEARED before RAISED");
        if (++cleared[id] > 1) problems.push_back(where + ": CLEARED again (rule 7)");
      }
    } else if (const auto* s = std::get_if<v1::OrderStatusChanged>(&o)) {
      auto it = status.find(s->order_id());
      v1::OrderStatus before =
          it == status.end() ? v1::ORDER_STATUS_UNSPECIFIED : it->second;
      // A closed order is forgotten after retention.closed_orders; its id
      // may then start a new order.
      const bool closed = before == v1::ORDER_STATUS_CANCELLED ||
                          before == v1::ORDER_STATUS_REJECTED ||
                          before == v1::ORDER_STATUS_DELIVERED;
      if (closed && s->previous_status() == v1::ORDER_STATUS_UNSPECIFIED) {
        before = v1::ORDER_STATUS_UNSPECIFIED;
      }
      if (s->previous_status() != before) {
        problems.push_back(where + ": previousStatus should be " + StatusName(before));
      }
      if (before == v1::ORDER_STATUS_DELIVERED) {
        problems.push_back(where + ": DELIVERED is terminal (rule 5)");
      }
      status[s->order_id()] = s->status();
    } else if (const auto* t = std::get_if<v1::DeliveryTask>(&o)) {
      if (t->action() == v1::TASK_ACTION_CREATE) {
        created.insert(t->task_id());
      } else if (!created.count(t->task_id())) {
        problems.push_back(where + ": CANCEL without an earlier CREATE (rule 4)");
      }
    }
  }
  return problems;
}

}  // namespace orderflow::testing
