#include "observe/order_timeline.h"

#include <algorithm>
#include <vector>

#include "engine/escalations.h"
#include "engine/order_status.h"
#include "engine/text.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/wire_format_lite.h"
#include "kafka/topic_names.h"
#include "observe/order_facts.h"
#include "observe/order_timeline_parcels.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {
namespace {

using Json = nlohmann::ordered_json;

Json TimeOrNull(const std::optional<EpochMillis>& t) {
  return t ? Json(FormatRfc3339(*t)) : Json();
}

// The time of a timestamp field, or nullopt when it is not set.
std::optional<EpochMillis> TimeOf(bool has, const google::protobuf::Timestamp& t) {
  if (!has) return std::nullopt;
  return ToMillis(t);
}


std::string_view LevelName(v1::ServiceLevel s) {
  return WithoutPrefix(v1::ServiceLevel_Name(s), "SERVICE_LEVEL_");
}
std::string_view ShipmentName(v1::ShipmentStatus s) {
  return WithoutPrefix(v1::ShipmentStatus_Name(s), "SHIPMENT_STATUS_");
}
std::string_view ActionName(v1::TaskAction a) {
  return WithoutPrefix(v1::TaskAction_Name(a), "TASK_ACTION_");
}
std::string_view EscalationStateName(v1::EscalationState s) {
  return WithoutPrefix(v1::EscalationState_Name(s), "ESCALATION_STATE_");
}

// "2 lines (SKU-KETTLE x2, SKU-MUG x4)"; the first five SKUs only.
template <typename Lines>
std::string LinesText(const Lines& lines) {
  constexpr int kShown = 5;
  std::vector<std::string> parts;
  for (const auto& line : lines) {
    if (static_cast<int>(parts.size()) == kShown) break;
    parts.push_back(Cat(line.sku(), " x", line.quantity()));
  }
  const int n = lines.size();
  if (n > kShown) parts.push_back(Cat("and ", n - kShown, " more"));
  return Cat(n, n == 1 ? " line" : " lines",
             n == 0 ? "" : Cat(" (", Join(parts, ", "), ")"));
}

// One line for a person: what the record says about the order.
std::string Summary(Topic topic, const google::protobuf::Message& message) {
  switch (topic) {
    case Topic::kOrders: {
      const auto& m = static_cast<const v1::OrderPlaced&>(message);
      return Cat("order placed: ", LevelName(m.service_level()), ", ",
                 LinesText(m.lines()));
    }
    case Topic::kCancellations: {
      const auto& m = static_cast<const v1::CancellationRequested&>(message);
      return m.reason().empty() ? std::string("cancellation requested")
                                : Cat("cancellation requested: ", m.reason());
    }
    case Topic::kShipments: {
      const auto& m = static_cast<const v1::ShipmentEvent&>(message);
      std::string s = Cat("shipment ", m.shipment_id(), " ",
                          ShipmentName(m.status()));
      if (!m.carrier().empty()) s += Cat(" by ", m.carrier());
      return s;
    }
    case Topic::kInvoices: {
      const auto& m = static_cast<const v1::InvoiceIssued&>(message);
      int64_t amount = 0;
      for (const auto& line : m.lines()) amount += line.amount_minor();
      return Cat("invoice ", m.invoice_id(), " issued: ", LinesText(m.lines()),
                 ", amount ", amount);
    }
    case Topic::kOrderStatus: {
      const auto& m = static_cast<const v1::OrderStatusChanged&>(message);
      std::string s = Cat("status ", StatusName(m.status()));
      if (!m.reasons().empty()) s += Cat(" (", Join(m.reasons(), ", "), ")");
      return s;
    }
    case Topic::kDeliveryTasks: {
      const auto& m = static_cast<const v1::DeliveryTask&>(message);
      std::string s = Cat("delivery task ", ActionName(m.action()));
      if (m.action() == v1::TASK_ACTION_CREATE) {
        s += Cat(": ", LinesText(m.lines()), ", ship by ",
                 FormatRfc3339(ToMillis(m.ship_by())), ", deliver by ",
                 FormatRfc3339(ToMillis(m.deliver_by())));
      }
      return s;
    }
    case Topic::kEscalations: {
      const auto& m = static_cast<const v1::Escalation&>(message);
      return Cat("escalation ", KindName(m.kind()), " level ", m.level(), " ",
                 EscalationStateName(m.state()));
    }
    case Topic::kDeadLetter: {
      const auto& m = static_cast<const v1::DeadLetter&>(message);
      std::string s = Cat("dead letter ", m.reason(), " (from ",
                          m.source_topic(), ")");
      if (!m.detail().empty()) s += Cat(": ", m.detail());
      return s;
    }
    case Topic::kHolds: {
      const auto& m = static_cast<const v1::HoldEvent&>(message);
      std::string s = Cat(
          "hold ", m.hold_id(), " ",
          WithoutPrefix(v1::HoldAction_Name(m.action()), "HOLD_ACTION_"));
      if (m.type() != v1::HOLD_TYPE_UNSPECIFIED) {
        s += Cat(" ", WithoutPrefix(v1::HoldType_Name(m.type()), "HOLD_TYPE_"));
      }
      if (m.outcome() != v1::HOLD_OUTCOME_UNSPECIFIED) {
        s += Cat(": ", WithoutPrefix(v1::HoldOutcome_Name(m.outcome()),
                                     "HOLD_OUTCOME_"));
      }
      return s;
    }
    case Topic::kAmendments: {  // rule 11
      const auto& m = static_cast<const v1::OrderAmended&>(message);
      return Cat("amendment ", m.amendment_id(), " requested");
    }
    case Topic::kAmendmentResults: {
      const auto& m = static_cast<const v1::AmendmentResult&>(message);
      std::string s = Cat("amendment ", m.amendment_id(), " ",
                          WithoutPrefix(v1::AmendmentOutcome_Name(m.outcome()),
                                        "AMENDMENT_OUTCOME_"));
      if (!m.reasons().empty()) s += Cat(" (", Join(m.reasons(), ", "), ")");
      return s;
    }
    case Topic::kInventory:
      break;
  }
  return "";
}

// The order id in the message: the key when a record has none.
std::string_view OrderIdOf(Topic topic, const google::protobuf::Message& m) {
  switch (topic) {
    case Topic::kOrders:
      return static_cast<const v1::OrderPlaced&>(m).order_id();
    case Topic::kCancellations:
      return static_cast<const v1::CancellationRequested&>(m).order_id();
    case Topic::kShipments:
      return static_cast<const v1::ShipmentEvent&>(m).order_id();
    case Topic::kInvoices:
      return static_cast<const v1::InvoiceIssued&>(m).order_id();
    case Topic::kOrderStatus:
      return static_cast<const v1::OrderStatusChanged&>(m).order_id();
    case Topic::kDeliveryTasks:
      return static_cast<const v1::DeliveryTask&>(m).order_id();
    case Topic::kEscalations:
      return static_cast<const v1::Escalation&>(m).order_id();
    case Topic::kHolds:
      return static_cast<const v1::HoldEvent&>(m).order_id();
    case Topic::kAmendments:
      return static_cast<const v1::OrderAmended&>(m).order_id();
    case Topic::kAmendmentResults:
      return static_cast<const v1::AmendmentResult&>(m).order_id();
    case Topic::kInventory:
    case Topic::kDeadLetter:
      break;
  }
  return {};
}

// An order-status record's status and the time of the change (its
// occurredAt, else `time`), read without parsing the rest of it: the
// recording side needs only these, to know when the order closed.
struct StatusRead {
  v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
  EpochMillis since = 0;
};

// Reads a Timestamp's fields into `t`, merging into what an earlier
// occurrence set, as protobuf does.
bool ReadTimestamp(google::protobuf::io::CodedInputStream& in,
                   SecondsAndNanos& t) {
  using google::protobuf::internal::WireFormatLite;
  uint32_t length = 0;
  if (!in.ReadVarint32(&length)) return false;
  const auto limit = in.PushLimit(static_cast<int>(length));
  while (const uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto type = WireFormatLite::GetTagWireType(tag);
    uint64_t v = 0;
    if ((field == 1 || field == 2) && type == WireFormatLite::WIRETYPE_VARINT) {
      if (!in.ReadVarint64(&v)) return false;
      if (field == 1) t.seconds = static_cast<int64_t>(v);
      else t.nanos = static_cast<int32_t>(v);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  if (!in.ConsumedEntireMessage()) return false;
  in.PopLimit(limit);
  return true;
}

// nullopt when the bytes are not a well-formed message.
std::optional<StatusRead> ReadStatus(std::string_view payload, EpochMillis time) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(payload.data()),
      static_cast<int>(payload.size()));
  StatusRead read;
  bool has_time = false;
  SecondsAndNanos occurred_at{0, 0};
  while (const uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto type = WireFormatLite::GetTagWireType(tag);
    if (field == 2 && type == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in.ReadVarint64(&v)) return std::nullopt;
      read.status = static_cast<v1::OrderStatus>(static_cast<int32_t>(v));
    } else if (field == 5 && type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!ReadTimestamp(in, occurred_at)) return std::nullopt;
      has_time = true;
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return std::nullopt;
    }
  }
  if (!in.ConsumedEntireMessage()) return std::nullopt;
  read.since = has_time ? JoinMillis(occurred_at) : time;
  return read;
}

}  // namespace

