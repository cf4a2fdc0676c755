// End-to-end benchmark on a real broker: `orderflow run`, the Kafka Streams
// peer (bench/peers/kafka-streams) and a raw librdkafka transactional
// consume -> produce passthrough (orderflow_passthrough) on the same
// records, on the same broker, one after the other, in the same run.
//
// For each system, on topics of its own:
//  1. Start-up: the system is started and a warm-up of W orders is sent;
//     the time from the start to the last warm-up completion is reported
//     (group joins, restore, the first transactions).
//  2. Maximum rate: the running system is paused (SIGSTOP), N orders are
//     loaded, and it is resumed (SIGCONT); the rate is N over the time from
//     the resume to the last completion, read with read_committed. An order
//     is complete for the passthrough when its copy is visible, for
//     orderflow and the peer when its ALLOCATED status is. Over that run:
//     the system's own CPU time per order (all its threads, from /proc; not
//     the broker's), and what it wrote per order and per second: log
//     offsets (records and transaction markers) and segment bytes of every
//     topic it writes (outputs, stage-to-stage topics, changelogs).
//  3. Latency at one fixed rate for all (half the slowest system's maximum),
//     on a fresh start: new orders are produced, each stamped with its send
//     time, for a few seconds; latency is the time from that stamp to the
//     read_committed output, read on a thread of its own: the first output
//     (ACCEPTED; the passthrough's copy) and ALLOCATED.
//
// Usage: orderflow_e2e_bench --bootstrap HOST:PORT --orderflow BIN
//          --passthrough BIN [--peer JAR] [--broker-logs DIR] [--orders N]
//          [--warmup W] [--seconds S] [--commit-ms MS]
//          [--engine-property NAME=VALUE]... [--engine-only]
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/e2e/written.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

enum class System { kPassthrough, kOrderflow, kPeer };

const char* NameOf(System s) {
  switch (s) {
    case System::kPassthrough: return "passthrough";
    case System::kOrderflow: return "orderflow run";
    case System::kPeer: return "Kafka Streams";
  }
  return "?";
}

// Also the tag in topic prefixes: none is a prefix of another.
const char* TagOf(System s) {
  switch (s) {
    case System::kPassthrough: return "passthrough";
    case System::kOrderflow: return "orderflow";
    case System::kPeer: return "peer";
  }
  return "?";
}

struct Options {
  std::string bootstrap, orderflow, passthrough, peer_jar, work = "/tmp", log_dirs;
  int orders = 100000, warmup = 2000, seconds = 10, commit_ms = 100;
  std::vector<std::string> engine_properties;
};

enum class Outcome { kNone, kFirst, kComplete };

// What an output record means for the order it is keyed by.
Outcome Classify(System system, const RdKafka::Message& m) {
  if (system == System::kPassthrough) return Outcome::kComplete;
  orderflow::v1::OrderStatusChanged s;
  if (!s.ParseFromArray(m.payload(), static_cast<int>(m.len()))) return Outcome::kNone;
  if (s.status() == orderflow::v1::ORDER_STATUS_ALLOCATED) return Outcome::kComplete;
  if (s.status() == orderflow::v1::ORDER_STATUS_ACCEPTED) return Outcome::kFirst;
  return Outcome::kNone;
}

