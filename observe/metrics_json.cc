#include "observe/metrics_json.h"

#include <optional>
#include <string>

#include "engine/escalations.h"
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
  if (m.amendments_applied > 0 || m.amendments_rejected > 0) {  // rule 11
    j["amendments"]["applied"] = m.amendments_applied;
    j["amendments"]["rejected"] = m.amendments_rejected;
  }
  return j;
}

}  // namespace orderflow