// What the records tell about the order, folded from them in the order
// they were recorded: the outputs' facts, and what the inputs add to them.
struct OrderTimelines::State {
  struct Line {
    std::string line_id;
    std::string sku;
    int32_t quantity = 0;
  };

  // What the order's first OrderPlaced says; placed_applied: it was applied.
  bool placed_applied = false;
  std::string customer_id;
  v1::ServiceLevel service_level = v1::SERVICE_LEVEL_UNSPECIFIED;
  std::optional<EpochMillis> placed_at, promised_at;
  std::vector<Line> lines;
  // The latest shipment event.
  std::optional<v1::ShipmentEvent> shipment;
  OrderFacts outputs;
  OrderParcelView parcels;  // rule 10: tasks, parcels, what is unshipped

  // `value` is of the topic's generated class, recorded at `time`; `first`
  // tells an OrderPlaced that is the order's first (the one that counts).
  void Apply(Topic topic, const google::protobuf::Message& value,
             EpochMillis time, bool first);
};

void OrderTimelines::State::Apply(Topic topic,
                                  const google::protobuf::Message& value,
                                  EpochMillis time, bool first) {
  if (topic == Topic::kOrders && first) {
    const auto& o = static_cast<const v1::OrderPlaced&>(value);
    placed_applied = true;
    customer_id = o.customer_id();
    service_level = o.service_level();
    if (!placed_at) placed_at = TimeOf(o.has_placed_at(), o.placed_at());
    if (!promised_at) {
      promised_at = TimeOf(o.has_promised_delivery_at(), o.promised_delivery_at());
    }
    lines.clear();
    for (const auto& line : o.lines()) {
      lines.push_back({line.line_id(), line.sku(), line.quantity()});
    }
  } else if (topic == Topic::kShipments) {
    shipment = static_cast<const v1::ShipmentEvent&>(value);
  } else {
    outputs.Add(topic, value, time);
  }
  parcels.Add(topic, value, time, first, outputs.status);
}

