// The order shard's early records (rules 4, 5 and 11, and invoices): a
// cancellation, shipment, invoice or amendment that comes before its order
// waits for it, and goes to dead-letter when its retention ends.
#include "engine/dead_letter.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/text.h"

namespace orderflow {

using internal::v1::EarlyRecord;

namespace {

Millis RetentionOf(EarlyRecord::Kind kind, const EngineConfig& config) {
  switch (kind) {
    case EarlyRecord::KIND_CANCELLATION: return config.early_cancellation_retention;
    // Rule 11: held like an early cancellation.
    case EarlyRecord::KIND_AMENDMENT: return config.early_cancellation_retention;
    case EarlyRecord::KIND_INVOICE: return config.early_invoice_retention;
    case EarlyRecord::KIND_CONTACT: return config.early_contact_retention;
    // Rule 12: a hold waits as long as a cancellation.
    case EarlyRecord::KIND_HOLD: return config.early_cancellation_retention;
    default: return config.early_shipment_retention;
  }
}

// Whether `value` repeats a held record of the same kind (its bytes in
// `held_bytes`; its own in `value_bytes`). A shipment repeats one with the same shipmentId and
// status, whatever its occurredAt (rule 5's duplicate); any other record
// only when its content is the same.
bool IsRepeat(EarlyRecord::Kind kind, const std::string& held_bytes,
              const google::protobuf::Message& value,
              const std::string& value_bytes) {
  if (kind == EarlyRecord::KIND_HOLD) {  // the same (holdId, action)
    const auto& hold = static_cast<const v1::HoldEvent&>(value);
    v1::HoldEvent held;
    held.ParseFromString(held_bytes);
    return held.hold_id() == hold.hold_id() && held.action() == hold.action();
  }
  if (kind != EarlyRecord::KIND_SHIPMENT) return held_bytes == value_bytes;
  const auto& shipment = static_cast<const v1::ShipmentEvent&>(value);
  v1::ShipmentEvent held;
  held.ParseFromString(held_bytes);
  return held.shipment_id() == shipment.shipment_id() &&
         held.status() == shipment.status();
}

}  // namespace

void OrderShard::KeepEarly(EarlyRecord::Kind kind,
                           const google::protobuf::Message& value,
                           std::string_view id, const RecordSource& source) {
  std::string value_bytes = value.SerializeAsString();
  auto held = early_.find(id);
  if (held != early_.end()) {
    for (const EarlyRecord& r : held->second) {
      if (r.kind() == kind && IsRepeat(kind, r.value(), value, value_bytes)) return;
    }
  }
  EarlyRecord r;
  r.set_order_id(std::string(id));
  r.set_kind(kind);
  r.set_expires_ms(clock_ + RetentionOf(kind, config_));
  r.set_value(std::move(value_bytes));
  r.set_source_topic(std::string(source.topic));
  r.set_partition(source.partition);
  r.set_offset(source.offset);
  r.set_key(std::string(source.key));
  r.set_payload(std::string(source.payload));
  early_timers_.insert({r.expires_ms(), r.order_id()});
  NoteTimerSet(r.expires_ms());
  early_[r.order_id()].push_back(std::move(r));
}

void OrderShard::ReplayEarly(Order& order, Emitter& out) {
  auto it = early_.find(order.id);
  if (it == early_.end()) return;
  std::vector<EarlyRecord> records = std::move(it->second);
  early_.erase(it);
  for (const EarlyRecord& r : records) {
    early_timers_.erase({r.expires_ms(), r.order_id()});
  }
  for (const EarlyRecord& r : records) {
    const RecordSource source{r.source_topic(), r.partition(), r.offset(),
                              r.key(), r.payload(), clock_};
    if (r.kind() == EarlyRecord::KIND_CANCELLATION) {
      v1::CancellationRequested c;
      c.ParseFromString(r.value());
      if (NotYetShipped(order.status)) {
        Cancel(order, out);
      } else if (order.status != v1::ORDER_STATUS_CANCELLED &&
                 order.status != v1::ORDER_STATUS_REJECTED) {
        OnCancellation(c, source, out);
      }
    } else if (r.kind() == EarlyRecord::KIND_AMENDMENT) {
      v1::OrderAmended amendment;
      amendment.ParseFromString(r.value());
      ApplyAmendment(order, amendment, out);
    } else if (r.kind() == EarlyRecord::KIND_INVOICE) {
      v1::InvoiceIssued invoice;
      invoice.ParseFromString(r.value());
      ApplyInvoice(order, invoice, source, out);
    } else if (r.kind() == EarlyRecord::KIND_CONTACT) {  // rule 13
      v1::CustomerContact contact;
      contact.ParseFromString(r.value());
      ApplyContact(order, contact, out);
    } else if (r.kind() == EarlyRecord::KIND_HOLD) {
      v1::HoldEvent hold;
      hold.ParseFromString(r.value());
      ApplyHold(order, hold, source, out);
    } else {
      v1::ShipmentEvent s;
      s.ParseFromString(r.value());
      ApplyShipment(order, s, source, out);
    }
  }
  Reschedule(order);
}

void OrderShard::ExpireEarly(std::string_view id, EpochMillis now,
                             Emitter& out) {
  auto it = early_.find(id);
  if (it == early_.end()) return;
  std::vector<EarlyRecord>& records = it->second;
  auto expired_end = std::stable_partition(
      records.begin(), records.end(),
      [now](const EarlyRecord& r) { return r.expires_ms() <= now; });
  for (auto r = records.begin(); r != expired_end; ++r) {
    std::string_view reason = "UNMATCHED_SHIPMENT", what = "shipment";
    if (r->kind() == EarlyRecord::KIND_CANCELLATION) {
      reason = "UNMATCHED_CANCELLATION";
      what = "cancellation";
    } else if (r->kind() == EarlyRecord::KIND_INVOICE) {
      reason = "INVOICE_FOR_UNKNOWN_ORDER";
      what = "invoice";
    } else if (r->kind() == EarlyRecord::KIND_CONTACT) {
      reason = "UNMATCHED_CONTACT";
      what = "contact";
    } else if (r->kind() == EarlyRecord::KIND_HOLD) {
      reason = "UNMATCHED_HOLD";
      what = "hold";
    } else if (r->kind() == EarlyRecord::KIND_AMENDMENT) {
      reason = "UNMATCHED_AMENDMENT";
      what = "amendment";
    }
    const RecordSource source{r->source_topic(), r->partition(), r->offset(),
                              r->key(), r->payload(), now};
    DeadLetter(source, reason,
               Cat("no order ", id, " arrived within ",
                   RetentionOf(r->kind(), config_) / Hours(1), "h of this ",
                   what),
               clock_, out);
  }
  records.erase(records.begin(), expired_end);
  if (records.empty()) early_.erase(it);
}

}  // namespace orderflow