// One system started on topics of its own, warmed up.
class Run {
 public:
  Run(System system, const Options& o, const std::string& phase)
      : system_(system),
        o_(o),
        prefix_("b" + std::to_string(getpid()) + "-" + phase + "-" + TagOf(system)),
        log_(o.work + "/" + prefix_ + ".log"),
        in_(prefix_ + ".orders.v1"),
        out_(prefix_ + ".order-status.v1"),
        producer_(o.bootstrap, {{"linger.ms", "2"}}) {
    const std::string config = WriteConfig();
    if (int rc = std::system((o.orderflow + " topics create --config " + config +
                              " >> " + log_ + " 2>&1").c_str());
        rc != 0) {
      std::cerr << "e2e_bench: topics create failed, see " << log_ << "\n";
      std::exit(1);
    }
    if (system != System::kPassthrough) {
      for (int s = 0; s < 1000; ++s) {
        orderflow::v1::InventoryEvent e;
        e.set_sku("SKU-" + std::to_string(s));
        e.set_kind(orderflow::v1::INVENTORY_KIND_SNAPSHOT);
        e.set_quantity(1000000000);
        e.mutable_occurred_at()->set_seconds(NowMs() / 1000);
        producer_.Send(prefix_ + ".inventory.v1", e.sku(), e.SerializeAsString(), 0);
      }
    }
    producer_.Flush();
    reader_ = std::make_unique<Reader>(
        o.bootstrap, out_, std::vector<int64_t>(4, RdKafka::Topic::OFFSET_BEGINNING));
    started_ = SteadyClock::now();
    switch (system) {
      case System::kOrderflow:
        pid_ = Spawn({o.orderflow, "run", "--config", config}, log_);
        break;
      case System::kPassthrough:
        pid_ = Spawn({o.passthrough, o.bootstrap, in_, out_, prefix_ + ".group",
                      prefix_ + ".txn", std::to_string(o.commit_ms)},
                     log_);
        break;
      case System::kPeer:
        pid_ = Spawn({"java", "-Xmx1g", "-jar", o.peer_jar, "--bootstrap", o.bootstrap,
                      "--prefix", prefix_, "--application-id", prefix_, "--state-dir",
                      o.work + "/" + prefix_ + "-state"},
                     log_);
        break;
    }
    for (int n = 0; n < o.warmup; ++n) {
      const std::string id = "W-" + std::to_string(n);
      producer_.Send(in_, id, OrderBytes(id, NowMs(), n), 0);
    }
    producer_.Flush();
    startup_s_ = std::chrono::duration<double>(Await("W-", o.warmup) - started_).count();
  }
  ~Run() { Stop(pid_); }

  System system() const { return system_; }
  pid_t pid() const { return pid_; }
  double startup_s() const { return startup_s_; }
  Producer& producer() { return producer_; }
  Reader& reader() { return *reader_; }
  const std::string& input() const { return in_; }

  // Completions of orders whose id starts with `id_prefix`, until `count`
  // (or five minutes); returns the time of the last one.
  SteadyClock::time_point Await(const std::string& id_prefix, int count) {
    int done = 0;
    SteadyClock::time_point last = SteadyClock::now();
    const auto give_up = SteadyClock::now() + std::chrono::seconds(300);
    while (done < count && SteadyClock::now() < give_up) {
      auto m = reader_->Next(100);
      if (!m || !m->key() || m->key()->rfind(id_prefix, 0) != 0 ||
          Classify(system_, *m) != Outcome::kComplete) {
        continue;
      }
      last = SteadyClock::now();
      ++done;
    }
    if (done < count) {
      std::cerr << "e2e_bench: " << NameOf(system_) << " completed " << done << " of "
                << count << " '" << id_prefix << "' orders; see " << log_ << "\n";
      Stop(pid_);
      std::exit(1);
    }
    return last;
  }

  Written WrittenSoFar() const {
    return WrittenTo(o_.bootstrap, prefix_,
                     {prefix_ + ".orders.v1", prefix_ + ".inventory.v1",
                      prefix_ + ".cancellations.v1", prefix_ + ".shipments.v1",
                      prefix_ + ".invoices.v1"},
                     {prefix_ + ".order-status.v1", prefix_ + ".delivery-tasks.v1",
                      prefix_ + ".escalations.v1", prefix_ + ".dead-letter.v1"},
                     o_.log_dirs);
  }

