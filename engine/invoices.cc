#include "engine/invoices.h"

#include <algorithm>
#include <limits>

#include "engine/deterministic.h"
#include "engine/fingerprint.h"
#include "engine/string_map.h"
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

// Where each lineId of `lines` is (its first place, as a scan would find
// it). The keys are views of the lineIds: valid while `lines` stays put.
StringViewMap<size_t> IndexByLineId(const std::vector<LineAmounts>& lines) {
  StringViewMap<size_t> position;
  position.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    position.try_emplace(lines[i].line_id, i);
  }
  return position;
}

}  // namespace

std::optional<InvoiceProblem> CheckInvoice(const v1::InvoiceIssued& invoice,
                                           int64_t max_lines) {
  auto missing = [](std::string_view field) {
    return InvoiceProblem{"MISSING_FIELD", Cat(field, " missing")};
  };
  if (invoice.order_id().empty()) return missing("orderId");
  if (invoice.invoice_id().empty()) return missing("invoiceId");
  if (!invoice.has_issued_at()) return missing("issuedAt");
  if (invoice.lines_size() == 0) return missing("lines");
  if (invoice.lines_size() > max_lines) {
    return InvoiceProblem{"LINE_LIMIT",
                          Cat("lines: ", invoice.lines_size(),
                              " exceed the limit ", max_lines)};
  }
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
  // Reserved first: the index below holds views of the lineIds, which
  // must not move.
  invoiced->reserve(invoiced->size() + invoice.lines_size());
  StringViewMap<size_t> position = IndexByLineId(*invoiced);
  for (const v1::InvoiceLine& line : invoice.lines()) {
    auto found = position.find(line.line_id());
    LineAmounts* sum;
    if (found != position.end()) {
      sum = &(*invoiced)[found->second];
    } else {
      sum = &invoiced->emplace_back();
      sum->line_id = line.line_id();
      sum->sku = line.sku();
      position.emplace(sum->line_id, invoiced->size() - 1);
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
  // An order that repeats a lineId ships the sum under it. Views into
  // `shipped`, which does not change here.
  std::vector<LineAmounts> shipped_sums;
  shipped_sums.reserve(shipped.size());
  StringViewMap<size_t> shipped_position;
  shipped_position.reserve(shipped.size());
  for (const LineAmounts& s : shipped) {
    auto [at, added] = shipped_position.try_emplace(s.line_id, shipped_sums.size());
    if (added) {
      shipped_sums.push_back(s);
    } else {
      LineAmounts& sum = shipped_sums[at->second];
      sum.quantity = SaturatingAdd(sum.quantity, s.quantity);
      sum.amount_minor = SaturatingAdd(sum.amount_minor, s.amount_minor);
    }
  }
  const StringViewMap<size_t> invoiced_position = IndexByLineId(invoiced);
  std::vector<LineMismatch> found;
  for (const LineAmounts& s : shipped_sums) {
    auto at = invoiced_position.find(s.line_id);
    const LineAmounts* i =
        at == invoiced_position.end() ? nullptr : &invoiced[at->second];
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
    if (shipped_position.contains(i.line_id)) continue;
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
