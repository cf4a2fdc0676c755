#include "bench/e2e/bench_kafka.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "orderflow/v1/orderflow.pb.h"

extern char** environ;

namespace orderflow::bench {

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
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::cerr << "e2e_bench: cannot start " << args[0] << "\n";
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

void Stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

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

Producer::Producer(const std::string& bootstrap)
    : p_(RdKafka::Producer::create(
          Conf(bootstrap, {{"linger.ms", "2"},
                           {"enable.idempotence", "true"},
                           // Kafka's default partitioner, as orderflow expects.
                           {"partitioner", "murmur2_random"}})
              .get(),
          error_)) {}

void Producer::Send(const std::string& topic, const std::string& key,
                    const std::string& value, int64_t ts) {
  for (;;) {
    auto e = p_->produce(topic, RdKafka::Topic::PARTITION_UA,
                         RdKafka::Producer::RK_MSG_COPY,
                         const_cast<char*>(value.data()), value.size(), key.data(),
                         key.size(), ts, nullptr);
    if (e != RdKafka::ERR__QUEUE_FULL) break;
    p_->poll(10);
  }
  p_->poll(0);
}

Reader::Reader(const std::string& bootstrap, const std::string& topic, int partitions)
    : c_(RdKafka::KafkaConsumer::create(
          Conf(bootstrap, {{"group.id", "e2e-bench-reader"},
                           {"enable.auto.commit", "false"},
                           {"isolation.level", "read_committed"}})
              .get(),
          error_)) {
  std::vector<RdKafka::TopicPartition*> parts;
  for (int p = 0; p < partitions; ++p) {
    parts.push_back(
        RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  c_->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
}

std::unique_ptr<RdKafka::Message> Reader::Next(int timeout_ms) {
  std::unique_ptr<RdKafka::Message> m(c_->consume(timeout_ms));
  if (m->err() != RdKafka::ERR_NO_ERROR) return nullptr;
  return m;
}

Written WrittenTo(const std::string& bootstrap, const std::string& prefix,
                  const std::vector<std::string>& inputs,
                  const std::vector<std::string>& public_outputs,
                  const std::string& log_dirs) {
  std::string error;
  std::unique_ptr<RdKafka::Producer> client(
      RdKafka::Producer::create(Conf(bootstrap, {}).get(), error));
  RdKafka::Metadata* raw = nullptr;
  Written w;
  if (client->metadata(true, nullptr, &raw, 10000) != RdKafka::ERR_NO_ERROR) return w;
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (!log_dirs.empty()) w.bytes = 0;
  for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
    const std::string& name = t->topic();
    // "<prefix>.<name>.v1" (orderflow, the passthrough) and
    // "<prefix>-<store>-changelog" (Kafka Streams, application id = prefix).
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        (name[prefix.size()] != '.' && name[prefix.size()] != '-') ||
        std::find(inputs.begin(), inputs.end(), name) != inputs.end()) {
      continue;
    }
    const bool is_public =
        std::find(public_outputs.begin(), public_outputs.end(), name) != public_outputs.end();
    for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
      int64_t low = 0, high = 0;
      if (client->query_watermark_offsets(name, p->id(), &low, &high, 10000) ==
          RdKafka::ERR_NO_ERROR) {
        w.offsets += high;
        if (is_public) w.public_offsets += high;
      }
      if (log_dirs.empty()) continue;
      const std::filesystem::path dir =
          std::filesystem::path(log_dirs) / (name + "-" + std::to_string(p->id()));
      std::error_code ec;
      for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
        if (f.path().extension() == ".log") w.bytes += static_cast<int64_t>(f.file_size(ec));
      }
    }
  }
  return w;
}

double Percentile(std::vector<int64_t> v, double q) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]);
}

}  // namespace orderflow::bench
