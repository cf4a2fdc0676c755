// Restore time: how long a fresh `orderflow run` takes to rebuild its
// shards from changelogs holding N open orders, and to answer new input.
//
//  1. Fill: S SKUs with ample stock and N orders of two lines each, placed
//     over the last 24 hours, are published, and `orderflow run` processes them (each order ACCEPTED,
//     ALLOCATED, and left open, awaiting its shipment), then is stopped
//     with SIGTERM. The changelogs are written by the engine itself, so
//     they hold what a real run's would: each order's and each SKU's state
//     records, in the engine's own encoding, as many as its transactions
//     wrote (compaction of the changelog topics has not run on them yet:
//     the broker compacts only closed segments, so a restore reads at
//     least this much).
//  2. Restore, R times: one new order (the probe) is published while no
//     engine runs, a fresh `orderflow run` is started, and the bench
//     measures from the start to
//       (a) every shard restored: both stages' "assigned partitions ...
//           state records restored in ... ms" log lines (the engine's own
//           restore time is in that line too), and
//       (b) the first new input answered: the probe's ACCEPTED status,
//           read with read_committed on order-status.
//
// With --peer JAR the same is measured for the Kafka Streams peer
// (bench/peers/kafka-streams) on topics of its own: it fills its stores'
// changelogs by running over the same input, and each fresh start gets an
// empty state folder; (a) is its move to RUNNING (every task's stores
// restored).
//
// Usage: orderflow_restore_bench --bootstrap HOST:PORT --orderflow BIN
//          [--peer JAR [--peer-only]] [--orders N] [--skus S]
//          [--restarts R] [--max-seconds X] [--work DIR]
// With --max-seconds, exits 1 if any restart's (b) took longer.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/support/bench_kafka.h"
#include "orderflow/v1/orderflow.pb.h"