struct OrderTimelines::Timeline {
  explicit Timeline(std::string_view order_id) : id(order_id) {}
  const std::string id;  // the key orders_ views
  struct Entry {
    EpochMillis time = 0;
    Topic topic = Topic::kOrders;
    // The order's first OrderPlaced: it alone tells the state, and is
    // dropped last.
    bool pinned = false;
    std::string payload;  // protobuf binary
  };
  // Parses `entry`'s payload into a new message of its topic's type, or
  // returns null when it does not parse.
  static std::unique_ptr<google::protobuf::Message> Parse(const Entry& entry) {
    std::unique_ptr<google::protobuf::Message> m(MessageTypeOf(entry.topic).New());
    if (!m->ParseFromString(entry.payload)) return nullptr;
    return m;
  }

  std::vector<Entry> entries;
  int64_t dropped = 0;
  // An OrderPlaced was recorded, and pinned: the first, kept whatever is
  // dropped. (Whether it parsed and was applied is State::placed_applied.)
  bool placed_pinned = false;
  std::list<std::string_view>::iterator lru;
  // When the order closed, read from its latest status as it was recorded.
  std::optional<EpochMillis> closed_at;
  // What the dropped entries told; null until one is dropped.
  std::unique_ptr<State> folded;
};

OrderTimelines::OrderTimelines(const ObserveSettings& settings)
    : settings_(settings) {}
