// The cost of one order with many lines, by its number of lines: placed
// (reviewed, asked for stock one SKU at a time, allocated), shipped and
// invoiced. Every step is linear in the lines, so the time per line stays
// flat from 10,000 to 40,000 lines (Complexity reports O(N)); a step that
// scanned the lines once per SKU made one of 100,000 lines take 34 s.
//
//   orderflow_lines_bench
//
// Beyond review.max_lines_per_order (default 10,000) an order is
// rejected; the bench raises the limit to its highest value to measure
// what the limit protects.
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "bench/null_emitter.h"
#include "engine/pipeline.h"

namespace orderflow {
namespace {

constexpr EpochMillis kPlacedAt = 1772445600000;  // 2026-03-02T10:00:00Z

void SetTime(EpochMillis t, google::protobuf::Timestamp* ts) {
  ts->set_seconds(t / 1000);
  ts->set_nanos(static_cast<int32_t>(t % 1000) * 1000000);
}

RecordSource At(std::string_view topic, std::string_view key, EpochMillis t) {
  RecordSource source;
  source.topic = topic;
  source.key = key;
  source.timestamp = t;
  return source;
}

// One order of `lines` lines, each a SKU of its own, one unit at 100; an
// invoice that bills every line, the last one a unit short in amount.
struct HugeOrder {
  explicit HugeOrder(int lines) {
    order.set_order_id("O-1");
    order.set_customer_id("C-1");
    SetTime(kPlacedAt, order.mutable_placed_at());
    order.set_service_level(v1::SERVICE_LEVEL_STANDARD);
    order.set_currency("EUR");
    v1::Address* a = order.mutable_ship_to();
    a->set_name("A");
    a->set_line1("1 Main St");
    a->set_city("C");
    a->set_postal_code("1");
    a->set_country("GB");
    invoice.set_order_id("O-1");
    invoice.set_invoice_id("INV-1");
    SetTime(kPlacedAt + 2 * 3600000, invoice.mutable_issued_at());
    for (int i = 0; i < lines; ++i) {
      const std::string sku = "SKU-" + std::to_string(i);
      const std::string line_id = "L" + std::to_string(i);
      v1::OrderLine* l = order.add_lines();
      l->set_line_id(line_id);
      l->set_sku(sku);
      l->set_quantity(1);
      l->set_unit_price_minor(100);
      v1::InvoiceLine* b = invoice.add_lines();
      b->set_line_id(line_id);
      b->set_sku(sku);
      b->set_quantity(1);
      b->set_amount_minor(i + 1 == lines ? 99 : 100);
      v1::InventoryEvent& r = stock.emplace_back();
      r.set_sku(sku);
      r.set_kind(v1::INVENTORY_KIND_RECEIPT);
      r.set_quantity(1);
      SetTime(kPlacedAt, r.mutable_occurred_at());
    }
    shipped.set_order_id("O-1");
    shipped.set_shipment_id("S-1");
    shipped.set_status(v1::SHIPMENT_STATUS_SHIPPED);
    SetTime(kPlacedAt + 3600000, shipped.mutable_occurred_at());
  }
  v1::OrderPlaced order;
  std::vector<v1::InventoryEvent> stock;
  v1::ShipmentEvent shipped;
  v1::InvoiceIssued invoice;
};

void BM_OneOrderOfManyLines(benchmark::State& state) {
  const int lines = static_cast<int>(state.range(0));
  const HugeOrder input(lines);
  EngineConfig config;
  config.max_lines_per_order = kMaxLinesPerOrder;
  NullEmitter out;
  for (auto _ : state) {
    state.PauseTiming();
    auto pipeline = std::make_unique<Pipeline>(config, out);
    for (const v1::InventoryEvent& r : input.stock) {
      pipeline->OnInventoryEvent(r, At("inventory", r.sku(), kPlacedAt));
    }
    state.ResumeTiming();
    pipeline->OnOrderPlaced(input.order, At("orders", "O-1", kPlacedAt));
    pipeline->OnShipment(input.shipped, At("shipments", "O-1", kPlacedAt + 3600000));
    pipeline->OnInvoice(input.invoice, At("invoices", "O-1", kPlacedAt + 7200000));
    state.PauseTiming();
    pipeline.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * lines);
  state.SetComplexityN(lines);
  state.counters["outputs"] = static_cast<double>(out.outputs) /
                              static_cast<double>(state.iterations());
}
BENCHMARK(BM_OneOrderOfManyLines)
    ->ArgName("lines")
    ->Arg(10'000)
    ->Arg(20'000)
    ->Arg(40'000)
    ->Complexity(benchmark::oN)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace orderflow

BENCHMARK_MAIN();