 private:
  std::string WriteConfig() const {
    const std::string config = o_.work + "/" + prefix_ + ".yaml";
    std::ofstream f(config);
    f << "partitions: {orders: 4, inventory: 4}\nkafka:\n  bootstrap_servers: "
      << o_.bootstrap << "\n  topic_prefix: " << prefix_ << "\n  group_prefix: "
      << prefix_ << "\n  commit_interval: " << o_.commit_ms << "ms\n";
    if (system_ == System::kOrderflow) {
      f << "  properties: {";
      for (size_t i = 0; i < o_.engine_properties.size(); ++i) {
        const std::string& kv = o_.engine_properties[i];
        const size_t eq = kv.find('=');
        f << (i ? ", " : "") << kv.substr(0, eq) << ": \"" << kv.substr(eq + 1) << "\"";
      }
      f << "}\n";
    }
    f << "http:\n  address: 127.0.0.1:0\n";  // a free port, whatever else runs
    return config;
  }

  const System system_;
  const Options& o_;
  const std::string prefix_, log_, in_, out_;
  Producer producer_;
  std::unique_ptr<Reader> reader_;
  SteadyClock::time_point started_;
  pid_t pid_ = 0;
  double startup_s_ = 0;
};

struct MaxRate {
  System system;
  double startup_s = 0;
  double max_rate = 0;  // orders per second
  double cpu_us_per_order = 0;
  double offsets_per_order = 0, public_per_order = 0, bytes_per_order = -1;
  double offsets_per_s = 0;  // log offsets written per second of the drain
};

MaxRate MeasureMaxRate(System system, const Options& o) {
  Run run(system, o, "max");
  MaxRate r{system};
  r.startup_s = run.startup_s();
  kill(run.pid(), SIGSTOP);
  const int64_t now = NowMs();
  for (int n = 0; n < o.orders; ++n) {
    const std::string id = "B-" + std::to_string(n);
    run.producer().Send(run.input(), id, OrderBytes(id, now, n), 0);
  }
  run.producer().Flush();
  const Written before = run.WrittenSoFar();
  const SteadyClock::time_point resumed = SteadyClock::now();
  const double cpu_before = CpuSeconds(run.pid());
  kill(run.pid(), SIGCONT);
  const double drain_s =
      std::chrono::duration<double>(run.Await("B-", o.orders) - resumed).count();
  r.cpu_us_per_order = (CpuSeconds(run.pid()) - cpu_before) * 1e6 / o.orders;
  r.max_rate = o.orders / drain_s;
  // A last commit may follow the last completion seen: a moment for it.
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * o.commit_ms + 500));
  const Written after = run.WrittenSoFar();
  r.offsets_per_order = static_cast<double>(after.offsets - before.offsets) / o.orders;
  r.public_per_order =
      static_cast<double>(after.public_offsets - before.public_offsets) / o.orders;
  if (after.bytes >= 0) {
    r.bytes_per_order = static_cast<double>(after.bytes - before.bytes) / o.orders;
  }
  r.offsets_per_s = r.offsets_per_order * r.max_rate;
  return r;
}

struct Latency {
  System system;
  double rate = 0;
  double first_p50 = -1, first_p99 = -1, done_p50 = -1, done_p99 = -1;
  // The first output's latency in two parts, by the output record's
  // timestamp (when the system produced it): sent to produced (the way in
  // and the system's own work) and produced to read (the wait for the
  // commit, the commit, and the read_committed fetch).
  double to_produced_p50 = -1, to_produced_p99 = -1, to_read_p50 = -1, to_read_p99 = -1;
  size_t sent = 0, measured = 0;
};

