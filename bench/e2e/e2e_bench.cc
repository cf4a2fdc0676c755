// End-to-end benchmark on a real broker: `orderflow run` against a raw
// librdkafka transactional consume -> produce passthrough
// (orderflow_passthrough) of the same records, on the same broker, in the
// same run.
//
// For each system, on topics of its own:
//  1. Start-up: the system is started and a warm-up of W orders is sent;
//     the time from the start to the last warm-up completion is reported
//     (group joins, restore, the first transactions).
//  2. Maximum rate: the running system is paused (SIGSTOP), N orders are
//     loaded, and it is resumed (SIGCONT); the rate is N over the time from
//     the resume to the last completion, read with read_committed. An order
//     is complete for the passthrough when its copy is visible, for
//     orderflow when its ALLOCATED status is (order stage, inventory stage,
//     order stage: one transaction while one process holds every
//     partition, three when the stages talk through their topics). The
//     system's own CPU time over that run, per order, is reported too (it
//     does not count the broker's): on a shared machine it moves far less
//     than the rate does.
//  3. Latency at a fixed rate (half the maximum measured for that system):
//     new orders are produced, each stamped with its send time, for a few
//     seconds; latency is the time from that stamp to the read_committed
//     output, read on a thread of its own. For orderflow both the first
//     output (ACCEPTED, one hop) and ALLOCATED are reported.
//
// Usage: orderflow_e2e_bench --bootstrap HOST:PORT --orderflow BIN
//          --passthrough BIN [--orders N] [--warmup W] [--seconds S]
//          [--commit-ms MS] [--engine-property NAME=VALUE]... [--engine-only]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "librdkafka/rdkafkacpp.h"
#include "orderflow/v1/orderflow.pb.h"

extern char** environ;

namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<RdKafka::Conf> Conf(
    const std::string& bootstrap,
    const std::vector<std::pair<std::string, std::string>>& settings) {
  std::unique_ptr<RdKafka::Conf> c(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  c->set("bootstrap.servers", bootstrap, error);
  for (const auto& [k, v] : settings) {
    if (c->set(k, v, error) != RdKafka::Conf::CONF_OK) {
      std::cerr << "e2e_bench: " << k << ": " << error << "\n";
      std::exit(2);
    }
  }
  return c;
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::cerr << "e2e_bench: cannot start " << args[0] << "\n";
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// CPU time (user + system) the process `pid` has used so far, from
// /proc/PID/stat; -1 when it cannot be read.
double CpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t end_of_name = stat.rfind(')');
  if (end_of_name == std::string::npos) return -1;
  std::istringstream fields(stat.substr(end_of_name + 2));
  std::string field;
  // After the name: state is field 3; utime and stime are fields 14, 15.
  long long utime = -1, stime = -1;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  if (utime < 0 || stime < 0) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void Stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

std::string OrderBytes(const std::string& id, int64_t now_ms, int n) {
  orderflow::v1::OrderPlaced o;
  o.set_order_id(id);
  o.set_customer_id("C-" + std::to_string(n % 997));
  o.mutable_placed_at()->set_seconds(now_ms / 1000);
  o.set_service_level(orderflow::v1::SERVICE_LEVEL_STANDARD);
  o.set_currency("EUR");
  auto* a = o.mutable_ship_to();
  a->set_name("A Customer");
  a->set_line1("1 High St");
  a->set_city("Leeds");
  a->set_postal_code("LS1 1AA");
  a->set_country("GB");
  for (int i = 0; i < 2; ++i) {
    auto* line = o.add_lines();
    line->set_line_id(std::to_string(i + 1));
    line->set_sku("SKU-" + std::to_string((n * 7 + i * 13) % 1000));
    line->set_quantity(1 + (n + i) % 3);
    line->set_unit_price_minor(1299);
  }
  return o.SerializeAsString();
}

class Producer {
 public:
  explicit Producer(const std::string& bootstrap)
      : p_(RdKafka::Producer::create(
            Conf(bootstrap, {{"linger.ms", "2"},
                             {"enable.idempotence", "true"},
                             // Kafka's default partitioner, as orderflow expects.
                             {"partitioner", "murmur2_random"}})
                .get(),
            error_)) {}
  void Send(const std::string& topic, const std::string& key,
            const std::string& value, int64_t ts) {
    for (;;) {
      auto e = p_->produce(topic, RdKafka::Topic::PARTITION_UA,
                           RdKafka::Producer::RK_MSG_COPY,
                           const_cast<char*>(value.data()), value.size(),
                           key.data(), key.size(), ts, nullptr);
      if (e != RdKafka::ERR__QUEUE_FULL) break;
      p_->poll(10);
    }
    p_->poll(0);
  }
  void Flush() { p_->flush(60000); }
  void Poll(int timeout_ms) { p_->poll(timeout_ms); }

 private:
  std::string error_;
  std::unique_ptr<RdKafka::Producer> p_;
};

// Reads an output topic with read_committed from the beginning.
class Reader {
 public:
  Reader(const std::string& bootstrap, const std::string& topic, int partitions)
      : c_(RdKafka::KafkaConsumer::create(
            Conf(bootstrap, {{"group.id", "e2e-bench-reader"},
                             {"enable.auto.commit", "false"},
                             {"isolation.level", "read_committed"}})
                .get(),
            error_)) {
    std::vector<RdKafka::TopicPartition*> parts;
    for (int p = 0; p < partitions; ++p) {
      parts.push_back(RdKafka::TopicPartition::create(
          topic, p, RdKafka::Topic::OFFSET_BEGINNING));
    }
    c_->assign(parts);
    RdKafka::TopicPartition::destroy(parts);
  }
  ~Reader() { c_->close(); }
  // The next record, or null after `timeout_ms`.
  std::unique_ptr<RdKafka::Message> Next(int timeout_ms) {
    std::unique_ptr<RdKafka::Message> m(c_->consume(timeout_ms));
    if (m->err() != RdKafka::ERR_NO_ERROR) return nullptr;
    return m;
  }

 private:
  std::string error_;
  std::unique_ptr<RdKafka::KafkaConsumer> c_;
};

enum class Outcome { kNone, kFirst, kComplete };

// What an output record means for the order it is keyed by.
Outcome Classify(bool engine, const RdKafka::Message& m) {
  if (!engine) return Outcome::kComplete;
  orderflow::v1::OrderStatusChanged s;
  if (!s.ParseFromArray(m.payload(), static_cast<int>(m.len()))) return Outcome::kNone;
  if (s.status() == orderflow::v1::ORDER_STATUS_ALLOCATED) return Outcome::kComplete;
  if (s.status() == orderflow::v1::ORDER_STATUS_ACCEPTED) return Outcome::kFirst;
  return Outcome::kNone;
}

double Percentile(std::vector<int64_t> v, double q) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]);
}