OrderTimelines::~OrderTimelines() = default;

void OrderTimelines::RecordInput(std::string_view topic,
                                 std::string_view order_id, EpochMillis time,
                                 const google::protobuf::Message& value) {
  const std::optional<Topic> t = TopicByShortOrKafkaName(topic);
  if (!t || !IsInput(*t) || *t == Topic::kInventory) return;
  RecordMessage(*t, order_id, time, value);
}

void OrderTimelines::RecordOutput(std::string_view topic,
                                  std::string_view order_id, EpochMillis time,
                                  const google::protobuf::Message& value) {
  const std::optional<Topic> t = TopicByShortOrKafkaName(topic);
  if (!t || IsInput(*t)) return;
  RecordMessage(*t, order_id, time, value);
}

void OrderTimelines::RecordEncoded(bool output, Topic topic,
                                   std::string_view order_id, EpochMillis time,
                                   std::string payload,
                                   const google::protobuf::Message* parsed) {
  if (output == IsInput(topic) || topic == Topic::kInventory) return;
  Record(topic, order_id, time, std::move(payload), parsed);
}

void OrderTimelines::RecordMessage(Topic topic, std::string_view order_id,
                                   EpochMillis time,
                                   const google::protobuf::Message& value) {
  if (value.GetDescriptor() != MessageTypeOf(topic).GetDescriptor()) return;
  Record(topic, order_id, time, value.SerializeAsString());
}

void OrderTimelines::Record(Topic topic, std::string_view order_id,
                            EpochMillis time, std::string payload,
                            const google::protobuf::Message* parsed) {
  Timeline::Entry entry;
  entry.time = time;
  entry.topic = topic;
  entry.payload = std::move(payload);
  // Rare records are parsed now (unless the host has): a dead letter, for
  // its source; one without a key, for the order id in it.
  std::unique_ptr<google::protobuf::Message> parsed_here;
  if (parsed == nullptr && (topic == Topic::kDeadLetter || order_id.empty())) {
    parsed_here = Timeline::Parse(entry);
    if (parsed_here == nullptr) return;
    parsed = parsed_here.get();
  }
  if (topic == Topic::kDeadLetter) {
    const auto& dead = static_cast<const v1::DeadLetter&>(*parsed);
    const std::optional<Topic> source = TopicByShortOrKafkaName(dead.source_topic());
    if (source == Topic::kInventory) return;  // keyed by SKU
  }
  if (order_id.empty()) order_id = OrderIdOf(topic, *parsed);
  if (order_id.empty()) return;
  std::optional<StatusRead> status;
  if (topic == Topic::kOrderStatus) status = ReadStatus(entry.payload, time);

  std::lock_guard lock(mu_);
  if (keep_ && !keep_(order_id)) return;
  if (listener_ != nullptr) {
    listener_->OnRecorded(topic, order_id, time, entry.payload);
  }
  ExpireLocked(time);
  Timeline& t = Touch(order_id);
  if (topic == Topic::kOrders && !t.placed_pinned) {
    entry.pinned = true;
    t.placed_pinned = true;
  }
  if (status) {
    const std::string_view id = *t.lru;  // the map's key
    if (t.closed_at) closed_.erase({*t.closed_at, id});
    t.closed_at.reset();
    if (IsClosed(status->status)) {
      t.closed_at = status->since;
      closed_.insert({*t.closed_at, id});
    }
  }

  t.entries.push_back(std::move(entry));
  ++entries_;
  const size_t max_entries =
      static_cast<size_t>(std::max<int32_t>(1, settings_.timeline_max_entries));
  while (t.entries.size() > max_entries) {
    const bool keep_first = t.entries.front().pinned && max_entries >= 2;
    const auto dropped = t.entries.begin() + (keep_first ? 1 : 0);
    if (auto m = Timeline::Parse(*dropped)) {
      if (t.folded == nullptr) t.folded = std::make_unique<State>();
      t.folded->Apply(dropped->topic, *m, dropped->time, dropped->pinned);
    }
    t.entries.erase(dropped);
    ++t.dropped;
    --entries_;
  }
}