Latency MeasureLatency(System system, const Options& o, double rate) {
  Run run(system, o, "lat");
  Latency r{system, rate};
  // Outputs are read on a thread of their own, so that reading does not
  // wait behind sending (or the reverse) and add to what is measured; each
  // read is stamped when it arrives and matched with its send time after.
  struct Arrival {
    std::string key;
    int64_t at_ms;
    int64_t produced_ms;  // the output record's timestamp
    Outcome outcome;
  };
  std::vector<Arrival> arrivals;
  std::atomic<bool> reading{true};
  std::thread reader_thread([&] {
    while (reading.load()) {
      auto m = run.reader().Next(1);
      if (!m || !m->key() || m->key()->rfind("L-", 0) != 0) continue;
      arrivals.push_back(
          {*m->key(), NowMs(), m->timestamp().timestamp, Classify(system, *m)});
    }
  });
  std::map<std::string, int64_t> sent;
  const auto start = SteadyClock::now();
  const auto stop_sending = start + std::chrono::seconds(o.seconds);
  for (int n = 0; SteadyClock::now() < stop_sending;) {
    const int due = static_cast<int>(
        rate * std::chrono::duration<double>(SteadyClock::now() - start).count());
    for (; n < due; ++n) {
      const std::string id = "L-" + std::to_string(n);
      const int64_t ts = NowMs();
      sent[id] = ts;
      run.producer().Send(run.input(), id, OrderBytes(id, ts, n), ts);
    }
    run.producer().Poll(1);
  }
  run.producer().Flush();
  std::this_thread::sleep_for(std::chrono::seconds(5));  // the last outputs
  reading = false;
  reader_thread.join();
  std::vector<int64_t> first, done, to_produced, to_read;
  for (const Arrival& a : arrivals) {
    auto it = sent.find(a.key);
    if (it == sent.end()) continue;
    const int64_t latency = a.at_ms - it->second;
    if (a.outcome == Outcome::kFirst ||
        (system == System::kPassthrough && a.outcome == Outcome::kComplete)) {
      first.push_back(latency);
      to_produced.push_back(a.produced_ms - it->second);
      to_read.push_back(a.at_ms - a.produced_ms);
    }
    if (a.outcome == Outcome::kComplete) done.push_back(latency);
  }
  r.sent = sent.size();
  r.measured = done.size();
  r.first_p50 = Percentile(first, 0.50);
  r.first_p99 = Percentile(first, 0.99);
  r.done_p50 = Percentile(done, 0.50);
  r.done_p99 = Percentile(done, 0.99);
  r.to_produced_p50 = Percentile(to_produced, 0.50);
  r.to_produced_p99 = Percentile(to_produced, 0.99);
  r.to_read_p50 = Percentile(to_read, 0.50);
  r.to_read_p99 = Percentile(to_read, 0.99);
  if (r.measured < r.sent) {
    std::cerr << "e2e_bench: " << NameOf(system) << ": " << r.sent - r.measured << " of "
              << r.sent << " latency orders not complete in time\n";
  }
  return r;
}

const MaxRate* Find(const std::vector<MaxRate>& all, System s) {
  for (const MaxRate& m : all) {
    if (m.system == s) return &m;
  }
  return nullptr;
}

}  // namespace
}  // namespace orderflow::bench

