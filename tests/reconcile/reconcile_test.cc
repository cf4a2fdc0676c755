// The month-end report over known records (reconcile/reconcile.h), what
// an order shipped in parcels (reconcile/parcels.h), and reading the
// topics from librdkafka's mock cluster.
#include "reconcile/reconcile.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kafka/topic_names.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/mock_cluster.h"
#include "kafka/kafka_io.h"
#include "reconcile/sources.h"
#include "replay/replay_line.h"

namespace orderflow {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

EpochMillis T(std::string_view rfc3339) { return *ParseTime(rfc3339); }

v1::OrderPlaced Placed(std::string_view id, std::string_view currency = "EUR") {
  v1::OrderPlaced o;
  o.set_order_id(std::string(id));
  o.set_currency(std::string(currency));
  for (int i = 1; i <= 2; ++i) {
    v1::OrderLine* l = o.add_lines();
    l->set_line_id("L" + std::to_string(i));
    l->set_sku("SKU-" + std::to_string(i));
    l->set_quantity(i);
    l->set_unit_price_minor(100);
  }
  return o;
}

v1::OrderStatusChanged Status(std::string_view id, v1::OrderStatus s,
                              std::string_view at) {
  v1::OrderStatusChanged c;
  c.set_order_id(std::string(id));
  c.set_status(s);
  SetTimestamp(T(at), c.mutable_occurred_at());
  return c;
}

// Bills L1 (1 unit) and L2 (2 units) at 100 a unit, or `l2_amount` for L2.
v1::InvoiceIssued Bill(std::string_view id, std::string_view invoice_id,
                       std::string_view at, int64_t l2_amount = 200) {
  v1::InvoiceIssued i;
  i.set_order_id(std::string(id));
  i.set_invoice_id(std::string(invoice_id));
  SetTimestamp(T(at), i.mutable_issued_at());
  v1::InvoiceLine* l1 = i.add_lines();
  l1->set_line_id("L1");
  l1->set_sku("SKU-1");
  l1->set_quantity(1);
  l1->set_amount_minor(100);
  v1::InvoiceLine* l2 = i.add_lines();
  l2->set_line_id("L2");
  l2->set_sku("SKU-2");
  l2->set_quantity(2);
  l2->set_amount_minor(l2_amount);
  return i;
}

void Shipped(ReconcileRecords& r, std::string_view id, std::string_view at) {
  r.AddStatus(Status(id, v1::ORDER_STATUS_ACCEPTED, at));
  r.AddStatus(Status(id, v1::ORDER_STATUS_SHIPPED, at));
}

std::vector<std::string> Lines(const ReconcileReport& report) {
  std::vector<std::string> out;
  for (const ReportLine& l : report.lines) {
    out.push_back(std::string(DifferenceTitle(l.mismatch.kind)) + " " +
                  l.order_id + "/" + l.mismatch.line_id);
  }
  return out;
}

TEST(ParseMonth, TakesYearAndMonthInUtc) {
  const std::optional<Month> m = ParseMonth("2026-10");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->begin, T("2026-10-01T00:00:00Z"));
  EXPECT_EQ(m->end, T("2026-11-01T00:00:00Z"));
  EXPECT_EQ(m->Name(), "2026-10");
  EXPECT_EQ(ParseMonth("2026-12")->end, T("2027-01-01T00:00:00Z"));
  EXPECT_EQ(ParseMonth("2028-02")->end, T("2028-03-01T00:00:00Z"));
  for (std::string_view bad : {"2026-1", "2026-00", "2026-13", "26-10", "2026/10",
                               "2026-1x", "", "2026-10-01"}) {
    EXPECT_FALSE(ParseMonth(bad)) << bad;
  }
}

TEST(Reconcile, OrdersOfTheMonthAreThoseShippedOrInvoicedInIt) {
  ReconcileRecords r;
  for (const char* id : {"A", "B", "C", "D"}) r.AddOrder(Placed(id));
  Shipped(r, "A", "2026-10-31T23:59:59Z");  // October's, not invoiced
  Shipped(r, "B", "2026-09-30T23:00:00Z");  // invoiced in October, agrees
  r.AddInvoice(Bill("B", "I-B", "2026-10-01T00:00:00Z"), "B");
  Shipped(r, "C", "2026-11-01T00:00:00Z");  // November's
  Shipped(r, "D", "2026-09-10T00:00:00Z");  // September's, over-billed
  r.AddInvoice(Bill("D", "I-D", "2026-09-11T00:00:00Z", 999), "D");

  const ReconcileReport report = Reconcile(r, *ParseMonth("2026-10"));
  EXPECT_EQ(report.orders, 2);
  EXPECT_EQ(report.orders_with_differences, 1);
  EXPECT_THAT(Lines(report), ElementsAre("shipped, not invoiced A/L1",
                                         "shipped, not invoiced A/L2"));
}

