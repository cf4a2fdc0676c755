// What an order keeps only when it uses the v1.1 extensions: the
// warehouse each line is reserved at (rule 9) and what each line's
// parcels have shipped and delivered (rule 10).
//
// A v1 order never has them (Order::extras stays null), so an open v1
// order costs no more than a pointer for them (bench/README.md,
// BM_BytesPerOpenOrder). Each part is filled by the rule it belongs to
// and read back through that rule's functions, never set field by field
// from elsewhere.
#ifndef ORDERFLOW_ENGINE_ORDER_EXTRAS_H_
#define ORDERFLOW_ENGINE_ORDER_EXTRAS_H_

#include <cstdint>
#include <vector>

namespace orderflow {

// Rule 9: where the order's lines are sourced, line by line (parallel to
// Order::lines), kept for every order while warehouses are configured.
struct LineSourcing {
  static constexpr uint16_t kNowhere = UINT16_MAX;
  struct Line {
    // The warehouse (SourcingConfig::warehouses index) the line is
    // reserved at, or partly while backordered; kNowhere until answered.
    uint16_t warehouse = kNowhere;
    // Which of that warehouse's tasks of the order holds the line (1 the
    // first); 0 while in none.
    uint16_t task = 0;
  };
  std::vector<Line> lines;
};

// Rule 10: the order's parcels, line by line.
struct LineParcels {
};

struct OrderExtras {
  LineSourcing sourcing;
  LineParcels parcels;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ORDER_EXTRAS_H_
