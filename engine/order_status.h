// Where an order stands, by its status: the groupings the rules speak of.
#ifndef ORDERFLOW_ENGINE_ORDER_STATUS_H_
#define ORDERFLOW_ENGINE_ORDER_STATUS_H_

#include <string_view>

#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// Accepted and not yet shipped: stock may still be reserved or released.
// (ON_HOLD, rule 12, is one of these.)
inline bool NotYetShipped(v1::OrderStatus s) {
  return s == v1::ORDER_STATUS_ACCEPTED || s == v1::ORDER_STATUS_BACKORDERED ||
         s == v1::ORDER_STATUS_ALLOCATED || s == v1::ORDER_STATUS_ON_HOLD;
}
// Has left the warehouse, all of it or (rule 10) some of it: rule 4's
// too late to cancel, for what has left.
inline bool HasShipped(v1::OrderStatus s) {
  return s == v1::ORDER_STATUS_SHIPPED || s == v1::ORDER_STATUS_DELIVERED ||
         s == v1::ORDER_STATUS_DELIVERY_FAILED ||
         s == v1::ORDER_STATUS_PARTIALLY_SHIPPED ||
         s == v1::ORDER_STATUS_PARTIALLY_DELIVERED;
}
// Nothing more will happen to it: no deadline applies.
inline bool IsClosed(v1::OrderStatus s) {
  return s == v1::ORDER_STATUS_REJECTED || s == v1::ORDER_STATUS_CANCELLED ||
         s == v1::ORDER_STATUS_DELIVERED;
}
// Accepted and not closed: in the backlog.
inline bool IsOpen(v1::OrderStatus s) {
  return NotYetShipped(s) || s == v1::ORDER_STATUS_SHIPPED ||
         s == v1::ORDER_STATUS_DELIVERY_FAILED ||
         s == v1::ORDER_STATUS_PARTIALLY_SHIPPED ||
         s == v1::ORDER_STATUS_PARTIALLY_DELIVERED;
}

// An enum value's name without its enum's prefix: "EXPRESS" for
// SERVICE_LEVEL_EXPRESS, as people read it.
inline std::string_view WithoutPrefix(std::string_view name,
                                      std::string_view prefix) {
  if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
  return name;
}

// "BACKORDERED" for ORDER_STATUS_BACKORDERED.
inline std::string_view StatusName(v1::OrderStatus s) {
  return WithoutPrefix(v1::OrderStatus_Name(s), "ORDER_STATUS_");
}

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ORDER_STATUS_H_
