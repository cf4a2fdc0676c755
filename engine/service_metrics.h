// The numbers a team lead is judged by (docs/contract.md, "Metrics"),
// counted from the order stage's decisions.
//
// One rule in one place: the order shard feeds a ServiceMetrics as it
// changes statuses and raises escalations, and the weekly report feeds one
// from the output topics (OrderStatusChanged carries placedAt and
// promisedDeliveryAt for that). Both call the same two functions, so a
// metric means the same thing live and in the report.
//
// What counts:
//   received      an order reviewed for the first time (ACCEPTED or REJECTED
//                 with no previous status); a repeat or a conflicting
//                 duplicate is not received again
//   accepted, rejected, cancelled, shipped, delivered
//                 transitions into that status (each happens once per order)
//   allocated without a backorder
//                 ALLOCATED straight from ACCEPTED
//   backordered   BACKORDERED straight from ACCEPTED (once per order)
//   delivered on time
//                 DELIVERED at or before the order's promisedDeliveryAt
//   delivery failures
//                 transitions into DELIVERY_FAILED
//   cycle times   placed -> shipped at SHIPPED, placed -> delivered at
//                 DELIVERED; times are those of the status change (engine
//                 time), to the minute
//   escalations   RAISED and CLEARED, by kind (all levels together)
//   shipping started
//                 an order's first shipment: a change from a status where
//                 nothing has shipped (ACCEPTED, ON_HOLD, BACKORDERED,
//                 ALLOCATED) into one where something has (rule 10)
//   split shipments
//                 orders whose second parcel with lines shipped (counted
//                 by the order shard, which sees parcels)
//   holds         placed (a holdId once), by type; each released hold's
//                 time on hold, from its PLACE to its RELEASE in engine
//                 time, by type (rule 12)
//   contacts      each contact that raised its CUSTOMER_CONTACT escalation
//                 (received unresolved about a known order), by kind and
//                 by the escalation's rootCause (rule 13)
//
// Rates (Summary): accuracy = accepted / received; fill = allocated without
// a backorder / accepted; backorder = backordered / accepted; cancellation =
// cancelled / received; on-time = delivered on time / delivered;
// split-shipment = split shipments / shipping started; contacts per 100
// orders = 100 * contacts / received (overall, by kind, by root cause). A rate
// with a zero denominator is absent (nullopt), not zero.
//
// Percentiles are nearest-rank over whole minutes: p of n samples is the
// smallest value v with at least ceil(p * n) samples <= v. They are exact,
// and merging two distributions gives the distribution of the union.
//
// The backlog is a picture, not a count: open orders (accepted, not
// delivered, cancelled or rejected) by status and by age (now - placedAt),
// and the holds open now by type (those keeping an order ON_HOLD).
#ifndef ORDERFLOW_ENGINE_SERVICE_METRICS_H_
#define ORDERFLOW_ENGINE_SERVICE_METRICS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

// A distribution of durations, to the minute, exact.
class CycleTimes {
 public:
  void Add(Millis duration);  // negative durations count as zero
  void Merge(const CycleTimes& other);
  int64_t count() const { return count_; }
  Millis sum() const { return sum_; }  // of the rounded values
  // Nearest rank (see above); nullopt when empty. 0 < p <= 1.
  std::optional<Millis> Percentile(double p) const;
  // (minutes, samples) in increasing minutes.
  const absl::btree_map<int64_t, int64_t>& minutes() const { return minutes_; }

 private:
  absl::btree_map<int64_t, int64_t> minutes_;
  int64_t count_ = 0;
  Millis sum_ = 0;
};

// What one status change tells the metrics.
struct StatusChange {
  v1::OrderStatus previous = v1::ORDER_STATUS_UNSPECIFIED;
  v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
  EpochMillis at = 0;            // occurredAt
  EpochMillis placed_at = 0;     // the order's placedAt
  EpochMillis promised_at = 0;   // promisedDeliveryAt; 0 when unknown
};

inline constexpr int kEscalationKinds = v1::EscalationKind_ARRAYSIZE;
inline constexpr int kHoldTypes = v1::HoldType_ARRAYSIZE;
inline constexpr int kContactKinds = v1::ContactKind_ARRAYSIZE;

// The rootCause values of rule 13, in its order of precedence.
inline constexpr std::array<std::string_view, 9> kRootCauses = {
    "DELIVERY_FAILED",   "DELIVERY_LATE",         "SHIPMENT_LATE",
    "BACKORDER",         "ON_HOLD",               "INVOICE_MISMATCH",
    "CANCELLED_BUT_SHIPPED", "AMENDMENT_REJECTED", "NONE_FOUND"};
// The index of `root_cause` in kRootCauses; -1 when it is none of them.
int RootCauseIndex(std::string_view root_cause);

