#include "bench/workload.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <queue>
#include <set>
#include <tuple>

namespace orderflow::workload {
namespace {

// xoshiro256** seeded by splitmix64: the same numbers on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : s_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s = z ^ (z >> 31);
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // In [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // In [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Uniform() < p; }
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }
  // An index drawn with the given weights.
  template <size_t N>
  int Weighted(const std::array<int, N>& weights) {
    const int total = std::accumulate(weights.begin(), weights.end(), 0);
    int x = static_cast<int>(Between(0, total - 1));
    for (size_t i = 0; i < N; ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(N - 1);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

constexpr std::array<int, 5> kLineCountWeights = {45, 25, 15, 10, 5};
constexpr std::array<int, 5> kQuantityWeights = {60, 20, 10, 6, 4};
constexpr std::array<int, 3> kLevelWeights = {70, 20, 10};
constexpr std::array<v1::ServiceLevel, 3> kLevels = {
    v1::SERVICE_LEVEL_STANDARD, v1::SERVICE_LEVEL_EXPRESS,
    v1::SERVICE_LEVEL_OVERNIGHT};

template <size_t N>
double MeanOneBased(const std::array<int, N>& weights) {
  double sum = 0, total = 0;
  for (size_t i = 0; i < N; ++i) {
    sum += static_cast<double>(i + 1) * weights[i];
    total += weights[i];
  }
  return sum / total;
}

constexpr const char* kNames[] = {"Ada Lovelace", "Alan Turing", "Grace Hopper",
                                  "Edsger Dijkstra", "Barbara Liskov",
                                  "Donald Knuth", "Frances Allen", "Ken Thompson"};
constexpr const char* kCities[] = {"Berlin", "Hamburg", "Munich", "Cologne",
                                   "Paris", "Lyon", "Amsterdam", "Vienna"};
constexpr const char* kCountries[] = {"DE", "DE", "DE", "DE", "FR", "FR", "NL",
                                      "AT"};
constexpr const char* kCarriers[] = {"DHL", "UPS", "DPD", "GLS", "FedEx"};
constexpr const char* kCancelReasons[] = {
    "customer changed their mind", "ordered by mistake",
    "found a better price", "delivery date too late"};

std::string Padded(const char* prefix, uint64_t n, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%0*llu", prefix, digits,
                static_cast<unsigned long long>(n));
  return buf;
}

// The generator's picture of one SKU's ledger, as the engine keeps it.
struct SkuModel {
  int64_t on_hand = 0;
  int64_t reserved = 0;
  int64_t backlog = 0;   // units backordered orders still miss
  int64_t on_order = 0;  // units of a receipt on its way
  bool introduced = false;
  // Rule 3's serving order: level (higher first), shipBy, placedAt, id;
  // then the line within the order.
  std::set<std::tuple<int, EpochMillis, EpochMillis, uint32_t, uint32_t>>
      waiting;
};

struct LineModel {
  uint32_t sku;
  int32_t quantity;
  int32_t got = 0;  // units reserved for it
  bool waiting = false;
};

struct OrderModel {
  std::string id;
  v1::ServiceLevel level;
  EpochMillis placed_at = 0;
  EpochMillis ship_by = 0;
  std::vector<LineModel> lines;
  size_t record = 0;  // where its OrderPlaced is in the stream
  int missing = 0;  // lines not fully reserved
  bool cancelled = false;
  bool shipped = false;
};

enum class Happening : uint8_t {
  kArrival,    // the next order is placed
  kCancel,     // a = order
  kPack,       // a = order
  kShip,       // a = order
  kDeliver,    // a = order
  kFail,       // a = order
  kRedeliver,  // a = order
  kReceipt,    // a = sku, b = units
  kConflict,   // a = order: re-sent with different content
  kRepeat,     // a = index of an emitted record, delivered again
};

struct Event {
  EpochMillis at;
  uint64_t seq;  // FIFO among events at the same time
  Happening what;
  uint32_t a;
  int64_t b;
  bool operator>(const Event& o) const {
    return std::tie(at, seq) > std::tie(o.at, o.seq);
  }
};

class Generator {
 public:
  explicit Generator(const WorkloadOptions& options)
      : o_(options), rng_(options.seed) {
    const int32_t n = std::max<int32_t>(1, o_.sku_count);
    names_.reserve(n);
    for (int32_t i = 0; i < n; ++i) names_.push_back(Padded("SKU-", i, 6));
    skus_.resize(n);
    // Popularity by rank, and a shuffle so that rank is not SKU number.
    cdf_.resize(n);
    double sum = 0;
    for (int32_t r = 0; r < n; ++r) {
      sum += 1.0 / std::pow(static_cast<double>(r + 1), o_.zipf_exponent);
      cdf_[r] = sum;
    }
    by_rank_.resize(n);
    std::iota(by_rank_.begin(), by_rank_.end(), 0u);
    for (int32_t i = n - 1; i > 0; --i) {
      std::swap(by_rank_[i], by_rank_[rng_.Between(0, i)]);
    }
    // Expected units a day per SKU: share x orders a day x lines x units.
    const double units_a_day = o_.orders_per_minute * 60 * 24 *
                               MeanOneBased(kLineCountWeights) *
                               MeanOneBased(kQuantityWeights);
    daily_demand_.resize(n);
    for (int32_t r = 0; r < n; ++r) {
      const double share = (cdf_[r] - (r == 0 ? 0 : cdf_[r - 1])) / sum;
      daily_demand_[by_rank_[r]] = share * units_a_day;
    }
    for (double& c : cdf_) c /= sum;
  }

  std::vector<InputRecord> Run() {
    out_.reserve(o_.records + 8);
    Schedule(o_.start, Happening::kArrival, 0, 0);
    while (out_.size() < o_.records && !events_.empty()) {
      const Event e = events_.top();
      events_.pop();
      Handle(e);
    }
    out_.resize(std::min(out_.size(), o_.records));
    return std::move(out_);
  }

 private:
  // ------------------------------------------------------------ events

  void Schedule(EpochMillis at, Happening what, uint32_t a, int64_t b) {
    events_.push(Event{at, seq_++, what, a, b});
  }

  void Handle(const Event& e) {
    switch (e.what) {
      case Happening::kArrival:
        PlaceOrder(e.at);
        Schedule(e.at + static_cast<Millis>(
                            rng_.Exponential(60000.0 / o_.orders_per_minute)),
                 Happening::kArrival, 0, 0);
        return;
      case Happening::kCancel:
        CancelOrder(orders_[e.a], e.at);
        return;
      case Happening::kPack:
        if (!orders_[e.a].cancelled) {
          EmitShipment(orders_[e.a], v1::SHIPMENT_STATUS_PACKED, e.at);
        }
        return;
      case Happening::kShip:
        ShipOrder(e.a, e.at);
        return;
      case Happening::kDeliver:
      case Happening::kRedeliver:
        EmitShipment(orders_[e.a], v1::SHIPMENT_STATUS_DELIVERED, e.at);
        return;
      case Happening::kFail:
        EmitShipment(orders_[e.a], v1::SHIPMENT_STATUS_DELIVERY_FAILED, e.at);
        if (rng_.Chance(0.85)) {
          Schedule(e.at + rng_.Between(Hours(18), Hours(30)),
                   Happening::kRedeliver, e.a, 0);
        }
        return;
      case Happening::kReceipt:
        Receive(e.a, e.b, e.at);
        return;
      case Happening::kConflict:
        ResendChanged(orders_[e.a], e.at);
        return;
      case Happening::kRepeat: {
        InputRecord copy = out_[e.a];
        copy.timestamp = e.at;
        out_.push_back(std::move(copy));
        return;
      }
    }
  }

  // A record's timestamp: its event time, or for a few records a little
  // older, as if it had waited in another partition.
  EpochMillis Stamp(EpochMillis t) {
    return rng_.Chance(o_.late_record_rate) ? t - rng_.Between(1, 5000) : t;
  }

  template <typename M>
  size_t Emit(Topic topic, std::string key, EpochMillis timestamp, M message) {
    out_.push_back(InputRecord{topic, std::move(key), timestamp,
                               std::move(message)});
    return out_.size() - 1;
  }

  void MaybeRepeat(size_t index, EpochMillis at, Millis within) {
    if (rng_.Chance(o_.duplicate_rate)) {
      Schedule(at + rng_.Between(Seconds(1), within), Happening::kRepeat,
               static_cast<uint32_t>(index), 0);
    }
  }

  // ------------------------------------------------------------ orders

  uint32_t DrawSku() {
    const double u = rng_.Uniform();
    const size_t rank = static_cast<size_t>(
        std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
    return by_rank_[std::min(rank, by_rank_.size() - 1)];
  }

  void FillAddress(v1::Address* a, uint64_t customer) {
    const size_t city = customer % std::size(kCities);
    a->set_name(kNames[customer % std::size(kNames)]);
    a->set_line1(std::to_string(1 + customer % 180) + " Main Street");
    if (customer % 5 == 0) a->set_line2("2nd floor");
    a->set_city(kCities[city]);
    a->set_postal_code(Padded("", 10000 + (customer * 7919) % 89999, 5));
    a->set_country(kCountries[city]);
  }

  void PlaceOrder(EpochMillis t) {
    const uint32_t index = static_cast<uint32_t>(orders_.size());
    orders_.emplace_back();
    OrderModel& order = orders_.back();
    order.id = Padded("O-", index + 1, 8);
    order.level = kLevels[rng_.Weighted(kLevelWeights)];
    order.placed_at = Stamp(t);
    const ServiceLevelTimes& times = engine_config_.For(order.level);
    EpochMillis promised = order.placed_at + times.promise;
    const bool explicit_promise = rng_.Chance(0.2);
    if (explicit_promise) promised += rng_.Between(0, Days(1));
    order.ship_by = promised - times.transit;

    const uint64_t customer =
        static_cast<uint64_t>(rng_.Between(1, std::max(1, o_.customer_count)));
    v1::OrderPlaced m;
    m.set_order_id(order.id);
    m.set_customer_id(Padded("C-", customer, 7));
    SetTimestamp(order.placed_at, m.mutable_placed_at());
    m.set_service_level(order.level);
    if (explicit_promise) SetTimestamp(promised, m.mutable_promised_delivery_at());
    const int currency = rng_.Weighted(std::array<int, 3>{70, 20, 10});
    m.set_currency(currency == 0 ? "EUR" : currency == 1 ? "USD" : "GBP");
    FillAddress(m.mutable_ship_to(), customer);
    const int line_count = 1 + rng_.Weighted(kLineCountWeights);
    for (int i = 0; i < line_count; ++i) {
      uint32_t sku = DrawSku();
      for (int tries = 0; tries < 8; ++tries) {
        const bool taken = std::any_of(
            order.lines.begin(), order.lines.end(),
            [sku](const LineModel& l) { return l.sku == sku; });
        if (!taken) break;
        sku = DrawSku();
      }
      if (std::any_of(order.lines.begin(), order.lines.end(),
                      [sku](const LineModel& l) { return l.sku == sku; })) {
        continue;  // a tiny SKU universe: fewer lines
      }
      const int32_t quantity = 1 + rng_.Weighted(kQuantityWeights);
      order.lines.push_back(LineModel{sku, quantity});
      v1::OrderLine* line = m.add_lines();
      char line_id[8];
      std::snprintf(line_id, sizeof line_id, "L%d", i + 1);
      line->set_line_id(line_id);
      line->set_sku(names_[sku]);
      line->set_quantity(quantity);
      line->set_unit_price_minor(199 + (sku * 7919ull) % 20000);
    }

    const bool invalid = rng_.Chance(o_.invalid_rate);
    if (invalid) {
      Spoil(m);
      order.cancelled = true;  // as far as stock and shipping go
    }
    const bool cancels = rng_.Chance(o_.cancel_rate);
    const bool cancels_early = cancels && rng_.Chance(o_.early_cancel_fraction);

    if (!invalid && !cancels_early) {
      for (const LineModel& line : order.lines) Introduce(line.sku, t);
    }
    if (cancels_early) {
      // The ERP's cancellation overtook its order on the way.
      EmitCancellation(order, order.placed_at - rng_.Between(1, Seconds(30)));
      order.cancelled = true;
    }
    order.record = Emit(Topic::kOrders, order.id, order.placed_at, m);
    MaybeRepeat(order.record, t, Minutes(10));
    if (rng_.Chance(o_.conflict_rate)) {
      Schedule(t + rng_.Between(Minutes(1), Hours(1)), Happening::kConflict,
               index, 0);
    }
    if (!order.cancelled) Reserve(index, t);
    if (cancels && !cancels_early) {
      const Millis after = rng_.Chance(0.8)
                               ? rng_.Between(Minutes(1), Hours(2))
                               : rng_.Between(Hours(2), Days(1));
      Schedule(t + after, Happening::kCancel, index, 0);
    }
    if (rng_.Chance(o_.adjustment_rate)) Adjust(DrawSku(), t);
    if (rng_.Chance(o_.unknown_shipment_rate)) {
      v1::ShipmentEvent s;
      const std::string id = Padded("O-X", index + 1, 8);
      s.set_order_id(id);
      s.set_shipment_id(Padded("SHP-X", index + 1, 8));
      s.set_status(v1::SHIPMENT_STATUS_SHIPPED);
      const EpochMillis ts = Stamp(t);
      SetTimestamp(ts, s.mutable_occurred_at());
      s.set_carrier("DHL");
      Emit(Topic::kShipments, id, ts, std::move(s));
    }
  }

  // One defect that review must catch.
  void Spoil(v1::OrderPlaced& m) {
    switch (rng_.Between(0, 5)) {
      case 0: m.clear_customer_id(); break;
      case 1: m.mutable_lines(0)->set_quantity(0); break;
      case 2: m.mutable_lines(0)->set_quantity(5000); break;
      case 3: m.mutable_lines(0)->clear_unit_price_minor(); break;
      case 4: m.mutable_ship_to()->clear_postal_code(); break;
      default:
        SetTimestamp(ToMillis(m.placed_at()) - Hours(1),
                     m.mutable_promised_delivery_at());
        break;
    }
  }

  void ResendChanged(const OrderModel& order, EpochMillis t) {
    v1::OrderPlaced changed = std::get<v1::OrderPlaced>(out_[order.record].value);
    changed.mutable_lines(0)->set_quantity(changed.lines(0).quantity() + 1);
    Emit(Topic::kOrders, order.id, Stamp(t), std::move(changed));
  }

  void EmitCancellation(const OrderModel& order, EpochMillis ts) {
    v1::CancellationRequested c;
    c.set_order_id(order.id);
    SetTimestamp(ts, c.mutable_requested_at());
    c.set_reason(kCancelReasons[rng_.Between(0, std::size(kCancelReasons) - 1)]);
    Emit(Topic::kCancellations, order.id, ts, std::move(c));
  }

  void CancelOrder(OrderModel& order, EpochMillis t) {
    EmitCancellation(order, Stamp(t));
    if (order.cancelled || order.shipped) return;  // too late: it ships
    order.cancelled = true;
    for (LineModel& line : order.lines) {
      SkuModel& sku = skus_[line.sku];
      if (line.waiting) {
        sku.waiting.erase(WaitKey(order, line));
        sku.backlog -= line.quantity - line.got;
        sku.reserved -= line.got;
        line.waiting = false;
      } else {
        sku.reserved -= line.quantity;
      }
      Serve(line.sku, t);
    }
  }

  // ------------------------------------------------------------- stock

  std::tuple<int, EpochMillis, EpochMillis, uint32_t, uint32_t> WaitKey(
      const OrderModel& order, const LineModel& line) const {
    const uint32_t index = static_cast<uint32_t>(&order - orders_.data());
    const uint32_t line_index =
        static_cast<uint32_t>(&line - order.lines.data());
    return {-static_cast<int>(order.level), order.ship_by, order.placed_at,
            index, line_index};
  }

  int64_t LotSize(uint32_t sku) {
    const double days = 2 + 3 * rng_.Uniform();
    return std::max<int64_t>(10, std::llround(daily_demand_[sku] * days));
  }

  // The first time an order wants a SKU the warehouse counts it.
  void Introduce(uint32_t sku_index, EpochMillis t) {
    SkuModel& sku = skus_[sku_index];
    if (sku.introduced) return;
    sku.introduced = true;
    if (rng_.Chance(o_.out_of_stock_sku_fraction)) return;  // none yet
    sku.on_hand = LotSize(sku_index);
    EmitInventory(sku_index, v1::INVENTORY_KIND_SNAPSHOT, sku.on_hand, t);
  }

  void EmitInventory(uint32_t sku, v1::InventoryKind kind, int64_t quantity,
                     EpochMillis t) {
    v1::InventoryEvent e;
    e.set_sku(names_[sku]);
    e.set_kind(kind);
    e.set_quantity(quantity);
    const EpochMillis ts = Stamp(t);
    SetTimestamp(ts, e.mutable_occurred_at());
    e.set_warehouse_id(sku % 3 == 0 ? "WH-NORTH" : "WH-SOUTH");
    Emit(Topic::kInventory, names_[sku], ts, std::move(e));
  }

  // Rule 2 for a new order, line by line as the engine asks.
  void Reserve(uint32_t index, EpochMillis t) {
    OrderModel& order = orders_[index];
    for (LineModel& line : order.lines) {
      SkuModel& sku = skus_[line.sku];
      const int64_t give = std::clamp<int64_t>(sku.on_hand - sku.reserved, 0,
                                               line.quantity);
      sku.reserved += give;
      line.got = static_cast<int32_t>(give);
      if (give < line.quantity) {
        line.waiting = true;
        sku.waiting.insert(WaitKey(order, line));
        sku.backlog += line.quantity - give;
        ++order.missing;
      }
    }
    if (order.missing == 0) Allocated(index, t);
    for (const LineModel& line : order.lines) Reorder(line.sku, t);
  }

  // Rule 3: stock that appears goes to the first in line.
  void Serve(uint32_t sku_index, EpochMillis t) {
    SkuModel& sku = skus_[sku_index];
    while (!sku.waiting.empty() && sku.on_hand - sku.reserved > 0) {
      const auto [level, ship_by, placed_at, index, line_index] =
          *sku.waiting.begin();
      OrderModel& order = orders_[index];
      LineModel& line = order.lines[line_index];
      const int64_t give =
          std::min<int64_t>(sku.on_hand - sku.reserved, line.quantity - line.got);
      line.got += static_cast<int32_t>(give);
      sku.reserved += give;
      sku.backlog -= give;
      if (line.got < line.quantity) return;
      sku.waiting.erase(sku.waiting.begin());
      line.waiting = false;
      if (--order.missing == 0) Allocated(index, t);
    }
  }

  void Reorder(uint32_t sku_index, EpochMillis t) {
    SkuModel& sku = skus_[sku_index];
    if (sku.on_order > 0) return;
    const int64_t position =
        sku.on_hand - sku.reserved - sku.backlog + sku.on_order;
    if (static_cast<double>(position) >=
        daily_demand_[sku_index] * o_.reorder_days) {
      return;
    }
    sku.on_order = LotSize(sku_index) + std::max<int64_t>(0, -position);
    Schedule(t + rng_.Between(Hours(12), Hours(48)), Happening::kReceipt,
             sku_index, sku.on_order);
  }

  void Receive(uint32_t sku_index, int64_t units, EpochMillis t) {
    SkuModel& sku = skus_[sku_index];
    sku.introduced = true;
    sku.on_hand += units;
    sku.on_order = 0;
    EmitInventory(sku_index, v1::INVENTORY_KIND_RECEIPT, units, t);
    Serve(sku_index, t);
    Reorder(sku_index, t);
  }

  void Adjust(uint32_t sku_index, EpochMillis t) {
    SkuModel& sku = skus_[sku_index];
    if (!sku.introduced) return;
    int64_t delta = rng_.Between(1, 3);
    if (rng_.Chance(0.7)) delta = -std::min(delta, sku.on_hand);  // shrinkage
    if (delta == 0) return;
    sku.on_hand += delta;
    EmitInventory(sku_index, v1::INVENTORY_KIND_ADJUSTMENT, delta, t);
    if (delta > 0) Serve(sku_index, t);
    Reorder(sku_index, t);
  }

  // ---------------------------------------------------------- shipping

  void Allocated(uint32_t index, EpochMillis t) {
    const OrderModel& order = orders_[index];
    EpochMillis ship;
    if (rng_.Chance(o_.late_ship_rate)) {
      ship = std::max(t + Minutes(30),
                      order.ship_by + rng_.Between(-Hours(3), Hours(12)));
    } else {
      const Millis cap = order.level == v1::SERVICE_LEVEL_OVERNIGHT ? Hours(6)
                         : order.level == v1::SERVICE_LEVEL_EXPRESS ? Hours(16)
                                                                     : Hours(36);
      const Millis room = order.ship_by - Hours(4) - Minutes(30) - t;
      ship = room > Minutes(30)
                 ? t + rng_.Between(Minutes(30), std::min(room, cap))
                 : t + rng_.Between(Minutes(30), Hours(3));
    }
    const EpochMillis pack =
        std::max(t + Minutes(1), ship - rng_.Between(Minutes(10), Minutes(90)));
    Schedule(pack, Happening::kPack, index, 0);
    Schedule(ship, Happening::kShip, index, 0);
  }

  void ShipOrder(uint32_t index, EpochMillis t) {
    OrderModel& order = orders_[index];
    if (order.cancelled || order.shipped) return;
    order.shipped = true;
    for (LineModel& line : order.lines) {
      SkuModel& sku = skus_[line.sku];
      int64_t held = line.quantity;
      if (line.waiting) {  // shipped short: not what this model does
        sku.waiting.erase(WaitKey(order, line));
        sku.backlog -= line.quantity - line.got;
        held = line.got;
        line.waiting = false;
      }
      sku.on_hand -= held;
      sku.reserved -= held;
    }
    EmitShipment(order, v1::SHIPMENT_STATUS_SHIPPED, t);
    const Millis transit =
        order.level == v1::SERVICE_LEVEL_OVERNIGHT ? rng_.Between(Hours(6), Hours(14))
        : order.level == v1::SERVICE_LEVEL_EXPRESS ? rng_.Between(Hours(12), Hours(30))
                                                    : rng_.Between(Hours(24), Hours(80));
    Schedule(t + transit,
             rng_.Chance(o_.delivery_failed_rate) ? Happening::kFail
                                                  : Happening::kDeliver,
             index, 0);
  }

  void EmitShipment(const OrderModel& order, v1::ShipmentStatus status,
                    EpochMillis t) {
    const uint64_t number = static_cast<uint64_t>(&order - orders_.data()) + 1;
    v1::ShipmentEvent s;
    s.set_order_id(order.id);
    s.set_shipment_id(Padded("SHP-", number, 8));
    s.set_status(status);
    const EpochMillis ts = Stamp(t);
    SetTimestamp(ts, s.mutable_occurred_at());
    if (status != v1::SHIPMENT_STATUS_PACKED) {
      s.set_carrier(kCarriers[number % std::size(kCarriers)]);
      s.set_tracking_number(Padded("1Z", number * 2654435761ull % 1000000000000ull, 12));
    }
    const size_t index = Emit(Topic::kShipments, order.id, ts, std::move(s));
    MaybeRepeat(index, t, Minutes(5));
  }

  const WorkloadOptions o_;
  const EngineConfig engine_config_;  // the default promises of rule 6
  Rng rng_;
  std::vector<std::string> names_;
  std::vector<double> cdf_;         // by rank
  std::vector<uint32_t> by_rank_;   // rank -> SKU
  std::vector<double> daily_demand_;  // by SKU
  std::vector<SkuModel> skus_;
  std::vector<OrderModel> orders_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  std::vector<InputRecord> out_;
};

}  // namespace

std::string_view TopicName(Topic topic) {
  switch (topic) {
    case Topic::kOrders: return "orders";
    case Topic::kCancellations: return "cancellations";
    case Topic::kShipments: return "shipments";
    case Topic::kInventory: return "inventory";
  }
  return "unknown";
}

std::vector<InputRecord> GenerateWorkload(const WorkloadOptions& options) {
  return Generator(options).Run();
}

std::string Describe(const std::vector<InputRecord>& stream) {
  size_t orders = 0, lines = 0, cancellations = 0, inventory = 0;
  std::array<size_t, 6> shipments{};
  std::array<size_t, 4> kinds{};
  EpochMillis first = kNever, last = 0;
  for (const InputRecord& r : stream) {
    first = std::min(first, r.timestamp);
    last = std::max(last, r.timestamp);
    switch (r.topic) {
      case Topic::kOrders:
        ++orders;
        lines += std::get<v1::OrderPlaced>(r.value).lines_size();
        break;
      case Topic::kCancellations: ++cancellations; break;
      case Topic::kShipments:
        ++shipments[std::get<v1::ShipmentEvent>(r.value).status() % 6];
        break;
      case Topic::kInventory:
        ++inventory;
        ++kinds[std::get<v1::InventoryEvent>(r.value).kind() % 4];
        break;
    }
  }
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "%zu records over %.1f h: %zu orders (%.2f lines each), %zu "
      "cancellations, %zu shipment events (packed %zu, shipped %zu, "
      "delivered %zu, failed %zu), %zu inventory events (snapshot %zu, "
      "receipt %zu, adjustment %zu)",
      stream.size(),
      stream.empty() ? 0.0 : static_cast<double>(last - first) / Hours(1),
      orders, orders ? static_cast<double>(lines) / orders : 0.0,
      cancellations,
      shipments[1] + shipments[2] + shipments[3] + shipments[4] + shipments[5],
      shipments[2], shipments[3], shipments[4], shipments[5], inventory,
      kinds[3], kinds[1], kinds[2]);
  return buf;
}

void Feed(const InputRecord& record, Pipeline& pipeline, int64_t offset,
          std::string_view payload) {
  const RecordSource source{TopicName(record.topic), 0, offset, record.key,
                            payload, record.timestamp};
  switch (record.topic) {
    case Topic::kOrders:
      pipeline.OnOrderPlaced(std::get<v1::OrderPlaced>(record.value), source);
      return;
    case Topic::kCancellations:
      pipeline.OnCancellation(std::get<v1::CancellationRequested>(record.value),
                              source);
      return;
    case Topic::kShipments:
      pipeline.OnShipment(std::get<v1::ShipmentEvent>(record.value), source);
      return;
    case Topic::kInventory:
      pipeline.OnInventoryEvent(std::get<v1::InventoryEvent>(record.value),
                                source);
      return;
  }
}

std::string EncodeValue(const InputRecord& record) {
  std::string bytes;
  std::visit([&bytes](const auto& m) { m.SerializeToString(&bytes); },
             record.value);
  return bytes;
}

EncodedRecord Encode(const InputRecord& record) {
  return EncodedRecord{record.topic, record.key, record.timestamp,
                       EncodeValue(record)};
}

bool Decoder::Feed(const EncodedRecord& record, Pipeline& pipeline,
                   int64_t offset) {
  const RecordSource source{TopicName(record.topic), 0, offset, record.key,
                            record.value, record.timestamp};
  switch (record.topic) {
    case Topic::kOrders:
      if (!order_.ParseFromString(record.value)) return false;
      pipeline.OnOrderPlaced(order_, source);
      return true;
    case Topic::kCancellations:
      if (!cancellation_.ParseFromString(record.value)) return false;
      pipeline.OnCancellation(cancellation_, source);
      return true;
    case Topic::kShipments:
      if (!shipment_.ParseFromString(record.value)) return false;
      pipeline.OnShipment(shipment_, source);
      return true;
    case Topic::kInventory:
      if (!inventory_.ParseFromString(record.value)) return false;
      pipeline.OnInventoryEvent(inventory_, source);
      return true;
  }
  return false;
}

}  // namespace orderflow::workload
