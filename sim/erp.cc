#include "sim/erp.h"

#include <algorithm>
#include <cmath>

#include "engine/text.h"

namespace orderflow {
namespace {

// Popular SKUs are asked for far more often than slow ones.
constexpr double kPopularity = 2.2;
// About 1.6 lines an order and 1.4 units a line: what PlaceOrder draws.
constexpr double kLinesPerOrder = 1.6;
constexpr double kUnitsPerLine = 1.4;

}  // namespace

ErpSimulator::ErpSimulator(const ErpOptions& o, RecordSink out)
    : rng_(o.seed),
      invoice_rng_(o.seed ^ 0x1f0ce),
      per_day_(o.orders_per_day),
      start_(o.start),
      out_(std::move(out)),
      skus_(SkuCatalogue::PowerLaw(kSimulatedSkus, kPopularity, per_day_,
                                   kLinesPerOrder, kUnitsPerLine)),
      extensions_(o.extensions),
      world_rng_(o.seed ^ 0x11ed) {
  next_order_ = o.start;
  next_receipt_ = o.start + Hours(6);
}

void ErpSimulator::OnShipped(const std::string& id, EpochMillis shipped_at) {
  if (!lines_.count(id) || !invoiced_.insert(id).second) return;
  invoices_.push(
      {shipped_at + static_cast<Millis>((1 + invoice_rng_.Uniform() * 5) * Hours(1)), id});
}

void ErpSimulator::Step(EpochMillis now) {
  if (!stock_counted_) CountStock();
  while (true) {
    EpochMillis due = std::min(next_order_, next_receipt_);
    if (!cancellations_.empty()) due = std::min(due, cancellations_.top().first);
    if (!invoices_.empty()) due = std::min(due, invoices_.top().first);
    if (!planned_.empty()) due = std::min(due, planned_.begin()->first);
    if (due > now) return;
    if (!planned_.empty() && due == planned_.begin()->first) {
      const auto [at, record] = *planned_.begin();
      planned_.erase(planned_.begin());
      out_(record.topic, record.key, *record.record, at);
    } else if (!invoices_.empty() && due == invoices_.top().first) {
      const auto [at, id] = invoices_.top();
      invoices_.pop();
      Invoice(id, at);
    } else if (due == next_order_) {
      PlaceOrder(next_order_);
      next_order_ += NextOrderGap(per_day_, start_, next_order_, rng_.Uniform());
    } else if (due == next_receipt_) {
      ReceiveStock(next_receipt_);
      next_receipt_ += Days(1);
    } else {
      const auto [at, id] = cancellations_.top();
      cancellations_.pop();
      out_(Topic::kCancellations, id,
           CancellationRecord(id, at, "customer changed their mind"), at);
    }
  }
}

void ErpSimulator::Finish() {
  if (!held_back_) return;
  out_(Topic::kOrders, held_back_->order_id(), *held_back_,
       ToMillis(held_back_->placed_at()));
  held_back_.reset();
}

void ErpSimulator::CountStock() {
  stock_counted_ = true;
  for (int i = 0; i < kSimulatedSkus; ++i) {
    // About two days of sales on the shelf.
    const int64_t units = 5 + static_cast<int64_t>(skus_.DailyDemand(i) * (1.5 + rng_.Uniform()));
    SendStock(i, v1::INVENTORY_KIND_SNAPSHOT, units, start_);
  }
}

void ErpSimulator::ReceiveStock(EpochMillis at) {
  for (int i = 0; i < kSimulatedSkus; ++i) {
    // A day's sales on average, some days short: a supplier is late now
    // and then, and the popular SKUs run out before the truck comes.
    const double delivered =
        skus_.DailyDemand(i) * (rng_.Uniform() < 0.15 ? 0.3 : 0.8 + 0.5 * rng_.Uniform());
    if (delivered < 1) continue;
    SendStock(i, v1::INVENTORY_KIND_RECEIPT, static_cast<int64_t>(std::ceil(delivered)), at);
  }
}

void ErpSimulator::PlaceOrder(EpochMillis at) {
  const std::string id = Cat("SO-", 100000 + order_count_++);
  v1::OrderPlaced o;
  o.set_order_id(id);
  o.set_customer_id(Cat("C-", static_cast<int>(rng_.Uniform() * 5000)));
  SetTimestamp(at, o.mutable_placed_at());
  const double level = rng_.Uniform();
  o.set_service_level(level < 0.7   ? v1::SERVICE_LEVEL_STANDARD
                      : level < 0.9 ? v1::SERVICE_LEVEL_EXPRESS
                                    : v1::SERVICE_LEVEL_OVERNIGHT);
  o.set_currency("EUR");
  v1::Address* a = o.mutable_ship_to();
  a->set_name("Demo Customer");
  a->set_line1(Cat(1 + static_cast<int>(rng_.Uniform() * 200), " Market Street"));
  a->set_city("Manchester");
  a->set_postal_code("M1 1AA");
  a->set_country("GB");
  if (extensions_) SetDestination(*a);
  std::set<uint32_t> skus;
  const int lines = 1 + static_cast<int>(std::pow(rng_.Uniform(), 2) * 3);
  while (static_cast<int>(skus.size()) < lines) skus.insert(skus_.Pick(rng_.Uniform()));
  int n = 0;
  for (uint32_t sku : skus) {
    v1::OrderLine* line = o.add_lines();
    line->set_line_id(Cat(++n));
    line->set_sku(skus_.Name(sku));
    line->set_quantity(1 + static_cast<int>(std::pow(rng_.Uniform(), 3) * 4));
    line->set_unit_price_minor(499 + static_cast<int>(rng_.Uniform() * 5000));
  }
  const double fault = rng_.Uniform();
  if (fault < 0.02) {
    o.mutable_lines(0)->set_quantity(0);  // a typing error in the ERP
  } else if (fault < 0.03) {
    o.mutable_ship_to()->clear_postal_code();
  }
  placed_at_[id] = at;
  lines_[id].assign(o.lines().begin(), o.lines().end());
  // The ERP's own faults are refused by the engine: nothing more for them.
  if (extensions_ && fault >= 0.03) PlanChanges(o, at);
  std::unique_ptr<v1::OrderPlaced> late = std::move(held_back_);
  if (rng_.Uniform() < 0.01) {
    held_back_ = std::make_unique<v1::OrderPlaced>(o);  // sent after the next
  } else {
    out_(Topic::kOrders, id, o, at);
  }
  if (late) {  // an order the ERP sent late: after a newer one
    out_(Topic::kOrders, late->order_id(), *late, ToMillis(late->placed_at()));
  }
  if (rng_.Uniform() < 0.01) out_(Topic::kOrders, id, o, at);  // sent twice
  if (rng_.Uniform() < 0.003) {  // the id reused for something else
    o.mutable_lines(0)->set_quantity(o.lines(0).quantity() + 1);
    out_(Topic::kOrders, id, o, at + 1000);
  }
  if (rng_.Uniform() < 0.05) {
    cancellations_.push(
        {at + static_cast<Millis>((0.2 + rng_.Uniform() * 20) * Hours(1)), id});
  }
}

void ErpSimulator::Invoice(const std::string& id, EpochMillis at) {
  v1::InvoiceIssued invoice;
  invoice.set_order_id(id);
  invoice.set_invoice_id(Cat("INV-", id));
  SetTimestamp(at, invoice.mutable_issued_at());
  for (const v1::OrderLine& line : lines_[id]) {
    v1::InvoiceLine* l = invoice.add_lines();
    l->set_line_id(line.line_id());
    l->set_sku(line.sku());
    l->set_quantity(line.quantity());
    l->set_amount_minor(line.quantity() * line.unit_price_minor());
  }
  const double error = invoice_rng_.Uniform();
  if (error < 0.01) {  // billed one unit too many
    v1::InvoiceLine* l = invoice.mutable_lines(0);
    l->set_quantity(l->quantity() + 1);
    l->set_amount_minor(l->amount_minor() + lines_[id][0].unit_price_minor());
  } else if (error < 0.02) {  // an old price list
    invoice.mutable_lines(0)->set_amount_minor(invoice.lines(0).amount_minor() + 100);
  } else if (error < 0.03 && invoice.lines_size() > 1) {  // a line left out
    invoice.mutable_lines()->RemoveLast();
  }
  lines_.erase(id);
  out_(Topic::kInvoices, id, invoice, at);
}

}  // namespace orderflow
