// Escalations as Alertmanager alerts (its API v2, POST /api/v2/alerts).
//
// The `escalations` topic says when a problem starts (RAISED) and ends
// (CLEARED); Alertmanager wants an alert per problem, sent again while it
// lasts and sent with an end time when it is over. The AlertBook keeps the
// escalations now RAISED and not CLEARED (the firing ones) and writes the
// alerts for them:
//
//   AlertBook book;
//   for (const v1::Escalation& e : records) book.Apply(e, now, &batch);
//   ... POST batch; later, every `resend_every`:
//   book.Firing(now, &batch);   // every firing alert again
//
// An alert's labels are alertname "OrderflowEscalation", kind (without the
// enum prefix), level ("1".."3"), order_id and escalation_id: the
// escalation id alone makes the label set unique, so Alertmanager's
// deduplication takes an alert sent twice as one. Its annotations are
// summary (the escalation's message) and detected_at. A firing alert ends
// `hold` after it was last sent unless sent again: an alert whose bridge
// has stopped for good resolves by itself, as Prometheus' do.
//
// Pure: no I/O, no clock of its own. Times are the caller's.
#ifndef ORDERFLOW_ALERTS_ALERT_BOOK_H_
#define ORDERFLOW_ALERTS_ALERT_BOOK_H_

#include <cstddef>
#include <string>

#include "absl/container/btree_map.h"
#include "engine/time.h"
#include "nlohmann/json.hpp"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

class AlertBook {
 public:
  // How long a firing alert lasts after it was sent, unless sent again.
  explicit AlertBook(Millis hold) : hold_(hold) {}

  // Folds one escalation record in: RAISED makes it firing, CLEARED ends
  // it. Appends to `alerts` (a JSON array) the alert that tells
  // Alertmanager so, unless `alerts` is null (a record already sent
  // before, read again only to know what is firing). A CLEARED for an
  // escalation never seen RAISED still ends the alert: its RAISED may lie
  // before what the topic keeps.
  void Apply(const v1::Escalation& escalation, EpochMillis now,
             nlohmann::json* alerts);

  // Appends every firing alert, to be sent again at `now`.
  void Firing(EpochMillis now, nlohmann::json* alerts) const;

  size_t firing() const { return firing_.size(); }

 private:
  // The alert for `raised`, ending at `ends_at`.
  static nlohmann::json Alert(const v1::Escalation& raised, EpochMillis ends_at);
  // When an alert sent at `now` and started at `starts_at` ends unless
  // sent again: never before it starts (Alertmanager refuses an alert
  // that ends before it starts, and escalations carry engine time, which
  // may run ahead of the wall clock).
  EpochMillis HeldUntil(EpochMillis starts_at, EpochMillis now) const;

  Millis hold_;
  // By escalation id, so that resends come in a stable order.
  absl::btree_map<std::string, v1::Escalation> firing_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ALERTS_ALERT_BOOK_H_
