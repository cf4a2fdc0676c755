// Protobuf binary of the two messages the order shard encodes for every
// order, written and read without protobuf's generic code: an OrderPlaced
// (for its content fingerprint) and its ship-to Address (kept packed in the
// order until the delivery task is created).
//
// The bytes are exactly protobuf's own serialization (fields in number
// order, deterministic); a message that protobuf's fast path cannot be sure
// of (unknown fields, non-ASCII text when reading) is handed to protobuf
// itself, so the result never differs from SerializeToString and
// ParseFromArray. Proto3 text is valid UTF-8 by the time it reaches the
// engine (the decoders check it), so writing skips protobuf's check.
#ifndef ORDERFLOW_ENGINE_ORDER_WIRE_H_
#define ORDERFLOW_ENGINE_ORDER_WIRE_H_

#include <optional>
#include <string>
#include <string_view>

#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// The bytes order.SerializeToString would give (deterministic), at the
// start of `buffer` (reused from call to call; it may hold more after
// them). Valid until `buffer` changes.
std::string_view EncodeOrderPlaced(const v1::OrderPlaced& order,
                                   std::string& buffer);

// The same, and where in them the ship-to address's bytes are: `ship_to`
// is what AppendAddress(order.ship_to()) appends (empty when the order has
// no address), a view into `bytes`; nullopt when protobuf itself encoded
// the order (unknown fields), and then only AppendAddress gives them.
struct OrderEncoding {
  std::string_view bytes;
  std::optional<std::string_view> ship_to;
};
OrderEncoding EncodeOrderPlacedWithShipTo(const v1::OrderPlaced& order,
                                          std::string& buffer);

// Appends address.AppendToString's bytes to `out`.
void AppendAddress(const v1::Address& address, std::string& out);

// address->ParseFromArray(bytes): replaces *address with what `bytes` hold.
void ParseAddress(std::string_view bytes, v1::Address* address);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ORDER_WIRE_H_
