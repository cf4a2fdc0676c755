// The world around the engine, simulated: an ERP that sends a web shop's
// orders, stock and cancellations, and a warehouse that turns delivery
// tasks into shipment events. Both are seeded and deterministic (the same
// seed, the same records) and run on simulated time: the caller says how
// far time has come with Step(now) and gets every record due by then, in
// time order, through a RecordSink.
//
//   ErpSimulator erp({.seed = 7, .orders_per_day = 1500, .start = monday},
//                    [&](Topic t, const std::string& key,
//                        const google::protobuf::Message& m, EpochMillis at) {
//                      ... publish or write it ...
//                    });
//   erp.Step(monday + Days(7));
#ifndef ORDERFLOW_PRODUCERS_SIMULATORS_H_
#define ORDERFLOW_PRODUCERS_SIMULATORS_H_

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/text.h"
#include "engine/time.h"
#include "engine/topics.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// Where a simulated record goes: its topic, key, value and event time.
using RecordSink = std::function<void(Topic topic, const std::string& key,
                                      const google::protobuf::Message& value,
                                      EpochMillis at)>;

struct ErpOptions {
  uint64_t seed = 1;
  int orders_per_day = 1500;
  EpochMillis start = 1772409600000;  // Monday 2026-03-02 00:00 UTC
};

inline constexpr int kSimulatedSkus = 200;

// What the simulated warehouse and carrier do.
struct ShippingOptions {
  uint64_t seed = 1;
  double max_hours_to_ship = 5.5;  // after packing, when on time
  double late_share = 0.05;        // shipped after shipBy
  double failed_share = 0.03;      // first delivery attempt fails
};

// Simulated time: `speed` simulated milliseconds pass per wall millisecond,
// from `start`, never beyond `end`.
struct SimClock {
  EpochMillis start;
  EpochMillis end;
  double speed;
  std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
  EpochMillis Now() const {
    const double wall_ms = std::chrono::duration<double, std::milli>(
                               std::chrono::steady_clock::now() - wall_start)
                               .count();
    return std::min(end, start + static_cast<EpochMillis>(wall_ms * speed));
  }
};

inline std::string SkuName(int i) { return Cat("SKU-", 1000 + i); }

// ------------------------------------------------------------- the ERP

// A week of a web shop: orders with a daily rhythm (quiet nights, busy
// afternoons), popular and slow SKUs, stock counted on Monday morning and
// received every morning, cancellations, and the faults ERPs send:
// invalid orders, the same order twice, an order id reused, an order sent
// after a newer one (out of order, its timestamp older).
class ErpSimulator {
 public:
  ErpSimulator(const ErpOptions& o, RecordSink out)
      : rng_(o.seed),
        invoice_rng_(o.seed ^ 0x1f0ce),
        per_day_(o.orders_per_day), start_(o.start), out_(std::move(out)) {
    const EpochMillis start = o.start;
    next_order_ = start;
    next_receipt_ = start + Hours(6);
    // Units a day each SKU sells: PickSku's share of lines, about 1.6
    // lines an order and 1.4 units a line.
    for (int i = 0; i < kSimulatedSkus; ++i) {
      const double share = std::pow((i + 1.0) / kSimulatedSkus, 1 / kPopularity) -
                           std::pow(static_cast<double>(i) / kSimulatedSkus, 1 / kPopularity);
      daily_demand_.push_back(share * per_day_ * 1.6 * 1.4);
    }
  }

  // The ERP bills an order once it hears that it shipped (from the
  // order-status topic): an invoice a few hours later, 3 % of them wrong
  // (a quantity, a price or a line), as month-end alignment finds them.
  void OnShipped(const std::string& id, EpochMillis shipped_at) {
    if (!lines_.count(id) || !invoiced_.insert(id).second) return;
    invoices_.push({shipped_at + static_cast<Millis>((1 + InvoiceUniform() * 5) * Hours(1)), id});
  }

