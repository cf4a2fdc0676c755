#include "producers/demo.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "consumers/kafka_client.h"
#include "consumers/kafka_host.h"
#include "consumers/topic_names.h"
#include "consumers/topics_admin.h"
#include "engine/escalations.h"
#include "engine/partitioner.h"
#include "engine/text.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr Millis kHour = Hours(1);
constexpr int kSkus = 200;
constexpr int kPartitions = 4;
const char* const kPrefix = "orderflow";

// Simulated time: `speed` simulated milliseconds pass per wall millisecond.
struct SimClock {
  EpochMillis start;
  EpochMillis end;
  double speed;
  SteadyClock::time_point wall_start = SteadyClock::now();
  EpochMillis Now() const {
    const double wall_ms = std::chrono::duration<double, std::milli>(
                               SteadyClock::now() - wall_start)
                               .count();
    return std::min(end, start + static_cast<EpochMillis>(wall_ms * speed));
  }
};

// Produces protobuf records keyed and partitioned as orderflow expects.
class Sender {
 public:
  explicit Sender(const std::string& bootstrap) {
    std::unique_ptr<RdKafka::Conf> conf(
        RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string error;
    conf->set("bootstrap.servers", bootstrap, error);
    conf->set("linger.ms", "5", error);
    conf->set("log_level", "0", error);
    producer_.reset(RdKafka::Producer::create(conf.get(), error));
  }
  ~Sender() { producer_->flush(5000); }
  void Send(Topic topic, const std::string& key,
            const google::protobuf::Message& m, EpochMillis time) {
    const std::string value = m.SerializeAsString();
    const int partitions = kPartitions;
    producer_->produce(KafkaTopic(kPrefix, topic), PartitionOf(key, partitions),
                       RdKafka::Producer::RK_MSG_COPY,
                       const_cast<char*>(value.data()), value.size(),
                       key.data(), key.size(), time, nullptr);
    producer_->poll(0);
  }

 private:
  std::unique_ptr<RdKafka::Producer> producer_;
};

// Reads topics from the beginning (no group), one message at a time.
class Reader {
 public:
  Reader(const std::string& bootstrap, const std::vector<Topic>& topics) {
    std::unique_ptr<RdKafka::Conf> conf(
        RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string error;
    conf->set("bootstrap.servers", bootstrap, error);
    conf->set("group.id", "orderflow.demo", error);
    conf->set("enable.auto.commit", "false", error);
    conf->set("log_level", "0", error);
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    std::vector<RdKafka::TopicPartition*> parts;
    for (Topic t : topics) {
      for (int p = 0; p < kPartitions; ++p) {
        parts.push_back(RdKafka::TopicPartition::create(
            KafkaTopic(kPrefix, t), p, RdKafka::Topic::OFFSET_BEGINNING));
      }
    }
    consumer_->assign(parts);
    RdKafka::TopicPartition::destroy(parts);
  }
  ~Reader() { consumer_->close(); }
  std::unique_ptr<RdKafka::Message> Next() {
    std::unique_ptr<RdKafka::Message> m(consumer_->consume(0));
    return m->err() == RdKafka::ERR_NO_ERROR ? std::move(m) : nullptr;
  }

 private:
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
};

std::string SkuName(int i) { return Cat("SKU-", 1000 + i); }

// ------------------------------------------------------------- the ERP

// A week of a web shop: orders with a daily rhythm (quiet nights, busy
// afternoons), popular and slow SKUs, stock counted on Monday morning and
// received every morning, cancellations, and the faults ERPs send:
// invalid orders, the same order twice, an order id reused.
class ErpSimulator {
 public:
  ErpSimulator(const DemoOptions& o, EpochMillis start, Sender& out)
      : rng_(o.seed), per_day_(o.orders_per_day), start_(start), out_(out) {
    next_order_ = start;
    next_receipt_ = start + Hours(6);
    // Units a day each SKU sells: PickSku's share of lines, about 1.6
    // lines an order and 1.4 units a line.
    for (int i = 0; i < kSkus; ++i) {
      const double share = std::pow((i + 1.0) / kSkus, 1 / kPopularity) -
                           std::pow(static_cast<double>(i) / kSkus, 1 / kPopularity);
      daily_demand_.push_back(share * per_day_ * 1.6 * 1.4);
    }
  }