OrderTimelines::Timeline& OrderTimelines::Touch(std::string_view order_id) {
  auto it = orders_.find(order_id);
  if (it != orders_.end()) {
    Timeline& t = *it->second;
    lru_.splice(lru_.end(), lru_, t.lru);
    return t;
  }
  const auto max_orders =
      static_cast<size_t>(std::max<int64_t>(1, settings_.timeline_max_orders));
  while (orders_.size() >= max_orders) {
    Erase(closed_.empty() ? lru_.front() : closed_.begin()->second);
  }
  auto timeline = std::make_unique<Timeline>(order_id);
  Timeline& t = *timeline;
  orders_.emplace(std::string_view(t.id), std::move(timeline));
  t.lru = lru_.insert(lru_.end(), std::string_view(t.id));
  return t;
}

void OrderTimelines::Erase(std::string_view order_id) {
  auto it = orders_.find(order_id);
  if (it == orders_.end()) return;
  Timeline& t = *it->second;
  lru_.erase(t.lru);
  if (t.closed_at) closed_.erase({*t.closed_at, std::string_view(t.id)});
  entries_ -= static_cast<int64_t>(t.entries.size());
  orders_.erase(it);
}

void OrderTimelines::Expire(EpochMillis now) {
  std::lock_guard lock(mu_);
  ExpireLocked(now);
}

void OrderTimelines::ExpireLocked(EpochMillis now) {
  now_ = std::max(now_, now);
  while (!closed_.empty() &&
         closed_.begin()->first + settings_.timeline_retention <= now_) {
    Erase(closed_.begin()->second);
  }
}

bool OrderTimelines::KeepsWholeHistory(std::string_view order_id) const {
  std::lock_guard lock(mu_);
  auto it = orders_.find(order_id);
  return it != orders_.end() && !it->second->entries.empty() &&
         it->second->entries.front().pinned;
}

void OrderTimelines::KeepOnly(std::function<bool(std::string_view)> keep) {
  std::lock_guard lock(mu_);
  keep_ = std::move(keep);
  if (listener_ != nullptr) listener_->OnKeepOnly(keep_);
  if (!keep_) return;
  std::vector<std::string_view> gone;
  for (const auto& [id, timeline] : orders_) {
    if (!keep_(id)) gone.push_back(id);
  }
  for (std::string_view id : gone) Erase(id);
}

void OrderTimelines::SetListener(TimelineListener* listener) {
  std::lock_guard lock(mu_);
  listener_ = listener;
}

int64_t OrderTimelines::order_count() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(orders_.size());
}

int64_t OrderTimelines::entry_count() const {
  std::lock_guard lock(mu_);
  return entries_;
}

