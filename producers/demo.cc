#include "producers/demo.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "kafka/kafka_client.h"
#include "consumers/kafka_host.h"
#include "kafka/topic_names.h"
#include "kafka/topics_admin.h"
#include "engine/escalations.h"
#include "engine/order_status.h"
#include "engine/service_metrics.h"
#include "engine/partitioner.h"
#include "engine/text.h"
#include "observe/dashboard.h"
#include "observe/http_server.h"
#include "observe/live_metrics.h"
#include "observe/order_facts.h"
#include "orderflow/v1/orderflow.pb.h"
#include "kafka/kafka_io.h"
#include "replay/replay_line.h"
#include "sim/warehouses.h"
#include "sim/week.h"
#include "sim/world.h"

namespace orderflow {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr Millis kHour = Hours(1);
constexpr int kPartitions = 4;

// ------------------------------------------------------------ the lead

// What a team lead's dashboard would count, from the output topics: the
// facts of each order. The mock cluster keeps the records of aborted
// transactions visible, so a record may be read twice (OrderFacts counts
// it once).
struct Tally {
  std::map<std::string, OrderFacts> orders;

  void Add(Topic topic, const RdKafka::Message& m) {
    const void* p = m.payload();
    const int n = static_cast<int>(m.len());
    const EpochMillis time = m.timestamp().timestamp;
    if (topic == Topic::kOrderStatus) {
      v1::OrderStatusChanged s;
      if (s.ParseFromArray(p, n)) orders[s.order_id()].AddStatus(s, time);
    } else if (topic == Topic::kDeliveryTasks) {
      v1::DeliveryTask t;
      if (t.ParseFromArray(p, n)) orders[t.order_id()].AddTask(t);
    } else if (topic == Topic::kEscalations) {
      v1::Escalation e;
      if (!e.ParseFromArray(p, n)) return;
      orders[e.order_id()].AddEscalation(e, time);
      // A contact's escalation id ends with its contactId; its levels
      // are one contact.
      const std::string& id = e.escalation_id();
      if (e.kind() == v1::ESCALATION_KIND_CUSTOMER_CONTACT && !e.root_cause().empty() &&
          contacts.insert(Cat(e.order_id(), "/", id.substr(id.rfind('/') + 1))).second) {
        ++root_causes[e.root_cause()];
      }
    }
  }
  // Rule 13: the customer contacts the engine escalated, once each, and
  // their root causes.
  std::set<std::string> contacts;
  std::map<std::string, int64_t> root_causes;