  // Everything due up to `now`, in time order.
  void Step(EpochMillis now) {
    if (!stock_counted_) CountStock();
    while (true) {
      EpochMillis due = std::min(next_order_, next_receipt_);
      if (!cancellations_.empty()) due = std::min(due, cancellations_.top().first);
      if (due > now) return;
      if (due == next_order_) {
        PlaceOrder(next_order_);
        next_order_ += NextGap(next_order_);
      } else if (due == next_receipt_) {
        ReceiveStock(next_receipt_);
        next_receipt_ += Days(1);
      } else {
        const auto [at, id] = cancellations_.top();
        cancellations_.pop();
        v1::CancellationRequested c;
        c.set_order_id(id);
        SetTimestamp(at, c.mutable_requested_at());
        c.set_reason("customer changed their mind");
        out_.Send(Topic::kCancellations, id, c, at);
      }
    }
  }

  int64_t orders_sent() const { return static_cast<int64_t>(placed_at_.size()); }
  const std::map<std::string, EpochMillis>& placed_at() const { return placed_at_; }

 private:
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  // Popular SKUs are asked for far more often than slow ones.
  static constexpr double kPopularity = 2.2;
  int PickSku() { return static_cast<int>(kSkus * std::pow(Uniform(), kPopularity)); }

  // Orders per hour at `t`: night 20 %, afternoon peak about 180 %.
  double RatePerHour(EpochMillis t) const {
    const double hour = static_cast<double>((t - start_) % Days(1)) / kHour;
    const double rhythm = 0.2 + 1.6 * std::max(0.0, std::sin((hour - 7) / 15 * M_PI));
    return per_day_ / 24.0 * rhythm / 0.95;
  }
  Millis NextGap(EpochMillis t) {
    const double rate = std::max(0.05, RatePerHour(t));
    return std::max<Millis>(1000, static_cast<Millis>(-std::log(1 - Uniform()) / rate * kHour));
  }

  void CountStock() {
    stock_counted_ = true;
    for (int i = 0; i < kSkus; ++i) {
      v1::InventoryEvent e;
      e.set_sku(SkuName(i));
      e.set_kind(v1::INVENTORY_KIND_SNAPSHOT);
      // About two days of sales on the shelf.
      e.set_quantity(5 + static_cast<int64_t>(daily_demand_[i] * (1.5 + Uniform())));
      SetTimestamp(start_, e.mutable_occurred_at());
      out_.Send(Topic::kInventory, e.sku(), e, start_);
    }
  }

  void ReceiveStock(EpochMillis at) {
    for (int i = 0; i < kSkus; ++i) {
      // A day's sales on average, some days short: a supplier is late now
      // and then, and the popular SKUs run out before the truck comes.
      const double delivered = daily_demand_[i] * (Uniform() < 0.15 ? 0.3 : 0.8 + 0.5 * Uniform());
      if (delivered < 1) continue;
      v1::InventoryEvent e;
      e.set_sku(SkuName(i));
      e.set_kind(v1::INVENTORY_KIND_RECEIPT);
      e.set_quantity(static_cast<int64_t>(std::ceil(delivered)));
      SetTimestamp(at, e.mutable_occurred_at());
      out_.Send(Topic::kInventory, e.sku(), e, at);
    }
  }