TEST(Reconcile, InvoicesCountAsTheEngineCountsThem) {
  ReconcileRecords r;
  r.AddOrder(Placed("A"));
  Shipped(r, "A", "2026-10-02T00:00:00Z");
  const v1::InvoiceIssued bill = Bill("A", "I-1", "2026-10-03T00:00:00Z");
  r.AddInvoice(bill, "A");
  r.AddInvoice(bill, "A");                                    // a repeat
  r.AddInvoice(Bill("A", "I-1", "2026-10-04T00:00:00Z"), "A");  // changed
  r.AddInvoice(Bill("A", "I-2", "2026-10-04T00:00:00Z"), "B");  // wrong key
  v1::InvoiceIssued zero = Bill("A", "I-3", "2026-10-04T00:00:00Z");
  zero.mutable_lines(0)->set_quantity(0);
  r.AddInvoice(zero, "A");  // malformed

  const ReconcileReport report = Reconcile(r, *ParseMonth("2026-10"));
  EXPECT_EQ(report.orders, 1);
  EXPECT_EQ(report.orders_with_differences, 0);
  EXPECT_EQ(report.invoices_not_counted, 3);
  EXPECT_THAT(FormatText(report), HasSubstr("Totals: no differences\n"));
}

TEST(Reconcile, EachKindOfDifferenceWithTotalsPerCurrency) {
  ReconcileRecords r;
  r.AddOrder(Placed("Q", "USD"));
  Shipped(r, "Q", "2026-10-02T00:00:00Z");
  v1::InvoiceIssued more = Bill("Q", "I-Q", "2026-10-03T00:00:00Z", 300);
  more.mutable_lines(1)->set_quantity(3);
  r.AddInvoice(more, "Q");
  r.AddOrder(Placed("P"));
  Shipped(r, "P", "2026-10-02T00:00:00Z");
  r.AddInvoice(Bill("P", "I-P", "2026-10-03T00:00:00Z", 250), "P");
  r.AddOrder(Placed("X"));
  r.AddStatus(Status("X", v1::ORDER_STATUS_CANCELLED, "2026-10-01T00:00:00Z"));
  r.AddInvoice(Bill("X", "I-X", "2026-10-03T00:00:00Z"), "X");
  r.AddInvoice(Bill("U", "I-U", "2026-10-03T00:00:00Z"), "U");  // never placed

  const ReconcileReport report = Reconcile(r, *ParseMonth("2026-10"));
  EXPECT_THAT(Lines(report),
              ElementsAre("invoiced, not shipped U/L1", "invoiced, not shipped U/L2",
                          "invoiced, not shipped X/L1", "invoiced, not shipped X/L2",
                          "quantity mismatch Q/L2", "amount mismatch P/L2"));
  EXPECT_EQ(report.lines[0].status, "UNKNOWN");
  EXPECT_EQ(report.lines[2].status, "CANCELLED");
  ASSERT_EQ(report.totals.size(), 7u);
  // invoiced-not-shipped: "" (unknown order) and EUR; quantity: USD;
  // amount: EUR; then all per currency.
  const ReportTotal& all_eur = report.totals[5];
  EXPECT_FALSE(all_eur.category);
  EXPECT_EQ(all_eur.currency, "EUR");
  EXPECT_EQ(all_eur.lines, 3);
  EXPECT_EQ(all_eur.orders, 2);
  EXPECT_EQ(all_eur.shipped_amount_minor, 200);
  EXPECT_EQ(all_eur.invoiced_amount_minor, 300 + 250);
  const ReportTotal& all_usd = report.totals[6];
  EXPECT_EQ(all_usd.currency, "USD");
  EXPECT_EQ(all_usd.difference_minor(), 100);
}

// ------------------------------------------------------------ parcels

v1::ShipmentEvent Parcel(std::string_view id, std::string_view shipment_id,
                         std::string_view at,
                         std::vector<std::pair<std::string, int32_t>> lines,
                         v1::ShipmentStatus status = v1::SHIPMENT_STATUS_SHIPPED) {
  v1::ShipmentEvent e;
  e.set_order_id(std::string(id));
  e.set_shipment_id(std::string(shipment_id));
  e.set_status(status);
  SetTimestamp(T(at), e.mutable_occurred_at());
  for (const auto& [line_id, units] : lines) {
    v1::ShipmentLine* l = e.add_lines();
    l->set_line_id(line_id);
    l->set_quantity(units);
  }
  return e;
}

std::vector<ReconcileShipment> Events(const std::vector<v1::ShipmentEvent>& events) {
  ReconcileRecords r;
  for (const auto& e : events) r.AddShipment(e, e.order_id());
  return r.orders().begin()->second.shipments;
}

