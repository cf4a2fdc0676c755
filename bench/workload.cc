#include "bench/workload.h"

#include "bench/workload_mix.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <queue>
#include <tuple>

#include "sim/catalogue.h"
#include "sim/random.h"
#include "sim/records.h"
#include "sim/stock_ledger.h"

namespace orderflow::workload {
namespace {

constexpr std::array<int, 5> kLineCountWeights = {45, 25, 15, 10, 5};
constexpr std::array<int, 5> kQuantityWeights = {60, 20, 10, 6, 4};
constexpr std::array<int, 3> kLevelWeights = {70, 20, 10};
constexpr std::array<v1::ServiceLevel, 3> kLevels = {
    v1::SERVICE_LEVEL_STANDARD, v1::SERVICE_LEVEL_EXPRESS,
    v1::SERVICE_LEVEL_OVERNIGHT};

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
  // The v1.1 mix; b of kDeliver, kFail and kRedeliver is then the parcel.
  kPick,       // a = order
  kHold,       // a = order
  kRelease,    // a = order
  kAmend,      // a = order
  kContact,    // a = order, b = which contact (1, 2)
  kResolve,    // a = order, b = which contact
};

// What the v1.1 mix adds to an order.
struct MixOrder {
  EpochMillis hold_at = kNever;
  EpochMillis release_at = kNever;
  v1::HoldType hold_type = v1::HOLD_TYPE_UNSPECIFIED;
  bool hold_cancels = false;
  bool hold_after_shipping = false;  // placed once the order has shipped
  std::array<v1::ContactKind, 2> contact_kinds{};
  std::array<EpochMillis, 2> contact_received{};
  std::vector<Parcel> parcels;  // once allocated
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

// Expected units a day over all SKUs: orders a day x lines x units.
double UnitsADay(const WorkloadOptions& o) {
  return o.orders_per_minute * 60 * 24 * MeanOneBased(kLineCountWeights) *
         MeanOneBased(kQuantityWeights);
}

class Generator final : private StockLedger::Listener {
 public:
  explicit Generator(const WorkloadOptions& options)
      : o_(options),
        holds_(options.v11 || options.holds_and_contacts),
        rng_(options.seed),
        skus_(SkuCatalogue::Zipf(o_.sku_count, o_.zipf_exponent, UnitsADay(o_),
                                 rng_)),
        ledger_(skus_.size(), *this) {}

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
        CancelOrder(e.a, e.at);
        return;
      case Happening::kPack:
        if (!ledger_.order(e.a).cancelled) {
          if (!o_.v11) {
            EmitShipment(e.a, v1::SHIPMENT_STATUS_PACKED, e.at);
          } else {
            for (size_t p = 0; p < mix_[e.a].parcels.size(); ++p) {
              EmitShipment(e.a, v1::SHIPMENT_STATUS_PACKED, e.at, p);
            }
          }
        }
        return;
      case Happening::kShip:
        ShipOrder(e.a, e.at);
        return;
      case Happening::kDeliver:
      case Happening::kRedeliver:
        EmitShipment(e.a, v1::SHIPMENT_STATUS_DELIVERED, e.at, e.b);
        return;
      case Happening::kFail:
        EmitShipment(e.a, v1::SHIPMENT_STATUS_DELIVERY_FAILED, e.at, e.b);
        if (rng_.Chance(0.85)) {
          Schedule(e.at + rng_.Between(Hours(18), Hours(30)),
                   Happening::kRedeliver, e.a, e.b);
        }
        return;
      case Happening::kReceipt:
        Receive(e.a, e.b, e.at);
        return;
      case Happening::kConflict:
        ResendChanged(e.a, e.at);
        return;
      case Happening::kRepeat: {
        InputRecord copy = out_[e.a];
        copy.timestamp = e.at;
        out_.push_back(std::move(copy));
        return;
      }
      case Happening::kPick:
      case Happening::kHold:
      case Happening::kRelease:
      case Happening::kAmend:
      case Happening::kContact:
      case Happening::kResolve:
        HandleMix(e);
        return;
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