  void PlaceOrder(EpochMillis at) {
    const std::string id = Cat("SO-", 100000 + order_count_++);
    v1::OrderPlaced o;
    o.set_order_id(id);
    o.set_customer_id(Cat("C-", static_cast<int>(Uniform() * 5000)));
    SetTimestamp(at, o.mutable_placed_at());
    const double level = Uniform();
    o.set_service_level(level < 0.7   ? v1::SERVICE_LEVEL_STANDARD
                        : level < 0.9 ? v1::SERVICE_LEVEL_EXPRESS
                                      : v1::SERVICE_LEVEL_OVERNIGHT);
    o.set_currency("EUR");
    v1::Address* a = o.mutable_ship_to();
    a->set_name("Demo Customer");
    a->set_line1(Cat(1 + static_cast<int>(Uniform() * 200), " Market Street"));
    a->set_city("Manchester");
    a->set_postal_code("M1 1AA");
    a->set_country("GB");
    std::set<int> skus;
    const int lines = 1 + static_cast<int>(std::pow(Uniform(), 2) * 3);
    while (static_cast<int>(skus.size()) < lines) skus.insert(PickSku());
    int n = 0;
    for (int sku : skus) {
      v1::OrderLine* line = o.add_lines();
      line->set_line_id(Cat(++n));
      line->set_sku(SkuName(sku));
      line->set_quantity(1 + static_cast<int>(std::pow(Uniform(), 3) * 4));
      line->set_unit_price_minor(499 + static_cast<int>(Uniform() * 5000));
    }
    const double fault = Uniform();
    if (fault < 0.02) {
      o.mutable_lines(0)->set_quantity(0);  // a typing error in the ERP
    } else if (fault < 0.03) {
      o.mutable_ship_to()->clear_postal_code();
    }
    placed_at_[id] = at;
    out_.Send(Topic::kOrders, id, o, at);
    if (Uniform() < 0.01) out_.Send(Topic::kOrders, id, o, at);  // sent twice
    if (Uniform() < 0.003) {  // the id reused for something else
      o.mutable_lines(0)->set_quantity(o.lines(0).quantity() + 1);
      out_.Send(Topic::kOrders, id, o, at + 1000);
    }
    if (Uniform() < 0.05) {
      cancellations_.push({at + static_cast<Millis>((0.2 + Uniform() * 20) * kHour), id});
    }
  }

  std::mt19937_64 rng_;
  double per_day_;
  EpochMillis start_;
  Sender& out_;
  bool stock_counted_ = false;
  int order_count_ = 0;
  EpochMillis next_order_, next_receipt_;
  std::priority_queue<std::pair<EpochMillis, std::string>,
                      std::vector<std::pair<EpochMillis, std::string>>,
                      std::greater<>>
      cancellations_;
  std::map<std::string, EpochMillis> placed_at_;
  std::vector<double> daily_demand_;
};

// -------------------------------------------------------- the warehouse

// Takes delivery tasks and reports what happens to them: picked and
// packed within hours, shipped before shipBy (5 % late), delivered after a
// transit fitting the service level, 3 % of deliveries failing first.
// A CANCEL task stops whatever has not left the warehouse.
class ShippingSimulator {
 public:
  ShippingSimulator(uint64_t seed, Sender& out) : rng_(seed ^ 0x5eed), out_(out) {}

  void OnTask(const v1::DeliveryTask& task, EpochMillis now) {
    const std::string& id = task.order_id();
    if (task.action() == v1::TASK_ACTION_CANCEL) {
      if (!shipped_.count(id)) cancelled_.insert(id);
      return;
    }
    if (!planned_.insert(id).second) return;  // the same task again
    const EpochMillis ship_by = ToMillis(task.ship_by());
    const EpochMillis deliver_by = ToMillis(task.deliver_by());
    const std::string shipment = Cat("SH-", id);
    const EpochMillis picked = now + static_cast<Millis>((0.5 + Uniform() * 3) * kHour);
    const EpochMillis packed = picked + static_cast<Millis>(Uniform() * kHour);
    // Most leave within hours; 5 % miss their ship-by time.
    EpochMillis shipped =
        Uniform() < 0.05
            ? ship_by + static_cast<Millis>((1 + Uniform() * 10) * kHour)
            : std::max(packed + 600000,
                       std::min(ship_by - 5 * kHour,
                                packed + static_cast<Millis>((0.5 + Uniform() * 5) * kHour)));
    const Millis transit = std::max<Millis>(
        2 * kHour, static_cast<Millis>((deliver_by - ship_by) * (0.4 + Uniform() * 0.7)));
    const EpochMillis delivered = shipped + transit;
    Plan(picked, id, shipment, v1::SHIPMENT_STATUS_PICKED);
    Plan(packed, id, shipment, v1::SHIPMENT_STATUS_PACKED);
    Plan(shipped, id, shipment, v1::SHIPMENT_STATUS_SHIPPED);
    if (Uniform() < 0.03) {
      Plan(delivered, id, shipment, v1::SHIPMENT_STATUS_DELIVERY_FAILED);
      Plan(delivered + Days(1), id, shipment, v1::SHIPMENT_STATUS_DELIVERED);
    } else {
      Plan(delivered, id, shipment, v1::SHIPMENT_STATUS_DELIVERED);
    }
  }

