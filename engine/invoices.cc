#include "engine/invoices.h"

#include <algorithm>
#include <limits>

#include "engine/deterministic.h"
#include "engine/fingerprint.h"
#include "engine/text.h"

namespace orderflow {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max()
               : std::numeric_limits<int64_t>::min();
}

std::string Units(int64_t quantity) {
  return Cat(quantity, quantity == 1 ? " unit" : " units");
}

std::string Describe(const LineMismatch& m) {
  switch (m.kind) {
    case LineDifference::kShippedNotInvoiced:
      return Cat("line ", m.line_id, " shipped (", Units(m.shipped_quantity),
                 " for ", m.shipped_amount_minor, ") but not invoiced");
    case LineDifference::kInvoicedNotShipped:
      return Cat("line ", m.line_id, " invoiced (", Units(m.invoiced_quantity),
                 " for ", m.invoiced_amount_minor, ") but not shipped");
    case LineDifference::kQuantity:
    case LineDifference::kAmount:
      break;
  }
  return Cat("line ", m.line_id, " invoiced ", Units(m.invoiced_quantity),
             " for ", m.invoiced_amount_minor, " but shipped ",
             m.shipped_quantity, " for ", m.shipped_amount_minor);
}

}  // namespace

std::optional<InvoiceProblem> CheckInvoice(const v1::InvoiceIssued& invoice) {
  auto missing = [](std::string_view field) {
    return InvoiceProblem{"MISSING_FIELD", Cat(field, " missing")};
  };
  if (invoice.order_id().empty()) return missing("orderId");
  if (invoice.invoice_id().empty()) return missing("invoiceId");
  if (!invoice.has_issued_at()) return missing("issuedAt");
  if (invoice.lines_size() == 0) return missing("lines");
  for (int i = 0; i < invoice.lines_size(); ++i) {
    const v1::InvoiceLine& line = invoice.lines(i);
    if (line.line_id().empty()) return missing(Cat("lines[", i, "].lineId"));
    if (line.quantity() <= 0) {
      return InvoiceProblem{"INVALID_VALUE",
                            Cat("lines[", i, "].quantity is ", line.quantity(),
                                " (must be at least 1)")};
    }
  }
  return std::nullopt;
}

uint64_t InvoiceFingerprint(const v1::InvoiceIssued& invoice) {
  return Fingerprint(Deterministic(invoice));
}

int64_t LineAmount(int64_t quantity, int64_t unit_price_minor) {
  int64_t product;
  if (!__builtin_mul_overflow(quantity, unit_price_minor, &product)) {
    return product;
  }
  return (quantity < 0) != (unit_price_minor < 0)
             ? std::numeric_limits<int64_t>::min()
             : std::numeric_limits<int64_t>::max();
}

void AddInvoiceLines(const v1::InvoiceIssued& invoice,
                     std::vector<LineAmounts>* invoiced) {
  for (const v1::InvoiceLine& line : invoice.lines()) {
    LineAmounts* sum = nullptr;
    for (LineAmounts& l : *invoiced) {
      if (l.line_id == line.line_id()) sum = &l;
    }
    if (sum == nullptr) {
      sum = &invoiced->emplace_back();
      sum->line_id = line.line_id();
      sum->sku = line.sku();
    }
    sum->quantity = SaturatingAdd(sum->quantity, line.quantity());
    sum->amount_minor = SaturatingAdd(sum->amount_minor, line.amount_minor());
  }
}

std::string_view DifferenceTitle(LineDifference d) {
  switch (d) {
    case LineDifference::kShippedNotInvoiced: return "shipped, not invoiced";
    case LineDifference::kInvoicedNotShipped: return "invoiced, not shipped";
    case LineDifference::kQuantity: return "quantity mismatch";
    case LineDifference::kAmount: return "amount mismatch";
  }
  return {};
}

std::vector<LineMismatch> CompareInvoiced(
    const std::vector<LineAmounts>& shipped,
    const std::vector<LineAmounts>& invoiced) {
  auto find = [](const std::vector<LineAmounts>& lines,
                 std::string_view id) -> const LineAmounts* {
    for (const LineAmounts& l : lines) {
      if (l.line_id == id) return &l;
    }
    return nullptr;
  };
  // An order that repeats a lineId ships the sum under it.
  std::vector<LineAmounts> shipped_sums;
  shipped_sums.reserve(shipped.size());
  for (const LineAmounts& s : shipped) {
    auto sum = std::find_if(
        shipped_sums.begin(), shipped_sums.end(),
        [&s](const LineAmounts& l) { return l.line_id == s.line_id; });
    if (sum == shipped_sums.end()) {
      shipped_sums.push_back(s);
    } else {
      sum->quantity = SaturatingAdd(sum->quantity, s.quantity);
      sum->amount_minor = SaturatingAdd(sum->amount_minor, s.amount_minor);
    }
  }
  std::vector<LineMismatch> found;
  for (const LineAmounts& s : shipped_sums) {
    const LineAmounts* i = find(invoiced, s.line_id);
    LineMismatch m{LineDifference::kShippedNotInvoiced, s.line_id, s.sku,
                   s.quantity, s.amount_minor, 0, 0};
    if (i != nullptr) {
      m.invoiced_quantity = i->quantity;
      m.invoiced_amount_minor = i->amount_minor;
      if (i->quantity != s.quantity) {
        m.kind = LineDifference::kQuantity;
      } else if (i->amount_minor != s.amount_minor) {
        m.kind = LineDifference::kAmount;
      } else {
        continue;  // agrees
      }
    }
    found.push_back(std::move(m));
  }
  for (const LineAmounts& i : invoiced) {
    if (find(shipped_sums, i.line_id) != nullptr) continue;
    found.push_back(LineMismatch{LineDifference::kInvoicedNotShipped, i.line_id,
                                 i.sku, 0, 0, i.quantity, i.amount_minor});
  }
  return found;
}

std::string MismatchSentence(std::string_view order_id,
                             const std::vector<std::string_view>& invoice_ids,
                             std::string_view currency,
                             std::string_view nothing_shipped_because,
                             const std::vector<LineMismatch>& mismatches) {
  std::vector<std::string> parts;
  parts.reserve(mismatches.size());
  for (const LineMismatch& m : mismatches) parts.push_back(Describe(m));
  const bool several = invoice_ids.size() > 1;
  return Cat(several ? "Invoices " : "Invoice ", Join(invoice_ids, ", "),
             " for order ", order_id,
             several ? " disagree" : " disagrees", " with what shipped",
             nothing_shipped_because.empty()
                 ? std::string()
                 : Cat(" (nothing: the order is ", nothing_shipped_because, ")"),
             ": ", Join(parts, "; "), " (amounts in ",
             currency.empty() ? std::string() : Cat(currency, " "),
             "minor units).");
}

}  // namespace orderflow
