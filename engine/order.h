// One order as the order stage keeps it: the record an OrderStore holds in
// a slot (engine/order_store.h).
//
// The layout is tuned for memory and cache misses (bench/README.md,
// BM_BytesPerOpenOrder): the fields every later record of the order
// (shipment events, cancellation) and its timers read come first, from the
// id to the inline lines, and span three cache lines; the lineIds and the
// ship-to address, invoices and the content fingerprint come last.
//
// The ship-to address is not a field anyone may read or write: it is kept
// and dropped only through ShipToAddresses (engine/ship_to.h), because
// while an order's task is not yet created its address may live in the
// shard's encoding buffer instead of the order.
#ifndef ORDERFLOW_ENGINE_ORDER_H_
#define ORDERFLOW_ENGINE_ORDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "engine/deadlines.h"
#include "engine/escalations.h"
#include "engine/invoices.h"
#include "engine/order_extras.h"
#include "engine/text_key.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// An interned SKU name (or currency code): OrderStore::Intern.
using SkuId = uint32_t;
// Where an order lives in its OrderStore.
using OrderSlot = uint32_t;

class ShipToAddresses;

// A protobuf enum's value in one byte, as an order keeps it: read and
// written as the enum itself. The values the engine decides fit (the
// enums have a handful); a value that does not (below 0 or from 255 up,
// which protobuf lets any int32 field carry) is kept as kOutOfRange and
// reads back as that.
template <typename E>
class ByteEnum {
 public:
  static constexpr uint8_t kOutOfRange = 255;
  constexpr ByteEnum(E e)  // NOLINT: converts as the enum would
      : value_(static_cast<unsigned>(e) < kOutOfRange  // negatives too
                   ? static_cast<uint8_t>(e)
                   : kOutOfRange) {}
  constexpr operator E() const { return static_cast<E>(value_); }  // NOLINT

 private:
  uint8_t value_;
};

struct Order {
  struct Line {
    SkuId sku;
    int32_t quantity;
    uint32_t id_end : 31;   // where this line's lineId ends in the lineIds
    uint32_t reserved : 1;  // the order's whole demand for this SKU is reserved
    // unitPriceMinor in two halves: keeps the line 4-byte aligned (24
    // bytes with the warehouse and task below, not 32) in the order's
    // inline storage.
    uint32_t price_low;
    int32_t price_high;
    // Rule 9, for a sourced order (Order::sourced): the warehouse the
    // line is reserved at, or partly while backordered (a
    // SourcingConfig::warehouses index; LineSourcing::kNowhere until
    // answered), and which of that warehouse's tasks of the order holds
    // it (1 the first; 0 while in none). With split_lines these are the
    // line's first part; its further parts are in the order's extras
    // (LineSourcing::more). Kept in the line itself, as every shipment
    // event of a sourced order reads them.
    uint16_t warehouse = LineSourcing::kNowhere;
    uint16_t task = 0;
    int64_t unit_price() const {
      return static_cast<int64_t>((static_cast<uint64_t>(
                                       static_cast<uint32_t>(price_high))
                                   << 32) |
                                  price_low);
    }
  };
  // What an order's invoices bill, kept only for orders that have one.
  struct Invoices {
    std::vector<LineAmounts> lines;  // summed per lineId
    std::vector<std::pair<std::string, uint64_t>> seen;  // id, fingerprint
  };

  TextKey id;  // inline up to 15 characters; reads as its text (text_key.h)
  ByteEnum<v1::OrderStatus> status = v1::ORDER_STATUS_UNSPECIFIED;
  // Any int32 on a rejected order (review refuses a value the enum lacks):
  // one past a byte reads back as ByteEnum's kOutOfRange.
  ByteEnum<v1::ServiceLevel> level = v1::SERVICE_LEVEL_UNSPECIFIED;
  uint16_t awaiting_answers = 0;
  OrderSlot slot = 0;
  // Of the slot: how many orders it held before (30 bits: a slot would
  // have to be reused a billion times to wrap).
  uint32_t generation : 30 = 0;
  // Rule 11: the furthest warehouse work reported for the order's task,
  // kWorkPicked or kWorkPacked (0 none); SHIPPED and later are its status.
  // Two bits that cost no memory: an amendment is refused by it.
  uint32_t work_reported : 2 = 0;
  static constexpr uint32_t kWorkPicked = 1, kWorkPacked = 2;
  SkuId currency = 0;  // interned like SKU names; 0 is ""
  RungSet raised, cleared;
  bool task_created : 1 = false;
  // Rule 9: the order's lines are sourced per warehouse (warehouses were
  // configured when it was accepted): OrderShard::IsSourced. Its ship-to
  // country is kept by its store (OrderStore::SourcingCountry).
  bool sourced : 1 = false;
  // Rule 11 with rule 9: the order's only task mark, while it has one
  // (OrderAmendments::TaskMark: a task warehouse work reached, picked and
  // not open before), kept here in two bytes rather than in the extras,
  // which most orders never need; OrderShard::TaskMarksOf reads both.
  // The warehouse is kInlineNowhere for LineSourcing::kNowhere.
  bool has_task_mark : 1 = false;

 private:
  friend class ShipToAddresses;
  bool has_ship_to_ = false;

 public:
  static constexpr uint8_t kInlineNowhere = UINT8_MAX;
  uint8_t task_mark_warehouse = 0;
  uint8_t task_mark_number = 0;
  EpochMillis timer_due = kNever;
  EpochMillis since = 0;  // see OrderState.since_ms
  Promise promise{};
  EpochMillis placed_at = 0;
  // A shipped order usually sees three events (PACKED, SHIPPED,
  // DELIVERED): kept inline, no allocation.
  absl::InlinedVector<uint64_t, 3> shipment_events_seen;
  // Two lines are kept inline.
  absl::InlinedVector<Line, 2> lines;

 private:
  // The lines' lineIds back to back, then, while the order keeps its
  // ship-to address itself (ShipToAddresses), the address in protobuf
  // binary: one string, inline while short, instead of a message with a
  // string per field.
  std::string packed_;

 public:
  std::unique_ptr<Invoices> invoices;  // null until the first invoice
  // Null for an order that uses none of the v1.1 extensions.
  std::unique_ptr<OrderExtras> extras;
  uint64_t content_hash = 0;

  // The order's extras, made the first time one of them is needed.
  OrderExtras& Extras() {
    if (extras == nullptr) extras = std::make_unique<OrderExtras>();
    return *extras;
  }
  // Whether the order has a ship-to address (ShipToAddresses::Of reads
  // it): from its acceptance until its task is created or it closes.
  bool has_ship_to() const { return has_ship_to_; }
  std::string_view LineId(size_t i) const {
    const size_t begin = i == 0 ? 0 : lines[i - 1].id_end;
    return std::string_view(packed_).substr(begin, lines[i].id_end - begin);
  }
  // Adds a line; its lineId goes before the address, if any.
  void AddLine(std::string_view line_id, SkuId sku, int32_t quantity,
               int64_t unit_price, bool reserved);

 private:
  size_t LineIdsEnd() const { return lines.empty() ? 0 : lines.back().id_end; }
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ORDER_H_