  // Everything due up to `now`, in time order.
  void Step(EpochMillis now) {
    if (!stock_counted_) CountStock();
    while (true) {
      EpochMillis due = std::min(next_order_, next_receipt_);
      if (!cancellations_.empty()) due = std::min(due, cancellations_.top().first);
      if (!invoices_.empty()) due = std::min(due, invoices_.top().first);
      if (due > now) return;
      if (!invoices_.empty() && due == invoices_.top().first) {
        const auto [at, id] = invoices_.top();
        invoices_.pop();
        Invoice(id, at);
      } else if (due == next_order_) {
        PlaceOrder(next_order_);
        next_order_ += NextGap(next_order_);
      } else if (due == next_receipt_) {
        ReceiveStock(next_receipt_);
        next_receipt_ += Days(1);
      } else {
        const auto [at, id] = cancellations_.top();
        cancellations_.pop();
        v1::CancellationRequested c;
        c.set_order_id(id);
        SetTimestamp(at, c.mutable_requested_at());
        c.set_reason("customer changed their mind");
        out_(Topic::kCancellations, id, c, at);
      }
    }
  }

  // Sends what is still held back (an order meant to go out late): call
  // once at the end.
  void Finish() {
    if (!held_back_) return;
    out_(Topic::kOrders, held_back_->order_id(), *held_back_,
         ToMillis(held_back_->placed_at()));
    held_back_.reset();
  }

  int64_t orders_sent() const { return static_cast<int64_t>(placed_at_.size()); }
  const std::map<std::string, EpochMillis>& placed_at() const { return placed_at_; }

 private:
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  // Popular SKUs are asked for far more often than slow ones.
  static constexpr double kPopularity = 2.2;
  int PickSku() { return static_cast<int>(kSimulatedSkus * std::pow(Uniform(), kPopularity)); }

  // Orders per hour at `t`: night 20 %, afternoon peak about 180 %.
  double RatePerHour(EpochMillis t) const {
    const double hour = static_cast<double>((t - start_) % Days(1)) / Hours(1);
    const double rhythm = 0.2 + 1.6 * std::max(0.0, std::sin((hour - 7) / 15 * M_PI));
    return per_day_ / 24.0 * rhythm / 0.95;
  }
  Millis NextGap(EpochMillis t) {
    const double rate = std::max(0.05, RatePerHour(t));
    return std::max<Millis>(1000, static_cast<Millis>(-std::log(1 - Uniform()) / rate * Hours(1)));
  }

  void CountStock() {
    stock_counted_ = true;
    for (int i = 0; i < kSimulatedSkus; ++i) {
      v1::InventoryEvent e;
      e.set_sku(SkuName(i));
      e.set_kind(v1::INVENTORY_KIND_SNAPSHOT);
      // About two days of sales on the shelf.
      e.set_quantity(5 + static_cast<int64_t>(daily_demand_[i] * (1.5 + Uniform())));
      SetTimestamp(start_, e.mutable_occurred_at());
      out_(Topic::kInventory, e.sku(), e, start_);
    }
  }

  void ReceiveStock(EpochMillis at) {
    for (int i = 0; i < kSimulatedSkus; ++i) {
      // A day's sales on average, some days short: a supplier is late now
      // and then, and the popular SKUs run out before the truck comes.
      const double delivered = daily_demand_[i] * (Uniform() < 0.15 ? 0.3 : 0.8 + 0.5 * Uniform());
      if (delivered < 1) continue;
      v1::InventoryEvent e;
      e.set_sku(SkuName(i));
      e.set_kind(v1::INVENTORY_KIND_RECEIPT);
      e.set_quantity(static_cast<int64_t>(std::ceil(delivered)));
      SetTimestamp(at, e.mutable_occurred_at());
      out_(Topic::kInventory, e.sku(), e, at);
    }
  }

