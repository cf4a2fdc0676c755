// One input record of a stage, decoded: the topic it came from and its
// message, typed. Every host decodes here (Kafka's protobuf binary; replay
// fills the message from protobuf JSON with its own codec) and hands the
// record on with one Visit, so that which message a topic carries and which
// handler takes it is written once.
//
//   const InputTopic topic = *InputTopicByShortName("orders");  // once
//   InputRecord record;  // reused: its messages keep their memory
//   if (!record.Decode(topic, source.payload)) {
//     DeadLetterUndecodable(topic, source, now, out);
//   } else {
//     record.Visit(Overloaded{[&](const v1::OrderPlaced& m) { ... },
//                             [&](const auto&) {}});
//   }
//
// A topic name is mapped to an InputTopic once per topic (or partition),
// not per record: the per-record work is a switch on the enum.
#ifndef ORDERFLOW_ENGINE_INPUT_RECORD_H_
#define ORDERFLOW_ENGINE_INPUT_RECORD_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/emitter.h"
#include "engine/record.h"
#include "engine/time.h"
#include "engine/topics.h"
#include "google/protobuf/message.h"
#include "orderflow/internal/v1/internal.pb.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// The topics a stage reads: the public inputs (docs/contract.md) and the
// stage-to-stage topics of the Kafka host.
enum class InputTopic : uint8_t {
  kOrders,              // v1::OrderPlaced, key order id
  kCancellations,       // v1::CancellationRequested, key order id
  kShipments,           // v1::ShipmentEvent, key order id
  kInventory,           // v1::InventoryEvent, key sku
  kInvoices,            // v1::InvoiceIssued, key order id
  kAllocationRequests,  // internal::v1::AllocationRequest, key sku
  kAllocationResults,   // internal::v1::AllocationResult, key order id
  kCustomerContacts,    // v1::CustomerContact, key order id (rule 13)
  kHolds,               // v1::HoldEvent, key order id (rule 12)
  kAmendments,          // v1::OrderAmended, key order id (rule 11)
};

// "orders", ..., "allocation-requests", "allocation-results".
std::string_view ShortName(InputTopic topic);
std::optional<InputTopic> InputTopicByShortName(std::string_view name);
// The public topic, or nullopt for a stage-to-stage one.
std::optional<Topic> PublicTopic(InputTopic topic);
// The input topic of a public one, or nullopt for an output.
std::optional<InputTopic> AsInput(Topic topic);
// The default instance of the message type the topic carries.
const google::protobuf::Message& MessageTypeOf(InputTopic topic);

// The DeadLetter reason codes of a record that cannot be decoded, and so
// never reaches a stage: what each decoder of input records dead-letters
// with.
// A Kafka record whose value is not a protobuf of its topic's message.
inline constexpr std::string_view kUndecodable = "UNDECODABLE";
// A replay line that is not a JSON object, misses a field, or has a field
// of the wrong form (key, timestamp, clock).
inline constexpr std::string_view kMalformedJson = "MALFORMED_JSON";
// A replay line for a topic that is not an input.
inline constexpr std::string_view kUnknownTopic = "UNKNOWN_TOPIC";
// A replay line whose value is not its topic's message in protobuf JSON.
inline constexpr std::string_view kInvalidValue = "INVALID_VALUE";

// Calls the operator() for the type it is given: a handler for Visit made
// of lambdas.
template <typename... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

class InputRecord {
 public:
  InputTopic topic() const { return topic_; }

  // Decodes `payload`, protobuf binary, as the message of `topic`, which the
  // record then holds. False when it does not parse: the record is to be
  // dead-lettered (DeadLetterUndecodable) and what it holds is unspecified.
  bool Decode(InputTopic topic, std::string_view payload) {
    topic_ = topic;
    return MessageOf(topic).ParseFromArray(payload.data(),
                                           static_cast<int>(payload.size()));
  }
  // The message of `topic`, cleared, for another decoder to fill (replay's
  // JSON codec); the record holds it from now on.
  google::protobuf::Message& Reset(InputTopic topic) {
    topic_ = topic;
    google::protobuf::Message& m = MessageOf(topic);
    m.Clear();
    return m;
  }
  // The message held, of the topic's type.
  const google::protobuf::Message& message() const {
    return const_cast<InputRecord*>(this)->MessageOf(topic_);
  }

  // Calls handler(m) with the message held, as its generated type: one of
  // v1::OrderPlaced, v1::CancellationRequested, v1::ShipmentEvent,
  // v1::InventoryEvent, v1::InvoiceIssued, internal::v1::AllocationRequest,
  // internal::v1::AllocationResult, v1::CustomerContact, v1::HoldEvent,
  // v1::OrderAmended.
  template <typename Handler>
  void Visit(Handler&& handler) const {
    switch (topic_) {
      case InputTopic::kOrders: handler(order_); return;
      case InputTopic::kCancellations: handler(cancellation_); return;
      case InputTopic::kShipments: handler(shipment_); return;
      case InputTopic::kInventory: handler(inventory_); return;
      case InputTopic::kInvoices: handler(invoice_); return;
      case InputTopic::kAllocationRequests: handler(request_); return;
      case InputTopic::kAllocationResults: handler(result_); return;
      case InputTopic::kCustomerContacts: handler(contact_); return;
      case InputTopic::kHolds: handler(hold_); return;
      case InputTopic::kAmendments: handler(amendment_); return;
    }
  }

 private:
  google::protobuf::Message& MessageOf(InputTopic topic);

  InputTopic topic_ = InputTopic::kOrders;
  v1::OrderPlaced order_;
  v1::CancellationRequested cancellation_;
  v1::ShipmentEvent shipment_;
  v1::InventoryEvent inventory_;
  v1::InvoiceIssued invoice_;
  internal::v1::AllocationRequest request_;
  internal::v1::AllocationResult result_;
  v1::CustomerContact contact_;
  v1::HoldEvent hold_;
  v1::OrderAmended amendment_;
};

// Dead-letters `source`, a record of `topic` that did not decode
// (kUndecodable), given up on at engine time `now`.
void DeadLetterUndecodable(InputTopic topic, const RecordSource& source,
                           EpochMillis now, Emitter& out);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_INPUT_RECORD_H_
