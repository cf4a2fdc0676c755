// Month-end invoice alignment (`orderflow reconcile`): for the orders of a
// month, what shipped against what was invoiced, per order line, with
// totals.
//
// An order belongs to the month (UTC) when its SHIPPED status change
// (order-status, occurredAt) falls in it, or when one of its invoices was
// issued in it. For such an order, everything known is compared: all its
// invoices, whenever issued, against the lines it shipped by the end of
// the data. The comparison is the engine's (engine/invoices.h): what
// shipped is the order's lines once it was SHIPPED (or DELIVERED or
// DELIVERY_FAILED); a cancelled, rejected or not yet shipped order has
// shipped nothing; an invoice for an order never placed bills lines that
// did not ship.
//
// An order shipped in parcels (rule 10, reconcile/parcels.h) shipped, per
// line, the sum of what its parcels carried, once it has shipped anything
// (PARTIALLY_SHIPPED and on); its invoices are compared line by line with
// those sums, whether or not the rest has shipped yet, and each line that
// disagrees names the parcels that carried it. Such an order is also of
// the month when one of its parcels left the warehouse in it. A parcel
// that carries more of a line than was ordered (or a line the order does
// not have) is not counted as shipped and is listed as an over-shipment;
// an order with one has a difference. The text and JSON of a month
// without parcels are as they were before parcels. Invoices are taken as the engine takes them: a malformed
// one (or one with more lines than the engine's default
// review.max_lines_per_order), or one keyed by another order, is not
// counted; a repeat counts
// once; a changed invoice under a known invoiceId does not replace the
// first. An order id placed twice keeps its first version.
//
// Pure functions over parsed records: no files, no Kafka (sources.h and
// kafka_source.h read those).
//
//   ReconcileRecords records;
//   records.AddOrder(placed);  records.AddInvoice(invoice, key);
//   records.AddStatus(status_changed);
//   std::optional<Month> month = ParseMonth("2026-10");
//   ReconcileReport report = Reconcile(records, *month);
//   std::cout << FormatText(report);
#ifndef ORDERFLOW_RECONCILE_RECONCILE_H_
#define ORDERFLOW_RECONCILE_RECONCILE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/invoices.h"
#include "engine/time.h"
#include "observe/order_facts.h"
#include "orderflow/v1/orderflow.pb.h"
#include "reconcile/parcels.h"

namespace orderflow {

// A calendar month in UTC: [begin, end).
struct Month {
  int year = 0;
  int month = 0;  // 1..12
  EpochMillis begin = 0;
  EpochMillis end = 0;
  std::string Name() const;  // "2026-10"
};
// "2026-10" (four-digit year, two-digit month); nullopt otherwise.
std::optional<Month> ParseMonth(std::string_view text);

// What is known of the orders, their invoices and their statuses.
class ReconcileRecords {
 public:
  void AddOrder(const v1::OrderPlaced& order);
  // `key` is the record's key ("" for none): an invoice keyed by another
  // order is not counted, as the engine dead-letters it.
  void AddInvoice(const v1::InvoiceIssued& invoice, std::string_view key);
  void AddStatus(const v1::OrderStatusChanged& status);
  // Shipment events (input) and delivery tasks (output), for the orders
  // shipped in parcels. A shipment keyed by another order is not counted.
  void AddShipment(const v1::ShipmentEvent& shipment, std::string_view key);
  void AddTask(const v1::DeliveryTask& task);

  // Invoices not counted: malformed, keyed by another order, or a changed
  // copy of an invoiceId already counted.
  int64_t invoices_not_counted() const { return invoices_not_counted_; }

  struct Invoice {
    std::string id;
    EpochMillis issued_at;
    uint64_t fingerprint;
  };
  struct Order {
    bool placed = false;
    std::string currency;
    std::vector<LineAmounts> lines;  // amount = quantity × unit price
    // What its status records say: the latest status, whether it shipped
    // (SHIPPED, DELIVERED or DELIVERY_FAILED seen) and when it became
    // SHIPPED (its occurredAt).
    OrderFacts outputs;
    std::vector<Invoice> invoices;  // in the order they came
    std::vector<LineAmounts> invoiced;  // summed per lineId
    std::vector<int64_t> unit_prices;   // per line, as `lines`
    std::vector<ReconcileShipment> shipments;  // in the order they came
    std::map<std::string, std::vector<std::string>> tasks;  // lineIds by taskId
  };
  // By order id.
  const std::map<std::string, Order>& orders() const { return orders_; }

 private:
  std::map<std::string, Order> orders_;
  int64_t invoices_not_counted_ = 0;
};

// One order line that disagrees.
struct ReportLine {
  std::string order_id;
  std::string currency;  // "" when the order is unknown
  // The order's latest status without prefix ("DELIVERED"), or "UNKNOWN"
  // for an order never placed.
  std::string status;
  std::vector<std::string> invoice_ids;
  LineMismatch mismatch;
  // For an order shipped in parcels: the parcels that carried the line
  // (shipmentId, units); none for a line that no parcel carried.
  bool in_parcels = false;
  std::vector<std::pair<std::string, int64_t>> parcels;
  int64_t difference_minor() const {
    return mismatch.invoiced_amount_minor - mismatch.shipped_amount_minor;
  }
};

// A parcel not counted: it carries more of a line than was ordered.
struct ReportOverShipment {
  std::string order_id;
  std::string status;  // as in ReportLine
  OverShipment over;
};

// Sums over the lines of one category (or of all) in one currency.
struct ReportTotal {
  std::optional<LineDifference> category;  // nullopt: all categories
  std::string currency;
  int64_t lines = 0;
  int64_t orders = 0;
  int64_t shipped_amount_minor = 0;
  int64_t invoiced_amount_minor = 0;
  int64_t difference_minor() const {
    return invoiced_amount_minor - shipped_amount_minor;
  }
};

struct ReconcileReport {
  Month month;
  int64_t orders = 0;  // orders of the month
  int64_t orders_with_differences = 0;
  // By category (in kAllLineDifferences order), then order id, then the
  // order's line order.
  std::vector<ReportLine> lines;
  // Per category and currency (categories in order, currencies sorted),
  // then "all" per currency.
  std::vector<ReportTotal> totals;
  // By order id, then in the order the parcels came.
  std::vector<ReportOverShipment> over_shipments;
  int64_t invoices_not_counted = 0;
};

ReconcileReport Reconcile(const ReconcileRecords& records, const Month& month);

// The report for people: the differences grouped by category, one line
// per order line, then the totals. Amounts in minor units.
std::string FormatText(const ReconcileReport& report);
// The same as one JSON object (lowerCamelCase, amounts in minor units),
// ending in a newline.
std::string FormatJson(const ReconcileReport& report);

}  // namespace orderflow

#endif  // ORDERFLOW_RECONCILE_RECONCILE_H_