  void PlaceOrder(EpochMillis at) {
    const std::string id = Cat("SO-", 100000 + order_count_++);
    v1::OrderPlaced o;
    o.set_order_id(id);
    o.set_customer_id(Cat("C-", static_cast<int>(Uniform() * 5000)));
    SetTimestamp(at, o.mutable_placed_at());
    const double level = Uniform();
    o.set_service_level(level < 0.7   ? v1::SERVICE_LEVEL_STANDARD
                        : level < 0.9 ? v1::SERVICE_LEVEL_EXPRESS
                                      : v1::SERVICE_LEVEL_OVERNIGHT);
    o.set_currency("EUR");
    v1::Address* a = o.mutable_ship_to();
    a->set_name("Demo Customer");
    a->set_line1(Cat(1 + static_cast<int>(Uniform() * 200), " Market Street"));
    a->set_city("Manchester");
    a->set_postal_code("M1 1AA");
    a->set_country("GB");
    std::set<int> skus;
    const int lines = 1 + static_cast<int>(std::pow(Uniform(), 2) * 3);
    while (static_cast<int>(skus.size()) < lines) skus.insert(PickSku());
    int n = 0;
    for (int sku : skus) {
      v1::OrderLine* line = o.add_lines();
      line->set_line_id(Cat(++n));
      line->set_sku(SkuName(sku));
      line->set_quantity(1 + static_cast<int>(std::pow(Uniform(), 3) * 4));
      line->set_unit_price_minor(499 + static_cast<int>(Uniform() * 5000));
    }
    const double fault = Uniform();
    if (fault < 0.02) {
      o.mutable_lines(0)->set_quantity(0);  // a typing error in the ERP
    } else if (fault < 0.03) {
      o.mutable_ship_to()->clear_postal_code();
    }
    placed_at_[id] = at;
    lines_[id].assign(o.lines().begin(), o.lines().end());
    std::unique_ptr<v1::OrderPlaced> late = std::move(held_back_);
    if (Uniform() < 0.01) {
      held_back_ = std::make_unique<v1::OrderPlaced>(o);  // sent after the next
    } else {
      out_(Topic::kOrders, id, o, at);
    }
    if (late) {  // an order the ERP sent late: after a newer one
      out_(Topic::kOrders, late->order_id(), *late, ToMillis(late->placed_at()));
    }
    if (Uniform() < 0.01) out_(Topic::kOrders, id, o, at);  // sent twice
    if (Uniform() < 0.003) {  // the id reused for something else
      o.mutable_lines(0)->set_quantity(o.lines(0).quantity() + 1);
      out_(Topic::kOrders, id, o, at + 1000);
    }
    if (Uniform() < 0.05) {
      cancellations_.push({at + static_cast<Millis>((0.2 + Uniform() * 20) * Hours(1)), id});
    }
  }

  // Invoices draw from their own generator: they depend on when shipments
  // are heard of, and must not change the orders a seed gives.
  double InvoiceUniform() {
    return std::uniform_real_distribution<double>(0, 1)(invoice_rng_);
  }
  void Invoice(const std::string& id, EpochMillis at) {
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
    const double error = InvoiceUniform();
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

  std::mt19937_64 rng_;
  std::mt19937_64 invoice_rng_;
  double per_day_;
  EpochMillis start_;
  RecordSink out_;
  bool stock_counted_ = false;
  int order_count_ = 0;
  EpochMillis next_order_, next_receipt_;
  std::priority_queue<std::pair<EpochMillis, std::string>,
                      std::vector<std::pair<EpochMillis, std::string>>,
                      std::greater<>>
      cancellations_, invoices_;
  std::map<std::string, EpochMillis> placed_at_;
  // The lines of orders not yet invoiced, and the orders billed.
  std::map<std::string, std::vector<v1::OrderLine>> lines_;
  std::set<std::string> invoiced_;
  std::vector<double> daily_demand_;
  std::unique_ptr<v1::OrderPlaced> held_back_;
};

// -------------------------------------------------------- the warehouse

// Takes delivery tasks and reports what happens to them: picked and
// packed within hours, shipped before shipBy (5 % late), delivered after a
// transit fitting the service level, 3 % of deliveries failing first.
// A CANCEL task stops whatever has not left the warehouse.
class ShippingSimulator {
 public:
  ShippingSimulator(const ShippingOptions& options, RecordSink out)
      : options_(options), rng_(options.seed ^ 0x5eed), out_(std::move(out)) {}

