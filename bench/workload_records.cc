// The workload's records as the engine and Kafka take them: topic names,
// Feed (the engine's one visit for a decoded value), the protobuf encoding
// and its Decoder, Describe for logs, and the v1.1 mix's warehouses. The
// generator itself is bench/workload.cc.
#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>

#include "bench/workload.h"

namespace orderflow::workload {
std::string_view TopicName(Topic topic) {
  switch (topic) {
    case Topic::kOrders: return "orders";
    case Topic::kCancellations: return "cancellations";
    case Topic::kShipments: return "shipments";
    case Topic::kInventory: return "inventory";
    case Topic::kAmendments: return "amendments";
    case Topic::kHolds: return "holds";
    case Topic::kCustomerContacts: return "customer-contacts";
    default: return {};  // not a topic the workload writes
  }
}

SourcingConfig MixSourcing() {
  SourcingConfig sourcing;
  sourcing.warehouses = {{"WH-DE-1", 1, {"DE", "AT", "NL"}},
                         {"WH-DE-2", 2, {"DE"}},
                         {"WH-FR", 1, {"FR"}}};
  return sourcing;
}

std::string Describe(const std::vector<InputRecord>& stream) {
  size_t orders = 0, lines = 0, cancellations = 0, inventory = 0;
  size_t amendments = 0, holds = 0, contacts = 0, parcels = 0;
  std::array<size_t, 6> shipments{};
  std::array<size_t, 4> kinds{};
  EpochMillis first = kNever, last = 0;
  for (const InputRecord& r : stream) {
    first = std::min(first, r.timestamp);
    last = std::max(last, r.timestamp);
    switch (r.topic) {
      case Topic::kOrders:
        ++orders;
        lines += std::get<v1::OrderPlaced>(r.value).lines_size();
        break;
      case Topic::kCancellations: ++cancellations; break;
      case Topic::kShipments:
        ++shipments[std::get<v1::ShipmentEvent>(r.value).status() % 6];
        parcels += std::get<v1::ShipmentEvent>(r.value).lines_size() > 0;
        break;
      case Topic::kAmendments: ++amendments; break;
      case Topic::kHolds: ++holds; break;
      case Topic::kCustomerContacts: ++contacts; break;
      case Topic::kInventory:
        ++inventory;
        ++kinds[std::get<v1::InventoryEvent>(r.value).kind() % 4];
        break;
      default: break;  // not a topic the workload writes
    }
  }
  char buf[768];
  std::snprintf(
      buf, sizeof buf,
      "%zu records over %.1f h: %zu orders (%.2f lines each), %zu "
      "cancellations, %zu shipment events (packed %zu, shipped %zu, "
      "delivered %zu, failed %zu), %zu inventory events (snapshot %zu, "
      "receipt %zu, adjustment %zu)",
      stream.size(),
      stream.empty() ? 0.0 : static_cast<double>(last - first) / Hours(1),
      orders, orders ? static_cast<double>(lines) / orders : 0.0,
      cancellations,
      shipments[1] + shipments[2] + shipments[3] + shipments[4] + shipments[5],
      shipments[2], shipments[3], shipments[4], shipments[5], inventory,
      kinds[3], kinds[1], kinds[2]);
  std::string text = buf;
  if (amendments + holds + contacts + parcels > 0) {
    std::snprintf(buf, sizeof buf,
                  "; v1.1: %zu parcel events with lines, %zu amendments, "
                  "%zu hold events, %zu customer contacts",
                  parcels, amendments, holds, contacts);
    text += buf;
  }
  return text;
}

void Feed(const InputRecord& record, Pipeline& pipeline, int64_t offset,
          std::string_view payload) {
  const RecordSource source{TopicName(record.topic), 0, offset, record.key,
                            payload, record.timestamp};
  // The value's type says which handler takes it (the engine's one visit,
  // engine/input_record.h, for a value that is already decoded).
  std::visit(Overloaded{
                 [&](const v1::OrderPlaced& m) { pipeline.OnOrderPlaced(m, source); },
                 [&](const v1::CancellationRequested& m) {
                   pipeline.OnCancellation(m, source);
                 },
                 [&](const v1::ShipmentEvent& m) { pipeline.OnShipment(m, source); },
                 [&](const v1::InventoryEvent& m) {
                   pipeline.OnInventoryEvent(m, source);
                 },
                 [&](const v1::OrderAmended& m) { pipeline.OnAmendment(m, source); },
                 [&](const v1::HoldEvent& m) { pipeline.OnHold(m, source); },
                 [&](const v1::CustomerContact& m) {
                   pipeline.OnCustomerContact(m, source);
                 }},
             record.value);
}

std::string EncodeValue(const InputRecord& record) {
  std::string bytes;
  std::visit([&bytes](const auto& m) { m.SerializeToString(&bytes); },
             record.value);
  return bytes;
}

EncodedRecord Encode(const InputRecord& record) {
  return EncodedRecord{record.topic, record.key, record.timestamp,
                       EncodeValue(record)};
}

bool Decoder::Feed(const EncodedRecord& record, Pipeline& pipeline,
                   int64_t offset) {
  const RecordSource source{TopicName(record.topic), 0, offset, record.key,
                            record.value, record.timestamp};
  const std::optional<InputTopic> input = AsInput(record.topic);
  if (!input || !decoded_.Decode(*input, record.value)) return false;
  pipeline.Apply(decoded_, source);
  return true;
}

}  // namespace orderflow::workload
