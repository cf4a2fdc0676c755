// The monthly root-cause review: the top three problems of a calendar
// month (report/calendar_month.h, UTC) by escalations and by the root
// causes of customer contacts, each against the month before, with holds
// by type and contacts per 100 orders.
//
// Pure: records in (record_sink.h; outputs and the inputs orders, holds,
// customer-contacts, in any order across orders), a MonthlyReport out.
//
//   - an escalation belongs to the month of its detectedAt; a problem by
//     escalations is an escalation kind, counted by its RAISED records
//     (each level is one, as in the weekly report);
//   - a contact is the level-1 RAISED CUSTOMER_CONTACT escalation it gives
//     (rule 13: one per contact about a known order), in the month of its
//     detectedAt, with that escalation's rootCause; its kind comes from
//     the contact's input record (by contactId), "not read" without it;
//   - the problems are ranked by count, most first, ties by name; each
//     gives up to three example orders: the first in the month by time,
//     then order id, each order once;
//   - orders placed in a month: the orders whose status changes carry a
//     placedAt in that month;
//   - holds (input records, by type): placed in the month (a PLACE, the
//     first of its orderId and holdId), released in the month (the first
//     RELEASE after that PLACE), time on hold of those released: from the
//     PLACE's occurredAt to the RELEASE's, nearest-rank p50 and p90.
#ifndef ORDERFLOW_REPORT_MONTHLY_REPORT_H_
#define ORDERFLOW_REPORT_MONTHLY_REPORT_H_

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/service_metrics.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"
#include "report/calendar_month.h"
#include "report/record_sink.h"
#include "report/records_read.h"

namespace orderflow {

// One ranked problem: an escalation kind or a contacts' root cause.
struct RankedProblem {
  std::string name;        // "SHIP_DEADLINE_MISSED", "DELIVERY_LATE"
  int64_t count = 0;       // in the month
  int64_t previous = 0;    // in the month before
  std::vector<std::string> example_orders;  // up to 3
  std::vector<int64_t> per_day;             // one per day of the month
};

// (name, count in the month, count in the month before), ranked.
struct NamedCount {
  std::string name;
  int64_t count = 0;
  int64_t previous = 0;
};

struct HoldFigures {
  v1::HoldType type = v1::HOLD_TYPE_UNSPECIFIED;
  int64_t placed = 0;
  int64_t released = 0;
  CycleTimes time_on_hold;  // of those released in the month
};

// With what was read (RecordsRead): outputs, and inputs below.
struct MonthlyReport : RecordsRead {
  CalendarMonth month, previous_month;
  int64_t orders_placed = 0, previous_orders_placed = 0;
  int64_t escalations_raised = 0, previous_escalations_raised = 0;
  int64_t contacts = 0, previous_contacts = 0;
  std::vector<RankedProblem> top_escalations;   // up to 3
  std::vector<RankedProblem> top_root_causes;   // up to 3
  std::vector<NamedCount> contacts_by_kind;        // ranked, both months
  std::vector<NamedCount> contacts_by_root_cause;  // ranked, both months
  std::vector<HoldFigures> holds;  // PAYMENT .. OTHER, every type
  // Input records read.
  int64_t orders = 0, hold_events = 0, contact_records = 0;
};

// Ranks counts by name: most first, ties by name; zero counts left out.
std::vector<NamedCount> Rank(const absl::flat_hash_map<std::string, NamedCount>& counts);

class MonthlyReportBuilder : public RecordSink {
 public:
  explicit MonthlyReportBuilder(CalendarMonth month);

  using RecordSink::Add;
  void Add(const v1::OrderStatusChanged& change) override;
  void Add(const v1::Escalation& escalation) override;
  void Add(const v1::DeadLetter& dead_letter) override;
  bool ReadsInputs() const override { return true; }
  void Add(const v1::OrderPlaced& order) override;
  void Add(const v1::HoldEvent& hold) override;
  void Add(const v1::CustomerContact& contact) override;

  MonthlyReport Build() const;

 private:
  // A raised record of the month or the month before: when, which order,
  // and under which name it is ranked.
  struct Raised {
    EpochMillis at;
    std::string order_id;
    std::string name;
    std::string contact_id;  // contacts only
  };
  // 0 the month, 1 the month before, -1 neither.
  int MonthIndexOf(EpochMillis time) const;

  MonthlyReport report_;
  std::array<absl::flat_hash_set<std::string>, 2> placed_;  // order ids
  std::vector<Raised> escalations_, contacts_;
  absl::flat_hash_map<std::string, int32_t> contact_kinds_;  // by contactId
  std::vector<v1::HoldEvent> hold_events_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_MONTHLY_REPORT_H_