struct ServiceMetrics {
  int64_t received = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t allocated_without_backorder = 0;
  int64_t backordered = 0;
  int64_t cancelled = 0;
  int64_t shipped = 0;
  int64_t delivered = 0;
  int64_t delivered_on_time = 0;
  int64_t delivery_failures = 0;
  // Rule 10: orders whose first shipment was made (the split-shipment
  // rate's denominator), and orders whose second parcel with lines
  // shipped (orders shipped in more than one parcel).
  int64_t shipping_started = 0;
  int64_t split_shipments = 0;
  // Rule 11: amendments applied and rejected (a repeat counts nowhere).
  int64_t amendments_applied = 0;
  int64_t amendments_rejected = 0;
  CycleTimes placed_to_shipped;
  CycleTimes placed_to_delivered;
  // Indexed by v1::EscalationKind.
  std::array<int64_t, kEscalationKinds> escalations_raised{};
  std::array<int64_t, kEscalationKinds> escalations_cleared{};
  // Rule 12, indexed by v1::HoldType: holds placed, and the time on hold
  // of each released one (its count is the holds released).
  std::array<int64_t, kHoldTypes> holds_placed{};
  std::array<CycleTimes, kHoldTypes> time_on_hold;
  // Rule 13: contacts by v1::ContactKind, and by rootCause (indexed as
  // kRootCauses).
  std::array<int64_t, kContactKinds> contacts_by_kind{};
  std::array<int64_t, kRootCauses.size()> contacts_by_root_cause{};

  void OnStatusChanged(const StatusChange& change);
  void OnEscalation(v1::EscalationKind kind, v1::EscalationState state);
  void OnAmendment(bool applied) {
    ++(applied ? amendments_applied : amendments_rejected);
  }
  void OnHoldPlaced(v1::HoldType type);
  // `held_for`: from the hold's PLACE to its RELEASE.
  void OnHoldReleased(v1::HoldType type, Millis held_for);
  // A rootCause that is none of kRootCauses counts by kind only.
  void OnContact(v1::ContactKind kind, std::string_view root_cause);
  int64_t contacts() const;
  void Merge(const ServiceMetrics& other);
};

// Open orders by status and age.
enum class AgeBucket { kUnder4h, k4hTo1d, k1dTo3d, k3dTo7d, kOver7d };
inline constexpr int kAgeBuckets = 5;
// "0-4h", "4h-1d", "1d-3d", "3d-7d", "7d+": lower bound inclusive.
std::string_view AgeBucketLabel(AgeBucket bucket);
AgeBucket AgeBucketOf(Millis age);

// The open statuses: v1's in the order an order passes through them, then
// those of rules 10 and 12.
inline constexpr std::array<v1::OrderStatus, 8> kOpenStatuses = {
    v1::ORDER_STATUS_ACCEPTED,          v1::ORDER_STATUS_BACKORDERED,
    v1::ORDER_STATUS_ALLOCATED,         v1::ORDER_STATUS_SHIPPED,
    v1::ORDER_STATUS_DELIVERY_FAILED,   v1::ORDER_STATUS_ON_HOLD,
    v1::ORDER_STATUS_PARTIALLY_SHIPPED, v1::ORDER_STATUS_PARTIALLY_DELIVERED};

struct Backlog {
  // [index in kOpenStatuses][AgeBucket]
  std::array<std::array<int64_t, kAgeBuckets>, kOpenStatuses.size()> orders{};
  // Holds keeping an order ON_HOLD now, by v1::HoldType.
  std::array<int64_t, kHoldTypes> open_holds{};

  // Counts an order in `status` (ignored unless open) of age `age`.
  void Add(v1::OrderStatus status, Millis age);
  void Merge(const Backlog& other);
  int64_t total() const;
  int64_t of_status(v1::OrderStatus status) const;
  int64_t of_age(AgeBucket bucket) const;
};

// The metrics as people read them.
struct ServiceSummary {
  std::optional<double> accuracy_rate, fill_rate, backorder_rate,
      cancellation_rate, on_time_rate, split_shipment_rate;
  // 100 * contacts / received: all, by v1::ContactKind, by kRootCauses.
  std::optional<double> contacts_per_100_orders;
  std::array<std::optional<double>, kContactKinds> contacts_per_100_by_kind;
  std::array<std::optional<double>, kRootCauses.size()>
      contacts_per_100_by_root_cause;
  struct Percentiles {
    std::optional<Millis> p50, p90, p99;
  };
  Percentiles placed_to_shipped, placed_to_delivered;
  // Time on hold by v1::HoldType (p99 too, though people read p50 and p90).
  std::array<Percentiles, kHoldTypes> time_on_hold;
  // Escalation kinds with at least one raised, most raised first (ties by
  // kind name); the first three are the top three.
  std::vector<std::pair<v1::EscalationKind, int64_t>> kinds_by_raised;
};
ServiceSummary Summarize(const ServiceMetrics& metrics);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_SERVICE_METRICS_H_
