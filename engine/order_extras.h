// What an order keeps only when it uses the v1.1 extensions beyond the
// common case: lines split across warehouses (rule 9), what each line's
// parcels have shipped and delivered (rule 10), its amendments and the
// warehouse work reported per task (rule 11), its contacts (rule 13) and
// holds (rule 12).
//
// A v1 order never has them (Order::extras stays null), so an open v1
// order costs no more than a pointer for them (bench/README.md,
// BM_BytesPerOpenOrder); nor does a sourced order until one of them
// happens to it. Each part is filled by the rule it belongs to
// and read back through that rule's functions, never set field by field
// from elsewhere.
#ifndef ORDERFLOW_ENGINE_ORDER_EXTRAS_H_
#define ORDERFLOW_ENGINE_ORDER_EXTRAS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// Rule 9: what a sourced order keeps of its lines' sourcing beyond each
// line's warehouse and task (Order::Line holds those): the further parts
// of lines split_lines took from several warehouses, and where task
// numbers go on after a preemption cancelled tasks. Empty for most
// orders.
struct LineSourcing {
  static constexpr uint16_t kNowhere = UINT16_MAX;
  // One part of a line after its first: where, in which of that
  // warehouse's tasks, and how many of the line's units. The first part
  // (the line's own warehouse and task) holds the units the others do
  // not.
  struct Part {
    uint16_t warehouse = kNowhere;
    uint16_t task = 0;
    int32_t units = 0;
  };
  // By line index, in the order the inventory stage answered them; a
  // line past the end has none.
  std::vector<std::vector<Part>> more;
  // Rule 9's preemption CANCELled the order's tasks when the highest of
  // their numbers was this: later tasks are numbered above it (0 none).
  uint16_t tasks_cancelled_up_to = 0;
};

// Units per order line (by line index).
using LineUnits = absl::InlinedVector<int32_t, 4>;

// Rule 10: the order's parcels, line by line (engine/parcels.h reads
// them; order_parcels.cc changes them). Empty (`shipped` has no entries)
// until the order's first parcel with lines; from then on, every shipment
// event of the order is applied through them.
//
// Invariants: delivered[i] <= shipped[i] <= the line's quantity, and once
// the unshipped rest is cancelled, what shipped is all the line ships.
//
// Counts per line and a parcel's lines are kept inline for the orders of
// up to four lines, and parcels of up to two, that nearly every order is
// (no allocation for them; each is as large as a std::vector).
struct LineParcels {
  // (order line index, units).
  using Lines = absl::InlinedVector<std::pair<uint32_t, int32_t>, 2>;
  // One parcel: a shipmentId and what it carries.
  struct Parcel {
    std::string shipment_id;
    // In the order the parcel named them.
    Lines lines;
    bool shipped = false;
    bool delivered = false;
    bool failed = false;  // its delivery failed, and it is not delivered
    bool whole = false;   // sent without lines: the rest of the order
  };
  // Per order line (by index): units shipped and delivered.
  LineUnits shipped;
  LineUnits delivered;
  std::vector<Parcel> parcels;  // in the order they first came
  // The whole order shipped (a shipment without lines) before the first
  // parcel with lines: later parcels ship nothing more.
  bool whole_shipped = false;
  // A cancellation after a partial shipment cancelled the unshipped rest.
  bool rest_cancelled = false;

  bool active() const { return !shipped.empty(); }
  // Back to no parcels.
  void Clear() {
    shipped.clear();
    delivered.clear();
    parcels.clear();
    whole_shipped = false;
    rest_cancelled = false;
  }
};

// Rule 13: the order's customer contacts (engine/contacts.h reads them;
// order_contacts.cc changes them) and what was reported shipped or
// delivered after the order was cancelled. The carrier and tracking of
// its shipments are not here: every order that ships keeps them, extras
// or not (engine/shipment_carriers.h).
struct OrderContacts {
  struct Contact {
    std::string contact_id;
    int32_t kind = 0;             // v1::ContactKind
    int64_t received_at = 0;      // epoch ms
    std::string root_cause;       // as the level-1 escalation gave it
    uint8_t raised = 0;           // bit (1 << level) per level RAISED
    uint8_t cleared = 0;          // bit (1 << level) per level CLEARED
    bool resolved = false;
  };
  // The last SHIPPED or DELIVERED reported for the order once cancelled.
  struct AfterCancel {
    std::string shipment_id;
    int32_t status = 0;      // v1::ShipmentStatus
    int64_t occurred_at = 0; // epoch ms
    std::string carrier;
    std::string tracking_number;
  };
  std::vector<Contact> contacts;  // in the order they first came
  // Null until a shipment is reported after the cancellation (rare: kept
  // apart, so that every order's extras stay small).
  std::unique_ptr<AfterCancel> after_cancel;

  bool shipped_after_cancel() const { return after_cancel != nullptr; }
  bool empty() const { return contacts.empty() && !shipped_after_cancel(); }
};

// Rule 12: the order's holds (engine/holds.h reads them;
// order_holds.cc changes them), in the order they were placed. Empty
// until the order's first hold.
struct OrderHolds {
  struct Hold {
    std::string id;  // holdId
    v1::HoldType type = v1::HOLD_TYPE_UNSPECIFIED;
    int64_t placed_at = 0;  // engine time (ms) it was placed
    bool released = false;
    // Placed at or after SHIPPED: it never held the order.
    bool after_shipment = false;
  };
  std::vector<Hold> holds;
  // The order's delivery tasks were sent HOLD and not yet RELEASE.
  bool task_held = false;
};

// Rule 11: the order's amendments (order_amendments.cc changes them).
// Empty (no ids seen) until the order's first amendment.
struct OrderAmendments {
  // The amendmentIds applied or rejected, in the order they came: a
  // repeat is recognised and changes nothing.
  std::vector<std::string> seen;
  // The address an amendment gave, protobuf binary (AppendAddress), for
  // the tasks that follow; null while none did (kept apart, so that every
  // order's extras stay small).
  std::unique_ptr<std::string> ship_to;
  bool has_ship_to() const { return ship_to != nullptr; }
  // An amendment changed the order's stock requests (RESIZE) and the
  // order settles when every answer is in.
  bool resize_pending = false;
  // With warehouses (rule 9): the order's tasks that warehouse work
  // reached (a line in one may no longer change), and those open when a
  // pending amendment was applied (each then gets UPDATE or CANCEL).
  // Number 0 (warehouse LineSourcing::kNowhere): work reported without a
  // taskId, which covers every task.
  struct TaskMark {
    uint16_t warehouse = UINT16_MAX;
    uint16_t number = 0;
    bool picked = false;
    bool open_before = false;
  };
  std::vector<TaskMark> tasks;

  bool active() const { return !seen.empty(); }
};

struct OrderExtras {
  LineSourcing sourcing;
  LineParcels parcels;
  OrderContacts contacts;  // rule 13
  OrderHolds holds;
  OrderAmendments amendments;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_ORDER_EXTRAS_H_
