#include "engine/service_metrics.h"

#include <algorithm>
#include <cmath>

#include "engine/escalations.h"

namespace orderflow {

// ------------------------------------------------------------ CycleTimes

void CycleTimes::Add(Millis duration) {
  const int64_t minutes = std::max<Millis>(duration, 0) / Minutes(1);
  ++minutes_[minutes];
  ++count_;
  sum_ += Minutes(minutes);
}

void CycleTimes::Merge(const CycleTimes& other) {
  for (const auto& [minutes, n] : other.minutes_) minutes_[minutes] += n;
  count_ += other.count_;
  sum_ += other.sum_;
}

std::optional<Millis> CycleTimes::Percentile(double p) const {
  if (count_ == 0) return std::nullopt;
  const int64_t rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(p * static_cast<double>(count_) - 1e-9)));
  int64_t seen = 0;
  for (const auto& [minutes, n] : minutes_) {
    seen += n;
    if (seen >= rank) return Minutes(minutes);
  }
  return Minutes(minutes_.rbegin()->first);
}

// -------------------------------------------------------- ServiceMetrics

int RootCauseIndex(std::string_view root_cause) {
  for (size_t i = 0; i < kRootCauses.size(); ++i) {
    if (kRootCauses[i] == root_cause) return static_cast<int>(i);
  }
  return -1;
}

namespace {
// Statuses of an accepted order of which nothing has shipped, and those
// of one of which something has (rule 10's partial statuses included).
bool NothingShipped(v1::OrderStatus s) {
  return s == v1::ORDER_STATUS_ACCEPTED || s == v1::ORDER_STATUS_ON_HOLD ||
         s == v1::ORDER_STATUS_BACKORDERED || s == v1::ORDER_STATUS_ALLOCATED;
}
bool SomethingShipped(v1::OrderStatus s) {
  return s == v1::ORDER_STATUS_SHIPPED ||
         s == v1::ORDER_STATUS_PARTIALLY_SHIPPED ||
         s == v1::ORDER_STATUS_PARTIALLY_DELIVERED ||
         s == v1::ORDER_STATUS_DELIVERED ||
         s == v1::ORDER_STATUS_DELIVERY_FAILED;
}
}  // namespace

void ServiceMetrics::OnStatusChanged(const StatusChange& c) {
  const bool first = c.previous == v1::ORDER_STATUS_UNSPECIFIED;
  if (NothingShipped(c.previous) && SomethingShipped(c.status)) {
    ++shipping_started;
  }
  switch (c.status) {
    case v1::ORDER_STATUS_ACCEPTED:
      // Back from ON_HOLD (rule 12) an order is not accepted again.
      if (c.previous == v1::ORDER_STATUS_ON_HOLD) break;
      if (first) ++received;
      ++accepted;
      break;
    case v1::ORDER_STATUS_REJECTED:
      if (first) ++received;
      ++rejected;
      break;
    case v1::ORDER_STATUS_ALLOCATED:
      if (c.previous == v1::ORDER_STATUS_ACCEPTED) ++allocated_without_backorder;
      break;
    case v1::ORDER_STATUS_BACKORDERED:
      if (c.previous == v1::ORDER_STATUS_ACCEPTED) ++backordered;
      break;
    case v1::ORDER_STATUS_CANCELLED:
      ++cancelled;
      break;
    case v1::ORDER_STATUS_SHIPPED:
      ++shipped;
      placed_to_shipped.Add(c.at - c.placed_at);
      break;
    case v1::ORDER_STATUS_DELIVERED:
      ++delivered;
      if (c.promised_at != 0 && c.at <= c.promised_at) ++delivered_on_time;
      placed_to_delivered.Add(c.at - c.placed_at);
      break;
    case v1::ORDER_STATUS_DELIVERY_FAILED:
      ++delivery_failures;
      break;
    default:
      break;
  }
}

void ServiceMetrics::OnEscalation(v1::EscalationKind kind,
                                  v1::EscalationState state) {
  if (kind < 0 || kind >= kEscalationKinds) return;
  if (state == v1::ESCALATION_STATE_RAISED) ++escalations_raised[kind];
  if (state == v1::ESCALATION_STATE_CLEARED) ++escalations_cleared[kind];
}

void ServiceMetrics::OnHoldPlaced(v1::HoldType type) {
  if (type < 0 || type >= kHoldTypes) return;
  ++holds_placed[type];
}

void ServiceMetrics::OnHoldReleased(v1::HoldType type, Millis held_for) {
  if (type < 0 || type >= kHoldTypes) return;
  time_on_hold[type].Add(held_for);
}

void ServiceMetrics::OnContact(v1::ContactKind kind,
                               std::string_view root_cause) {
  if (kind < 0 || kind >= kContactKinds) return;
  ++contacts_by_kind[kind];
  if (const int i = RootCauseIndex(root_cause); i >= 0) {
    ++contacts_by_root_cause[i];
  }
}

int64_t ServiceMetrics::contacts() const {
  int64_t n = 0;
  for (int64_t c : contacts_by_kind) n += c;
  return n;
}