// L1 x1, L2 x2, L3 x5.
const std::vector<LineAmounts> kLines = {
    {"L1", "SKU-1", 1, 100}, {"L2", "SKU-2", 2, 200}, {"L3", "SKU-3", 5, 500}};

TEST(ShipParcels, WithoutLinesAnOrderShipsWholeAsInV1) {
  const ParcelShipping s = ShipParcels(
      kLines, {}, Events({Parcel("A", "S-1", "2026-10-01T00:00:00Z", {}),
                          Parcel("A", "S-2", "2026-10-02T00:00:00Z", {},
                                 v1::SHIPMENT_STATUS_DELIVERED)}));
  EXPECT_FALSE(s.active);
}

TEST(ShipParcels, SumsPerLineOverParcelsAndNamesThem) {
  const ParcelShipping s = ShipParcels(
      kLines, {},
      Events({Parcel("A", "P-1", "2026-10-01T00:00:00Z", {{"L3", 2}, {"L1", 1}}),
              Parcel("A", "P-1", "2026-10-02T00:00:00Z", {{"L3", 2}, {"L1", 1}}),
              Parcel("A", "P-2", "2026-10-03T00:00:00Z", {{"L3", 1}},
                     v1::SHIPMENT_STATUS_DELIVERED),
              Parcel("A", "P-3", "2026-10-04T00:00:00Z", {{"L3", 2}},
                     v1::SHIPMENT_STATUS_PICKED)}));
  ASSERT_TRUE(s.active);
  EXPECT_THAT(s.shipped, ElementsAre(1, 0, 3));
  using Carried = std::pair<std::string, int64_t>;
  EXPECT_THAT(s.carried_by[2], ElementsAre(Carried("P-1", 2), Carried("P-2", 1)));
  EXPECT_THAT(s.left_at, ElementsAre(T("2026-10-01T00:00:00Z"),
                                     T("2026-10-03T00:00:00Z")));
  EXPECT_TRUE(s.over.empty());
}

TEST(ShipParcels, TheRestWholeAndATaskWithoutLines) {
  ParcelShipping s = ShipParcels(
      kLines, {},
      Events({Parcel("A", "P-1", "2026-10-01T00:00:00Z", {{"L3", 4}}),
              Parcel("A", "P-2", "2026-10-02T00:00:00Z", {})}));
  EXPECT_THAT(s.shipped, ElementsAre(1, 2, 5));
  EXPECT_EQ(s.carried_by[2].back().second, 1);

  v1::ShipmentEvent task_b = Parcel("A", "P-B", "2026-10-01T00:00:00Z", {});
  task_b.set_task_id("A/delivery/WH-B");
  s = ShipParcels(kLines, {{"A/delivery/WH-A", {"L1", "L3"}}, {"A/delivery/WH-B", {"L2"}}},
                  Events({task_b}));
  ASSERT_TRUE(s.active);
  EXPECT_THAT(s.shipped, ElementsAre(0, 2, 0));
}

TEST(ShipParcels, BeyondTheOrderIsAnOverShipmentNotCounted) {
  const ParcelShipping s = ShipParcels(
      kLines, {},
      Events({Parcel("A", "P-1", "2026-10-01T00:00:00Z", {{"L2", 2}}),
              Parcel("A", "P-2", "2026-10-02T00:00:00Z", {{"L2", 1}, {"L1", 1}}),
              Parcel("A", "P-3", "2026-10-03T00:00:00Z", {{"L9", 1}})}));
  EXPECT_THAT(s.shipped, ElementsAre(0, 2, 0));
  ASSERT_EQ(s.over.size(), 2u);
  EXPECT_EQ(s.over[0].shipment_id, "P-2");
  EXPECT_EQ(s.over[0].line_id, "L2");
  EXPECT_EQ(s.over[0].carried, 1);
  EXPECT_EQ(s.over[0].ordered, 2);
  EXPECT_EQ(s.over[0].shipped_before, 2);
  EXPECT_EQ(s.over[1].line_id, "L9");
  EXPECT_EQ(s.over[1].ordered, 0);
}

