#include "tests/engine/scenarios.h"

#include <algorithm>
#include <random>
#include <string>

namespace orderflow::testing {

std::vector<Input> BusyDays(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&rng](uint32_t n) { return static_cast<int64_t>(rng() % n); };
  // Invoices draw from their own generator, so that the rest of the days
  // stay what they were before invoices were added.
  std::mt19937 invoice_rng(seed + 1000);
  auto pick_invoice = [&invoice_rng](uint32_t n) {
    return static_cast<int64_t>(invoice_rng() % n);
  };
  const std::vector<std::string> skus = {"SKU-A", "SKU-B", "SKU-C",
                                         "SKU-D", "SKU-E", "SKU-F"};
  const v1::ServiceLevel levels[] = {kStandard, kExpress, kOvernight};

  // (arrival, input): a late record arrives after its own timestamp.
  std::vector<std::pair<EpochMillis, Input>> timeline;
  auto add = [&timeline](Input input, EpochMillis arrival) {
    timeline.emplace_back(arrival, std::move(input));
  };
  auto on_time = [&add](Input input) { add(input, input.at); };

  for (const std::string& sku : skus) {
    on_time({Receipt(sku, 2 + pick(6), kT0), kT0});
  }
  for (int i = 0; i < 80; ++i) {
    const EpochMillis t = kT0 + Minutes(10) + i * Minutes(47);
    const std::string id = "O-" + std::to_string(100 + i);
    std::vector<LineSpec> lines;
    for (int64_t n = 1 + pick(3); n > 0; --n) {
      lines.push_back({skus[pick(skus.size())], 1 + pick(4)});
    }
    if (pick(15) == 0) lines[0].quantity = 0;  // rejected
    v1::OrderPlaced order = Order(id, lines, levels[pick(3)], t);
    if (pick(6) == 0) order = Promised(order, t + Days(1 + pick(6)));

    if (pick(20) == 0) {  // a shipment before its order
      on_time({Shipment(id, "S-" + id, v1::SHIPMENT_STATUS_SHIPPED, t - Hours(1)),
               t - Hours(1)});
    }
    if (pick(25) == 0) on_time({Cancellation(id, t - Minutes(30)), t - Minutes(30)});

    if (pick(12) == 0) {
      add({order, t}, t + Hours(3));  // three hours late
    } else {
      on_time({order, t});
    }
    if (pick(15) == 0) on_time({order, t + Hours(1)});  // the same again
    if (pick(20) == 0) {                                 // the id reused
      v1::OrderPlaced other = order;
      other.set_customer_id("C-other");
      on_time({other, t + Hours(2)});
    }

    if (pick(4) == 0) {
      const EpochMillis at = t + Minutes(10 + pick(600));
      const std::string& sku = skus[pick(skus.size())];
      on_time({Receipt(sku, 1 + pick(8), at), at});
    }
    if (pick(30) == 0) {
      const EpochMillis at = t + Minutes(5);
      const std::string& sku = skus[pick(skus.size())];
      on_time({Adjustment(sku, pick(7) - 3, at), at});
    }
    if (pick(30) == 0) {
      const EpochMillis at = t + Minutes(20);
      const std::string& sku = skus[pick(skus.size())];
      on_time({StockCount(sku, pick(12), at), at});
    }

    const int64_t fate = pick(10);
    if (fate <= 3) {  // shipped, then delivered or failed
      const EpochMillis shipped = t + Hours(2 + pick(60));
      const std::string sid = "S-" + id;
      on_time({Shipment(id, sid, v1::SHIPMENT_STATUS_PICKED, shipped - Minutes(30)),
               shipped - Minutes(30)});
      on_time({Shipment(id, sid, v1::SHIPMENT_STATUS_SHIPPED, shipped), shipped});
      if (pick(4) == 0) on_time({Shipment(id, sid, v1::SHIPMENT_STATUS_SHIPPED, shipped),
                                 shipped + Minutes(1)});
      const EpochMillis arrived = shipped + Hours(6 + pick(100));
      if (pick(5) == 0) {
        on_time({Shipment(id, sid, v1::SHIPMENT_STATUS_DELIVERY_FAILED, arrived), arrived});
        const EpochMillis again = arrived + Hours(20);
        on_time({Shipment(id, sid, v1::SHIPMENT_STATUS_DELIVERED, again), again});
      } else {
        on_time({Shipment(id, sid, v1::SHIPMENT_STATUS_DELIVERED, arrived), arrived});
      }
      if (pick(8) == 0) on_time({Cancellation(id, shipped + Hours(1)), shipped + Hours(1)});
    } else if (fate == 4) {
      const EpochMillis at = t + Hours(pick(40));
      if (pick(3) == 0) {
        add({Cancellation(id, at), at}, at + Hours(2));
      } else {
        on_time({Cancellation(id, at), at});
      }
    }
    // Invoices: before the order, while it waits, after it shipped; most
    // bill what the order holds, some a unit or an amount more, some miss
    // a line; some are sent twice.
    if (const int64_t when = pick_invoice(8); when < 4) {
      const EpochMillis at = t + (when == 0 ? -Hours(2) : Hours(when * 20));
      std::vector<InvoiceLineSpec> billed;
      for (size_t l = 0; l < lines.size(); ++l) {
        const int64_t quantity = lines[l].quantity + (pick_invoice(10) == 0);
        billed.push_back({"L" + std::to_string(l + 1), lines[l].sku, quantity,
                          quantity * 100 + (pick_invoice(10) == 0 ? 7 : 0)});
      }
      if (billed.size() > 1 && pick_invoice(6) == 0) billed.pop_back();
      const v1::InvoiceIssued invoice = Invoice(id, "INV-" + id, billed, at);
      on_time({invoice, at});
      if (pick_invoice(5) == 0) on_time({invoice, at + Hours(1)});
    }
    if (pick(40) == 0) {  // for an order that never comes
      on_time({Shipment("X-" + id, "S-X", v1::SHIPMENT_STATUS_SHIPPED, t), t});
    }
  }
  std::stable_sort(timeline.begin(), timeline.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Input> inputs;
  for (auto& [arrival, input] : timeline) inputs.push_back(std::move(input));
  inputs.push_back({Tick{}, kT0 + Days(20)});
  return inputs;
}

std::vector<Output> RunScript(const EngineConfig& config,
                        const std::vector<Input>& inputs) {
  Recorder out;
  Pipeline pipeline(config, out);
  for (size_t i = 0; i < inputs.size(); ++i) {
    Apply(pipeline, inputs[i], static_cast<int64_t>(i + 1));
  }
  return out.outputs();
}

}  // namespace orderflow::testing