  // Reports every planned event due by `now`, in time order.
  void Step(EpochMillis now) {
    while (!events_.empty() && events_.top().at <= now) {
      const Event e = events_.top();
      events_.pop();
      if (cancelled_.count(e.order_id)) continue;
      if (e.status == v1::SHIPMENT_STATUS_SHIPPED) shipped_.insert(e.order_id);
      v1::ShipmentEvent s;
      s.set_order_id(e.order_id);
      s.set_shipment_id(e.shipment_id);
      s.set_status(e.status);
      SetTimestamp(e.at, s.mutable_occurred_at());
      s.set_carrier("DemoParcel");
      s.set_tracking_number(Cat("DP", e.shipment_id));
      out_.Send(Topic::kShipments, e.order_id, s, e.at);
    }
  }

 private:
  struct Event {
    EpochMillis at;
    std::string order_id, shipment_id;
    v1::ShipmentStatus status;
    bool operator>(const Event& o) const { return at > o.at; }
  };
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  void Plan(EpochMillis at, const std::string& id, const std::string& shipment,
            v1::ShipmentStatus status) {
    events_.push({at, id, shipment, status});
  }

  std::mt19937_64 rng_;
  Sender& out_;
  std::set<std::string> planned_, shipped_, cancelled_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
};

// ------------------------------------------------------------ the lead

// What a team lead's dashboard would count, from the output topics.
struct Tally {
  std::map<std::string, std::vector<v1::OrderStatus>> statuses;
  std::map<std::string, EpochMillis> shipped_at, delivered_at, deliver_by;
  std::set<std::string> escalation_records;  // id + state, once each
  std::map<std::string, int> raised_by_kind;
  int dead_letters = 0;

  void Add(Topic topic, const RdKafka::Message& m) {
    const void* p = m.payload();
    const int n = static_cast<int>(m.len());
    if (topic == Topic::kOrderStatus) {
      v1::OrderStatusChanged s;
      if (!s.ParseFromArray(p, n)) return;
      auto& seq = statuses[s.order_id()];
      if (std::find(seq.begin(), seq.end(), s.status()) != seq.end()) return;
      seq.push_back(s.status());
      if (s.status() == v1::ORDER_STATUS_SHIPPED) shipped_at[s.order_id()] = ToMillis(s.occurred_at());
      if (s.status() == v1::ORDER_STATUS_DELIVERED) delivered_at[s.order_id()] = ToMillis(s.occurred_at());
    } else if (topic == Topic::kDeliveryTasks) {
      v1::DeliveryTask t;
      if (t.ParseFromArray(p, n) && t.action() == v1::TASK_ACTION_CREATE) {
        deliver_by[t.order_id()] = ToMillis(t.deliver_by());
      }
    } else if (topic == Topic::kEscalations) {
      v1::Escalation e;
      if (!e.ParseFromArray(p, n)) return;
      if (!escalation_records.insert(Cat(e.escalation_id(), "/", static_cast<int>(e.state()))).second) return;
      if (e.state() == v1::ESCALATION_STATE_RAISED) {
        ++raised_by_kind[std::string(KindName(e.kind()))];
      }
    } else if (topic == Topic::kDeadLetter) {
      ++dead_letters;
    }
  }