  // The order's latest status; UNSPECIFIED before any.
  v1::OrderStatus Last(const std::string& id) const {
    auto it = orders.find(id);
    return it == orders.end() ? v1::ORDER_STATUS_UNSPECIFIED : it->second.status;
  }
  bool Had(const std::string& id, v1::OrderStatus s) const {
    auto it = orders.find(id);
    return it != orders.end() && it->second.Had(s);
  }
  // Escalations raised, by kind name.
  std::map<std::string, int> RaisedByKind() const {
    std::map<std::string, int> by_kind;
    for (const auto& [id, facts] : orders) {
      for (const OrderFacts::Escalation& e : facts.escalations) {
        ++by_kind[std::string(KindName(e.kind))];
      }
    }
    return by_kind;
  }
};

std::string Pct(const std::optional<double>& rate) {
  if (!rate) return "n/a";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100.0 * *rate << " %";
  return s.str();
}

std::string Hours(const std::optional<Millis>& t) {
  if (!t) return "n/a";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << static_cast<double>(*t) / kHour << " h";
  return s.str();
}

std::string DeadLetters(const HostStats& host) {
  int64_t total = 0;
  std::string reasons;
  for (const auto& [reason, n] : host.dead_letters) {
    total += n;
    reasons += Cat(reasons.empty() ? "" : ", ", reason, " ", n);
  }
  return reasons.empty() ? "0" : Cat(total, " (", reasons, ")");
}

// An output record as a line of a replay output file: the envelope time
// is the record's own (occurredAt, createdAt, detectedAt, deadLetteredAt),
// as `orderflow replay` writes it.
void SaveOutput(Topic topic, const RdKafka::Message& record, std::ostream& out) {
  if (IsInput(topic)) return;
  std::unique_ptr<google::protobuf::Message> m(MessageTypeOf(topic).New());
  if (!m->ParseFromArray(record.payload(), static_cast<int>(record.len()))) return;
  out << EnvelopeLine(ShortName(topic), record.key() ? *record.key() : "",
                      OutputTime(topic, *m), *m)
      << "\n";
}

// "DELIVERY_FAILED 73 (top 1), NONE_FOUND 60 (top 2), ...": most first.
std::string Ranked(const std::map<std::string, int64_t>& counts) {
  std::vector<std::pair<int64_t, std::string>> ranked;
  for (const auto& [name, n] : counts) ranked.emplace_back(-n, name);
  std::sort(ranked.begin(), ranked.end());
  std::string text;
  for (size_t i = 0; i < ranked.size(); ++i) {
    text += Cat(i ? ", " : "", ranked[i].second, " ", -ranked[i].first,
                i < 3 ? Cat(" (top ", i + 1, ")") : std::string());
  }
  return text.empty() ? "none" : text;
}

// v1.1's lines of the summary: where the tasks went, parcels, amendments,
// holds and customer contacts, as the simulators sent them and the engine
// decided them.
std::string V11Summary(const ServiceMetrics& m, const ServiceSummary& summary,
                       const SimulatedWorld& world,
                       const std::map<std::string, std::set<std::string>>& tasks_at,
                       const Tally& tally) {
  std::string warehouses;
  for (const SimulatedWarehouse& w : kSimulatedWarehouses) {
    auto it = tasks_at.find(std::string(w.id));
    warehouses += Cat(warehouses.empty() ? "" : ", ", w.id, " (", w.country, ") ",
                      it == tasks_at.end() ? 0 : it->second.size(), " tasks");
  }
  int64_t hold_aged = 0;
  for (const auto& [kind, count] : summary.kinds_by_raised) {
    if (kind == v1::ESCALATION_KIND_HOLD_AGED) hold_aged = count;
  }
  const ErpExtras& erp = world.erp().extras();
  const HelpDeskCounts& desk = world.help_desk().counts();
  std::ostringstream s;
  s << "warehouses             " << warehouses << "\n"
    << "split shipments        "
    << Pct(m.shipped > 0 ? std::optional<double>(static_cast<double>(m.split_shipments) /
                                                 static_cast<double>(m.shipped))
                         : std::nullopt)
    << "  (" << m.split_shipments << " of " << m.shipped
    << " shipped orders left in more than one parcel)\n"
    << "amendments             " << erp.amendments << " from the ERP (" << erp.late_amendments
    << " sent late): " << m.amendments_applied << " applied, " << m.amendments_rejected
    << " rejected\n"
    << "holds                  " << erp.holds << " placed: " << erp.holds_resumed
    << " released to go on, " << erp.holds_cancelling << " cancelling the order, "
    << erp.holds_aged << " released past their limit (HOLD_AGED raised " << hold_aged
    << ")\n"
    << "customer contacts      " << desk.contacts << " (" << desk.resolved << " resolved): "
    << desk.after_failed_delivery << " after a failed delivery, " << desk.late
    << " late, " << desk.on_hold << " on hold, " << desk.without_cause << " other\n"
    << "contacts by root cause " << Ranked(tally.root_causes) << "\n";
  return s.str();
}

std::string Percentiles(const ServiceSummary::Percentiles& p) {
  return Cat("p50 ", Hours(p.p50), ", p90 ", Hours(p.p90), ", p99 ", Hours(p.p99));
}

// The engine's thread: started with the host, stopped and joined on every
// way out of the scope that owns it (a std::thread destroyed while still
// joinable ends the process with std::terminate).
class HostThread {
 public:
  explicit HostThread(KafkaHost& host)
      : thread_([this, &host] { result_ = host.Run(stop_); }) {}
  HostThread(const HostThread&) = delete;
  HostThread& operator=(const HostThread&) = delete;
  ~HostThread() { Join().IgnoreError(); }

  // Stops the host, waits for its thread and returns what Run returned.
  absl::Status Join() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
    }
    return result_;
  }

 private:
  std::atomic<bool> stop_{false};
  absl::Status result_;
  std::thread thread_;  // last: it starts once the members it uses exist
};

}  // namespace

