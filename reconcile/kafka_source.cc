// ReadKafka (sources.h): the five topics read to their end offsets.
#include "kafka/kafka_io.h"
#include "reconcile/sources.h"

namespace orderflow {

absl::Status ReadKafka(const Config& config, ReconcileRecords* records,
                       ReadCounts* counts) {
  auto add = [&](Topic topic, const RdKafka::Message& m) {
    const void* data = m.payload();
    const int size = static_cast<int>(m.len());
    bool used = false;
    switch (topic) {
      case Topic::kOrders: {
        v1::OrderPlaced order;
        if ((used = data != nullptr && order.ParseFromArray(data, size))) {
          records->AddOrder(order);
        }
        break;
      }
      case Topic::kInvoices: {
        v1::InvoiceIssued invoice;
        if ((used = data != nullptr && invoice.ParseFromArray(data, size))) {
          records->AddInvoice(invoice, m.key() ? *m.key() : std::string());
        }
        break;
      }
      case Topic::kShipments: {
        v1::ShipmentEvent shipment;
        if ((used = data != nullptr && shipment.ParseFromArray(data, size))) {
          records->AddShipment(shipment, m.key() ? *m.key() : std::string());
        }
        break;
      }
      case Topic::kDeliveryTasks: {
        v1::DeliveryTask task;
        if ((used = data != nullptr && task.ParseFromArray(data, size))) {
          records->AddTask(task);
        }
        break;
      }
      default: {
        v1::OrderStatusChanged change;
        if ((used = data != nullptr && change.ParseFromArray(data, size))) {
          records->AddStatus(change);
        }
        break;
      }
    }
    if (used) {
      ++counts->records;
    } else {
      ++counts->unusable_input_lines;
    }
  };
  return ReadTopicsToEnd(config,
                         {Topic::kOrders, Topic::kInvoices, Topic::kShipments,
                          Topic::kOrderStatus, Topic::kDeliveryTasks},
                         add, {.group_suffix = ".reconcile"})
      .status();
}

}  // namespace orderflow