  v1::OrderStatus Last(const std::string& id) const {
    auto it = statuses.find(id);
    return it == statuses.end() || it->second.empty() ? v1::ORDER_STATUS_UNSPECIFIED
                                                       : it->second.back();
  }
  bool Had(const std::string& id, v1::OrderStatus s) const {
    auto it = statuses.find(id);
    return it != statuses.end() &&
           std::find(it->second.begin(), it->second.end(), s) != it->second.end();
  }
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

std::string Pct(double part, double whole) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << (whole > 0 ? 100.0 * part / whole : 0) << " %";
  return s.str();
}

}  // namespace

int RunDemo(const DemoOptions& options, const std::atomic<bool>& stop,
            std::ostream& out, std::ostream& err) {
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
  config.kafka.bootstrap_servers = bootstrap;
  config.kafka.event_time = true;
  config.kafka.commit_interval = 100;
  config.kafka.properties = {{"log_level", "0"}};
  for (const TopicSpec& t : RequiredTopics(config)) {
    rd_kafka_mock_topic_create(mock, t.name.c_str(), t.partitions, 1);
  }
  out << "orderflow demo: a simulated " << options.days << "-day week in about "
      << options.seconds << " s, on an embedded Kafka (librdkafka's mock cluster)\n";

  int status = 0;
  {
    absl::StatusOr<std::unique_ptr<KafkaHost>> host = KafkaHost::Create(config);
    if (!host.ok()) {
      err << "orderflow demo: " << host.status().message() << "\n";
      rd_kafka_mock_cluster_destroy(mock);
      rd_kafka_destroy(mock_handle);
      return 1;
    }
    std::atomic<bool> host_stop{false};
    absl::Status host_result;
    std::thread host_thread([&] { host_result = (*host)->Run(host_stop); });

    const EpochMillis start = 1772409600000;  // Monday 2026-03-02 00:00 UTC
    SimClock clock{start, start + Days(options.days),
                   static_cast<double>(Days(options.days)) / (options.seconds * 1000.0)};
    Sender sender(bootstrap);
    ErpSimulator erp(options, start, sender);
    ShippingSimulator shipping(options.seed, sender);
    Reader tasks(bootstrap, {Topic::kDeliveryTasks});
    Reader outputs(bootstrap, {Topic::kOrderStatus, Topic::kDeliveryTasks,
                               Topic::kEscalations, Topic::kDeadLetter});
    Tally tally;

    auto shown = SteadyClock::now();
    SteadyClock::time_point quiet_since = SteadyClock::now();
    bool week_over = false;
    while (!stop.load()) {
      const EpochMillis now = clock.Now();
      erp.Step(now);
      while (auto m = tasks.Next()) {
        v1::DeliveryTask t;
        if (t.ParseFromArray(m->payload(), static_cast<int>(m->len()))) {
          // The warehouse plans from when the task was created: the
          // engine's own delay is not the warehouse's (time runs fast).
          shipping.OnTask(t, ToMillis(t.created_at()));
        }
      }
      shipping.Step(now);
      bool any = false;
      while (auto m = outputs.Next()) {
        const std::string topic = m->topic_name();
        for (Topic t : {Topic::kOrderStatus, Topic::kDeliveryTasks,
                        Topic::kEscalations, Topic::kDeadLetter}) {
          if (topic == KafkaTopic(kPrefix, t)) tally.Add(t, *m);
        }
        any = true;
      }
      if (any) quiet_since = SteadyClock::now();
      if (SteadyClock::now() - shown >= std::chrono::seconds(1)) {
        shown = SteadyClock::now();
        int backlog = 0, backordered = 0, escalations = 0;
        for (const auto& [id, seq] : tally.statuses) {
          const v1::OrderStatus s = seq.back();
          backlog += s == v1::ORDER_STATUS_ACCEPTED || s == v1::ORDER_STATUS_BACKORDERED ||
                     s == v1::ORDER_STATUS_ALLOCATED;
          backordered += s == v1::ORDER_STATUS_BACKORDERED;
        }
        std::string kinds;
        for (const auto& [kind, count] : tally.raised_by_kind) {
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
        out << "the week is over; waiting for the engine to settle\n";
      }
      if (week_over && SteadyClock::now() - quiet_since > std::chrono::seconds(3)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    host_stop = true;
    host_thread.join();
    if (!host_result.ok()) {
      err << "orderflow demo: the engine stopped: " << host_result.message() << "\n";
      status = 1;
    }

    // The summary a team lead reads on Monday morning.
    int received = 0, accepted = 0, rejected = 0, open = 0, shipped = 0,
        delivered = 0, cancelled = 0, unseen = 0, filled = 0, backordered = 0,
        on_time = 0;
    std::vector<double> to_ship_h, to_deliver_h;
    for (const auto& [id, placed] : erp.placed_at()) {
      ++received;
      const v1::OrderStatus last = tally.Last(id);
      if (last == v1::ORDER_STATUS_UNSPECIFIED) { ++unseen; continue; }
      if (last == v1::ORDER_STATUS_REJECTED) { ++rejected; continue; }
      ++accepted;
      switch (last) {
        case v1::ORDER_STATUS_ACCEPTED:
        case v1::ORDER_STATUS_BACKORDERED:
        case v1::ORDER_STATUS_ALLOCATED: ++open; break;
        case v1::ORDER_STATUS_SHIPPED:
        case v1::ORDER_STATUS_DELIVERY_FAILED: ++shipped; break;
        case v1::ORDER_STATUS_DELIVERED: ++delivered; break;
        case v1::ORDER_STATUS_CANCELLED: ++cancelled; break;
        default: break;
      }
      if (tally.Had(id, v1::ORDER_STATUS_BACKORDERED)) ++backordered;
      else if (tally.Had(id, v1::ORDER_STATUS_ALLOCATED)) ++filled;
      if (auto s = tally.shipped_at.find(id); s != tally.shipped_at.end()) {
        to_ship_h.push_back(static_cast<double>(s->second - placed) / kHour);
      }
      if (auto d = tally.delivered_at.find(id); d != tally.delivered_at.end()) {
        to_deliver_h.push_back(static_cast<double>(d->second - placed) / kHour);
        auto by = tally.deliver_by.find(id);
        on_time += by != tally.deliver_by.end() && d->second <= by->second;
      }
    }
    std::vector<std::pair<int, std::string>> kinds;
    for (const auto& [kind, count] : tally.raised_by_kind) kinds.push_back({count, kind});
    std::sort(kinds.rbegin(), kinds.rend());

    out << "\n== service metrics for the simulated week\n"
        << "orders received        " << received << "\n"
        << "accuracy (accepted)    " << Pct(accepted, received) << "  (" << accepted
        << " accepted, " << rejected << " rejected)\n"
        << "fill rate              " << Pct(filled, accepted) << "  (allocated without a backorder)\n"
        << "backorder rate         " << Pct(backordered, accepted) << "\n"
        << "cancellation rate      " << Pct(cancelled, accepted) << "\n"
        << "on-time delivery       " << Pct(on_time, delivered) << "  (" << on_time << " of "
        << delivered << " delivered by the promise)\n"
        << std::fixed << std::setprecision(1)
        << "placed -> shipped      p50 " << Percentile(to_ship_h, 0.5) << " h, p90 "
        << Percentile(to_ship_h, 0.9) << " h, p99 " << Percentile(to_ship_h, 0.99) << " h\n"
        << "placed -> delivered    p50 " << Percentile(to_deliver_h, 0.5) << " h, p90 "
        << Percentile(to_deliver_h, 0.9) << " h, p99 " << Percentile(to_deliver_h, 0.99) << " h\n"
        << "backlog at the end     " << open << " open, " << shipped << " in transit\n"
        << "dead letters           " << tally.dead_letters << "\n"
        << "escalations raised     ";
    for (size_t i = 0; i < kinds.size(); ++i) {
      out << (i ? ", " : "") << kinds[i].second << " " << kinds[i].first
          << (i < 3 ? " (top " + std::to_string(i + 1) + ")" : "");
    }
    out << "\n";
    const bool consistent = unseen == 0 && received == accepted + rejected &&
                            accepted == open + shipped + delivered + cancelled;
    out << "consistency            received = accepted + rejected: "
        << (received == accepted + rejected ? "yes" : "NO")
        << "; every accepted order open, shipped, delivered or cancelled: "
        << (accepted == open + shipped + delivered + cancelled ? "yes" : "NO");
    if (unseen > 0) out << "; " << unseen << " orders without a status yet";
    out << "\n\nnext: `orderflow run --config FILE` on a real broker "
           "(deploy/kafka/local-broker.sh), `orderflow replay` for what-if "
           "runs; README.md says how.\n";
    if (!stop.load() && !consistent) status = 1;
  }
  rd_kafka_mock_cluster_destroy(mock);
  rd_kafka_destroy(mock_handle);
  return status;
}

}  // namespace orderflow
