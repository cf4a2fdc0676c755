#include "reconcile/reconcile.h"

#include <algorithm>
#include <set>

#include "engine/config.h"
#include "engine/order_status.h"
#include "engine/text.h"
#include "nlohmann/json.hpp"

namespace orderflow {
namespace {

bool InMonth(EpochMillis t, const Month& month) {
  return t >= month.begin && t < month.end;
}

std::string_view CategoryKey(LineDifference d) {
  switch (d) {
    case LineDifference::kShippedNotInvoiced: return "shippedNotInvoiced";
    case LineDifference::kInvoicedNotShipped: return "invoicedNotShipped";
    case LineDifference::kQuantity: return "quantityMismatch";
    case LineDifference::kAmount: return "amountMismatch";
  }
  return {};
}

std::string Capitalized(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] -= 'a' - 'A';
  return out;
}

std::string Plural(int64_t n, std::string_view word) {
  return Cat(n, " ", word, n == 1 ? "" : "s");
}

// "2 for 2000", or "-" when the side has nothing.
std::string Side(int64_t quantity, int64_t amount) {
  if (quantity == 0 && amount == 0) return "-";
  return Cat(quantity, " for ", amount);
}

std::string Signed(int64_t n) { return n > 0 ? Cat("+", n) : Cat(n); }

// "P-1:2,P-2:1": the parcels that carried a line, with their units; "-"
// for none.
std::string ParcelsText(const std::vector<std::pair<std::string, int64_t>>& parcels) {
  std::vector<std::string> parts;
  for (const auto& [id, units] : parcels) parts.push_back(Cat(id, ":", units));
  return parts.empty() ? std::string("-") : Join(parts, ",");
}

// Columns padded to their widest cell; numbers (right-aligned) where
// `right` says so. Rows end without trailing blanks.
std::string Table(const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right, std::string_view indent) {
  std::vector<size_t> width(right.size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      if (c > 0) line += "  ";
      line += right[c] ? pad + row[c] : row[c] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string Month::Name() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d", year, month);
  return buffer;
}

std::optional<Month> ParseMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  Month m;
  m.year = std::stoi(std::string(text.substr(0, 4)));
  m.month = std::stoi(std::string(text.substr(5, 2)));
  if (m.month < 1 || m.month > 12 || m.year < 1970) return std::nullopt;
  m.begin = Days(DayNumber(m.year, m.month, 1));
  m.end = Days(DayNumber(m.year, m.month + 1, 1));
  return m;
}

// ------------------------------------------------------------- records

void ReconcileRecords::AddOrder(const v1::OrderPlaced& order) {
  if (order.order_id().empty()) return;
  Order& facts = orders_[order.order_id()];
  if (facts.placed) return;  // the first version stands
  facts.placed = true;
  facts.currency = order.currency();
  for (const v1::OrderLine& line : order.lines()) {
    facts.lines.push_back(LineAmounts{line.line_id(), line.sku(), line.quantity(),
                                      LineAmount(line.quantity(),
                                                 line.unit_price_minor())});
    facts.unit_prices.push_back(line.unit_price_minor());
  }
}

void ReconcileRecords::AddShipment(const v1::ShipmentEvent& shipment,
                                   std::string_view key) {
  if (shipment.order_id().empty() || shipment.shipment_id().empty() ||
      (!key.empty() && key != shipment.order_id())) {
    return;
  }
  ReconcileShipment s{shipment.shipment_id(), shipment.status(),
                      ToMillis(shipment.occurred_at()), shipment.task_id(), {}};
  for (const v1::ShipmentLine& l : shipment.lines()) {
    s.lines.emplace_back(l.line_id(), l.quantity());
  }
  orders_[shipment.order_id()].shipments.push_back(std::move(s));
}

void ReconcileRecords::AddTask(const v1::DeliveryTask& task) {
  if (task.order_id().empty() || task.task_id().empty()) return;
  if (task.action() != v1::TASK_ACTION_CREATE &&
      task.action() != v1::TASK_ACTION_UPDATE) {
    return;
  }
  std::vector<std::string>& lines = orders_[task.order_id()].tasks[task.task_id()];
  lines.clear();
  for (const v1::TaskLine& l : task.lines()) lines.push_back(l.line_id());
}

void ReconcileRecords::AddInvoice(const v1::InvoiceIssued& invoice,
                                  std::string_view key) {
  if (CheckInvoice(invoice, EngineConfig().max_lines_per_order) || (!key.empty() && key != invoice.order_id())) {
    ++invoices_not_counted_;
    return;
  }
  Order& facts = orders_[invoice.order_id()];
  for (const Invoice& seen : facts.invoices) {
    if (seen.id == invoice.invoice_id()) {
      // A repeat counts once; a changed one does not replace the first.
      if (seen.fingerprint != InvoiceFingerprint(invoice)) ++invoices_not_counted_;
      return;
    }
  }
  facts.invoices.push_back(Invoice{invoice.invoice_id(),
                                   ToMillis(invoice.issued_at()),
                                   InvoiceFingerprint(invoice)});
  AddInvoiceLines(invoice, &facts.invoiced);
}

void ReconcileRecords::AddStatus(const v1::OrderStatusChanged& status) {
  if (status.order_id().empty()) return;
  // Without an occurredAt a change counts at the epoch: reconcile goes by
  // the time the engine stamped in the record, and no other.
  orders_[status.order_id()].outputs.AddStatus(status, 0);
}

// -------------------------------------------------------------- report

ReconcileReport Reconcile(const ReconcileRecords& records, const Month& month) {
  ReconcileReport report;
  report.month = month;
  report.invoices_not_counted = records.invoices_not_counted();
  for (const auto& [id, facts] : records.orders()) {
    const OrderFacts& outputs = facts.outputs;
    const ParcelShipping parcels =
        facts.placed ? ShipParcels(facts.lines, facts.tasks, facts.shipments)
                     : ParcelShipping{};
    bool of_month = outputs.shipped_at && InMonth(*outputs.shipped_at, month);
    for (const auto& invoice : facts.invoices) {
      of_month = of_month || InMonth(invoice.issued_at, month);
    }
    if (parcels.active) {
      for (EpochMillis left : parcels.left_at) {
        of_month = of_month || InMonth(left, month);
      }
    }
    if (!of_month) continue;
    ++report.orders;
    std::vector<LineAmounts> shipped;
    if (facts.placed && outputs.shipped && !parcels.active) shipped = facts.lines;
    if (facts.placed && outputs.shipped && parcels.active) {
      for (size_t i = 0; i < facts.lines.size(); ++i) {
        const int64_t units = parcels.shipped[i];
        if (units == 0) continue;  // no parcel carried it (yet)
        shipped.push_back(LineAmounts{facts.lines[i].line_id, facts.lines[i].sku,
                                      units,
                                      LineAmount(units, facts.unit_prices[i])});
      }
    }
    const std::vector<LineMismatch> mismatches =
        CompareInvoiced(shipped, facts.invoiced);
    // A cancelled or rejected order's shipment events were never parcels.
    const bool over = facts.placed && !parcels.over.empty() &&
                      outputs.status != v1::ORDER_STATUS_CANCELLED &&
                      outputs.status != v1::ORDER_STATUS_REJECTED;
    if (mismatches.empty() && !over) continue;
    ++report.orders_with_differences;
    std::vector<std::string> invoice_ids;
    for (const auto& invoice : facts.invoices) invoice_ids.push_back(invoice.id);
    const std::string status =
        !facts.placed ? "UNKNOWN"
        : outputs.status == v1::ORDER_STATUS_UNSPECIFIED
            ? "NO STATUS"
            : std::string(StatusName(outputs.status));
    for (const LineMismatch& m : mismatches) {
      ReportLine line{id, facts.currency, status, invoice_ids, m, parcels.active, {}};
      for (size_t i = 0; parcels.active && i < facts.lines.size(); ++i) {
        if (facts.lines[i].line_id == m.line_id) line.parcels = parcels.carried_by[i];
      }
      report.lines.push_back(std::move(line));
    }
    if (over) {
      for (const OverShipment& o : parcels.over) {
        report.over_shipments.push_back({id, status, o});
      }
    }
  }
  // Category, then order id; within an order the comparison's order.
  std::stable_sort(report.lines.begin(), report.lines.end(),
                   [](const ReportLine& a, const ReportLine& b) {
                     if (a.mismatch.kind != b.mismatch.kind) {
                       return a.mismatch.kind < b.mismatch.kind;
                     }
                     return a.order_id < b.order_id;
                   });

  // Totals: per (category, currency), then all categories per currency.
  std::set<std::string> currencies;
  for (const ReportLine& l : report.lines) currencies.insert(l.currency);
  auto total_of = [&](std::optional<LineDifference> category,
                      const std::string& currency) {
    ReportTotal t{category, currency};
    std::set<std::string> orders;
    for (const ReportLine& l : report.lines) {
      if (l.currency != currency) continue;
      if (category && l.mismatch.kind != *category) continue;
      ++t.lines;
      orders.insert(l.order_id);
      t.shipped_amount_minor += l.mismatch.shipped_amount_minor;
      t.invoiced_amount_minor += l.mismatch.invoiced_amount_minor;
    }
    t.orders = static_cast<int64_t>(orders.size());
    return t;
  };
  for (LineDifference d : kAllLineDifferences) {
    for (const std::string& c : currencies) {
      ReportTotal t = total_of(d, c);
      if (t.lines > 0) report.totals.push_back(t);
    }
  }
  for (const std::string& c : currencies) report.totals.push_back(total_of(std::nullopt, c));
  return report;
}

std::string FormatText(const ReconcileReport& report) {
  std::string out = Cat(
      "Invoice alignment for ", report.month.Name(), " (UTC): ",
      Plural(report.orders, "order"), " shipped or invoiced in the month, ",
      report.orders_with_differences, " with differences, ",
      report.orders - report.orders_with_differences, " in agreement.\n",
      "Amounts are in minor currency units; difference = invoiced - shipped.\n");
  for (LineDifference d : kAllLineDifferences) {
    std::vector<std::vector<std::string>> rows = {
        {"order", "line", "sku", "status", "shipped", "invoiced", "difference",
         "currency", "invoices"}};
    std::set<std::string> orders;
    // A "parcels" column only where an order of the category has parcels.
    const bool parcels = std::any_of(
        report.lines.begin(), report.lines.end(),
        [d](const ReportLine& l) { return l.mismatch.kind == d && l.in_parcels; });
    if (parcels) rows[0].push_back("parcels");
    for (const ReportLine& l : report.lines) {
      if (l.mismatch.kind != d) continue;
      orders.insert(l.order_id);
      const LineMismatch& m = l.mismatch;
      rows.push_back({l.order_id, m.line_id, m.sku.empty() ? "-" : m.sku,
                      l.status,
                      Side(m.shipped_quantity, m.shipped_amount_minor),
                      Side(m.invoiced_quantity, m.invoiced_amount_minor),
                      Signed(l.difference_minor()),
                      l.currency.empty() ? "-" : l.currency,
                      l.invoice_ids.empty() ? "-" : Join(l.invoice_ids, ",")});
      if (parcels) rows.back().push_back(ParcelsText(l.parcels));
    }
    out += Cat("\n", Capitalized(DifferenceTitle(d)), ": ");
    if (rows.size() == 1) {
      out += "none\n";
      continue;
    }
    out += Cat(Plural(static_cast<int64_t>(rows.size() - 1), "line"), " in ",
               Plural(static_cast<int64_t>(orders.size()), "order"), "\n");
    std::vector<bool> right = {false, false, false, false, false,
                               false, true,  false, false};
    if (parcels) right.push_back(false);
    out += Table(rows, right, "  ");
  }
  if (!report.over_shipments.empty()) {
    std::vector<std::vector<std::string>> rows = {
        {"order", "parcel", "line", "sku", "status", "carried", "ordered",
         "shipped before"}};
    std::set<std::string> orders;
    for (const ReportOverShipment& o : report.over_shipments) {
      orders.insert(o.order_id);
      rows.push_back({o.order_id, o.over.shipment_id, o.over.line_id,
                      o.over.sku.empty() ? "-" : o.over.sku, o.status,
                      Cat(o.over.carried), Cat(o.over.ordered),
                      Cat(o.over.shipped_before)});
    }
    out += Cat("\nShipped beyond the order (parcels not counted as shipped; "
               "the engine dead-letters them): ",
               Plural(static_cast<int64_t>(rows.size() - 1), "line"), " in ",
               Plural(static_cast<int64_t>(orders.size()), "order"), "\n");
    out += Table(rows, {false, false, false, false, false, true, true, true}, "  ");
  }
  out += "\nTotals:";
  if (report.totals.empty()) {
    out += " no differences\n";
  } else {
    out += "\n";
    std::vector<std::vector<std::string>> rows = {
        {"category", "currency", "lines", "orders", "shipped", "invoiced",
         "difference"}};
    for (const ReportTotal& t : report.totals) {
      rows.push_back({t.category ? std::string(DifferenceTitle(*t.category))
                                 : std::string("all differences"),
                      t.currency.empty() ? "-" : t.currency, Cat(t.lines),
                      Cat(t.orders), Cat(t.shipped_amount_minor),
                      Cat(t.invoiced_amount_minor), Signed(t.difference_minor())});
    }
    out += Table(rows, {false, false, true, true, true, true, true}, "  ");
  }
  if (report.invoices_not_counted > 0) {
    out += Cat("\n", Plural(report.invoices_not_counted, "invoice"),
               " not counted: malformed, keyed by another order, or a changed "
               "copy of an invoice already counted (the engine dead-letters "
               "them).\n");
  }
  return out;
}

std::string FormatJson(const ReconcileReport& report) {
  using nlohmann::ordered_json;
  ordered_json lines = ordered_json::array();
  for (const ReportLine& l : report.lines) {
    const LineMismatch& m = l.mismatch;
    lines.push_back({{"category", CategoryKey(m.kind)},
                     {"orderId", l.order_id},
                     {"lineId", m.line_id},
                     {"sku", m.sku},
                     {"status", l.status},
                     {"currency", l.currency},
                     {"invoiceIds", l.invoice_ids},
                     {"shippedQuantity", m.shipped_quantity},
                     {"shippedAmountMinor", m.shipped_amount_minor},
                     {"invoicedQuantity", m.invoiced_quantity},
                     {"invoicedAmountMinor", m.invoiced_amount_minor},
                     {"differenceMinor", l.difference_minor()}});
    if (l.in_parcels) {
      ordered_json parcels = ordered_json::array();
      for (const auto& [id, units] : l.parcels) {
        parcels.push_back({{"shipmentId", id}, {"quantity", units}});
      }
      lines.back()["parcels"] = std::move(parcels);
    }
  }
  ordered_json totals = ordered_json::array();
  for (const ReportTotal& t : report.totals) {
    totals.push_back({{"category", t.category ? CategoryKey(*t.category) : "all"},
                      {"currency", t.currency},
                      {"lines", t.lines},
                      {"orders", t.orders},
                      {"shippedAmountMinor", t.shipped_amount_minor},
                      {"invoicedAmountMinor", t.invoiced_amount_minor},
                      {"differenceMinor", t.difference_minor()}});
  }
  ordered_json doc = {{"month", report.month.Name()},
                      {"orders", report.orders},
                      {"ordersWithDifferences", report.orders_with_differences},
                      {"lines", lines},
                      {"totals", totals}};
  if (!report.over_shipments.empty()) {
    ordered_json over = ordered_json::array();
    for (const ReportOverShipment& o : report.over_shipments) {
      over.push_back({{"orderId", o.order_id},
                      {"shipmentId", o.over.shipment_id},
                      {"lineId", o.over.line_id},
                      {"sku", o.over.sku},
                      {"status", o.status},
                      {"carriedQuantity", o.over.carried},
                      {"orderedQuantity", o.over.ordered},
                      {"shippedBeforeQuantity", o.over.shipped_before}});
    }
    doc["overShipments"] = std::move(over);
  }
  doc["invoicesNotCounted"] = report.invoices_not_counted;
  return doc.dump(2) + "\n";
}

}  // namespace orderflow
