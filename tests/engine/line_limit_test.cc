// Orders and invoices with many lines: at most review.max_lines_per_order
// lines (an order above it is REJECTED as LINE_LIMIT, an invoice goes to
// dead-letter), and an order with many lines allocated and backordered
// per SKU like one with a few (the order shard indexes its lines by SKU
// from 32 lines on: engine/sku_lines.h).
#include <string>
#include <vector>

#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using LineLimitTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(LineLimitTest);

// `count` lines of one unit each, over `skus` SKUs in turn (SKU-0, SKU-1, ...).
std::vector<LineSpec> Lines(int count, int skus) {
  std::vector<LineSpec> lines;
  for (int i = 0; i < count; ++i) {
    lines.push_back(LineSpec{"SKU-" + std::to_string(i % skus), 1});
  }
  return lines;
}

std::vector<InvoiceLineSpec> InvoiceLines(int count) {
  std::vector<InvoiceLineSpec> lines;
  for (int i = 0; i < count; ++i) {
    lines.push_back(InvoiceLineSpec{"L" + std::to_string(i + 1),
                                    "SKU-" + std::to_string(i), 1, 100});
  }
  return lines;
}

TEST(LineLimitDefaults, TenThousandLinesPerOrder) {
  EXPECT_EQ(EngineConfig().max_lines_per_order, 10'000);
}

TEST_P(LineLimitTest, OrderAtTheLimitIsAcceptedAndOnePastItIsRejected) {
  Reconfigure([](EngineConfig& c) { c.max_lines_per_order = 3; });
  Stock(Receipt("SKU-0", 10, kT0));
  Place(Order("O-1", Lines(3, 1)));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
  out_.Take();

  Place(Order("O-2", Lines(4, 1)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-2 NEW -> REJECTED [LINE_LIMIT]",
                                       "RAISED O-2/VALIDATION_FAILED/1"));
  EXPECT_THAT(out_.Escalation("O-2/VALIDATION_FAILED/1",
                              v1::ESCALATION_STATE_RAISED)
                  .message(),
              HasSubstr("Order O-2 rejected: lines: 4 exceed the limit 3."));
}

TEST_P(LineLimitTest, LinesPastTheLimitAreNotReviewedOneByOne) {
  Reconfigure([](EngineConfig& c) { c.max_lines_per_order = 2; });
  v1::OrderPlaced order = Order("O-1", Lines(3, 3));
  order.mutable_lines(1)->set_quantity(0);
  order.mutable_ship_to()->clear_city();
  Place(order);
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> REJECTED [LINE_LIMIT, ADDRESS_INCOMPLETE]",
                          "RAISED O-1/VALIDATION_FAILED/1"));
}

TEST_P(LineLimitTest, InvoicePastTheLimitIsDeadLettered) {
  Reconfigure([](EngineConfig& c) { c.max_lines_per_order = 3; });
  Stock(Receipt("SKU-0", 10, kT0));
  Place(Order("O-1", Lines(3, 1)));
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  out_.Take();

  Bill(Invoice("O-1", "INV-1", InvoiceLines(4), kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("dead-letter invoices/O-1 LINE_LIMIT"));
  EXPECT_EQ(out_.DeadLetters().back().detail(), "lines: 4 exceed the limit 3");

  std::vector<InvoiceLineSpec> billed = InvoiceLines(3);
  billed[2].amount_minor = 99;  // applied, and compared
  Bill(Invoice("O-1", "INV-2", billed, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/INVOICE_MISMATCH/1"));
}

TEST_P(LineLimitTest, ManyLinesOverFewSkusAreBackorderedOncePerShortSku) {
  for (int s = 0; s < 20; ++s) {
    if (s != 3 && s != 17) Stock(Receipt("SKU-" + std::to_string(s), 5, kT0));
  }
  Place(Order("O-1", Lines(100, 20)));  // five lines of each SKU
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);
  EXPECT_THAT(out_.Statuses("O-1").back().reasons(),
              ElementsAre("SHORT_STOCK:SKU-3", "SHORT_STOCK:SKU-17"));

  Stock(Receipt("SKU-17", 5, kT0 + Hours(1)));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);
  Stock(Receipt("SKU-3", 4, kT0 + Hours(2)));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_BACKORDERED);
  Stock(Receipt("SKU-3", 1, kT0 + Hours(3)));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
}

TEST_P(LineLimitTest, AnOrderOfTenThousandSkusIsAllocated) {
  const int n = EngineConfig().max_lines_per_order;
  for (int s = 0; s < n; ++s) Stock(Receipt("SKU-" + std::to_string(s), 1, kT0));
  Place(Order("O-1", Lines(n, n)));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));
  std::vector<InvoiceLineSpec> billed = InvoiceLines(n);
  billed[n - 1].amount_minor = 99;
  out_.Take();
  Bill(Invoice("O-1", "INV-1", billed, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/INVOICE_MISMATCH/1"));
  EXPECT_THAT(out_.Escalation("O-1/INVOICE_MISMATCH/1", v1::ESCALATION_STATE_RAISED)
                  .message(),
              HasSubstr("line L10000 invoiced 1 unit for 99 but shipped 1 for 100"));
}

}  // namespace
}  // namespace orderflow::testing