std::optional<nlohmann::ordered_json> OrderTimelines::OrderJson(
    std::string_view order_id) const {
  std::lock_guard lock(mu_);
  auto it = orders_.find(order_id);
  if (it == orders_.end()) return std::nullopt;
  const Timeline& t = *it->second;

  // Each entry parsed once: for the state and for its row.
  State s = t.folded != nullptr ? *t.folded : State{};
  Json timeline = Json::array();
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = false;
  for (const Timeline::Entry& entry : t.entries) {
    Json row;
    row["time"] = FormatRfc3339(entry.time);
    row["direction"] = IsInput(entry.topic) ? "in" : "out";
    row["topic"] = std::string(ShortName(entry.topic));
    if (std::unique_ptr<google::protobuf::Message> m = Timeline::Parse(entry)) {
      s.Apply(entry.topic, *m, entry.time, entry.pinned);
      std::string record;
      (void)google::protobuf::util::MessageToJsonString(*m, &record, print);
      row["summary"] = Summary(entry.topic, *m);
      row["record"] = Json::parse(record, nullptr, /*allow_exceptions=*/false);
    } else {
      row["summary"] = "undecodable record";
      row["record"] = nullptr;
    }
    timeline.push_back(std::move(row));
  }

  Json state;
  const OrderFacts& facts = s.outputs;
  const bool known = facts.status != v1::ORDER_STATUS_UNSPECIFIED;
  state["status"] = known ? Json(std::string(StatusName(facts.status))) : Json();
  state["since"] = known ? Json(FormatRfc3339(facts.status_since)) : Json();
  state["reasons"] = facts.reasons;
  state["closed"] = t.closed_at.has_value();
  state["customerId"] = s.placed_applied ? Json(s.customer_id) : Json();
  state["serviceLevel"] =
      s.placed_applied ? Json(std::string(LevelName(s.service_level))) : Json();
  // A status's word on the times counts over the order's own.
  state["placedAt"] = TimeOrNull(facts.placed_at ? facts.placed_at : s.placed_at);
  state["promisedDeliveryAt"] =
      TimeOrNull(facts.promised_at ? facts.promised_at : s.promised_at);
  state["shipBy"] = TimeOrNull(facts.ship_by);
  state["deliverBy"] = TimeOrNull(facts.deliver_by);
  state["shippedAt"] = TimeOrNull(facts.shipped_at);
  state["deliveredAt"] = TimeOrNull(facts.delivered_at);
  state["deliveryTask"] = facts.task == v1::TASK_ACTION_UNSPECIFIED
                              ? Json()
                              : Json(std::string(ActionName(facts.task)));
  Json lines = Json::array();
  for (const auto& line : s.lines) {
    lines.push_back(
        {{"lineId", line.line_id}, {"sku", line.sku}, {"quantity", line.quantity}});
  }
  state["lines"] = std::move(lines);
  if (s.shipment) {
    const v1::ShipmentEvent& sh = *s.shipment;
    state["shipment"] = {
        {"shipmentId", sh.shipment_id()},
        {"status", std::string(ShipmentName(sh.status()))},
        {"carrier", sh.carrier().empty() ? Json() : Json(sh.carrier())},
        {"trackingNumber",
         sh.tracking_number().empty() ? Json() : Json(sh.tracking_number())},
        {"at", TimeOrNull(TimeOf(sh.has_occurred_at(), sh.occurred_at()))}};
  } else {
    state["shipment"] = nullptr;
  }
  Json open = Json::array();
  for (const auto& e : facts.escalations) {
    if (!e.open) continue;
    open.push_back({{"escalationId", e.id},
                    {"kind", std::string(KindName(e.kind))},
                    {"level", e.level},
                    {"since", FormatRfc3339(e.raised_at)}});
  }
  state["openEscalations"] = std::move(open);
  s.parcels.AddJson(state, facts.status == v1::ORDER_STATUS_CANCELLED ||
                               facts.status == v1::ORDER_STATUS_REJECTED ||
                               !s.placed_applied);

  Json j;
  j["orderId"] = t.id;
  j["state"] = std::move(state);
  j["timeline"] = std::move(timeline);
  j["droppedEntries"] = t.dropped;
  return j;
}

}  // namespace orderflow