int RunDemo(const DemoOptions& options, const std::atomic<bool>& stop,
            std::ostream& out, std::ostream& err) {
  // The week passes in about a minute: a history sample every second.
  MetricsBoard board(MetricsBoard::Options{Seconds(1), 300});
  OrderTimelines timelines(ObserveSettings{});
  EscalationWorklist worklist;
  timelines.SetListener(&worklist);
  HttpServer http;
  ServeOrders(timelines, http);
  ServeEscalations(worklist, http);
  if (absl::Status s = StartMetricsServer(
          options.http_address, board, http,
          {options.http_token_file, "--http", "--http-token-file"});
      !s.ok()) {
    err << "orderflow demo: " << s.message() << "\n";
    return 1;
  }
  // The embedded cluster.
  char error[256];
  rd_kafka_conf_t* mock_conf = rd_kafka_conf_new();
  rd_kafka_conf_set(mock_conf, "log_level", "0", error, sizeof error);
  rd_kafka_t* mock_handle =
      rd_kafka_new(RD_KAFKA_PRODUCER, mock_conf, error, sizeof error);
  rd_kafka_mock_cluster_t* mock = rd_kafka_mock_cluster_new(mock_handle, 1);
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(mock);

  Config config;
  config.engine.order_partitions = kPartitions;
  config.engine.inventory_partitions = kPartitions;
  // The simulated shop's three warehouses (sim/warehouses.h), ship_complete.
  config.engine.sourcing = SimulatedSourcing();
  config.kafka.bootstrap_servers = bootstrap;
  config.kafka.event_time = true;
  config.kafka.commit_interval = 100;
  // The mock cluster answers a fetch with nothing new only when
  // fetch.wait.max.ms (500 ms by default) has passed: each stage-to-stage
  // hop would cost half a second, hours of the compressed week.
  config.kafka.properties = {{"log_level", "0"}, {"fetch.wait.max.ms", "20"}};
  for (const TopicSpec& t : RequiredTopics(config)) {
    rd_kafka_mock_topic_create(mock, t.name.c_str(), t.partitions, 1);
  }
  out << "orderflow demo: a simulated " << options.days << "-day week in about "
      << options.seconds << " s, on an embedded Kafka (librdkafka's mock cluster)\n";
  if (http.running()) {
    out << "dashboard: " << http.url() << "  (Prometheus: " << http.url()
        << "metrics)" << std::endl;
  }

  int status = 0;
  {
    absl::StatusOr<std::unique_ptr<KafkaHost>> host =
        KafkaHost::Create(config, &board, http.running() ? &timelines : nullptr);
    if (!host.ok()) {
      err << "orderflow demo: " << host.status().message() << "\n";
      rd_kafka_mock_cluster_destroy(mock);
      rd_kafka_destroy(mock_handle);
      return 1;
    }
    HostThread host_thread(**host);

    const EpochMillis start = kSimulatedMonday;
    SimClock clock{start, start + Days(options.days),
                   static_cast<double>(Days(options.days)) / (options.seconds * 1000.0)};
    auto writer = TopicWriter::Create(config);
    auto tasks = TopicReader::Create(config, {Topic::kDeliveryTasks});
    auto outputs = TopicReader::Create(config, {Topic::kOrderStatus, Topic::kDeliveryTasks,
                                                Topic::kEscalations, Topic::kDeadLetter,
                                                Topic::kAmendmentResults});
    if (!writer.ok() || !tasks.ok() || !outputs.ok()) {
      err << "orderflow demo: cannot reach the embedded cluster\n";
      return 1;
    }
    std::ofstream inputs_file, outputs_file;
    if (!options.save_dir.empty()) {
      std::filesystem::create_directories(options.save_dir);
      inputs_file.open(std::filesystem::path(options.save_dir) / "inputs.jsonl");
      outputs_file.open(std::filesystem::path(options.save_dir) / "outputs.jsonl");
      if (!inputs_file || !outputs_file) {
        err << "orderflow demo: cannot write to " << options.save_dir << "\n";
        return 1;
      }
    }
    auto send = [&writer, &inputs_file](Topic t, const std::string& key,
                                        const google::protobuf::Message& m,
                                        EpochMillis at) {
      (*writer)->Send(t, key, m, at);
      if (inputs_file.is_open()) {
        inputs_file << EnvelopeLine(ShortName(t), key, at, m) << "\n";
      }
    };
    SimulatedWorld world({options.seed, options.orders_per_day, start}, send);
    const ErpSimulator& erp = world.erp();
    std::map<std::string, std::set<std::string>> tasks_at;  // warehouse -> task ids
    Tally tally;

    auto shown = SteadyClock::now();
    SteadyClock::time_point quiet_since = SteadyClock::now();
    bool week_over = false;
    while (!stop.load()) {
      const EpochMillis now = clock.Now();
      world.Step(now);
      while (auto m = (*tasks)->Next()) {
        v1::DeliveryTask t;
        if (t.ParseFromArray(m->payload(), static_cast<int>(m->len()))) {
          // The warehouse plans from when the task was created: the
          // engine's own delay is not the warehouse's (time runs fast).
          world.OnTask(t);
          if (t.action() == v1::TASK_ACTION_CREATE) tasks_at[t.warehouse_id()].insert(t.task_id());
        }
      }
      bool any = false;
      while (auto m = (*outputs)->Next()) {
        const Topic topic = (*outputs)->TopicOf(*m);
        tally.Add(topic, *m);
        if (outputs_file.is_open()) SaveOutput(topic, *m, outputs_file);
        v1::OrderStatusChanged status;
        if (topic == Topic::kOrderStatus &&
            status.ParseFromArray(m->payload(), static_cast<int>(m->len())) &&
            status.status() == v1::ORDER_STATUS_SHIPPED) {
          world.OnShipped(status.order_id(), ToMillis(status.occurred_at()));
        }
        any = true;
      }
      if (any) quiet_since = SteadyClock::now();
      if (SteadyClock::now() - shown >= std::chrono::seconds(1)) {
        shown = SteadyClock::now();
        int backlog = 0, backordered = 0, escalations = 0;
        for (const auto& [id, facts] : tally.orders) {
          backlog += NotYetShipped(facts.status);
          backordered += facts.status == v1::ORDER_STATUS_BACKORDERED;
        }
        std::string kinds;
        for (const auto& [kind, count] : tally.RaisedByKind()) {
          escalations += count;
          kinds += Cat(kinds.empty() ? "" : ", ", kind, " ", count);
        }
        out << FormatTime(now).substr(0, 16) << "  orders in " << erp.orders_sent()
            << "  backlog " << backlog << "  backordered " << backordered
            << "  escalations " << escalations << (kinds.empty() ? "" : " (")
            << kinds << (kinds.empty() ? "" : ")") << std::endl;
      }
      if (now >= clock.end && !week_over) {
        week_over = true;
        world.Finish();
        out << "the week is over; waiting for the engine to settle\n";
      }
      if (week_over && SteadyClock::now() - quiet_since > std::chrono::seconds(3)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const absl::Status host_result = host_thread.Join();
    if (!host_result.ok()) {
      err << "orderflow demo: the engine stopped: " << host_result.message() << "\n";
      status = 1;
    }

    // The summary a team lead reads on Monday morning: the engine's own
    // metrics, the numbers /api/metrics serves.
    const std::shared_ptr<const LiveSnapshot> live = board.Latest();
    const LiveSnapshot final_snapshot = live ? *live : LiveSnapshot{};
    const ServiceMetrics& m = final_snapshot.metrics.metrics;
    const Backlog& backlog = final_snapshot.metrics.backlog;
    const ServiceSummary summary = Summarize(m);
    int64_t open = 0, in_transit = 0;  // not yet shipped; shipped
    for (const v1::OrderStatus s : kOpenStatuses) {
      (HasShipped(s) ? in_transit : open) += backlog.of_status(s);
    }
    // v1.1's open statuses (ON_HOLD, PARTIALLY_SHIPPED and _DELIVERED) that
    // the engine's backlog does not count: from the output topics.
    int64_t counted_from_topics = 0;
    for (const v1::OrderStatus s :
         {v1::ORDER_STATUS_ON_HOLD, v1::ORDER_STATUS_PARTIALLY_SHIPPED,
          v1::ORDER_STATUS_PARTIALLY_DELIVERED}) {
      if (std::find(kOpenStatuses.begin(), kOpenStatuses.end(), s) != kOpenStatuses.end()) {
        continue;
      }
      for (const auto& [id, facts] : tally.orders) {
        if (facts.status != s) continue;
        ++(HasShipped(s) ? in_transit : open);
        ++counted_from_topics;
      }
    }

    // The same counts from the output topics, order by order.
    int64_t seen = 0, unseen = 0, accepted = 0, rejected = 0, cancelled = 0,
            shipped = 0, delivered = 0;
    for (const auto& [id, placed] : erp.placed_at()) {
      const v1::OrderStatus last = tally.Last(id);
      if (last == v1::ORDER_STATUS_UNSPECIFIED) { ++unseen; continue; }
      ++seen;
      if (last == v1::ORDER_STATUS_REJECTED) { ++rejected; continue; }
      ++accepted;
      cancelled += tally.Had(id, v1::ORDER_STATUS_CANCELLED);
      shipped += tally.Had(id, v1::ORDER_STATUS_SHIPPED);
      delivered += tally.Had(id, v1::ORDER_STATUS_DELIVERED);
    }

    out << "\n== service metrics for the simulated week (the engine's, as /api/metrics shows them)\n"
        << "orders received        " << m.received << "\n"
        << "accuracy (accepted)    " << Pct(summary.accuracy_rate) << "  (" << m.accepted
        << " accepted, " << m.rejected << " rejected)\n"
        << "fill rate              " << Pct(summary.fill_rate)
        << "  (allocated without a backorder)\n"
        << "backorder rate         " << Pct(summary.backorder_rate) << "\n"
        << "cancellation rate      " << Pct(summary.cancellation_rate) << "  (" << m.cancelled
        << " cancelled)\n"
        << "on-time delivery       " << Pct(summary.on_time_rate) << "  (" << m.delivered_on_time
        << " of " << m.delivered << " delivered by the promise)\n"
        << "placed -> shipped      " << Percentiles(summary.placed_to_shipped) << "\n"
        << "placed -> delivered    " << Percentiles(summary.placed_to_delivered) << "\n"
        << "backlog at the end     " << open << " open ("
        << backlog.of_status(v1::ORDER_STATUS_BACKORDERED) << " backordered), "
        << in_transit << " in transit"
        << (counted_from_topics > 0
                ? Cat("; ", counted_from_topics,
                      " of them on hold or partly shipped (from the output topics)")
                : std::string())
        << "\n"
        << "dead letters           " << DeadLetters(final_snapshot.host) << "\n"
        << V11Summary(m, summary, world, tasks_at, tally)
        << "escalations raised     ";
    for (size_t i = 0; i < summary.kinds_by_raised.size(); ++i) {
      const auto& [kind, count] = summary.kinds_by_raised[i];
      out << (i ? ", " : "") << KindName(kind) << " " << count
          << (i < 3 ? " (top " + std::to_string(i + 1) + ")" : "");
    }
    out << "\n";
    const bool adds_up = m.received == m.accepted + m.rejected;
    const bool accounted =
        m.accepted == open + in_transit + m.delivered + m.cancelled;
    const bool topics_agree = unseen == 0 && m.received == seen &&
                              m.accepted == accepted && m.rejected == rejected &&
                              m.cancelled == cancelled && m.shipped == shipped &&
                              m.delivered == delivered;
    const bool consistent = adds_up && accounted && topics_agree;
    out << "consistency            received = accepted + rejected: "
        << (adds_up ? "yes" : "NO")
        << "; every accepted order open, shipped, delivered or cancelled: "
        << (accounted ? "yes" : "NO")
        << "; the engine's counts match the output topics: "
        << (topics_agree ? "yes" : "NO");
    if (unseen > 0) out << "; " << unseen << " orders without a status yet";
    out << "\n\nnext: `orderflow run --config FILE` on a real broker "
           "(deploy/kafka/local-broker.sh), `orderflow replay` for what-if "
           "runs; README.md says how.\n";
    if (!stop.load() && !consistent) status = 1;
  }
  if (options.keep_serving && http.running() && !stop.load()) {
    out << "serving the dashboard at " << http.url() << " until Ctrl-C" << std::endl;
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  http.Stop();
  rd_kafka_mock_cluster_destroy(mock);
  rd_kafka_destroy(mock_handle);
  return status;
}

}  // namespace orderflow
