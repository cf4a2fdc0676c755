// Rule 10 as an order's records tell it, for its timeline (`orderflow
// inspect`, GET /api/orders/<id>): the order's delivery tasks (one per
// warehouse with rule 9), its parcels (each shipmentId: its task and
// warehouse, what it carries, carrier and tracking, every PICKED, PACKED,
// SHIPPED, DELIVERED and DELIVERY_FAILED it had) and what is still to
// ship.
//
//   OrderParcelView view;
//   view.Input(Topic::kOrders);
//   view.AddOrder(placed);             // the order's first OrderPlaced
//   view.AddShipment(shipment, time);  // each shipment event, in order
//   view.AddTask(task);                // each delivery task
//   view.Rejected(Topic::kShipments);  // a dead letter right after it
//   nlohmann::ordered_json tasks = view.TasksJson();
//
// The parcels are folded as the engine folds them (engine/order_parcels.cc):
// a parcel is its shipmentId, its lines are those of its first event that
// leaves the warehouse, an event without lines names the whole of its task
// when the order has several, and otherwise carries every unit not yet
// shipped (so a v1 order's one shipment is one parcel with all its lines). A parcel's DELIVERED without lines that the engine reads as the
// whole order's delivers every parcel. A shipment the engine refused
// (SHIPMENT_MISMATCH) is followed by its dead letter, before the next
// input: Rejected() then takes it back (one held until its order came is
// refused right after the order). A shipment that comes before its
// order counts once the order comes, as the engine holds it until then.
#ifndef ORDERFLOW_OBSERVE_ORDER_TIMELINE_PARCELS_H_
#define ORDERFLOW_OBSERVE_ORDER_TIMELINE_PARCELS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/time.h"
#include "engine/topics.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

class OrderParcelView {
 public:
  // A record of the order's timeline, of `topic`'s generated type,
  // recorded at `time`: each call below that applies to it, Input first
  // for an input. `first` tells the order's first OrderPlaced; `status`
  // is the order's latest status before it (a shipment for a CANCELLED
  // order ships nothing).
  void Add(Topic topic, const google::protobuf::Message& value,
           EpochMillis time, bool first, v1::OrderStatus status);

  // Every input record, before what it adds: it is the one a dead letter
  // that follows refers to.
  void Input(Topic topic);
  // The order's first OrderPlaced: its lines. Shipments seen before it
  // are applied now.
  void AddOrder(const v1::OrderPlaced& order);
  // `time` is the record's, for an event without occurredAt. Ignored while
  // `cancelled` (rule 13: the order was cancelled before it shipped; the
  // engine records such a shipment but ships nothing with it).
  void AddShipment(const v1::ShipmentEvent& shipment, EpochMillis time,
                   bool cancelled);
  // A cancellation: once something has shipped, the rest is cancelled.
  void AddCancellation();
  // Rule 11: an amendment's lines count once its result says APPLIED.
  void AddAmendment(const v1::OrderAmended& amendment);
  void AddAmendmentResult(const v1::AmendmentResult& result);
  void AddTask(const v1::DeliveryTask& task);
  // A dead letter of a record from `source` (`payload`: the record's value
  // as it came): the engine refused the input recorded last, if it was of
  // that topic (shipments or cancellations) and, for a shipment whose
  // payload parses, of the same shipmentId.
  void Rejected(Topic source, std::string_view payload = {});

  // "deliveryTasks": [{"taskId", "warehouseId" (null without warehouses),
  //   "action", "lines": [{"lineId", "sku", "quantity"}]}], in the order
  //   first seen.
  nlohmann::ordered_json TasksJson() const;
  // "parcels": [{"shipmentId", "taskId" (the event's; else the order's one
  //   task; else null), "warehouseId" (the task's, or null), "whole" (sent
  //   without lines), "lines": [{"lineId", "sku", "quantity"}], "carrier",
  //   "trackingNumber" (null when never given), "status" (SHIPPED,
  //   DELIVERED or DELIVERY_FAILED; PICKED or PACKED before it leaves),
  //   "history": [{"status", "at"}] (each status once)}], in the order
  //   first seen. "whole": the parcel came without lines and carries the
  //   rest of the order.
  nlohmann::ordered_json ParcelsJson() const;
  // "unshipped": [{"lineId", "sku", "quantity" (units still to ship),
  //   "ordered"}] for each line with units still to ship; none once
  //   `closed_unshipped` (the order was cancelled or rejected as a whole)
  //   or the rest was cancelled.
  nlohmann::ordered_json UnshippedJson(bool closed_unshipped) const;
  // The unshipped rest was cancelled (rule 10).
  bool rest_cancelled() const { return progress_.rest_cancelled; }
  // Adds the four to an order's JSON state: "deliveryTasks", "parcels",
  // "unshipped" and "restCancelled".
  void AddJson(nlohmann::ordered_json& state, bool closed_unshipped) const;

 private:
  struct Line {
    std::string line_id;
    std::string sku;
    int32_t quantity = 0;
    int32_t shipped = 0;
    int32_t delivered = 0;
  };
  struct Event {
    v1::ShipmentStatus status = v1::SHIPMENT_STATUS_UNSPECIFIED;
    EpochMillis at = 0;
  };
  struct Parcel {
    std::string shipment_id;
    std::string task_id;
    std::string carrier;
    std::string tracking_number;
    bool whole = false;
    std::vector<std::pair<std::string, int32_t>> lines;  // lineId, units
    std::vector<Event> history;
    bool shipped = false;
    bool delivered = false;
    bool failed = false;
  };
  // What shipments and cancellations change, kept whole so that the last
  // one can be taken back.
  struct Progress {
    std::vector<Line> lines;
    std::vector<Parcel> parcels;
    bool whole_shipped = false;  // the first parcel carried every unit
    bool rest_cancelled = false;
  };
  struct Task {
    std::string task_id;
    std::string warehouse_id;
    v1::TaskAction action = v1::TASK_ACTION_UNSPECIFIED;
    std::vector<Line> lines;  // quantity only
  };

  void Apply(const v1::ShipmentEvent& shipment, EpochMillis time);
  int32_t ToShip(const Line& line) const;
  Line* FindLine(const std::string& line_id);
  const Line* FindLine(const std::string& line_id) const;
  std::string TaskOf(const Parcel& parcel) const;

  bool placed_ = false;
  Progress progress_;
  std::vector<Task> tasks_;
  std::vector<std::pair<v1::ShipmentEvent, EpochMillis>> early_;
  // The order's lines as placed, and the early shipments its OrderPlaced
  // applied (until the next input): one of those the engine refuses then
  // has its dead letter after the order.
  std::vector<Line> placed_lines_;
  std::vector<std::pair<v1::ShipmentEvent, EpochMillis>> early_applied_;
  std::vector<v1::OrderAmended> amendments_;  // awaiting their result
  // The input recorded last, and the progress before it.
  std::optional<Topic> last_input_;
  std::optional<Progress> before_last_;
  std::string last_shipment_id_;
};

// The rows `inspect` prints for an order with parcels: its tasks, each
// parcel with its history and what is still unshipped, as (label, text)
// pairs; a label left empty continues the one above. None for an order
// whose JSON state shows no parcels with lines, no second parcel or task
// and no warehouse: a v1 order reads as before.
std::vector<std::pair<std::string, std::string>> ParcelRows(
    const nlohmann::ordered_json& state);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_ORDER_TIMELINE_PARCELS_H_
