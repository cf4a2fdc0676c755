#include "engine/topics.h"

#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

std::string_view ShortName(Topic topic) {
  switch (topic) {
    case Topic::kOrders: return "orders";
    case Topic::kCancellations: return "cancellations";
    case Topic::kShipments: return "shipments";
    case Topic::kInventory: return "inventory";
    case Topic::kInvoices: return "invoices";
    case Topic::kOrderStatus: return "order-status";
    case Topic::kDeliveryTasks: return "delivery-tasks";
    case Topic::kEscalations: return "escalations";
    case Topic::kDeadLetter: return "dead-letter";
    case Topic::kCustomerContacts: return "customer-contacts";
    case Topic::kHolds: return "holds";
    case Topic::kAmendments: return "amendments";
    case Topic::kAmendmentResults: return "amendment-results";
  }
  return "";
}

std::optional<Topic> TopicByShortName(std::string_view name) {
  for (Topic t : kAllTopics) {
    if (ShortName(t) == name) return t;
  }
  return std::nullopt;
}

bool IsInput(Topic topic) {
  switch (topic) {
    case Topic::kOrders:
    case Topic::kCancellations:
    case Topic::kShipments:
    case Topic::kInventory:
    case Topic::kInvoices:
    case Topic::kCustomerContacts: return true;
    case Topic::kHolds: return true;
    case Topic::kAmendments: return true;
    case Topic::kOrderStatus:
    case Topic::kDeliveryTasks:
    case Topic::kEscalations:
    case Topic::kDeadLetter:
    case Topic::kAmendmentResults: return false;
  }
  return false;
}

const google::protobuf::Message& MessageTypeOf(Topic topic) {
  switch (topic) {
    case Topic::kOrders: return v1::OrderPlaced::default_instance();
    case Topic::kCancellations:
      return v1::CancellationRequested::default_instance();
    case Topic::kShipments: return v1::ShipmentEvent::default_instance();
    case Topic::kInventory: return v1::InventoryEvent::default_instance();
    case Topic::kInvoices: return v1::InvoiceIssued::default_instance();
    case Topic::kOrderStatus: return v1::OrderStatusChanged::default_instance();
    case Topic::kDeliveryTasks: return v1::DeliveryTask::default_instance();
    case Topic::kEscalations: return v1::Escalation::default_instance();
    case Topic::kDeadLetter: return v1::DeadLetter::default_instance();
    case Topic::kCustomerContacts:
      return v1::CustomerContact::default_instance();
    case Topic::kHolds: return v1::HoldEvent::default_instance();
    case Topic::kAmendments: return v1::OrderAmended::default_instance();
    case Topic::kAmendmentResults:
      return v1::AmendmentResult::default_instance();
  }
  return v1::DeadLetter::default_instance();
}

EpochMillis OutputTime(Topic topic, const google::protobuf::Message& m) {
  switch (topic) {
    case Topic::kOrderStatus:
      return ToMillis(static_cast<const v1::OrderStatusChanged&>(m).occurred_at());
    case Topic::kDeliveryTasks:
      return ToMillis(static_cast<const v1::DeliveryTask&>(m).created_at());
    case Topic::kEscalations:
      return ToMillis(static_cast<const v1::Escalation&>(m).detected_at());
    case Topic::kDeadLetter:
      return ToMillis(static_cast<const v1::DeadLetter&>(m).dead_lettered_at());
    case Topic::kAmendmentResults:
      return ToMillis(static_cast<const v1::AmendmentResult&>(m).occurred_at());
    default:
      return 0;
  }
}

}  // namespace orderflow
