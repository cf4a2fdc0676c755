// `orderflow alerts`: the `escalations` topic into Prometheus' Alertmanager.
//
// Reads every partition of `escalations` read_committed and posts the
// alerts the AlertBook writes (alerts/alert_book.h) to Alertmanager's API
// v2 in batches. Offsets are committed (group `<group_prefix>.alerts`)
// only after Alertmanager accepted the batch that holds them, so a bridge
// stopped or killed at any point loses nothing: after a restart it posts
// again what it had not committed, and Alertmanager takes an alert sent
// twice as one.
//
// What is firing is not kept anywhere but the topic: at start the bridge
// reads each partition from its beginning, folding the records before the
// committed offset in without posting them, posts the rest, and from then
// on sends every firing alert again each `resend_every` (Alertmanager
// resolves an alert that is not sent again before its end time).
//
// When Alertmanager cannot be reached or answers 5xx or 429, the batch is
// posted again after a back-off (1 s doubling to 30 s) until it is taken
// or the bridge is stopped; reading waits meanwhile. A batch answered
// with another 4xx is posted alert by alert, and an alert refused alone
// is logged with Alertmanager's answer and left behind: one bad alert
// does not stop the rest.
#ifndef ORDERFLOW_ALERTS_ALERT_BRIDGE_H_
#define ORDERFLOW_ALERTS_ALERT_BRIDGE_H_

#include <atomic>
#include <ostream>
#include <string>

#include "config/config_file.h"
#include "engine/time.h"

namespace orderflow {

struct AlertBridgeOptions {
  // Alertmanager's base URL: http://host:port, with a path prefix if it
  // is served under one (http://host/alertmanager).
  std::string alertmanager_url;
  Millis resend_every = Minutes(1);
  // A firing alert ends this long after it was last sent (Prometheus'
  // own choice is four evaluation intervals).
  Millis hold = Minutes(4);
  int max_batch = 500;         // alerts per POST
  Millis max_batch_wait = 500;  // how long a batch may wait to fill
};

// Runs until `stop`; returns the process exit status (0 after a stop,
// 1 when the topic or Alertmanager's address cannot be used at all).
int RunAlertBridge(const Config& config, const AlertBridgeOptions& options,
                   const std::atomic<bool>& stop, std::ostream& log);

}  // namespace orderflow

#endif  // ORDERFLOW_ALERTS_ALERT_BRIDGE_H_
