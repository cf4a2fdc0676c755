#include "observe/prometheus.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "engine/contacts.h"
#include "engine/escalations.h"
#include "engine/holds.h"
#include "engine/order_status.h"

namespace orderflow {
namespace {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

// Label values: backslash, double quote and line feed are escaped.
std::string Escaped(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, end);
}
std::string Number(int64_t v) { return std::to_string(v); }

class Writer {
 public:
  // Starts a family: its HELP and TYPE lines.
  void Family(std::string_view name, std::string_view type,
              std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;  // plain text without backslashes or line feeds
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void Sample(std::string_view name, const Labels& labels,
              const std::string& value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) out_ += ',';
        out_ += labels[i].first;
        out_ += "=\"";
        out_ += Escaped(labels[i].second);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  // A family of one unlabelled sample.
  void Single(std::string_view name, std::string_view type,
              std::string_view help, const std::string& value) {
    Family(name, type, help);
    Sample(name, {}, value);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string SecondsOf(const std::optional<Millis>& v) {
  return v ? Number(*v / 1000) : std::string("NaN");
}

}  // namespace

std::string RenderPrometheus(const LiveSnapshot& snapshot) {
  const ServiceMetrics& m = snapshot.metrics.metrics;
  const Backlog& b = snapshot.metrics.backlog;
  const HostStats& h = snapshot.host;
  const ServiceSummary s = Summarize(m);
  Writer w;

  const struct {
    std::string_view name;
    int64_t value;
    std::string_view help;
  } orders[] = {
      {"orderflow_orders_received_total", m.received,
       "Orders reviewed for the first time (repeats and conflicting duplicates are not counted again)."},
      {"orderflow_orders_accepted_total", m.accepted, "Orders that became ACCEPTED."},
      {"orderflow_orders_rejected_total", m.rejected, "Orders that became REJECTED."},
      {"orderflow_orders_allocated_without_backorder_total",
       m.allocated_without_backorder, "Orders ALLOCATED straight from ACCEPTED."},
      {"orderflow_orders_backordered_total", m.backordered,
       "Orders BACKORDERED straight from ACCEPTED."},
      {"orderflow_orders_cancelled_total", m.cancelled, "Orders that became CANCELLED."},
      {"orderflow_orders_shipped_total", m.shipped, "Orders that became SHIPPED."},
      {"orderflow_orders_delivered_total", m.delivered, "Orders that became DELIVERED."},
      {"orderflow_orders_delivered_on_time_total", m.delivered_on_time,
       "Orders DELIVERED at or before their promisedDeliveryAt."},
      {"orderflow_delivery_failures_total", m.delivery_failures,
       "Transitions into DELIVERY_FAILED."},
  };
  for (const auto& o : orders) {
    w.Single(o.name, "counter", o.help, Number(o.value));
  }

  const struct {
    std::string_view name;
    std::optional<double> value;
    std::string_view help;
  } ratios[] = {
      {"orderflow_accuracy_ratio", s.accuracy_rate, "Accepted orders / received orders."},
      {"orderflow_fill_ratio", s.fill_rate,
       "Orders allocated without a backorder / accepted orders."},
      {"orderflow_backorder_ratio", s.backorder_rate, "Backordered orders / accepted orders."},
      {"orderflow_cancellation_ratio", s.cancellation_rate,
       "Cancelled orders / received orders."},
      {"orderflow_on_time_delivery_ratio", s.on_time_rate,
       "Orders delivered by their promise / delivered orders."},
      {"orderflow_split_shipment_ratio", s.split_shipment_rate,
       "Orders shipped in more than one parcel / orders whose shipping started."},
      {"orderflow_contacts_per_100_orders", s.contacts_per_100_orders,
       "Customer contacts per 100 orders received."},
  };
  for (const auto& r : ratios) {
    if (r.value) w.Single(r.name, "gauge", r.help, Number(*r.value));
  }

  constexpr std::string_view kCycle = "orderflow_order_cycle_time_seconds";
  w.Family(kCycle, "summary",
           "Time from placedAt to the status change, by stage, to the minute "
           "(exact nearest-rank quantiles).");
  const struct {
    std::string_view stage;
    const CycleTimes& times;
    const ServiceSummary::Percentiles& p;
  } stages[] = {{"placed_to_shipped", m.placed_to_shipped, s.placed_to_shipped},
                {"placed_to_delivered", m.placed_to_delivered, s.placed_to_delivered}};
  for (const auto& st : stages) {
    const std::string stage(st.stage);
    w.Sample(kCycle, {{"stage", stage}, {"quantile", "0.5"}}, SecondsOf(st.p.p50));
    w.Sample(kCycle, {{"stage", stage}, {"quantile", "0.9"}}, SecondsOf(st.p.p90));
    w.Sample(kCycle, {{"stage", stage}, {"quantile", "0.99"}}, SecondsOf(st.p.p99));
    w.Sample(std::string(kCycle) + "_sum", {{"stage", stage}},
             Number(st.times.sum() / 1000));
    w.Sample(std::string(kCycle) + "_count", {{"stage", stage}},
             Number(st.times.count()));
  }

  constexpr std::string_view kBacklog = "orderflow_backlog_orders";
  w.Family(kBacklog, "gauge",
           "Open orders (accepted, not delivered, cancelled or rejected) by "
           "status and by age (engine time - placedAt).");
  for (size_t i = 0; i < kOpenStatuses.size(); ++i) {
    for (int a = 0; a < kAgeBuckets; ++a) {
      w.Sample(kBacklog,
               {{"status", std::string(StatusName(kOpenStatuses[i]))},
                {"age", std::string(AgeBucketLabel(static_cast<AgeBucket>(a)))}},
               Number(b.orders[i][a]));
    }
  }

  const struct {
    std::string_view name;
    const std::array<int64_t, kEscalationKinds>& counts;
    std::string_view help;
  } escalations[] = {
      {"orderflow_escalations_raised_total", m.escalations_raised,
       "Escalations RAISED, by kind (all levels together)."},
      {"orderflow_escalations_cleared_total", m.escalations_cleared,
       "Escalations CLEARED, by kind (all levels together)."},
  };
  for (const auto& e : escalations) {
    w.Family(e.name, "counter", e.help);
    for (int k = 1; k < kEscalationKinds; ++k) {
      if (!v1::EscalationKind_IsValid(k)) continue;  // a number kept free
      w.Sample(e.name,
               {{"kind", std::string(KindName(static_cast<v1::EscalationKind>(k)))}},
               Number(e.counts[k]));
    }
  }

  constexpr std::string_view kAmendments = "orderflow_amendments_total";
  w.Family(kAmendments, "counter",
           "Amendments (rule 11) by outcome; a repeated amendmentId counts nowhere.");
  w.Sample(kAmendments, {{"outcome", "applied"}}, Number(m.amendments_applied));
  w.Sample(kAmendments, {{"outcome", "rejected"}}, Number(m.amendments_rejected));

  w.Single("orderflow_orders_shipping_started_total", "counter",
           "Orders whose first shipment was made (from nothing shipped to "
           "something shipped).",
           Number(m.shipping_started));
  w.Single("orderflow_split_shipments_total", "counter",
           "Orders shipped in more than one parcel (their second parcel with "
           "lines shipped).",
           Number(m.split_shipments));

  constexpr std::string_view kHoldsPlaced = "orderflow_holds_placed_total";
  constexpr std::string_view kHoldsOpen = "orderflow_holds_open";
  constexpr std::string_view kHoldTime = "orderflow_hold_time_seconds";
  w.Family(kHoldsPlaced, "counter", "Holds placed (rule 12), by type; a holdId counts once.");
  for (int t = 1; t < kHoldTypes; ++t) {
    if (!v1::HoldType_IsValid(t)) continue;
    w.Sample(kHoldsPlaced,
             {{"type", std::string(HoldTypeName(static_cast<v1::HoldType>(t)))}},
             Number(m.holds_placed[t]));
  }
  w.Family(kHoldsOpen, "gauge", "Holds keeping an order ON_HOLD now, by type.");
  for (int t = 1; t < kHoldTypes; ++t) {
    if (!v1::HoldType_IsValid(t)) continue;
    w.Sample(kHoldsOpen,
             {{"type", std::string(HoldTypeName(static_cast<v1::HoldType>(t)))}},
             Number(b.open_holds[t]));
  }
  w.Family(kHoldTime, "summary",
           "Time on hold of each released hold, from PLACE to RELEASE, by type, "
           "to the minute (exact nearest-rank quantiles); _count is the holds released.");
  for (int t = 1; t < kHoldTypes; ++t) {
    if (!v1::HoldType_IsValid(t)) continue;
    const std::string type(HoldTypeName(static_cast<v1::HoldType>(t)));
    const ServiceSummary::Percentiles& p = s.time_on_hold[t];
    w.Sample(kHoldTime, {{"type", type}, {"quantile", "0.5"}}, SecondsOf(p.p50));
    w.Sample(kHoldTime, {{"type", type}, {"quantile", "0.9"}}, SecondsOf(p.p90));
    w.Sample(kHoldTime, {{"type", type}, {"quantile", "0.99"}}, SecondsOf(p.p99));
    w.Sample(std::string(kHoldTime) + "_sum", {{"type", type}},
             Number(m.time_on_hold[t].sum() / 1000));
    w.Sample(std::string(kHoldTime) + "_count", {{"type", type}},
             Number(m.time_on_hold[t].count()));
  }

  constexpr std::string_view kContacts = "orderflow_contacts_total";
  constexpr std::string_view kCauses = "orderflow_contacts_by_root_cause_total";
  w.Family(kContacts, "counter",
           "Customer contacts (rule 13) that raised their escalation, by kind.");
  for (int k = 1; k < kContactKinds; ++k) {
    if (!v1::ContactKind_IsValid(k)) continue;
    w.Sample(kContacts, {{"kind", std::string(ContactKindName(k))}},
             Number(m.contacts_by_kind[k]));
  }
  w.Family(kCauses, "counter",
           "Customer contacts (rule 13) that raised their escalation, by rootCause.");
  for (size_t r = 0; r < kRootCauses.size(); ++r) {
    w.Sample(kCauses, {{"root_cause", std::string(kRootCauses[r])}},
             Number(m.contacts_by_root_cause[r]));
  }

  w.Single("orderflow_engine_time_seconds", "gauge",
           "The engine clock the metrics are as of (Unix time).",
           Number(static_cast<double>(snapshot.metrics.as_of) / 1000));
  w.Single("orderflow_start_time_seconds", "gauge",
           "When this process started (Unix time); every counter starts from zero then.",
           Number(static_cast<double>(h.started_at) / 1000));
  const struct {
    std::string_view name;
    int64_t value;
    std::string_view help;
  } host[] = {
      {"orderflow_input_records_total", h.inputs,
       "Input records consumed and applied (again after an abort)."},
      {"orderflow_output_records_total", h.outputs,
       "Public records produced (again after an abort)."},
      {"orderflow_commits_total", h.commits, "Transactions committed."},
      {"orderflow_aborts_total", h.aborts, "Transactions aborted."},
      {"orderflow_producer_rebuilds_total", h.producer_rebuilds,
       "Transactional producers made anew after a fatal error."},
      {"orderflow_restored_state_records_total", h.restored_records,
       "Changelog records read back to rebuild shards."},
  };
  for (const auto& c : host) w.Single(c.name, "counter", c.help, Number(c.value));
  constexpr std::string_view kCommit = "orderflow_commit_duration_seconds";
  const CommitDurations& cd = h.commit_durations;
  w.Family(kCommit, "histogram",
           "How long commits took, from writing the last state records and "
           "sending the input offsets to the broker's answer.");
  const std::string bucket = std::string(kCommit) + "_bucket";
  for (size_t i = 0; i <= CommitDurations::kUpperBounds.size(); ++i) {
    w.Sample(bucket, {{"le", Number(CommitDurations::UpperBoundSeconds(i))}},
             Number(cd.AtMost(i)));
  }
  w.Sample(std::string(kCommit) + "_sum", {}, Number(cd.TotalSeconds()));
  w.Sample(std::string(kCommit) + "_count", {}, Number(cd.count));
  constexpr std::string_view kDead = "orderflow_dead_letters_total";
  w.Family(kDead, "counter", "Records dead-lettered in committed transactions, by reason.");
  for (const auto& [reason, n] : h.dead_letters) {
    w.Sample(kDead, {{"reason", reason}}, Number(n));
  }
  return w.Take();
}

}  // namespace orderflow
