// Rule 11 with rule 9: the lines of an order sourced per warehouse are
// amended line by line, each at the warehouses it is reserved at.
//
// A line whose quantity changes is resized at the inventory stage on its
// own (ACTION_RESIZE with its line): it keeps what it holds up to the new
// quantity, the parts last in its preference order giving back first, and
// what it lacks is taken where it is, or where the whole line fits, or it
// waits (inventory_resize.cc). A new line is reserved as at acceptance.
// When every answer is in, each task the order had open gets UPDATE with
// its lines as they now are, or CANCEL when it lost all of them; a line
// reserved at a warehouse joins that warehouse's open task, or a new task
// is CREATEd there (numbered after the warehouse's earlier ones, so task
// ids stay those of the README's scheme). A line in a task that warehouse
// work reached (PICKED, PACKED) cannot change: the amendment is rejected
// (AmendmentProblems), so such a task keeps its lines.
#include <algorithm>

#include "absl/types/span.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;
using TaskMark = OrderAmendments::TaskMark;

namespace {

std::optional<uint32_t> LineIndexOf(const Order& order, std::string_view id) {
  for (uint32_t i = 0; i < order.lines.size(); ++i) {
    if (order.LineId(i) == id) return i;
  }
  return std::nullopt;
}

bool Marked(absl::Span<const TaskMark> marks, uint16_t warehouse,
            uint16_t number, bool TaskMark::*flag) {
  return std::any_of(marks.begin(), marks.end(), [&](const TaskMark& m) {
    return m.warehouse == warehouse && m.number == number && m.*flag;
  });
}

}  // namespace

OrderShard::TaskMarks OrderShard::TaskMarksOf(const Order& order) {
  TaskMarks marks;
  if (order.has_task_mark) {
    const uint16_t w = order.task_mark_warehouse == Order::kInlineNowhere
                           ? LineSourcing::kNowhere
                           : order.task_mark_warehouse;
    marks.push_back(TaskMark{w, order.task_mark_number, true, false});
  } else if (order.extras != nullptr) {
    marks.assign(order.extras->amendments.tasks.begin(),
                 order.extras->amendments.tasks.end());
  }
  return marks;
}

std::vector<TaskMark>& OrderShard::MutableTaskMarks(Order& order) {
  std::vector<TaskMark>& marks = order.Extras().amendments.tasks;
  if (order.has_task_mark) {  // then the extras hold none
    marks.insert(marks.begin(), TaskMarksOf(order).front());
    order.has_task_mark = false;
  }
  return marks;
}

void OrderShard::AddTaskMark(Order& order, TaskMark mark) {
  const bool fits = (mark.warehouse < Order::kInlineNowhere ||
                     mark.warehouse == LineSourcing::kNowhere) &&
                    mark.number <= UINT8_MAX;
  if (fits && mark.picked && !mark.open_before && !order.has_task_mark &&
      (order.extras == nullptr || order.extras->amendments.tasks.empty())) {
    order.has_task_mark = true;
    order.task_mark_warehouse = mark.warehouse == LineSourcing::kNowhere
                                    ? Order::kInlineNowhere
                                    : static_cast<uint8_t>(mark.warehouse);
    order.task_mark_number = static_cast<uint8_t>(mark.number);
    return;
  }
  MutableTaskMarks(order).push_back(mark);
}

bool OrderShard::SourcedWorkCoversAll(const Order& order) const {
  if (HasShipped(order.status)) return true;
  const TaskMarks marks = TaskMarksOf(order);
  // A state saved before tasks were told apart knows only the order's work.
  if (marks.empty()) return order.work_reported >= Order::kWorkPicked;
  return Marked(marks, LineSourcing::kNowhere, 0, &TaskMark::picked);
}

bool OrderShard::SourcedLinePicked(const Order& order, uint32_t line) const {
  if (SourcedWorkCoversAll(order)) return true;
  const TaskMarks marks = TaskMarksOf(order);
  for (const LinePart& p : LineParts(order)) {
    if (p.line == line && p.task != 0 &&
        Marked(marks, p.warehouse, p.task, &TaskMark::picked)) {
      return true;
    }
  }
  return false;
}

void OrderShard::NoteTaskWork(Order& order,
                              const std::optional<LinePart>& in_task) {
  if (!IsSourced(order)) return;
  uint16_t warehouse = LineSourcing::kNowhere;
  uint16_t number = 0;
  if (in_task) {
    warehouse = in_task->warehouse;
    number = in_task->task;
  }
  for (const TaskMark& m : TaskMarksOf(order)) {
    if (m.warehouse == warehouse && m.number == number) {
      if (!m.picked) {
        for (TaskMark& mine : MutableTaskMarks(order)) {
          if (mine.warehouse == warehouse && mine.number == number) mine.picked = true;
        }
      }
      return;
    }
  }
  AddTaskMark(order, TaskMark{warehouse, number, true, false});
}

