#include "engine/input_record.h"

#include "engine/dead_letter.h"
#include "engine/text.h"

namespace orderflow {

inline constexpr InputTopic kAllInputTopics[] = {
    InputTopic::kOrders,    InputTopic::kCancellations,
    InputTopic::kShipments, InputTopic::kInventory,
    InputTopic::kInvoices,  InputTopic::kAllocationRequests,
    InputTopic::kAllocationResults, InputTopic::kCustomerContacts, InputTopic::kHolds,
    InputTopic::kAmendments};

std::string_view ShortName(InputTopic topic) {
  switch (topic) {
    case InputTopic::kOrders: return ShortName(Topic::kOrders);
    case InputTopic::kCancellations: return ShortName(Topic::kCancellations);
    case InputTopic::kShipments: return ShortName(Topic::kShipments);
    case InputTopic::kInventory: return ShortName(Topic::kInventory);
    case InputTopic::kInvoices: return ShortName(Topic::kInvoices);
    case InputTopic::kAllocationRequests: return "allocation-requests";
    case InputTopic::kAllocationResults: return "allocation-results";
    case InputTopic::kCustomerContacts:
      return ShortName(Topic::kCustomerContacts);
    case InputTopic::kHolds: return ShortName(Topic::kHolds);
    case InputTopic::kAmendments: return ShortName(Topic::kAmendments);
  }
  return "";
}

std::optional<InputTopic> InputTopicByShortName(std::string_view name) {
  for (InputTopic t : kAllInputTopics) {
    if (ShortName(t) == name) return t;
  }
  return std::nullopt;
}

std::optional<Topic> PublicTopic(InputTopic topic) {
  switch (topic) {
    case InputTopic::kOrders: return Topic::kOrders;
    case InputTopic::kCancellations: return Topic::kCancellations;
    case InputTopic::kShipments: return Topic::kShipments;
    case InputTopic::kInventory: return Topic::kInventory;
    case InputTopic::kInvoices: return Topic::kInvoices;
    case InputTopic::kCustomerContacts: return Topic::kCustomerContacts;
    case InputTopic::kHolds: return Topic::kHolds;
    case InputTopic::kAmendments: return Topic::kAmendments;
    case InputTopic::kAllocationRequests:
    case InputTopic::kAllocationResults: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<InputTopic> AsInput(Topic topic) {
  switch (topic) {
    case Topic::kOrders: return InputTopic::kOrders;
    case Topic::kCancellations: return InputTopic::kCancellations;
    case Topic::kShipments: return InputTopic::kShipments;
    case Topic::kInventory: return InputTopic::kInventory;
    case Topic::kInvoices: return InputTopic::kInvoices;
    case Topic::kCustomerContacts: return InputTopic::kCustomerContacts;
    case Topic::kHolds: return InputTopic::kHolds;
    case Topic::kOrderStatus:
    case Topic::kDeliveryTasks:
    case Topic::kEscalations:
    case Topic::kAmendments: return InputTopic::kAmendments;
    case Topic::kDeadLetter:
    case Topic::kAmendmentResults: return std::nullopt;
  }
  return std::nullopt;
}

google::protobuf::Message& InputRecord::MessageOf(InputTopic topic) {
  switch (topic) {
    case InputTopic::kOrders: return order_;
    case InputTopic::kCancellations: return cancellation_;
    case InputTopic::kShipments: return shipment_;
    case InputTopic::kInventory: return inventory_;
    case InputTopic::kInvoices: return invoice_;
    case InputTopic::kAllocationRequests: return request_;
    case InputTopic::kAllocationResults: return result_;
    case InputTopic::kCustomerContacts: return contact_;
    case InputTopic::kHolds: return hold_;
    case InputTopic::kAmendments: return amendment_;
  }
  return order_;
}

const google::protobuf::Message& MessageTypeOf(InputTopic topic) {
  switch (topic) {
    case InputTopic::kOrders: return v1::OrderPlaced::default_instance();
    case InputTopic::kCancellations:
      return v1::CancellationRequested::default_instance();
    case InputTopic::kShipments: return v1::ShipmentEvent::default_instance();
    case InputTopic::kInventory: return v1::InventoryEvent::default_instance();
    case InputTopic::kInvoices: return v1::InvoiceIssued::default_instance();
    case InputTopic::kAllocationRequests:
      return internal::v1::AllocationRequest::default_instance();
    case InputTopic::kAllocationResults:
      return internal::v1::AllocationResult::default_instance();
    case InputTopic::kCustomerContacts:
      return v1::CustomerContact::default_instance();
    case InputTopic::kHolds: return v1::HoldEvent::default_instance();
    case InputTopic::kAmendments: return v1::OrderAmended::default_instance();
  }
  return v1::OrderPlaced::default_instance();
}

void DeadLetterUndecodable(InputTopic topic, const RecordSource& source,
                           EpochMillis now, Emitter& out) {
  DeadLetter(source, kUndecodable,
             Cat("value is not a protobuf ",
                 MessageTypeOf(topic).GetDescriptor()->name()),
             now, out);
}

}  // namespace orderflow