namespace {

using orderflow::bench::HighWatermarks;
using orderflow::bench::NowMs;
using orderflow::bench::OrderBytes;
using orderflow::bench::Producer;
using orderflow::bench::Reader;
using orderflow::bench::Spawn;
using orderflow::bench::Stop;
using SteadyClock = std::chrono::steady_clock;

constexpr int kPartitions = 4;
constexpr int64_t kDayMs = 24 * 3600 * 1000;
// Answers are timed to the millisecond: no fetch waits long for more.
const orderflow::bench::Settings kReaderSettings = {{"fetch.wait.max.ms", "10"}};

double SecondsSince(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

bool HasStatus(const RdKafka::Message& m, orderflow::v1::OrderStatus status) {
  orderflow::v1::OrderStatusChanged s;
  return s.ParseFromArray(m.payload(), static_cast<int>(m.len())) &&
         s.status() == status;
}

// The lines a process appends to its log, each stamped when first seen.
class LogWatch {
 public:
  explicit LogWatch(const std::string& path) : path_(path) {
    std::ifstream f(path_, std::ios::ate);
    offset_ = f ? static_cast<std::streamoff>(f.tellg()) : 0;
  }
  // Calls `seen(line)` for each whole line added since the last call.
  template <typename F>
  void Poll(F seen) {
    std::ifstream f(path_);
    if (!f) return;
    f.seekg(offset_);
    std::string chunk((std::istreambuf_iterator<char>(f)),
                      std::istreambuf_iterator<char>());
    size_t start = 0;
    for (size_t end; (end = chunk.find('\n', start)) != std::string::npos;
         start = end + 1) {
      seen(chunk.substr(start, end - start));
    }
    offset_ += static_cast<std::streamoff>(start);
  }

 private:
  std::string path_;
  std::streamoff offset_ = 0;
};

struct Restart {
  double restored_s = -1;  // start to every shard restored
  double answered_s = -1;  // start to the probe's ACCEPTED
  // As orderflow logs them (its restore lines); the peer logs none.
  int64_t order_records = 0, inventory_records = 0;
  int64_t order_ms = 0, inventory_ms = 0;
};

std::string Fixed(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// One system measured: orderflow, or the Kafka Streams peer on the same
// topic layout.
struct System {
  std::string name;
  std::string prefix;  // of its topics
  // The command that starts it for start number `n` (0: the fill).
  std::function<std::vector<std::string>(int n)> command;
  // The folders start `n` keeps state in, removed at the end.
  std::function<std::vector<std::string>(int n)> state_dirs = [](int) {
    return std::vector<std::string>{};
  };
  // Its state changelog topics (4 partitions each).
  std::vector<std::string> changelogs;
  // Seconds to wait after a stop before the next start: the peer does not
  // leave its group when it closes (Kafka Streams' default), so a start
  // right after would wait out the old member's session (10 s) before it
  // is assigned anything, which is not restoring.
  int settle_s = 0;
  // Reads one log line of a fresh start into `r`; true once every shard
  // is restored.
  std::function<bool(const std::string& line, Restart& r)> restored;
};

System Orderflow(const std::string& binary, const std::string& config,
                 const std::string& prefix) {
  System s;
  s.name = "orderflow";
  s.prefix = prefix;
  s.command = [=](int) {
    return std::vector<std::string>{binary, "run", "--config", config};
  };
  s.changelogs = {prefix + ".order-stage-changelog.v1",
                  prefix + ".inventory-stage-changelog.v1"};
  // Each stage logs its assignment once its shards are restored.
  auto seen = std::make_shared<std::pair<bool, bool>>();
  s.restored = [seen](const std::string& line, Restart& r) {
    static const std::regex restored_line(
        R"(run: (order|inventory) stage assigned partitions.*\((\d+) state records restored in (\d+) ms\))");
    std::smatch match;
    if (line.empty()) *seen = {false, false};  // a new start
    if (!std::regex_search(line, match, restored_line)) return false;
    const bool order = match[1] == "order";
    (order ? r.order_records : r.inventory_records) += std::stoll(match[2]);
    (order ? r.order_ms : r.inventory_ms) += std::stoll(match[3]);
    (order ? seen->first : seen->second) = true;
    return seen->first && seen->second;
  };
  return s;
}

// The peer starts each time on an empty state folder, so that its stores
// are rebuilt from their changelogs as orderflow's shards are (its own
// RocksDB files, kept, would spare it that).
System Peer(const std::string& jar, const std::string& bootstrap,
            const std::string& work, const std::string& prefix) {
  System s;
  s.name = "kafka-streams peer";
  s.prefix = prefix;
  const std::string app = prefix + "-app";
  s.state_dirs = [=](int n) {
    return std::vector<std::string>{work + "/" + prefix + "-state-" +
                                    std::to_string(n)};
  };
  s.command = [=, state_dirs = s.state_dirs](int n) {
    return std::vector<std::string>{
        "java", "-Xmx2g", "-jar", jar, "--bootstrap", bootstrap,
        "--prefix", prefix, "--application-id", app, "--state-dir",
        state_dirs(n)[0]};
  };
  for (const char* store : {"orders", "order-timers", "stock", "reservations"}) {
    s.changelogs.push_back(app + "-" + store + "-changelog");
  }
  s.settle_s = 12;
  // Kafka Streams is RUNNING once every task's stores are restored.
  s.restored = [](const std::string& line, Restart&) {
    return line.find("-> RUNNING") != std::string::npos;
  };
  return s;
}

// Fills `system`'s changelogs with `orders` open orders, then measures
// `restarts` fresh starts; false on a failure (said on stderr).
bool Measure(const System& system, const std::string& orderflow,
             const std::string& bootstrap, const std::string& work,
             int orders, int skus, int restarts, double max_seconds) {
  const std::string& prefix = system.prefix;
  const std::string config = work + "/" + prefix + ".yaml";
  const std::string log = work + "/" + prefix + ".log";
  {
    std::ofstream f(config);
    f << "partitions: {orders: " << kPartitions << ", inventory: " << kPartitions
      << "}\nkafka:\n  bootstrap_servers: " << bootstrap
      << "\n  topic_prefix: " << prefix << "\n  group_prefix: " << prefix
      << "\n  commit_interval: 100ms\nhttp:\n  address: 127.0.0.1:0\n";
  }
  if (std::system((orderflow + " topics create --config " + config + " >> " +
                   log + " 2>&1").c_str()) != 0) {
    std::cerr << "restore_bench: topics create failed, see " << log << "\n";
    return false;
  }
  const std::string in = prefix + ".orders.v1";
  const std::string out = prefix + ".order-status.v1";

  // 1. Fill.
  const auto fill_started = SteadyClock::now();
  Producer producer(bootstrap, {{"linger.ms", "20"},
                                {"batch.size", "1000000"},
                                {"compression.type", "lz4"}});
  const int64_t now = NowMs();
  for (int s = 0; s < skus; ++s) {
    orderflow::v1::InventoryEvent e;
    e.set_sku("SKU-" + std::to_string(s));
    e.set_kind(orderflow::v1::INVENTORY_KIND_SNAPSHOT);
    e.set_quantity(1000000000);
    e.mutable_occurred_at()->set_seconds(now / 1000);
    producer.Send(prefix + ".inventory.v1", e.sku(), e.SerializeAsString());
  }
  // Placed over the last day, as a day's open orders are: no deadline is
  // due yet, and their timers are spread as in a real run (not one tie).
  for (int n = 0; n < orders; ++n) {
    const std::string id = "O-" + std::to_string(n);
    const int64_t placed = now - (orders - n) * kDayMs / orders;
    producer.Send(in, id, OrderBytes(id, placed, n, skus));
  }
  if (!producer.Flush()) {
    std::cerr << "restore_bench: the orders were not all acknowledged\n";
    return false;
  }
  const double published_s = SecondsSince(fill_started);
  {
    Reader reader(bootstrap, out, std::vector<int64_t>(kPartitions, 0), kReaderSettings);
    const pid_t pid = Spawn(system.command(0), log);
    int allocated = 0;
    const auto give_up = SteadyClock::now() + std::chrono::seconds(900);
    while (allocated < orders && SteadyClock::now() < give_up) {
      auto m = reader.Next(100);
      if (m && HasStatus(*m, orderflow::v1::ORDER_STATUS_ALLOCATED)) ++allocated;
    }
    Stop(pid);
    if (allocated < orders) {
      std::cerr << "restore_bench: " << system.name << ": " << allocated
                << " of " << orders << " orders allocated; see " << log << "\n";
      return false;
    }
  }
  const double filled_s = SecondsSince(fill_started);
  std::printf("%s fill: %d orders over %d SKUs published in %s s, processed "
              "and stopped at %s s; changelog offsets:",
              system.name.c_str(), orders, skus, Fixed(published_s, 1).c_str(),
              Fixed(filled_s, 1).c_str());
  for (const std::string& topic : system.changelogs) {
    int64_t total = 0;
    for (int64_t h : HighWatermarks(bootstrap, topic, kPartitions)) total += h;
    std::printf(" %s %lld", topic.c_str(), static_cast<long long>(total));
  }
  std::printf("\n");
  std::fflush(stdout);

  // 2. Fresh starts.
  std::vector<Restart> results;
  bool failed = false;
  for (int r = 0; r < restarts; ++r) {
    std::this_thread::sleep_for(std::chrono::seconds(system.settle_s));
    const std::string probe = "P-" + std::to_string(r);
    producer.Send(in, probe, OrderBytes(probe, NowMs(), r, skus));
    producer.Flush();
    Reader reader(bootstrap, out, HighWatermarks(bootstrap, out, kPartitions),
                  kReaderSettings);
    LogWatch watch(log);
    Restart result;
    system.restored("", result);
    const auto started = SteadyClock::now();
    const pid_t pid = Spawn(system.command(r + 1), log);
    const auto give_up = started + std::chrono::seconds(300);
    while ((result.answered_s < 0 || result.restored_s < 0) &&
           SteadyClock::now() < give_up) {
      auto m = reader.Next(2);
      if (m && m->key() && *m->key() == probe && result.answered_s < 0 &&
          HasStatus(*m, orderflow::v1::ORDER_STATUS_ACCEPTED)) {
        result.answered_s = SecondsSince(started);
      }
      watch.Poll([&](const std::string& line) {
        if (result.restored_s < 0 && system.restored(line, result)) {
          result.restored_s = SecondsSince(started);
        }
      });
    }
    Stop(pid);
    std::printf("%s start %d: every shard restored at %s s", system.name.c_str(),
                r + 1, Fixed(result.restored_s).c_str());
    if (result.order_records > 0) {
      std::printf(" (order stage %lld records in %lld ms, inventory stage %lld "
                  "in %lld ms)",
                  static_cast<long long>(result.order_records),
                  static_cast<long long>(result.order_ms),
                  static_cast<long long>(result.inventory_records),
                  static_cast<long long>(result.inventory_ms));
    }
    std::printf(", first new input answered at %s s\n",
                Fixed(result.answered_s).c_str());
    std::fflush(stdout);
    if (result.answered_s < 0 || result.restored_s < 0) {
      std::cerr << "restore_bench: " << system.name << " start " << r + 1
                << " did not restore and answer; see " << log << "\n";
      failed = true;
    } else if (max_seconds > 0 && result.answered_s > max_seconds) {
      std::cerr << "restore_bench: " << system.name << " start " << r + 1
                << " took over " << max_seconds << " s\n";
      failed = true;
    }
    results.push_back(result);
  }
  if (!results.empty()) {
    std::vector<double> restored, answered;
    for (const Restart& r : results) {
      restored.push_back(r.restored_s);
      answered.push_back(r.answered_s);
    }
    std::sort(restored.begin(), restored.end());
    std::sort(answered.begin(), answered.end());
    std::printf("%s, %d open orders: restored median %s s (max %s), answered "
                "median %s s (max %s)\n",
                system.name.c_str(), orders,
                Fixed(restored[restored.size() / 2]).c_str(),
                Fixed(restored.back()).c_str(),
                Fixed(answered[answered.size() / 2]).c_str(),
                Fixed(answered.back()).c_str());
    std::fflush(stdout);
  }
  for (int n = 0; n <= restarts; ++n) {
    for (const std::string& path : system.state_dirs(n)) {
      std::filesystem::remove_all(path);
    }
  }
  std::printf("%s log: %s\n", system.name.c_str(), log.c_str());
  return !failed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Restore time of orderflow run from its changelogs"};
  std::string bootstrap, orderflow, peer_jar, work = "/tmp";
  bool peer_only = false;
  int orders = 20000, skus = 10000, restarts = 3;
  double max_seconds = 0;
  app.add_option("--bootstrap", bootstrap, "broker address")->required();
  app.add_option("--orderflow", orderflow, "the orderflow binary")->required();
  app.add_option("--peer", peer_jar,
                 "the Kafka Streams peer's jar: measure it too, after orderflow");
  app.add_flag("--peer-only", peer_only, "measure the peer only");
  app.add_option("--orders", orders, "open orders in the changelogs");
  app.add_option("--skus", skus, "SKUs they order from");
  app.add_option("--restarts", restarts, "fresh starts measured");
  app.add_option("--max-seconds", max_seconds,
                 "fail if a start takes longer to answer the probe");
  app.add_option("--work", work, "folder for configurations, logs and state");
  CLI11_PARSE(app, argc, argv);
  const std::string prefix = "restore" + std::to_string(getpid());
  bool ok = true;
  if (!peer_only) {
    ok = Measure(Orderflow(orderflow, work + "/" + prefix + ".yaml", prefix),
                 orderflow, bootstrap, work, orders, skus, restarts, max_seconds);
  }
  if (ok && !peer_jar.empty()) {
    ok = Measure(Peer(peer_jar, bootstrap, work, prefix + "-peer"), orderflow,
                 bootstrap, work, orders, skus, restarts, max_seconds);
  }
  return ok ? 0 : 1;
}
