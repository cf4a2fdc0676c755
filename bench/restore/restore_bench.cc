// Restore time: how long a fresh `orderflow run` takes to rebuild its
// shards from changelogs holding N open orders, and to answer new input.
//
//  1. Fill: S SKUs with ample stock and N orders of two lines each are
//     published, and `orderflow run` processes them (each order ACCEPTED,
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
// Usage: orderflow_restore_bench --bootstrap HOST:PORT --orderflow BIN
//          [--orders N] [--skus S] [--restarts R] [--max-seconds X]
// With --max-seconds, exits 1 if any restart's (b) took longer.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/restore/broker_client.h"
#include "orderflow/v1/orderflow.pb.h"

namespace {

using orderflow::bench::HighWatermarks;
using orderflow::bench::Producer;
using orderflow::bench::Reader;
using orderflow::bench::Spawn;
using orderflow::bench::Stop;
using SteadyClock = std::chrono::steady_clock;

constexpr int kPartitions = 4;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double SecondsSince(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

std::string OrderBytes(const std::string& id, int64_t now_ms, int n, int skus) {
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
    line->set_sku("SKU-" + std::to_string((n * 7 + i * 13) % skus));
    line->set_quantity(1 + (n + i) % 3);
    line->set_unit_price_minor(1299);
  }
  return o.SerializeAsString();
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
  double restored_s = -1;  // start to both stages' restore lines
  double answered_s = -1;  // start to the probe's ACCEPTED
  int64_t order_records = 0, inventory_records = 0;
  int64_t order_ms = 0, inventory_ms = 0;  // as the engine logged them
};

std::string Fixed(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Restore time of orderflow run from its changelogs"};
  std::string bootstrap, orderflow, work = "/tmp";
  int orders = 20000, skus = 10000, restarts = 3;
  double max_seconds = 0;
  app.add_option("--bootstrap", bootstrap, "broker address")->required();
  app.add_option("--orderflow", orderflow, "the orderflow binary")->required();
  app.add_option("--orders", orders, "open orders in the changelogs");
  app.add_option("--skus", skus, "SKUs they order from");
  app.add_option("--restarts", restarts, "fresh starts measured");
  app.add_option("--max-seconds", max_seconds,
                 "fail if a start takes longer to answer the probe");
  app.add_option("--work", work, "folder for the configuration and the log");
  CLI11_PARSE(app, argc, argv);

  const std::string prefix = "restore" + std::to_string(getpid());
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
    return 1;
  }
  const std::string in = prefix + ".orders.v1";
  const std::string out = prefix + ".order-status.v1";

  // 1. Fill.
  const auto fill_started = SteadyClock::now();
  Producer producer(bootstrap);
  const int64_t now = NowMs();
  for (int s = 0; s < skus; ++s) {
    orderflow::v1::InventoryEvent e;
    e.set_sku("SKU-" + std::to_string(s));
    e.set_kind(orderflow::v1::INVENTORY_KIND_SNAPSHOT);
    e.set_quantity(1000000000);
    e.mutable_occurred_at()->set_seconds(now / 1000);
    producer.Send(prefix + ".inventory.v1", e.sku(), e.SerializeAsString());
  }
  for (int n = 0; n < orders; ++n) {
    const std::string id = "O-" + std::to_string(n);
    producer.Send(in, id, OrderBytes(id, now, n, skus));
  }
  if (!producer.Flush()) {
    std::cerr << "restore_bench: the orders were not all acknowledged\n";
    return 1;
  }
  const double published_s = SecondsSince(fill_started);
  {
    Reader reader(bootstrap, out, std::vector<int64_t>(kPartitions, 0));
    const pid_t pid = Spawn({orderflow, "run", "--config", config}, log);
    int allocated = 0;
    const auto give_up = SteadyClock::now() + std::chrono::seconds(600);
    while (allocated < orders && SteadyClock::now() < give_up) {
      auto m = reader.Next(100);
      if (m && HasStatus(*m, orderflow::v1::ORDER_STATUS_ALLOCATED)) ++allocated;
    }
    Stop(pid);
    if (allocated < orders) {
      std::cerr << "restore_bench: " << allocated << " of " << orders
                << " orders allocated; see " << log << "\n";
      return 1;
    }
  }
  const double filled_s = SecondsSince(fill_started);
  auto count = [&](const std::string& topic) {
    int64_t total = 0;
    for (int64_t h : HighWatermarks(bootstrap, topic, kPartitions)) total += h;
    return total;
  };
  std::printf(
      "fill: %d orders over %d SKUs published in %s s, processed and stopped "
      "at %s s; changelog offsets: order %lld, inventory %lld\n",
      orders, skus, Fixed(published_s, 1).c_str(), Fixed(filled_s, 1).c_str(),
      static_cast<long long>(count(prefix + ".order-stage-changelog.v1")),
      static_cast<long long>(count(prefix + ".inventory-stage-changelog.v1")));
  std::fflush(stdout);

