// The ship-to addresses of the orders of one shard, and the buffer the
// shard encodes each placed order into (for its content fingerprint).
//
// An order keeps its address from its acceptance until its delivery task
// is created (the task carries it) or it closes or ships. Most orders are
// allocated, and their task created, before the next order is placed, so
// the address of the order placed last is not copied: it stays in the
// encoding it came in, the one "waiting" address, and is copied into its
// order only when the buffer is about to be written again (Encode) for
// the next order. This class owns both the buffer and the waiting
// address, and it is the only way to read, keep or drop an order's
// address (Order has no public way to its address's bytes, and no view
// into the buffer is taken from outside), so no order can be left with an
// address the buffer no longer holds.
//
//   ShipToAddresses addresses;
//   const OrderEncoding encoding = addresses.Encode(placed);
//   ...
//   addresses.KeepEncoded(order, placed.ship_to());
//   task.ship_to = addresses.Of(order);
//   addresses.Drop(order);
#ifndef ORDERFLOW_ENGINE_SHIP_TO_H_
#define ORDERFLOW_ENGINE_SHIP_TO_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/order.h"
#include "engine/order_wire.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

class ShipToAddresses {
 public:
  ShipToAddresses() = default;
  ShipToAddresses(const ShipToAddresses&) = delete;
  ShipToAddresses& operator=(const ShipToAddresses&) = delete;

  // Encodes `placed` as EncodeOrderPlacedWithShipTo does, into the one
  // buffer; a waiting address is first copied into its order. The
  // encoding's views are valid until the next Encode.
  OrderEncoding Encode(const v1::OrderPlaced& placed);
  // The order keeps the address of the order last encoded, `address`:
  // without a copy while it waits in the buffer, or written out from
  // `address` when the encoding holds no address bytes (an address with
  // unknown fields). An address waiting for another order is first copied
  // into it.
  void KeepEncoded(Order& order, const v1::Address& address);

  // The address's bytes (as AppendAddress writes them); empty when the
  // order has none (!order.has_ship_to()). Valid until the order's address
  // is kept or dropped, or the next Encode.
  std::string_view Of(const Order& order) const;

  // The order keeps a copy of `address` (a restore).
  void Keep(Order& order, const v1::Address& address);
  // The order has no address any more.
  void Drop(Order& order);

  // Forgets the waiting address without copying it (its order goes too),
  // and the last encoding's.
  void Clear() {
    waiting_ = nullptr;
    encoded_ship_to_.reset();
  }

 private:
  // Copies the waiting address, if any, into its order.
  void KeepWaiting();
  // The bytes an order keeps itself, after its lineIds.
  static std::string_view KeptBytes(const Order& order);
  static void DropKept(Order& order);

  // The last order placed, in protobuf binary.
  std::string encoding_;
  // The address's bytes in encoding_, when it holds them.
  std::optional<std::string_view> encoded_ship_to_;
  // The order whose address is only in encoding_ (orders have stable
  // addresses in their store), and those bytes; null when none is.
  Order* waiting_ = nullptr;
  std::string_view waiting_bytes_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_SHIP_TO_H_