struct Result {
  std::string name;
  double startup_s = 0;  // start to the last warm-up completion
  double max_rate = 0;
  // The system's own CPU time (all its threads; not the broker's) over
  // the maximum-rate run, per order: what it costs, however busy the
  // machine is with other work.
  double cpu_us_per_order = 0;
  double rate = 0;  // the fixed rate of the latency run
  double first_p50 = -1, first_p99 = -1, done_p50 = -1, done_p99 = -1;
  // The first output's latency in two parts, by the output record's
  // timestamp (the time the system produced it): sent to produced (the
  // system's own work and its wait for input), and produced to read
  // (the wait for the commit, the commit, and the read_committed fetch).
  double to_produced_p50 = -1, to_produced_p99 = -1;
  double to_read_p50 = -1, to_read_p99 = -1;
  size_t measured = 0;
};

Result Measure(bool engine, const std::string& bootstrap, const std::string& orderflow,
               const std::string& passthrough, int warmup, int orders,
               int seconds, int commit_ms, const std::string& work,
               const std::vector<std::string>& engine_properties) {
  Result r;
  r.name = engine ? "orderflow run" : "passthrough";
  const std::string prefix = std::string("bench") + std::to_string(getpid()) +
                             (engine ? "-engine" : "-passthrough");
  const std::string config = work + "/" + prefix + ".yaml";
  {
    std::ofstream f(config);
    f << "partitions: {orders: 4, inventory: 4}\nkafka:\n  bootstrap_servers: "
      << bootstrap << "\n  topic_prefix: " << prefix << "\n  group_prefix: "
      << prefix << "\n  commit_interval: " << commit_ms << "ms\n";
    if (engine) {
      f << "  properties: {";
      for (size_t i = 0; i < engine_properties.size(); ++i) {
        const std::string& kv = engine_properties[i];
        const size_t eq = kv.find('=');
        f << (i ? ", " : "") << kv.substr(0, eq) << ": \"" << kv.substr(eq + 1) << "\"";
      }
      f << "}\n";
    }
    f << "http:\n  address: 127.0.0.1:0\n";  // a free port, whatever else runs
  }
  const std::string log = work + "/" + prefix + ".log";
  if (int rc = std::system((orderflow + " topics create --config " + config +
                            " >> " + log + " 2>&1").c_str());
      rc != 0) {
    std::cerr << "e2e_bench: topics create failed, see " << log << "\n";
    std::exit(1);
  }
  const std::string in = prefix + ".orders.v1";
  const std::string out = prefix + ".order-status.v1";
  Producer producer(bootstrap);
  if (engine) {
    for (int s = 0; s < 1000; ++s) {
      orderflow::v1::InventoryEvent e;
      e.set_sku("SKU-" + std::to_string(s));
      e.set_kind(orderflow::v1::INVENTORY_KIND_SNAPSHOT);
      e.set_quantity(1000000000);
      e.mutable_occurred_at()->set_seconds(NowMs() / 1000);
      producer.Send(prefix + ".inventory.v1", e.sku(), e.SerializeAsString(), 0);
    }
  }
  producer.Flush();

  Reader reader(bootstrap, out, 4);
  const SteadyClock::time_point started = SteadyClock::now();
  const pid_t pid =
      engine ? Spawn({orderflow, "run", "--config", config}, log)
             : Spawn({passthrough, bootstrap, in, out, prefix + ".group",
                      prefix + ".txn", std::to_string(commit_ms)},
                     log);
  // Completions of orders whose id starts with `id_prefix`, until `count`
  // (or five minutes); returns the time of the last one.
  auto await = [&](const std::string& id_prefix, int count) {
    int done = 0;
    SteadyClock::time_point last = SteadyClock::now();
    const auto give_up = SteadyClock::now() + std::chrono::seconds(300);
    while (done < count && SteadyClock::now() < give_up) {
      auto m = reader.Next(100);
      if (!m || !m->key() || m->key()->rfind(id_prefix, 0) != 0 ||
          Classify(engine, *m) != Outcome::kComplete) {
        continue;
      }
      last = SteadyClock::now();
      ++done;
    }
    if (done < count) {
      std::cerr << "e2e_bench: " << r.name << " completed " << done << " of "
                << count << " '" << id_prefix << "' orders; see " << log << "\n";
      Stop(pid);
      std::exit(1);
    }
    return last;
  };

  // 1. Start-up and warm-up.
  for (int n = 0; n < warmup; ++n) {
    const std::string id = "W-" + std::to_string(n);
    producer.Send(in, id, OrderBytes(id, NowMs(), n), 0);
  }
  producer.Flush();
  r.startup_s =
      std::chrono::duration<double>(await("W-", warmup) - started).count();

  // 2. Maximum rate: a backlog of N orders, loaded while the system is
  // paused, then drained.
  kill(pid, SIGSTOP);
  const int64_t now = NowMs();
  for (int n = 0; n < orders; ++n) {
    const std::string id = "B-" + std::to_string(n);
    producer.Send(in, id, OrderBytes(id, now, n), 0);
  }
  producer.Flush();
  const SteadyClock::time_point resumed = SteadyClock::now();
  const double cpu_before = CpuSeconds(pid);
  kill(pid, SIGCONT);
  r.max_rate =
      orders / std::chrono::duration<double>(await("B-", orders) - resumed).count();
  r.cpu_us_per_order = (CpuSeconds(pid) - cpu_before) * 1e6 / orders;

  // 3. Latency at half that rate. Outputs are read on a thread of their
  // own, so that reading does not wait behind sending (or the reverse) and
  // add to what is measured; each read is stamped when it arrives and
  // matched with its send time afterwards.
  r.rate = r.max_rate / 2;
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
      auto m = reader.Next(1);
      if (!m || !m->key() || m->key()->rfind("L-", 0) != 0) continue;
      arrivals.push_back(
          {*m->key(), NowMs(), m->timestamp().timestamp, Classify(engine, *m)});
    }
  });
  std::map<std::string, int64_t> sent;
  const auto start = SteadyClock::now();
  const auto stop_sending = start + std::chrono::seconds(seconds);
  for (int n = 0; SteadyClock::now() < stop_sending;) {
    const int due = static_cast<int>(
        r.rate * std::chrono::duration<double>(SteadyClock::now() - start).count());
    for (; n < due; ++n) {
      const std::string id = "L-" + std::to_string(n);
      const int64_t ts = NowMs();
      sent[id] = ts;
      producer.Send(in, id, OrderBytes(id, ts, n), ts);
    }
    producer.Poll(1);
  }
  producer.Flush();
  std::this_thread::sleep_for(std::chrono::seconds(5));  // the last outputs
  reading = false;
  reader_thread.join();
  std::vector<int64_t> first_latency, done_latency, to_produced, to_read;
  for (const Arrival& a : arrivals) {
    auto it = sent.find(a.key);
    if (it == sent.end()) continue;
    const int64_t latency = a.at_ms - it->second;
    const bool first = a.outcome == Outcome::kFirst ||
                       (!engine && a.outcome == Outcome::kComplete);
    if (first) {
      first_latency.push_back(latency);
      to_produced.push_back(a.produced_ms - it->second);
      to_read.push_back(a.at_ms - a.produced_ms);
    }
    if (a.outcome == Outcome::kComplete) done_latency.push_back(latency);
  }
  Stop(pid);
  r.measured = done_latency.size();
  r.first_p50 = Percentile(first_latency, 0.50);
  r.first_p99 = Percentile(first_latency, 0.99);
  r.done_p50 = Percentile(done_latency, 0.50);
  r.done_p99 = Percentile(done_latency, 0.99);
  r.to_produced_p50 = Percentile(to_produced, 0.50);
  r.to_produced_p99 = Percentile(to_produced, 0.99);
  r.to_read_p50 = Percentile(to_read, 0.50);
  r.to_read_p99 = Percentile(to_read, 0.99);
  if (done_latency.size() < sent.size()) {
    std::cerr << "e2e_bench: " << r.name << ": " << sent.size() - done_latency.size()
              << " of " << sent.size() << " latency orders not complete in time\n";
  }
  return r;
}