  void OnTask(const v1::DeliveryTask& task, EpochMillis now) {
    const std::string& id = task.order_id();
    if (task.action() == v1::TASK_ACTION_CANCEL) {
      if (!shipped_.count(id)) cancelled_.insert(id);
      return;
    }
    if (!planned_.insert(id).second) return;  // the same task again
    const EpochMillis ship_by = ToMillis(task.ship_by());
    const EpochMillis deliver_by = ToMillis(task.deliver_by());
    const std::string shipment = Cat("SH-", id);
    const EpochMillis picked = now + static_cast<Millis>((0.5 + Uniform() * 3) * Hours(1));
    const EpochMillis packed = picked + static_cast<Millis>(Uniform() * Hours(1));
    // Most leave within hours; 5 % miss their ship-by time.
    EpochMillis shipped =
        Uniform() < options_.late_share
            ? ship_by + static_cast<Millis>((1 + Uniform() * 10) * Hours(1))
            : std::max(packed + 600000,
                       std::min(ship_by - 5 * Hours(1),
                                packed + static_cast<Millis>(
                                             (0.5 + Uniform() * (options_.max_hours_to_ship - 0.5)) *
                                             Hours(1))));
    const Millis transit = std::max<Millis>(
        2 * Hours(1), static_cast<Millis>((deliver_by - ship_by) * (0.4 + Uniform() * 0.7)));
    const EpochMillis delivered = shipped + transit;
    Plan(picked, id, shipment, v1::SHIPMENT_STATUS_PICKED);
    Plan(packed, id, shipment, v1::SHIPMENT_STATUS_PACKED);
    Plan(shipped, id, shipment, v1::SHIPMENT_STATUS_SHIPPED);
    if (Uniform() < options_.failed_share) {
      Plan(delivered, id, shipment, v1::SHIPMENT_STATUS_DELIVERY_FAILED);
      Plan(delivered + Days(1), id, shipment, v1::SHIPMENT_STATUS_DELIVERED);
    } else {
      Plan(delivered, id, shipment, v1::SHIPMENT_STATUS_DELIVERED);
    }
  }

  // Reports every planned event due by `now`, in time order.
  void Step(EpochMillis now) {
    while (!events_.empty() && events_.top().at <= now) {
      const Event e = events_.top();
      events_.pop();
      if (cancelled_.count(e.order_id)) continue;
      if (e.status == v1::SHIPMENT_STATUS_SHIPPED) shipped_.insert(e.order_id);
      v1::ShipmentEvent s;
      s.set_order_id(e.order_id);
      s.set_shipment_id(e.shipment_id);
      s.set_status(e.status);
      SetTimestamp(e.at, s.mutable_occurred_at());
      s.set_carrier("DemoParcel");
      s.set_tracking_number(Cat("DP", e.shipment_id));
      out_(Topic::kShipments, e.order_id, s, e.at);
    }
  }

 private:
  struct Event {
    EpochMillis at;
    std::string order_id, shipment_id;
    v1::ShipmentStatus status;
    bool operator>(const Event& o) const { return at > o.at; }
  };
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  void Plan(EpochMillis at, const std::string& id, const std::string& shipment,
            v1::ShipmentStatus status) {
    events_.push({at, id, shipment, status});
  }

  ShippingOptions options_;
  std::mt19937_64 rng_;
  RecordSink out_;
  std::set<std::string> planned_, shipped_, cancelled_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_PRODUCERS_SIMULATORS_H_
