#include "producers/simulate.h"

#include <chrono>
#include <thread>

#include "kafka/kafka_io.h"
#include "platform/wall_clock.h"
#include "replay/replay_line.h"
#include "sim/help_desk.h"
#include "sim/week.h"

namespace orderflow {

int64_t SimulateErp(const ErpOptions& options, int days, std::ostream& out) {
  int64_t records = 0;
  ErpSimulator erp(options, [&](Topic topic, const std::string& key,
                                const google::protobuf::Message& value,
                                EpochMillis at) {
    out << EnvelopeLine(ShortName(topic), key, at, value) << "\n";
    ++records;
  });
  erp.Step(options.start + Days(days));
  erp.Finish();
  return records;
}

int SimulateErpToKafka(const Config& config, ErpOptions options, int days,
                       double speed, const std::atomic<bool>& stop,
                       std::ostream& err) {
  auto writer = TopicWriter::Create(config);
  if (!writer.ok()) {
    err << "orderflow: " << writer.status().message() << "\n";
    return 1;
  }
  // The simulated days end now: brokers refuse timestamps far in the
  // future (Kafka 4: more than an hour ahead).
  options.start = WallClockMillis() - Days(days);
  const SimClock clock{options.start, options.start + Days(days), speed};
  ErpSimulator erp(options, [&](Topic t, const std::string& key,
                                const google::protobuf::Message& m, EpochMillis at) {
    (*writer)->Send(t, key, m, at);
  });
  auto reported = std::chrono::steady_clock::now();
  while (!stop.load()) {
    const EpochMillis now = clock.Now();
    erp.Step(now);
    if (std::chrono::steady_clock::now() - reported > std::chrono::seconds(5) ||
        now >= clock.end) {
      reported = std::chrono::steady_clock::now();
      err << "simulate erp: " << erp.orders_sent() << " orders sent, simulated time "
          << FormatTime(now) << "\n";
    }
    if (now >= clock.end) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  erp.Finish();
  std::string why;
  if (const int64_t refused = (*writer)->Flush(&why); refused > 0) {
    err << "orderflow: Kafka refused " << refused << " records, first: " << why << "\n";
    return 1;
  }
  return 0;
}

int SimulateShipping(const Config& config, const ShippingOptions& options,
                     double speed, int seconds, const std::atomic<bool>& stop,
                     std::ostream& err) {
  auto writer = TopicWriter::Create(config);
  auto tasks = TopicReader::Create(config, {Topic::kDeliveryTasks},
                                   config.kafka.group_prefix + ".shipping-simulator");
  if (!writer.ok() || !tasks.ok()) {
    err << "orderflow: "
        << (writer.ok() ? tasks.status() : writer.status()).message() << "\n";
    return 1;
  }
  int64_t events = 0, tasks_seen = 0;
  // v1.1: customers contact the help desk about what the warehouse and
  // carrier did (sim/help_desk.h).
  HelpDesk help_desk(options.seed, [&](Topic t, const std::string& key,
                                       const google::protobuf::Message& m, EpochMillis at) {
    (*writer)->Send(t, key, m, at);
  });
  ShippingSimulator shipping(options, [&](Topic t, const std::string& key,
                                          const google::protobuf::Message& m,
                                          EpochMillis at) {
    (*writer)->Send(t, key, m, at);
    if (options.parcels) help_desk.Observe(t, m, at);
    ++events;
  });
  std::optional<SimClock> clock;
  EpochMillis newest_task = 0;
  const auto started = std::chrono::steady_clock::now();
  auto reported = started;
  while (!stop.load() &&
         (seconds <= 0 || std::chrono::steady_clock::now() - started <
                              std::chrono::seconds(seconds))) {
    while (auto m = (*tasks)->Next(10)) {
      v1::DeliveryTask task;
      if (!task.ParseFromArray(m->payload(), static_cast<int>(m->len()))) continue;
      const EpochMillis created = ToMillis(task.created_at());
      if (!clock) clock = SimClock{created, kNever, speed};
      newest_task = std::max(newest_task, created);
      shipping.OnTask(task, created);
      if (options.parcels) help_desk.OnTask(task);
      ++tasks_seen;
    }
    // Never beyond the wall clock: brokers refuse future timestamps.
    const EpochMillis wall = WallClockMillis();
    const EpochMillis now =
        clock ? std::min(wall, std::max(clock->Now(), newest_task)) : 0;
    if (clock) {
      shipping.Step(now);
      if (options.parcels) help_desk.Step(now);
    }
    if (std::chrono::steady_clock::now() - reported > std::chrono::seconds(5)) {
      reported = std::chrono::steady_clock::now();
      err << "simulate shipping: " << tasks_seen << " tasks, " << events
          << " shipment events sent, simulated time "
          << (clock ? FormatTime(now) : std::string("(no task yet)")) << "\n";
    }
  }
  err << "simulate shipping: " << tasks_seen << " tasks, " << events
      << " shipment events sent";
  if (options.parcels) {
    err << ", " << shipping.split_tasks() << " tasks in two parcels, "
        << help_desk.counts().contacts << " customer contacts";
  }
  err << "\n";
  std::string why;
  if (const int64_t refused = (*writer)->Flush(&why); refused > 0) {
    err << "orderflow: Kafka refused " << refused << " records, first: " << why << "\n";
    return 1;
  }
  return 0;
}

}  // namespace orderflow
