// orderflow's configuration file (YAML): every threshold of the contract
// (docs/contract.md, "Configuration"), the partition counts, and (for
// `run`) the Kafka settings.
//
// Every key is optional; what is left out keeps its default. A bad line is
// an error naming the file, the line and what was expected:
//
//   orderflow.yaml:7:20: deadlines.at_risk_window: expected a duration
//   like 4h, 30m, 2d or 1d12h, got "soon"
//
// A key given twice in one mapping is an error at the second, integers are
// digits only (an optional '-' first; no blanks, '+' or hex), and durations
// are at most kLongestDuration (36500d).
//
// deploy/orderflow.example.yaml lists every key with its default.
#ifndef ORDERFLOW_CONFIG_CONFIG_FILE_H_
#define ORDERFLOW_CONFIG_CONFIG_FILE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/config.h"
#include "engine/time.h"

namespace orderflow {

// How `orderflow run` reaches Kafka (the `kafka:` section).
struct KafkaSettings {
  std::string bootstrap_servers = "127.0.0.1:9092";
  // Topics are "<topic_prefix>.<short name>.v1".
  std::string topic_prefix = "orderflow";
  // Consumer groups "<group_prefix>.order-stage" and
  // "<group_prefix>.inventory-stage".
  std::string group_prefix = "orderflow";
  // Names this process among those sharing the groups. Its transactional
  // id is "<group_prefix>.<instance_id>": a restarted process with the same
  // id fences its previous incarnation at once, and takes its place in the
  // stages' groups at once too (static membership, consumers/host_stages.h).
  std::string instance_id = "0";
  Millis commit_interval = 100;
  // After SIGTERM, `orderflow run` ends itself (status 3, saying what it
  // was doing) if it has not stopped within this (commands/
  // stop_watchdog.h). Below the deploy files' grace periods
  // (60 s), so that the process, not its supervisor, says why.
  Millis stop_within = 45'000;
  // "wall": timers fire on the wall clock (production). "event": the clock
  // is the largest input record timestamp seen (tests, what-if runs).
  bool event_time = false;
  int32_t replication_factor = 1;  // for `orderflow topics create`
  // Topic configs for `orderflow topics create`, on every topic it makes
  // (e.g. retention.ms). Records published with old event-time timestamps
  // need retention.ms -1, or the broker deletes them at once.
  std::map<std::string, std::string> topic_configs;
  // Any librdkafka property, given to every client (TLS, SASL, ...).
  std::map<std::string, std::string> properties;
};

// What `orderflow run` and the demo show people (the `http:` and
// `timeline:` sections).
struct ObserveSettings {
  // Where the metrics, the dashboard and order investigation are served:
  // "host:port"; port 0 picks a free one; "off" serves nothing.
  std::string http_address = "127.0.0.1:9464";
  // A file holding the bearer token every HTTP request must then carry
  // (Authorization: Bearer <token>; observe/http_token.h); required when
  // http_address is not loopback. Empty: none.
  std::string http_token_file;
  // Where the two were set ("orderflow.yaml:57:12: http.address"), for
  // the messages at start; the key's name when not from a file.
  std::string http_address_origin = "http.address";
  std::string http_token_file_origin = "http.token_file";
  // `orderflow run`'s GET /readyz turns 503 when input has waited this
  // long uncommitted; 0: max(3 × kafka.commit_interval, 10 s).
  Millis ready_commit_within = 0;
  // Every input and output of an order is kept for `orderflow inspect`;
  // a closed order's timeline is dropped this long (engine time) after
  // it closed.
  Millis timeline_retention = Days(7);
  // Memory bounds: timelines kept at most (the oldest closed go first),
  // and entries per order (the oldest go first, counted as dropped).
  int64_t timeline_max_orders = 100'000;
  int32_t timeline_max_entries = 64;
  // The team lead's worklist (GET /api/escalations) keeps at most this
  // many open escalations, the most pressing (observe/escalation_worklist.h).
  int64_t worklist_limit = 10'000;
};

struct Config {
  EngineConfig engine;
  KafkaSettings kafka;
  ObserveSettings observe;
};

// Reads and checks the file at `path`.
absl::StatusOr<Config> LoadConfigFile(const std::string& path);
// Checks YAML text; `file_name` is only used in error messages.
absl::StatusOr<Config> ParseConfig(const std::string& yaml,
                                   const std::string& file_name);

// "4h", "30m", "2d", "1d12h", "500ms", "90s". Nullopt if malformed or too
// long for int64 milliseconds (the configuration's own limit,
// kLongestDuration, is checked by the reader).
std::optional<Millis> ParseDuration(std::string_view text);

}  // namespace orderflow

#endif  // ORDERFLOW_CONFIG_CONFIG_FILE_H_
