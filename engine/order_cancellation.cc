// Rule 4, cancellation: before SHIPPED the order is CANCELLED, its stock
// released and its task cancelled, and its open escalations cleared; at or
// after SHIPPED a level-2 CANCEL_AFTER_SHIPMENT is raised. A cancellation
// for an order not yet seen waits for it (order_early_records.cc). After a
// partial shipment (rule 10) the unshipped rest is cancelled
// (order_parcels.cc).
#include "engine/dead_letter.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::AllocationRequest;
using internal::v1::EarlyRecord;

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
  ApplyCancellation(*order, ToMillis(cancellation.requested_at()),
                    "CANCEL_REQUESTED", out);
  Reschedule(*order);
}

void OrderShard::ApplyCancellation(Order& order, EpochMillis requested_at,
                                   std::string_view reason, Emitter& out) {
  if (NotYetShipped(order.status)) {
    Cancel(order, out, reason);
  } else if (HasUnshippedUnits(order)) {
    CancelUnshippedRest(order, requested_at, out);
  } else if (HasShipped(order.status)) {
    Raise(order, Rung::kCancelAfterShipment2, clock_,
          Cat("Order ", order.id, " was asked to be cancelled at ",
                       FormatTime(requested_at),
                       " but has already shipped."),
          out);
  }
  // Already cancelled or rejected: nothing more to do.
}

void OrderShard::Cancel(Order& order, Emitter& out, std::string_view reason) {
  AskInventory(order, AllocationRequest::ACTION_RELEASE, out);
  SetStatus(order, v1::ORDER_STATUS_CANCELLED, {std::string(reason)}, out);
  if (IsSourced(order)) {
    CancelSourcedTasks(order, out);  // every task created (rule 9)
  } else if (order.task_created) {
    EmitTask(order, v1::TASK_ACTION_CANCEL, out);
  }
  ClearAllOpen(order, out);
  CheckInvoices(order, out);  // anything invoiced was not shipped
}

}  // namespace orderflow
