// Rule 12's configuration (`holds.limits`): how long a hold of each type
// may stay open before HOLD_AGED is raised at level 1; level 2 follows at
// twice the limit.
#ifndef ORDERFLOW_ENGINE_HOLD_LIMITS_H_
#define ORDERFLOW_ENGINE_HOLD_LIMITS_H_

#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

struct HoldLimits {
  Millis payment = Hours(24);
  Millis fraud = Hours(4);
  Millis address = Hours(24);
  Millis credit = Hours(48);
  Millis customer_request = Hours(72);
  Millis other = Hours(24);

  // The limit of `type`; a type the engine does not know is OTHER.
  Millis For(v1::HoldType type) const {
    switch (type) {
      case v1::HOLD_TYPE_PAYMENT: return payment;
      case v1::HOLD_TYPE_FRAUD: return fraud;
      case v1::HOLD_TYPE_ADDRESS: return address;
      case v1::HOLD_TYPE_CREDIT: return credit;
      case v1::HOLD_TYPE_CUSTOMER_REQUEST: return customer_request;
      case v1::HOLD_TYPE_OTHER:
      case v1::HOLD_TYPE_UNSPECIFIED:
      case v1::HoldType_INT_MIN_SENTINEL_DO_NOT_USE_:
      case v1::HoldType_INT_MAX_SENTINEL_DO_NOT_USE_:
        break;
    }
    return other;
  }
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_HOLD_LIMITS_H_