  // 2. Fresh starts.
  const std::regex restored_line(
      R"(run: (order|inventory) stage assigned partitions.*\((\d+) state records restored in (\d+) ms\))");
  std::vector<Restart> results;
  bool failed = false;
  for (int r = 0; r < restarts; ++r) {
    const std::string probe = "P-" + std::to_string(r);
    producer.Send(in, probe, OrderBytes(probe, NowMs(), r, skus));
    producer.Flush();
    Reader reader(bootstrap, out, HighWatermarks(bootstrap, out, kPartitions));
    LogWatch watch(log);
    Restart result;
    bool order_done = false, inventory_done = false;
    const auto started = SteadyClock::now();
    const pid_t pid = Spawn({orderflow, "run", "--config", config}, log);
    const auto give_up = started + std::chrono::seconds(300);
    while (result.answered_s < 0 && SteadyClock::now() < give_up) {
      auto m = reader.Next(2);
      if (m && m->key() && *m->key() == probe &&
          HasStatus(*m, orderflow::v1::ORDER_STATUS_ACCEPTED)) {
        result.answered_s = SecondsSince(started);
      }
      watch.Poll([&](const std::string& line) {
        std::smatch match;
        if (!std::regex_search(line, match, restored_line)) return;
        const bool order = match[1] == "order";
        (order ? result.order_records : result.inventory_records) +=
            std::stoll(match[2]);
        (order ? result.order_ms : result.inventory_ms) += std::stoll(match[3]);
        (order ? order_done : inventory_done) = true;
        if (order_done && inventory_done && result.restored_s < 0) {
          result.restored_s = SecondsSince(started);
        }
      });
    }
    Stop(pid);
    std::printf(
        "start %d: every shard restored at %s s (order stage %lld records in "
        "%lld ms, inventory stage %lld in %lld ms), first new input answered "
        "at %s s\n",
        r + 1, Fixed(result.restored_s).c_str(),
        static_cast<long long>(result.order_records),
        static_cast<long long>(result.order_ms),
        static_cast<long long>(result.inventory_records),
        static_cast<long long>(result.inventory_ms),
        Fixed(result.answered_s).c_str());
    std::fflush(stdout);
    if (result.answered_s < 0 || result.restored_s < 0 ||
        result.order_records < orders) {
      std::cerr << "restore_bench: start " << r + 1
                << " did not restore every order and answer; see " << log << "\n";
      failed = true;
    } else if (max_seconds > 0 && result.answered_s > max_seconds) {
      std::cerr << "restore_bench: start " << r + 1 << " took over "
                << max_seconds << " s\n";
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
    std::printf("%d open orders: restored median %s s (max %s), answered median "
                "%s s (max %s)\n",
                orders, Fixed(restored[restored.size() / 2]).c_str(),
                Fixed(restored.back()).c_str(),
                Fixed(answered[answered.size() / 2]).c_str(),
                Fixed(answered.back()).c_str());
  }
  if (failed) return 1;
  std::remove(config.c_str());
  std::remove(log.c_str());
  return 0;
}