bool OrderShard::AmendSourcedLines(Order& order,
                                   const v1::OrderAmended& amendment,
                                   v1::ServiceLevel level_before,
                                   EpochMillis ship_by_before, Emitter& out) {
  const bool reranked =
      order.level != level_before || order.promise.ship_by != ship_by_before;
  const std::string_view country = SkuName(store_.SourcingCountry(order));
  // (line, quantity before) of each line to resize; new lines after.
  std::vector<std::pair<uint32_t, int32_t>> resized;
  std::vector<uint32_t> added;
  for (const v1::AmendedLine& line : amendment.lines()) {
    if (const std::optional<uint32_t> i = LineIndexOf(order, line.line_id())) {
      if (order.lines[*i].quantity == line.quantity()) continue;
      resized.emplace_back(*i, order.lines[*i].quantity);
      order.lines[*i].quantity = line.quantity();
    } else {
      order.AddLine(line.line_id(), store_.Intern(line.sku()), line.quantity(),
                    0, false);
      added.push_back(static_cast<uint32_t>(order.lines.size() - 1));
    }
  }
  if (!added.empty()) sku_lines_.Forget();
  if (reranked) {
    // A waiting line takes its place in the queue at the order's new rank.
    for (uint32_t i = 0; i < order.lines.size(); ++i) {
      const bool listed =
          std::any_of(resized.begin(), resized.end(),
                      [i](const auto& r) { return r.first == i; }) ||
          std::find(added.begin(), added.end(), i) != added.end();
      if (!order.lines[i].reserved && !listed) {
        resized.emplace_back(i, order.lines[i].quantity);
      }
    }
    std::sort(resized.begin(), resized.end());
  }
  if (resized.empty() && added.empty()) return false;
  // The tasks open now: each gets UPDATE or CANCEL once the answers are in.
  std::vector<TaskMark>& marks = MutableTaskMarks(order);
  std::erase_if(marks, [](const TaskMark& m) { return !m.picked; });
  for (TaskMark& m : marks) m.open_before = false;
  for (const auto& task : CreatedTasks(order)) {
    const auto [warehouse, number] = task;
    auto it = std::find_if(marks.begin(), marks.end(), [&](const TaskMark& m) {
      return m.warehouse == task.first && m.number == task.second;
    });
    if (it == marks.end()) {
      marks.push_back(TaskMark{warehouse, number, false, true});
    } else {
      it->open_before = true;
    }
  }
  for (const auto& [i, before] : resized) {
    order.lines[i].reserved = false;  // until the answer
    StockRequest& r = RequestFor(order, AllocationRequest::ACTION_RESIZE);
    r.sku = SkuName(order.lines[i].sku);
    r.quantity = order.lines[i].quantity;
    r.line = i;
    r.country = country;
    r.previous_quantity = before;
    r.previous_service_level = level_before;
    r.previous_ship_by = ship_by_before;
    out.SendToInventory(r);
    r.line.reset();  // the scratch request's v1 form again
    r.country.clear();
    ++order.awaiting_answers;
  }
  for (uint32_t i : added) {
    AskLine(order, i, AllocationRequest::ACTION_RESERVE, country, out);
    ++order.awaiting_answers;
  }
  order.extras->amendments.resize_pending = true;
  return true;
}

void OrderShard::SettleSourcedResize(Order& order, Emitter& out) {
  std::vector<TaskMark>& marks = MutableTaskMarks(order);
  const bool all_reserved =
      std::all_of(order.lines.begin(), order.lines.end(),
                  [](const Order::Line& l) { return l.reserved; });
  const bool ship_available = config_.sourcing.fulfilment ==
                              SourcingConfig::Fulfilment::kShipAvailable;
  const bool short_complete = !all_reserved && !ship_available;
  if (!all_reserved && order.status != v1::ORDER_STATUS_BACKORDERED) {
    SetStatus(order, v1::ORDER_STATUS_BACKORDERED, ShortStockReasons(order), out);
  }
  // Ship-complete and short: no task can be worked until every line is
  // reserved again (one that warehouse work reached goes on); new CREATEs
  // follow then, with the same task ids.
  if (short_complete) {
    for (TaskMark& m : marks) {
      if (!m.open_before || m.picked) continue;
      EmitWarehouseTask(order, m.warehouse, m.number, v1::TASK_ACTION_CANCEL, out);
      m.open_before = false;
    }
  }
  const auto leaves = [&](uint32_t i, uint16_t warehouse, uint16_t& task,
                          int32_t units) {
    if (task == 0 || Marked(marks, warehouse, task, &TaskMark::picked)) return;
    if (!order.lines[i].reserved || short_complete || units <= 0) task = 0;
  };
  const auto joins = [&](uint32_t i, uint16_t warehouse, uint16_t& task,
                         int32_t units) {
    if (task != 0 || !order.lines[i].reserved || short_complete ||
        units <= 0 || warehouse == LineSourcing::kNowhere) {
      return;
    }
    // The warehouse's last task still open, if it had one.
    for (const TaskMark& m : marks) {
      if (m.warehouse == warehouse && m.open_before && !m.picked) {
        task = std::max(task, m.number);
      }
    }
  };
  for (const LinePart& p : LineParts(order)) {
    uint16_t& task = TaskOfPart(order, p);
    leaves(p.line, p.warehouse, task, p.units);
    joins(p.line, p.warehouse, task, p.units);
  }
  // Each task open before: UPDATE with its lines, or CANCEL without any.
  const Tasks open = CreatedTasks(order);
  for (TaskMark& m : marks) {
    if (!m.open_before) continue;
    const bool kept = std::find(open.begin(), open.end(),
                                std::pair{m.warehouse, m.number}) != open.end();
    EmitWarehouseTask(order, m.warehouse, m.number,
                      kept ? v1::TASK_ACTION_UPDATE : v1::TASK_ACTION_CANCEL,
                      out);
    m.open_before = false;
  }
  std::erase_if(marks, [](const TaskMark& m) { return !m.picked; });
  if (all_reserved && order.status != v1::ORDER_STATUS_ALLOCATED) {
    Allocate(order, out);  // CREATEs the tasks of the lines in none
  } else if (all_reserved || ship_available) {
    EmitSourcedTasks(order, out);  // a reserved line at a warehouse with none
  }
  order.task_created = !CreatedTasks(order).empty();
}

}  // namespace orderflow
