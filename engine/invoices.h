// Invoices against what shipped: the checks and the comparison behind the
// INVOICE_MISMATCH escalation (OrderShard::OnInvoice) and behind
// `orderflow reconcile`, in one place so that both judge alike.
//
// What shipped is the order's lines (ship-complete: every line ships
// together) once the order is SHIPPED, DELIVERED or DELIVERY_FAILED; a
// cancelled or rejected order shipped nothing. A shipped line's expected
// invoice amount is its quantity × unitPriceMinor. An order's invoices are
// summed per lineId. Compared per lineId, each line is at most one of:
//
//   shipped, not invoiced  a shipped lineId that no invoice names
//   invoiced, not shipped  an invoiced lineId that did not ship
//   quantity mismatch      invoiced quantity != shipped quantity
//   amount mismatch        quantities agree, invoiced amount != expected
//
// Pure functions of their arguments: no clock, no state.
#ifndef ORDERFLOW_ENGINE_INVOICES_H_
#define ORDERFLOW_ENGINE_INVOICES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// Why an invoice cannot be used: a dead-letter reason and detail.
struct InvoiceProblem {
  std::string reason;  // MISSING_FIELD, INVALID_VALUE or LINE_LIMIT
  std::string detail;  // e.g. "lines[1].quantity is 0 (must be at least 1)"
};

// The schema checks of an InvoiceIssued: orderId, invoiceId, issuedAt and
// at least one line are required, and at most `max_lines` lines
// (LINE_LIMIT: EngineConfig::max_lines_per_order); every line needs a
// lineId and a quantity > 0. Amounts are not checked (zero and negative
// are kept as they are). Nullopt when the invoice is usable.
std::optional<InvoiceProblem> CheckInvoice(const v1::InvoiceIssued& invoice,
                                           int64_t max_lines);

// The fingerprint of an invoice's content (deterministic protobuf
// encoding): equal for a repeat of the same invoice. Saved in snapshots,
// so it must not change.
uint64_t InvoiceFingerprint(const v1::InvoiceIssued& invoice);

// One line's quantity and amount (minor currency units): what shipped or
// what was invoiced.
struct LineAmounts {
  std::string line_id;
  std::string sku;
  int64_t quantity = 0;
  int64_t amount_minor = 0;
};

// Adds the invoice's lines to `invoiced`, summing quantity and amount per
// lineId; a new lineId is appended. Sums saturate instead of overflowing.
void AddInvoiceLines(const v1::InvoiceIssued& invoice,
                     std::vector<LineAmounts>* invoiced);

// quantity × unit price, saturated at the int64 range.
int64_t LineAmount(int64_t quantity, int64_t unit_price_minor);

enum class LineDifference {
  kShippedNotInvoiced,
  kInvoicedNotShipped,
  kQuantity,
  kAmount,
};
inline constexpr LineDifference kAllLineDifferences[] = {
    LineDifference::kShippedNotInvoiced, LineDifference::kInvoicedNotShipped,
    LineDifference::kQuantity, LineDifference::kAmount};
// "shipped, not invoiced", ... as in the list above.
std::string_view DifferenceTitle(LineDifference d);

struct LineMismatch {
  LineDifference kind;
  std::string line_id;
  std::string sku;  // the shipped line's, else the invoice's
  // Zero on the side where the line is missing.
  int64_t shipped_quantity = 0;
  int64_t shipped_amount_minor = 0;
  int64_t invoiced_quantity = 0;
  int64_t invoiced_amount_minor = 0;
};

// Compares `shipped` (one entry per order line, amount = quantity × unit
// price; empty when nothing shipped) with `invoiced` (summed per lineId).
// The differences come in the order of `shipped`, then invoiced-only
// lines in the order of `invoiced`. Empty: the invoices agree.
std::vector<LineMismatch> CompareInvoiced(
    const std::vector<LineAmounts>& shipped,
    const std::vector<LineAmounts>& invoiced);

// The escalation's sentence, e.g. "Invoice INV-1 for order O-1 disagrees
// with what shipped: line L1 invoiced 3 units for 300 but shipped 2 for
// 200; line L2 shipped (1 unit for 100) but not invoiced (amounts in EUR
// minor units)." `nothing_shipped_because` names the status of an order
// that shipped nothing ("CANCELLED"), empty otherwise. `mismatches` must
// not be empty.
std::string MismatchSentence(std::string_view order_id,
                             const std::vector<std::string_view>& invoice_ids,
                             std::string_view currency,
                             std::string_view nothing_shipped_because,
                             const std::vector<LineMismatch>& mismatches);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_INVOICES_H_
