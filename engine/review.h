// Rule 1, review: is an order complete and plausible enough to accept?
//
//   ReviewFindings f = Review(order, config);
//   if (!f.ok()) { ... reject with f.codes, tell a person f.Sentence() ... }
#ifndef ORDERFLOW_ENGINE_REVIEW_H_
#define ORDERFLOW_ENGINE_REVIEW_H_

#include <string>
#include <vector>

#include "engine/config.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

struct ReviewFindings {
  // Distinct machine codes in a fixed order: MISSING_FIELD,
  // INVALID_QUANTITY, QUANTITY_LIMIT, LINE_LIMIT (more lines than
  // max_lines_per_order: the lines are then not reviewed one by one),
  // ADDRESS_INCOMPLETE, PROMISE_IN_PAST, TIME_OUT_OF_RANGE (placedAt or
  // promisedDeliveryAt outside InTimeRange).
  std::vector<std::string> codes;
  // One short phrase per problem, naming the field ("lines[1].sku missing").
  std::vector<std::string> problems;

  bool ok() const { return codes.empty(); }
  // "Order O-1 rejected: lines[0].quantity is 0; shipTo.city missing."
  std::string Sentence(std::string_view order_id) const;
};

ReviewFindings Review(const v1::OrderPlaced& order, const EngineConfig& config);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_REVIEW_H_