int main(int argc, char** argv) {
  using namespace orderflow::bench;
  CLI::App app{"End-to-end benchmark: orderflow run, the Kafka Streams peer and a "
               "transactional passthrough on one broker"};
  Options o;
  app.add_option("--bootstrap", o.bootstrap, "broker address")->required();
  app.add_option("--orderflow", o.orderflow, "the orderflow binary")->required();
  app.add_option("--passthrough", o.passthrough, "the passthrough binary")->required();
  app.add_option("--peer", o.peer_jar,
                 "the Kafka Streams peer's jar (bench/peers/kafka-streams/build.sh)");
  app.add_option("--broker-logs", o.log_dirs,
                 "the broker's log.dirs, for bytes written (deploy/kafka/local-broker.sh: "
                 "$ORDERFLOW_BROKER_DIR/data)");
  app.add_option("--orders", o.orders, "orders for the maximum-rate run");
  app.add_option("--warmup", o.warmup, "orders sent once started, before it");
  app.add_option("--seconds", o.seconds, "length of the fixed-rate run");
  app.add_option("--commit-ms", o.commit_ms,
                 "commit interval of orderflow and the passthrough (the peer's is 100)");
  app.add_option("--work", o.work, "folder for configurations, state and logs");
  app.add_option("--engine-property", o.engine_properties,
                 "NAME=VALUE: a librdkafka property for orderflow only (repeatable)");
  bool engine_only = false;
  app.add_flag("--engine-only", engine_only, "orderflow alone (diagnosis)");
  CLI11_PARSE(app, argc, argv);

  std::vector<System> systems = {System::kOrderflow};
  if (!engine_only) {
    systems.insert(systems.begin(), System::kPassthrough);
    if (!o.peer_jar.empty()) systems.push_back(System::kPeer);
  }
  std::vector<MaxRate> max;
  for (System s : systems) {
    max.push_back(MeasureMaxRate(s, o));
    std::fprintf(stderr, "e2e_bench: %s: %.0f orders/s\n", NameOf(s), max.back().max_rate);
  }
  double slowest = max.front().max_rate;
  for (const MaxRate& m : max) slowest = std::min(slowest, m.max_rate);
  std::vector<Latency> latency;
  for (System s : systems) latency.push_back(MeasureLatency(s, o, slowest / 2));

  std::printf("%d orders for the maximum rate, latency at %.0f orders/s (half the "
              "slowest maximum), commit interval %d ms\n\n",
              o.orders, slowest / 2, o.commit_ms);
  std::printf("%-14s %9s %9s %9s %10s %10s %10s %9s %9s %9s %9s\n", "system",
              "start s", "max/s", "CPU us/o", "offsets/o", "public/o", "bytes/o",
              "first50", "first99", "alloc50", "alloc99");
  for (size_t i = 0; i < systems.size(); ++i) {
    const MaxRate& m = max[i];
    const Latency& l = latency[i];
    std::printf("%-14s %9.1f %9.0f %9.1f %10.2f %10.2f %10.0f %9.0f %9.0f %9.0f %9.0f\n",
                NameOf(m.system), m.startup_s, m.max_rate, m.cpu_us_per_order,
                m.offsets_per_order, m.public_per_order, m.bytes_per_order, l.first_p50,
                l.first_p99, l.done_p50, l.done_p99);
  }
  std::printf("(offsets/o: log offsets written per order, records and transaction "
              "markers, every topic the system writes; public/o: of those, in the "
              "public outputs; bytes/o: segment bytes, -1 without --broker-logs; "
              "latencies in ms)\n");
  for (const Latency& l : latency) {
    std::printf("%s first output, p50 / p99: sent to produced %.0f / %.0f ms, "
                "produced to read %.0f / %.0f ms\n",
                NameOf(l.system), l.to_produced_p50, l.to_produced_p99, l.to_read_p50,
                l.to_read_p99);
  }
  std::printf("\n");
  const MaxRate* engine = Find(max, System::kOrderflow);
  if (const MaxRate* base = Find(max, System::kPassthrough)) {
    const double ratio = engine->offsets_per_s / base->offsets_per_s;
    std::printf("orderflow / passthrough log offsets written per second: %.2fx "
                "(target >= 0.90x: %s)\n",
                ratio, ratio >= 0.9 ? "met" : "NOT met");
    std::printf("orderflow / passthrough orders per second: %.2fx\n",
                engine->max_rate / base->max_rate);
  }
  if (const MaxRate* peer = Find(max, System::kPeer)) {
    const double ratio = peer->cpu_us_per_order / engine->cpu_us_per_order;
    const Latency& le = latency[std::find(systems.begin(), systems.end(),
                                          System::kOrderflow) - systems.begin()];
    const Latency& lp = latency.back();
    std::printf("orderflow / Kafka Streams orders per CPU-second of its own process: "
                "%.2fx (target >= 5x: %s)\n",
                ratio, ratio >= 5 ? "met" : "NOT met");
    std::printf("orderflow / Kafka Streams orders per second: %.2fx\n",
                engine->max_rate / peer->max_rate);
    std::printf("first-output p99: orderflow %.0f ms, Kafka Streams %.0f ms (target: "
                "no worse: %s)\n",
                le.first_p99, lp.first_p99, le.first_p99 <= lp.first_p99 ? "met" : "NOT met");
  }
  return 0;
}