void ServiceMetrics::Merge(const ServiceMetrics& o) {
  received += o.received;
  accepted += o.accepted;
  rejected += o.rejected;
  allocated_without_backorder += o.allocated_without_backorder;
  backordered += o.backordered;
  cancelled += o.cancelled;
  shipped += o.shipped;
  delivered += o.delivered;
  delivered_on_time += o.delivered_on_time;
  delivery_failures += o.delivery_failures;
  shipping_started += o.shipping_started;
  split_shipments += o.split_shipments;
  amendments_applied += o.amendments_applied;
  amendments_rejected += o.amendments_rejected;
  placed_to_shipped.Merge(o.placed_to_shipped);
  placed_to_delivered.Merge(o.placed_to_delivered);
  for (int k = 0; k < kEscalationKinds; ++k) {
    escalations_raised[k] += o.escalations_raised[k];
    escalations_cleared[k] += o.escalations_cleared[k];
  }
  for (int t = 0; t < kHoldTypes; ++t) {
    holds_placed[t] += o.holds_placed[t];
    time_on_hold[t].Merge(o.time_on_hold[t]);
  }
  for (int k = 0; k < kContactKinds; ++k) {
    contacts_by_kind[k] += o.contacts_by_kind[k];
  }
  for (size_t r = 0; r < kRootCauses.size(); ++r) {
    contacts_by_root_cause[r] += o.contacts_by_root_cause[r];
  }
}

// --------------------------------------------------------------- Backlog

std::string_view AgeBucketLabel(AgeBucket bucket) {
  switch (bucket) {
    case AgeBucket::kUnder4h: return "0-4h";
    case AgeBucket::k4hTo1d: return "4h-1d";
    case AgeBucket::k1dTo3d: return "1d-3d";
    case AgeBucket::k3dTo7d: return "3d-7d";
    case AgeBucket::kOver7d: return "7d+";
  }
  return "";
}

AgeBucket AgeBucketOf(Millis age) {
  if (age < Hours(4)) return AgeBucket::kUnder4h;
  if (age < Days(1)) return AgeBucket::k4hTo1d;
  if (age < Days(3)) return AgeBucket::k1dTo3d;
  if (age < Days(7)) return AgeBucket::k3dTo7d;
  return AgeBucket::kOver7d;
}

namespace {
int OpenIndex(v1::OrderStatus status) {
  for (size_t i = 0; i < kOpenStatuses.size(); ++i) {
    if (kOpenStatuses[i] == status) return static_cast<int>(i);
  }
  return -1;
}
}  // namespace

void Backlog::Add(v1::OrderStatus status, Millis age) {
  const int i = OpenIndex(status);
  if (i < 0) return;
  ++orders[i][static_cast<int>(AgeBucketOf(age))];
}

void Backlog::Merge(const Backlog& other) {
  for (size_t i = 0; i < orders.size(); ++i) {
    for (int b = 0; b < kAgeBuckets; ++b) orders[i][b] += other.orders[i][b];
  }
  for (int t = 0; t < kHoldTypes; ++t) open_holds[t] += other.open_holds[t];
}

int64_t Backlog::total() const {
  int64_t n = 0;
  for (const auto& row : orders) {
    for (int64_t c : row) n += c;
  }
  return n;
}

int64_t Backlog::of_status(v1::OrderStatus status) const {
  const int i = OpenIndex(status);
  if (i < 0) return 0;
  int64_t n = 0;
  for (int64_t c : orders[i]) n += c;
  return n;
}

int64_t Backlog::of_age(AgeBucket bucket) const {
  int64_t n = 0;
  for (const auto& row : orders) n += row[static_cast<int>(bucket)];
  return n;
}

// --------------------------------------------------------------- Summary

namespace {
std::optional<double> Rate(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}
std::optional<double> Per100(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}
ServiceSummary::Percentiles PercentilesOf(const CycleTimes& t) {
  return {t.Percentile(0.50), t.Percentile(0.90), t.Percentile(0.99)};
}
}  // namespace

ServiceSummary Summarize(const ServiceMetrics& m) {
  ServiceSummary s;
  s.accuracy_rate = Rate(m.accepted, m.received);
  s.fill_rate = Rate(m.allocated_without_backorder, m.accepted);
  s.backorder_rate = Rate(m.backordered, m.accepted);
  s.cancellation_rate = Rate(m.cancelled, m.received);
  s.on_time_rate = Rate(m.delivered_on_time, m.delivered);
  s.placed_to_shipped = PercentilesOf(m.placed_to_shipped);
  s.placed_to_delivered = PercentilesOf(m.placed_to_delivered);
  s.split_shipment_rate = Rate(m.split_shipments, m.shipping_started);
  s.contacts_per_100_orders = Per100(m.contacts(), m.received);
  for (int k = 0; k < kContactKinds; ++k) {
    s.contacts_per_100_by_kind[k] = Per100(m.contacts_by_kind[k], m.received);
  }
  for (size_t r = 0; r < kRootCauses.size(); ++r) {
    s.contacts_per_100_by_root_cause[r] =
        Per100(m.contacts_by_root_cause[r], m.received);
  }
  for (int t = 0; t < kHoldTypes; ++t) {
    s.time_on_hold[t] = PercentilesOf(m.time_on_hold[t]);
  }
  for (int k = 0; k < kEscalationKinds; ++k) {
    if (m.escalations_raised[k] > 0) {
      s.kinds_by_raised.emplace_back(static_cast<v1::EscalationKind>(k),
                                     m.escalations_raised[k]);
    }
  }
  std::sort(s.kinds_by_raised.begin(), s.kinds_by_raised.end(),
            [](const auto& a, const auto& b) {
              if (a.second != b.second) return a.second > b.second;
              return KindName(a.first) < KindName(b.first);
            });
  return s;
}

}  // namespace orderflow
