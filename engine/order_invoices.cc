// The order shard's invoices: each order's invoices are compared with what
// it shipped, and a disagreement is a level-1 INVOICE_MISMATCH (see
// OrderShard::OnInvoice and engine/invoices.h).
#include "engine/dead_letter.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::EarlyRecord;

void OrderShard::OnInvoice(const v1::InvoiceIssued& invoice,
                           const RecordSource& source, Emitter& out) {
  if (std::optional<InvoiceProblem> problem = CheckInvoice(invoice, config_.max_lines_per_order)) {
    DeadLetter(source, problem->reason, problem->detail, clock_, out);
    return;
  }
  const std::string& id = invoice.order_id();
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  Changed(id);
  Order* order = Find(id);
  if (order == nullptr) {
    KeepEarly(EarlyRecord::KIND_INVOICE, invoice, id, source);
    return;
  }
  ApplyInvoice(*order, invoice, source, out);
  Reschedule(*order);
}

void OrderShard::ApplyInvoice(Order& order, const v1::InvoiceIssued& invoice,
                              const RecordSource& source, Emitter& out) {
  const uint64_t hash = InvoiceFingerprint(invoice);
  if (!order.invoices) order.invoices = std::make_unique<Order::Invoices>();
  Order::Invoices& invoices = *order.invoices;
  for (const auto& [invoice_id, seen_hash] : invoices.seen) {
    if (invoice_id != invoice.invoice_id()) continue;
    if (seen_hash != hash) {
      DeadLetter(source, "DUPLICATE_INVOICE",
                 Cat("invoice ", invoice_id, " of order ", order.id,
                     " was already received with different content"),
                 clock_, out);
    }
    return;  // the first one stands
  }
  invoices.seen.emplace_back(invoice.invoice_id(), hash);
  AddInvoiceLines(invoice, &invoices.lines);
  CheckInvoices(order, out);
}

void OrderShard::CheckInvoices(Order& order, Emitter& out) {
  if (!order.invoices || NotYetShipped(order.status)) return;
  // Rule 10: compared once every unit to ship has shipped, with what did.
  if (HasUnshippedUnits(order)) return;
  std::vector<LineAmounts> shipped;
  if (HasShipped(order.status)) {
    shipped.reserve(order.lines.size());
    for (size_t i = 0; i < order.lines.size(); ++i) {
      const Order::Line& line = order.lines[i];
      const int32_t units = HasParcels(order)
                                ? order.extras->parcels.shipped[i]
                                : line.quantity;
      if (units == 0) continue;  // the cancelled rest of a line: not shipped
      shipped.push_back(LineAmounts{std::string(order.LineId(i)),
                                    SkuName(line.sku), units,
                                    LineAmount(units, line.unit_price())});
    }
  }
  const std::vector<LineMismatch> mismatches =
      CompareInvoiced(shipped, order.invoices->lines);
  if (mismatches.empty()) {
    Clear(order, Rung::kInvoiceMismatch1, out);
    return;
  }
  std::vector<std::string_view> invoice_ids;
  for (const auto& [invoice_id, hash] : order.invoices->seen) {
    invoice_ids.push_back(invoice_id);
  }
  const std::string_view nothing_shipped =
      HasShipped(order.status)
          ? std::string_view()
          : StatusName(order.status);
  Raise(order, Rung::kInvoiceMismatch1, clock_,
        MismatchSentence(order.id, invoice_ids, SkuName(order.currency),
                         nothing_shipped, mismatches),
        out);
}

}  // namespace orderflow