void PrintParts(const Result& r) {
  std::printf("%s first output, p50 / p99: sent to produced %.0f / %.0f ms, "
              "produced to read %.0f / %.0f ms\n",
              r.name.c_str(), r.to_produced_p50, r.to_produced_p99, r.to_read_p50,
              r.to_read_p99);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"End-to-end benchmark: orderflow run against a transactional passthrough"};
  std::string bootstrap, orderflow, passthrough, work = "/tmp";
  int orders = 100000, warmup = 2000, seconds = 10, commit_ms = 100;
  app.add_option("--bootstrap", bootstrap, "broker address")->required();
  app.add_option("--orderflow", orderflow, "the orderflow binary")->required();
  app.add_option("--passthrough", passthrough, "the passthrough binary")->required();
  app.add_option("--orders", orders, "orders for the maximum-rate run");
  app.add_option("--warmup", warmup, "orders sent before it, once started");
  app.add_option("--seconds", seconds, "length of the fixed-rate run");
  app.add_option("--commit-ms", commit_ms, "commit interval of both systems");
  app.add_option("--work", work, "folder for configurations and logs");
  std::vector<std::string> engine_properties;
  app.add_option("--engine-property", engine_properties,
                 "NAME=VALUE: a librdkafka property for orderflow only (repeatable)");
  bool engine_only = false;
  app.add_flag("--engine-only", engine_only, "skip the passthrough (diagnosis)");
  CLI11_PARSE(app, argc, argv);

  if (engine_only) {
    const Result eng = Measure(true, bootstrap, orderflow, passthrough, warmup, orders,
                               seconds, commit_ms, work, engine_properties);
    std::printf("orderflow run: start-up %.1f s, max %.0f/s, %.1f us CPU/order, "
                "first p99 %.0f ms, allocated p99 %.0f ms\n",
                eng.startup_s, eng.max_rate, eng.cpu_us_per_order, eng.first_p99,
                eng.done_p99);
    PrintParts(eng);
    return 0;
  }
  const Result base = Measure(false, bootstrap, orderflow, passthrough, warmup, orders,
                              seconds, commit_ms, work, engine_properties);
  const Result eng = Measure(true, bootstrap, orderflow, passthrough, warmup, orders,
                             seconds, commit_ms, work, engine_properties);
  std::printf("%-14s %10s %10s %13s %10s %14s %14s %13s %13s\n", "system",
              "start-up s", "max/s", "CPU us/order", "fixed/s", "first p50 ms",
              "first p99 ms", "done p50 ms", "done p99 ms");
  for (const Result& r : {base, eng}) {
    std::printf("%-14s %10.1f %10.0f %13.1f %10.0f %14.0f %14.0f %13.0f %13.0f\n",
                r.name.c_str(), r.startup_s, r.max_rate, r.cpu_us_per_order, r.rate,
                r.first_p50, r.first_p99, r.done_p50, r.done_p99);
  }
  for (const Result& r : {base, eng}) PrintParts(r);
  const double ratio = eng.max_rate / base.max_rate;
  const double budget = commit_ms + 25;
  std::printf("orderflow / passthrough maximum rate: %.2fx (target >= 0.60x: %s)\n",
              ratio, ratio >= 0.6 ? "met" : "NOT met");
  std::printf("orderflow first-output p99 at half rate: %.0f ms (target <= %.0f ms: %s)\n",
              eng.first_p99, budget, eng.first_p99 <= budget ? "met" : "NOT met");
  std::printf("orderflow allocated p99 at half rate: %.0f ms\n",
              eng.done_p99);
  return 0;
}
