#include "observe/metrics_json.h"

#include <optional>
#include <string>

#include "engine/contacts.h"
#include "engine/escalations.h"
#include "engine/holds.h"
#include "engine/order_status.h"

namespace orderflow {
namespace {

using Json = nlohmann::ordered_json;

Json OrNull(const std::optional<double>& v) { return v ? Json(*v) : Json(); }

Json Seconds(const std::optional<Millis>& v) {
  return v ? Json(*v / 1000) : Json();
}

// count, p50, p90, p99 (from the summary) and sum, in seconds.
Json CycleTimesJson(const CycleTimes& t,
                    const ServiceSummary::Percentiles& percentiles) {
  Json j;
  j["count"] = t.count();
  j.update(PercentilesJson(percentiles));
  j["sum"] = t.sum() / 1000;
  return j;
}

std::string KindKey(int kind) {
  return std::string(KindName(static_cast<v1::EscalationKind>(kind)));
}

std::string HoldTypeKey(int type) {
  return std::string(HoldTypeName(static_cast<v1::HoldType>(type)));
}

// Rule 12: {"open": {TYPE: n}, "placed": {...}, "released": {...},
// "timeOnHoldSeconds": {TYPE: {count, p50, p90, p99, sum}}}, every type.
Json HoldsJson(const ServiceMetrics& m, const ServiceSummary& s,
               const Backlog& b) {
  Json j;
  for (const char* key : {"open", "placed", "released"}) j[key] = Json::object();
  j["timeOnHoldSeconds"] = Json::object();
  for (int t = 1; t < kHoldTypes; ++t) {
    if (!v1::HoldType_IsValid(t)) continue;
    const std::string type = HoldTypeKey(t);
    j["open"][type] = b.open_holds[t];
    j["placed"][type] = m.holds_placed[t];
    j["released"][type] = m.time_on_hold[t].count();
    j["timeOnHoldSeconds"][type] = CycleTimesJson(m.time_on_hold[t], s.time_on_hold[t]);
  }
  return j;
}

// Rule 13: {"total", "per100Orders", "byKind", "per100OrdersByKind",
// "byRootCause", "per100OrdersByRootCause"}, every kind and root cause.
Json ContactsJson(const ServiceMetrics& m, const ServiceSummary& s) {
  Json j;
  j["total"] = m.contacts();
  j["per100Orders"] = OrNull(s.contacts_per_100_orders);
  j["byKind"] = Json::object();
  j["per100OrdersByKind"] = Json::object();
  for (int k = 1; k < kContactKinds; ++k) {
    if (!v1::ContactKind_IsValid(k)) continue;
    const std::string kind(ContactKindName(k));
    j["byKind"][kind] = m.contacts_by_kind[k];
    j["per100OrdersByKind"][kind] = OrNull(s.contacts_per_100_by_kind[k]);
  }
  j["byRootCause"] = Json::object();
  j["per100OrdersByRootCause"] = Json::object();
  for (size_t r = 0; r < kRootCauses.size(); ++r) {
    const std::string cause(kRootCauses[r]);
    j["byRootCause"][cause] = m.contacts_by_root_cause[r];
    j["per100OrdersByRootCause"][cause] =
        OrNull(s.contacts_per_100_by_root_cause[r]);
  }
  return j;
}

}  // namespace

nlohmann::ordered_json PercentilesJson(
    const ServiceSummary::Percentiles& percentiles) {
  Json j;
  j["p50"] = Seconds(percentiles.p50);
  j["p90"] = Seconds(percentiles.p90);
  j["p99"] = Seconds(percentiles.p99);
  return j;
}

nlohmann::ordered_json MetricsToJson(const MetricsSnapshot& snapshot) {
  const ServiceMetrics& m = snapshot.metrics;
  const Backlog& b = snapshot.backlog;
  const ServiceSummary s = Summarize(m);
  Json j;
  j["asOf"] = FormatTime(snapshot.as_of);

  Json& orders = j["orders"];
  orders["received"] = m.received;
  orders["accepted"] = m.accepted;
  orders["rejected"] = m.rejected;
  orders["allocatedWithoutBackorder"] = m.allocated_without_backorder;
  orders["backordered"] = m.backordered;
  orders["cancelled"] = m.cancelled;
  orders["shipped"] = m.shipped;
  orders["delivered"] = m.delivered;
  orders["deliveredOnTime"] = m.delivered_on_time;
  orders["deliveryFailures"] = m.delivery_failures;

  Json& rates = j["rates"];
  rates["accuracy"] = OrNull(s.accuracy_rate);
  rates["fill"] = OrNull(s.fill_rate);
  rates["backorder"] = OrNull(s.backorder_rate);
  rates["cancellation"] = OrNull(s.cancellation_rate);
  rates["onTime"] = OrNull(s.on_time_rate);
  rates["splitShipment"] = OrNull(s.split_shipment_rate);

  j["cycleTimeSeconds"]["placedToShipped"] =
      CycleTimesJson(m.placed_to_shipped, s.placed_to_shipped);
  j["cycleTimeSeconds"]["placedToDelivered"] =
      CycleTimesJson(m.placed_to_delivered, s.placed_to_delivered);

  Json& backlog = j["backlog"];
  backlog["total"] = b.total();
  for (v1::OrderStatus status : kOpenStatuses) {
    backlog["byStatus"][std::string(StatusName(status))] = b.of_status(status);
  }
  for (int a = 0; a < kAgeBuckets; ++a) {
    const auto bucket = static_cast<AgeBucket>(a);
    backlog["byAge"][std::string(AgeBucketLabel(bucket))] = b.of_age(bucket);
  }
  for (size_t i = 0; i < kOpenStatuses.size(); ++i) {
    Json& row = backlog["byStatusAndAge"][std::string(StatusName(kOpenStatuses[i]))];
    for (int a = 0; a < kAgeBuckets; ++a) {
      row[std::string(AgeBucketLabel(static_cast<AgeBucket>(a)))] = b.orders[i][a];
    }
  }

  Json& escalations = j["escalations"];
  escalations["raised"] = Json::object();
  escalations["cleared"] = Json::object();
  escalations["open"] = Json::object();
  for (int k = 1; k < kEscalationKinds; ++k) {
    // A number kept free is no kind; the v1.1 kinds (after
    // INVOICE_MISMATCH) are listed once they occur, so that a v1 stream's
    // metrics stay as they were.
    if (!v1::EscalationKind_IsValid(k) ||
        (k > v1::ESCALATION_KIND_INVOICE_MISMATCH &&
         m.escalations_raised[k] == 0 && m.escalations_cleared[k] == 0)) {
      continue;
    }
    escalations["raised"][KindKey(k)] = m.escalations_raised[k];
    escalations["cleared"][KindKey(k)] = m.escalations_cleared[k];
    escalations["open"][KindKey(k)] =
        m.escalations_raised[k] - m.escalations_cleared[k];
  }
  Json top = Json::array();
  for (size_t i = 0; i < s.kinds_by_raised.size() && i < 3; ++i) {
    top.push_back({{"kind", KindName(s.kinds_by_raised[i].first)},
                   {"raised", s.kinds_by_raised[i].second}});
  }
  escalations["topKinds"] = std::move(top);
  j["amendments"]["applied"] = m.amendments_applied;  // rule 11
  j["amendments"]["rejected"] = m.amendments_rejected;
  j["shipments"]["shippingStarted"] = m.shipping_started;  // rule 10
  j["shipments"]["split"] = m.split_shipments;
  j["holds"] = HoldsJson(m, s, b);
  j["contacts"] = ContactsJson(m, s);
  return j;
}

}  // namespace orderflow