  uint32_t DrawSku() { return skus_.Pick(rng_.Uniform()); }

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
    const uint32_t index = ledger_.AddOrder();
    LedgerOrder& order = ledger_.order(index);
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
            [sku](const LedgerLine& l) { return l.sku == sku; });
        if (!taken) break;
        sku = DrawSku();
      }
      if (std::any_of(order.lines.begin(), order.lines.end(),
                      [sku](const LedgerLine& l) { return l.sku == sku; })) {
        continue;  // a tiny SKU universe: fewer lines
      }
      const int32_t quantity = 1 + rng_.Weighted(kQuantityWeights);
      order.lines.push_back(LedgerLine{sku, quantity});
      v1::OrderLine* line = m.add_lines();
      char line_id[8];
      std::snprintf(line_id, sizeof line_id, "L%d", i + 1);
      line->set_line_id(line_id);
      line->set_sku(skus_.Name(sku));
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
      for (const LedgerLine& line : order.lines) Introduce(line.sku, t);
    }
    if (cancels_early) {
      // The ERP's cancellation overtook its order on the way.
      EmitCancellation(order, order.placed_at - rng_.Between(1, Seconds(30)));
      order.cancelled = true;
    }
    records_.push_back(Emit(Topic::kOrders, order.id, order.placed_at, m));
    MaybeRepeat(records_.back(), t, Minutes(10));
    if (rng_.Chance(o_.conflict_rate)) {
      Schedule(t + rng_.Between(Minutes(1), Hours(1)), Happening::kConflict,
               index, 0);
    }
    if (holds_) {
      mix_.emplace_back();
      if (!order.cancelled) DrawMix(index, t);
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
      const std::string id = Padded("O-X", index + 1, 8);
      const EpochMillis ts = Stamp(t);
      Emit(Topic::kShipments, id, ts,
           ShipmentRecord(id, Padded("SHP-X", index + 1, 8),
                          v1::SHIPMENT_STATUS_SHIPPED, ts, "DHL"));
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

  void ResendChanged(uint32_t index, EpochMillis t) {
    v1::OrderPlaced changed = std::get<v1::OrderPlaced>(out_[records_[index]].value);
    changed.mutable_lines(0)->set_quantity(changed.lines(0).quantity() + 1);
    Emit(Topic::kOrders, ledger_.order(index).id, Stamp(t), std::move(changed));
  }

  void EmitCancellation(const LedgerOrder& order, EpochMillis ts) {
    const char* reason =
        kCancelReasons[rng_.Between(0, std::size(kCancelReasons) - 1)];
    Emit(Topic::kCancellations, order.id, ts,
         CancellationRecord(order.id, ts, reason));
  }

  void CancelOrder(uint32_t index, EpochMillis t) {
    EmitCancellation(ledger_.order(index), Stamp(t));
    ledger_.Cancel(index, t);  // when shipped already: too late, it ships
  }

  // ------------------------------------------------------------- stock

  int64_t LotSize(uint32_t sku) {
    const double days = 2 + 3 * rng_.Uniform();
    return std::max<int64_t>(10, std::llround(skus_.DailyDemand(sku) * days));
  }

  // The first time an order wants a SKU the warehouse counts it.
  void Introduce(uint32_t sku, EpochMillis t) {
    if (!ledger_.Introduce(sku)) return;
    if (rng_.Chance(o_.out_of_stock_sku_fraction)) return;  // none yet
    const int64_t units = LotSize(sku);
    ledger_.Count(sku, units);
    EmitInventory(sku, v1::INVENTORY_KIND_SNAPSHOT, units, t);
  }

  void EmitInventory(uint32_t sku, v1::InventoryKind kind, int64_t quantity,
                     EpochMillis t) {
    const EpochMillis ts = Stamp(t);
    Emit(Topic::kInventory, skus_.Name(sku), ts,
         InventoryRecord(skus_.Name(sku), kind, quantity, ts,
                         o_.v11          ? HomeOf(sku)
                         : sku % 3 == 0 ? "WH-NORTH"
                                        : "WH-SOUTH"));
  }

  // Rule 2 for a new order, then a reorder of each SKU it took from.
  void Reserve(uint32_t index, EpochMillis t) {
    ledger_.Reserve(index, t);
    for (const LedgerLine& line : ledger_.order(index).lines) Reorder(line.sku, t);
  }

  // A lot of 2-5 days of demand (at least 10 units) plus the backlog,
  // arriving 12-48 h later, when the SKU falls below its reorder point.
  void Reorder(uint32_t sku, EpochMillis t) {
    const std::optional<int64_t> backlog =
        ledger_.BelowReorderPoint(sku, skus_.DailyDemand(sku) * o_.reorder_days);
    if (!backlog) return;
    const int64_t units = LotSize(sku) + *backlog;
    ledger_.Ordered(sku, units);
    Schedule(t + rng_.Between(Hours(12), Hours(48)), Happening::kReceipt, sku,
             units);
  }

  void Receive(uint32_t sku, int64_t units, EpochMillis t) {
    ledger_.Receive(sku, units);
    EmitInventory(sku, v1::INVENTORY_KIND_RECEIPT, units, t);
    ledger_.Serve(sku, t);
    Reorder(sku, t);
  }

  void Adjust(uint32_t sku, EpochMillis t) {
    if (!ledger_.sku(sku).introduced) return;
    int64_t delta = rng_.Between(1, 3);
    if (rng_.Chance(0.7)) delta = -std::min(delta, ledger_.sku(sku).on_hand);  // shrinkage
    if (delta == 0) return;
    ledger_.Adjust(sku, delta);
    EmitInventory(sku, v1::INVENTORY_KIND_ADJUSTMENT, delta, t);
    if (delta > 0) ledger_.Serve(sku, t);
    Reorder(sku, t);
  }

  // ---------------------------------------------------------- shipping

  // StockLedger::Listener: every line of the order is reserved.
  void Allocated(uint32_t index, EpochMillis t) override {
    const LedgerOrder& order = ledger_.order(index);
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
    EpochMillis pack =
        std::max(t + Minutes(1), ship - rng_.Between(Minutes(10), Minutes(90)));
    if (holds_) {
      // The warehouse does no work on a held order: what is left of the
      // hold once it is allocated delays packing and shipping.
      MixOrder& mix = mix_[index];
      if (mix.hold_at <= pack && mix.release_at > t) {
        const Millis wait = mix.release_at - std::max(t, mix.hold_at);
        pack += wait;
        ship += wait;
      }
      if (mix.hold_after_shipping) {
        mix.hold_at = ship + rng_.Between(Hours(1), Hours(12));
        mix.release_at = mix.hold_at + DrawHoldDuration(mix.hold_type, rng_);
        Schedule(mix.hold_at, Happening::kHold, index, 0);
        Schedule(mix.release_at, Happening::kRelease, index, 0);
      }
    }
    if (o_.v11) {
      MixOrder& mix = mix_[index];
      std::vector<std::string_view> homes;
      for (const LedgerLine& line : order.lines) homes.push_back(HomeOf(line.sku));
      mix.parcels = PlanParcels(std::get<v1::OrderPlaced>(out_[records_[index]].value),
                                homes, index + 1ull, rng_.Chance(o_.split_task_rate));
      // The warehouse picks the order (one PICKED for all its tasks),
      // then packs each parcel.
      Schedule(std::max(t + Seconds(30), pack - rng_.Between(Minutes(5), Minutes(30))),
               Happening::kPick, index, 0);
    }
    Schedule(pack, Happening::kPack, index, 0);
    Schedule(ship, Happening::kShip, index, 0);
  }

  void ShipOrder(uint32_t index, EpochMillis t) {
    if (!ledger_.Ship(index)) return;  // cancelled, or shipped before
    // Every parcel leaves at once (a cancellation cannot come between
    // them, which the stock model could not follow); each travels alone.
    const size_t parcels = o_.v11 ? mix_[index].parcels.size() : 1;
    for (size_t p = 0; p < parcels; ++p) {
      EmitShipment(index, v1::SHIPMENT_STATUS_SHIPPED, t, p);
    }
    const v1::ServiceLevel level = ledger_.order(index).level;
    for (size_t p = 0; p < parcels; ++p) {
      const Millis transit =
          level == v1::SERVICE_LEVEL_OVERNIGHT ? rng_.Between(Hours(6), Hours(14))
          : level == v1::SERVICE_LEVEL_EXPRESS ? rng_.Between(Hours(12), Hours(30))
                                               : rng_.Between(Hours(24), Hours(80));
      Schedule(t + transit,
               rng_.Chance(o_.delivery_failed_rate) ? Happening::kFail
                                                    : Happening::kDeliver,
               index, static_cast<int64_t>(p));
    }
  }

  // The order's shipment, or with the v1.1 mix its parcel `parcel`.
  void EmitShipment(uint32_t order, v1::ShipmentStatus status, EpochMillis t,
                    int64_t parcel = 0) {
    const std::string& id = ledger_.order(order).id;
    const uint64_t number = static_cast<uint64_t>(order) + 1;
    const uint64_t tracked = o_.v11 ? number * 10 + parcel : number;
    const EpochMillis ts = Stamp(t);
    // The warehouse packs; the carrier ships, delivers and tracks.
    const bool carried = status != v1::SHIPMENT_STATUS_PACKED &&
                         status != v1::SHIPMENT_STATUS_PICKED;
    v1::ShipmentEvent m = ShipmentRecord(
        id, Padded("SHP-", number, 8), status, ts,
        carried ? kCarriers[number % std::size(kCarriers)] : "",
        carried ? Padded("1Z", tracked * 2654435761ull % 1000000000000ull, 12)
                : std::string());
    if (o_.v11) {
      const Parcel& p = mix_[order].parcels[parcel];
      m.set_shipment_id(p.shipment_id);
      DescribeParcel(p, m);
    }
    const size_t index = Emit(Topic::kShipments, id, ts, std::move(m));
    MaybeRepeat(index, t, Minutes(5));
  }

  // ------------------------------------------------------------- v1.1

  // What else happens to a new, valid order of the v1.1 mix.
  void DrawMix(uint32_t index, EpochMillis t) {
    MixOrder& mix = mix_[index];
    if (rng_.Chance(o_.hold_rate)) {
      mix.hold_type = DrawHoldType(rng_);
      // Most holds come within minutes of the order; a few once it has
      // shipped (HOLD_AFTER_SHIPMENT), scheduled when its shipping is.
      mix.hold_after_shipping = rng_.Chance(0.05);
      if (!mix.hold_after_shipping) {
        mix.hold_at = t + rng_.Between(Seconds(5), Minutes(10));
        mix.release_at = mix.hold_at + DrawHoldDuration(mix.hold_type, rng_);
        mix.hold_cancels = mix.hold_type != v1::HOLD_TYPE_CUSTOMER_REQUEST &&
                           mix.hold_type != v1::HOLD_TYPE_OTHER &&
                           rng_.Chance(0.15);
        Schedule(mix.hold_at, Happening::kHold, index, 0);
        Schedule(mix.release_at, Happening::kRelease, index, 0);
      }
    }
    if (o_.v11 && rng_.Chance(o_.amend_rate)) {
      Schedule(t + rng_.Between(Minutes(5), Hours(12)), Happening::kAmend, index, 0);
    }
    if (rng_.Chance(o_.contact_rate)) {
      Schedule(t + rng_.Between(Hours(2), Days(4)), Happening::kContact, index, 1);
    }
  }

  void HandleMix(const Event& e) {
    const LedgerOrder& order = ledger_.order(e.a);
    const v1::OrderPlaced& placed =
        std::get<v1::OrderPlaced>(out_[records_[e.a]].value);
    MixOrder& mix = mix_[e.a];
    const EpochMillis ts = Stamp(e.at);
    const std::string hold_id = "H-" + order.id;
    const std::string contact_id = "CT-" + order.id + "-" + std::to_string(e.b);
    switch (e.what) {
      case Happening::kPick:
        if (!order.cancelled) EmitShipment(e.a, v1::SHIPMENT_STATUS_PICKED, e.at, 0);
        return;
      case Happening::kHold:
        Emit(Topic::kHolds, order.id, ts,
             HoldPlaced(order.id, hold_id, mix.hold_type, ts));
        return;
      case Happening::kRelease:
        Emit(Topic::kHolds, order.id, ts,
             HoldReleased(order.id, hold_id, mix.hold_cancels, ts));
        if (mix.hold_cancels) ledger_.Cancel(e.a, e.at);
        return;
      case Happening::kAmend:
        // An upgrade once allocated (it cannot change which order stock
        // serves first); else a new address.
        if (order.missing == 0 && !order.cancelled &&
            order.level == v1::SERVICE_LEVEL_STANDARD && rng_.Chance(0.3)) {
          Emit(Topic::kAmendments, order.id, ts,
               ServiceUpgrade(order.id, "A-" + order.id, v1::SERVICE_LEVEL_EXPRESS, ts));
        } else {
          Emit(Topic::kAmendments, order.id, ts,
               AddressChange(placed, "A-" + order.id, ts));
        }
        return;
      case Happening::kContact:
        mix.contact_kinds[e.b - 1] = DrawContactKind(rng_);
        mix.contact_received[e.b - 1] = ts;
        Emit(Topic::kCustomerContacts, order.id, ts,
             ContactRecord(contact_id, order.id, placed.customer_id(),
                           mix.contact_kinds[e.b - 1], ts, kNever));
        if (rng_.Chance(0.7)) {
          Schedule(e.at + rng_.Between(Hours(1), Hours(48)), Happening::kResolve,
                   e.a, e.b);
        }
        if (e.b == 1 && rng_.Chance(0.1)) {
          Schedule(e.at + rng_.Between(Hours(4), Hours(30)), Happening::kContact,
                   e.a, 2);
        }
        return;
      case Happening::kResolve: {
        // The same contact again, resolved; received when it first came.
        v1::CustomerContact m = ContactRecord(
            contact_id, order.id, placed.customer_id(),
            mix.contact_kinds[e.b - 1], mix.contact_received[e.b - 1], ts);
        Emit(Topic::kCustomerContacts, order.id, ts, std::move(m));
        return;
      }
      default:
        return;
    }
  }

  const WorkloadOptions o_;
  const bool holds_;  // holds and contacts: the v1.1 mix, or only them
  const EngineConfig engine_config_;  // the default promises of rule 6
  Random rng_;
  const SkuCatalogue skus_;
  StockLedger ledger_;
  std::vector<size_t> records_;  // by order: where its OrderPlaced is in out_
  std::vector<MixOrder> mix_;    // by order, with the v1.1 mix
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  std::vector<InputRecord> out_;
};

}  // namespace

std::vector<InputRecord> GenerateWorkload(const WorkloadOptions& options) {
  return Generator(options).Run();
}

}  // namespace orderflow::workload
