// The weekly report of a team lead: the service metrics of one ISO week
// (report/iso_week.h) and of the week before, per day for the charts, the
// backlog at the end of each day, and the top three problems.
//
// Pure: output records in (OrderStatusChanged, Escalation, DeadLetter,
// AmendmentResult, in any order across orders), a WeeklyReport out. The metric rules are not
// repeated here: every status change and escalation of a week is fed to
// that week's (and that day's) ServiceMetrics through the same
// OnStatusChanged and OnEscalation calls the order shard makes live.
//
//   - a status change belongs to the week of its occurredAt, an escalation
//     to the week of its detectedAt, a dead letter to the week of its
//     deadLetteredAt (days likewise, in UTC);
//   - the backlog at a moment T is every order by its latest status
//     changed before T (an open status counts), aged T - placedAt;
//   - an amendment result belongs to the week of its occurredAt (rule 11:
//     one result per amendmentId, as the engine counts them);
//   - a contact (rule 13) is a level-1 CUSTOMER_CONTACT escalation RAISED,
//     its kind read from the message the engine wrote ("Customer contact
//     K-1 (LATE ..."), its rootCause from the escalation; it counts in the
//     week (not the day) in which its order was received, whenever it came,
//     so that contacts per 100 orders are over the orders of that week;
//   - the top three problems are the escalation kinds most raised in the
//     week (Summarize's order: most raised first, ties by kind name), each
//     with up to three example orders: the first raised in the week, by
//     detectedAt, then order id, each order once.
#ifndef ORDERFLOW_REPORT_WEEKLY_REPORT_H_
#define ORDERFLOW_REPORT_WEEKLY_REPORT_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/service_metrics.h"
#include "engine/time.h"
#include "orderflow/v1/orderflow.pb.h"
#include "report/iso_week.h"
#include "report/record_sink.h"
#include "report/records_read.h"

namespace orderflow {

// One period (a week or a day) of the report.
struct PeriodFigures {
  EpochMillis start = 0;
  EpochMillis end = 0;  // exclusive
  ServiceMetrics metrics;
  Backlog backlog_at_end;  // open orders as of `end`
  int64_t dead_letters = 0;
};

struct Problem {
  v1::EscalationKind kind = v1::ESCALATION_KIND_UNSPECIFIED;
  int64_t raised = 0;
  std::vector<std::string> example_orders;  // up to 3
};

// With what was read (RecordsRead).
struct WeeklyReport : RecordsRead {
  IsoWeek week, previous_week;
  PeriodFigures current, previous;
  std::array<PeriodFigures, 7> days;  // Monday to Sunday of `week`
  std::vector<Problem> top_problems;  // up to 3
};

class WeeklyReportBuilder : public RecordSink {
 public:
  explicit WeeklyReportBuilder(IsoWeek week);

  using RecordSink::Add;
  void Add(const v1::OrderStatusChanged& change) override;
  void Add(const v1::Escalation& escalation) override;
  void Add(const v1::DeadLetter& dead_letter) override;
  void Add(const v1::AmendmentResult& result) override;

  WeeklyReport Build() const;

 private:
  struct Change {
    EpochMillis at;
    EpochMillis placed_at;
    v1::OrderStatus status;
  };
  // What the backlog needs of one order: its latest status before the
  // previous week, and its changes from then to the end of the week.
  struct Track {
    Change before{0, 0, v1::ORDER_STATUS_UNSPECIFIED};
    std::vector<Change> changes;
  };
  // The period figures a time falls in, or null.
  PeriodFigures* WeekOf(EpochMillis time);
  PeriodFigures* DayOf(EpochMillis time);

  WeeklyReport report_;
  absl::flat_hash_map<std::string, Track> orders_;
  // When each order was received (its first status), and the contacts
  // raised, for Build to give each contact to its order's week.
  absl::flat_hash_map<std::string, EpochMillis> received_at_;
  struct Contact {
    std::string order_id;
    v1::ContactKind kind;
    std::string root_cause;
  };
  std::vector<Contact> contacts_;
  // RAISED escalations of the week: (detectedAt, order id) per kind.
  std::array<std::vector<std::pair<EpochMillis, std::string>>, kEscalationKinds>
      raised_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_WEEKLY_REPORT_H_