TEST(Reconcile, AParcelOrderIsComparedWithWhatItsParcelsShipped) {
  ReconcileRecords r;
  r.AddOrder(Placed("A"));
  r.AddStatus(Status("A", v1::ORDER_STATUS_PARTIALLY_SHIPPED, "2026-09-30T00:00:00Z"));
  r.AddShipment(Parcel("A", "P-1", "2026-09-30T00:00:00Z", {{"L2", 1}}), "A");
  // The second parcel leaves in October: the order is October's.
  r.AddShipment(Parcel("A", "P-2", "2026-10-01T00:00:00Z", {{"L2", 1}}), "A");
  r.AddShipment(Parcel("A", "P-3", "2026-10-01T00:00:00Z", {{"L2", 1}}), "A");
  r.AddInvoice(Bill("A", "I-A", "2026-11-01T00:00:00Z"), "A");
  const ReconcileReport report = Reconcile(r, *ParseMonth("2026-10"));
  EXPECT_EQ(report.orders, 1);
  EXPECT_EQ(report.orders_with_differences, 1);
  EXPECT_THAT(Lines(report), ElementsAre("invoiced, not shipped A/L1"));
  ASSERT_EQ(report.over_shipments.size(), 1u);
  EXPECT_EQ(report.over_shipments[0].over.shipment_id, "P-3");
  const std::string text = FormatText(report);
  EXPECT_THAT(text, HasSubstr("Shipped beyond the order"));
  EXPECT_THAT(text, HasSubstr("A      P-3     L2    SKU-2  PARTIALLY_SHIPPED"));
  EXPECT_EQ(Reconcile(r, *ParseMonth("2026-09")).orders, 1);
}

// ------------------------------------------------------------ on Kafka


TEST(ReconcileFromKafka, ReadsItsTopicsToTheirEnd) {
  MockCluster mock;
  Config config;
  config.kafka.bootstrap_servers = mock.bootstraps();
  config.kafka.properties["log_level"] = "0";
  for (Topic t : {Topic::kOrders, Topic::kInvoices, Topic::kShipments,
                  Topic::kOrderStatus, Topic::kDeliveryTasks}) {
    mock.CreateTopic(KafkaTopic(config.kafka.topic_prefix, t),
                     PartitionCount(t, config.engine));
  }
  {
    auto writer = TopicWriter::Create(config);
    ASSERT_TRUE(writer.ok()) << writer.status();
    const EpochMillis t = T("2026-10-02T00:00:00Z");
    for (const char* id : {"A", "B", "C", "D", "E"}) {
      (*writer)->Send(Topic::kOrders, id, Placed(id), t);
      (*writer)->Send(Topic::kOrderStatus, id,
                      Status(id, v1::ORDER_STATUS_SHIPPED, "2026-10-02T00:00:00Z"), t);
    }
    (*writer)->Send(Topic::kInvoices, "A", Bill("A", "I-A", "2026-10-03T00:00:00Z"), t);
    (*writer)->Send(Topic::kInvoices, "B", Bill("B", "I-B", "2026-10-03T00:00:00Z", 1), t);
    // F shipped one parcel of one unit of L2, and is billed in full.
    (*writer)->Send(Topic::kOrders, "F", Placed("F"), t);
    (*writer)->Send(Topic::kOrderStatus, "F",
                    Status("F", v1::ORDER_STATUS_PARTIALLY_SHIPPED,
                           "2026-10-02T00:00:00Z"), t);
    (*writer)->Send(Topic::kShipments, "F",
                    Parcel("F", "P-F", "2026-10-02T00:00:00Z", {{"L2", 1}}), t);
    v1::DeliveryTask task;
    task.set_order_id("F");
    task.set_task_id("F/delivery");
    task.set_action(v1::TASK_ACTION_CREATE);
    (*writer)->Send(Topic::kDeliveryTasks, "F", task, t);
    (*writer)->Send(Topic::kInvoices, "F", Bill("F", "I-F", "2026-10-03T00:00:00Z"), t);
    std::string first_error;
    ASSERT_EQ((*writer)->Flush(&first_error), 0) << first_error;
  }

  ReconcileRecords records;
  ReadCounts counts;
  const absl::Status s = ReadKafka(config, &records, &counts);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(counts.records, 17);
  const ReconcileReport report = Reconcile(records, *ParseMonth("2026-10"));
  EXPECT_EQ(report.orders, 6);
  EXPECT_EQ(report.orders_with_differences, 5);
  EXPECT_THAT(Lines(report),
              ElementsAre("shipped, not invoiced C/L1", "shipped, not invoiced C/L2",
                          "shipped, not invoiced D/L1", "shipped, not invoiced D/L2",
                          "shipped, not invoiced E/L1", "shipped, not invoiced E/L2",
                          "invoiced, not shipped F/L1", "quantity mismatch F/L2",
                          "amount mismatch B/L2"));
  EXPECT_THAT(report.lines[7].parcels,
              ElementsAre(std::pair<std::string, int64_t>("P-F", 1)));
}

TEST(ReconcileFromKafka, ABrokerThatCannotBeReachedIsAnError) {
  Config config;
  config.kafka.bootstrap_servers = "127.0.0.1:1";  // nothing listens there
  config.kafka.properties["log_level"] = "0";
  ReconcileRecords records;
  ReadCounts counts;
  const absl::Status s = ReadKafka(config, &records, &counts);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("topic orderflow.orders.v1 not found at 127.0.0.1:1"));
}

}  // namespace
}  // namespace orderflow
