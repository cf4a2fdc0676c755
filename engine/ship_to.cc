#include "engine/ship_to.h"

namespace orderflow {

OrderEncoding ShipToAddresses::Encode(const v1::OrderPlaced& placed) {
  KeepWaiting();  // encoding_ is written again
  const OrderEncoding encoding = EncodeOrderPlacedWithShipTo(placed, encoding_);
  encoded_ship_to_ = encoding.ship_to;
  return encoding;
}

void ShipToAddresses::KeepEncoded(Order& order, const v1::Address& address) {
  if (!encoded_ship_to_) {
    Keep(order, address);
    return;
  }
  Drop(order);
  KeepWaiting();  // another order's
  order.has_ship_to_ = true;
  waiting_ = &order;
  waiting_bytes_ = *encoded_ship_to_;
}

void ShipToAddresses::KeepWaiting() {
  if (waiting_ == nullptr) return;
  Order& order = *waiting_;
  waiting_ = nullptr;
  DropKept(order);
  order.packed_.append(waiting_bytes_);
  order.has_ship_to_ = true;
}

std::string_view ShipToAddresses::Of(const Order& order) const {
  if (!order.has_ship_to_) return {};
  if (waiting_ == &order) return waiting_bytes_;
  return KeptBytes(order);
}

void ShipToAddresses::Keep(Order& order, const v1::Address& address) {
  Drop(order);
  AppendAddress(address, order.packed_);
  order.has_ship_to_ = true;
}

void ShipToAddresses::Drop(Order& order) {
  if (waiting_ == &order) waiting_ = nullptr;
  DropKept(order);
}

std::string_view ShipToAddresses::KeptBytes(const Order& order) {
  return std::string_view(order.packed_).substr(order.LineIdsEnd());
}

void ShipToAddresses::DropKept(Order& order) {
  if (!order.has_ship_to_) return;
  order.has_ship_to_ = false;
  const size_t end = order.LineIdsEnd();
  if (order.packed_.size() == end) return;  // nothing was kept here
  order.packed_.resize(end);
  order.packed_.shrink_to_fit();
}

}  // namespace orderflow
