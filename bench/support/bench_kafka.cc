#include "bench/support/bench_kafka.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "orderflow/v1/orderflow.pb.h"

extern char** environ;

namespace orderflow::bench {

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::cerr << program_invocation_short_name << ": " << what << "\n";
  std::exit(2);
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<RdKafka::Conf> KafkaConf(const std::string& bootstrap,
                                         const Settings& settings) {
  std::unique_ptr<RdKafka::Conf> c(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  c->set("bootstrap.servers", bootstrap, error);
  for (const auto& [k, v] : settings) {
    if (c->set(k, v, error) != RdKafka::Conf::CONF_OK) Fail(k + ": " + error);
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
  const int started =
      posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (started != 0) Fail("cannot start " + args[0]);
  return pid;
}

int Stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
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

std::string OrderBytes(const std::string& id, int64_t placed_ms, int n, int skus) {
  orderflow::v1::OrderPlaced o;
  o.set_order_id(id);
  o.set_customer_id("C-" + std::to_string(n % 997));
  o.mutable_placed_at()->set_seconds(placed_ms / 1000);
  o.mutable_placed_at()->set_nanos(static_cast<int32_t>(placed_ms % 1000) * 1000000);
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

Producer::Producer(const std::string& bootstrap, const Settings& settings) {
  Settings all = {{"enable.idempotence", "true"}, {"partitioner", "murmur2_random"}};
  all.insert(all.end(), settings.begin(), settings.end());
  p_.reset(RdKafka::Producer::create(KafkaConf(bootstrap, all).get(), error_));
  if (!p_) Fail("producer: " + error_);
}

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

bool Producer::Flush() { return p_->flush(60000) == RdKafka::ERR_NO_ERROR; }

Reader::Reader(const std::string& bootstrap, const std::string& topic,
               const std::vector<int64_t>& offsets, const Settings& settings) {
  Settings all = {{"group.id", std::string(program_invocation_short_name) + "-reader"},
                  {"enable.auto.commit", "false"},
                  {"isolation.level", "read_committed"}};
  all.insert(all.end(), settings.begin(), settings.end());
  c_.reset(RdKafka::KafkaConsumer::create(KafkaConf(bootstrap, all).get(), error_));
  if (!c_) Fail("reader: " + error_);
  std::vector<RdKafka::TopicPartition*> parts;
  for (size_t p = 0; p < offsets.size(); ++p) {
    parts.push_back(
        RdKafka::TopicPartition::create(topic, static_cast<int>(p), offsets[p]));
  }
  c_->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
}

Reader::~Reader() { c_->close(); }

std::unique_ptr<RdKafka::Message> Reader::Next(int timeout_ms) {
  std::unique_ptr<RdKafka::Message> m(c_->consume(timeout_ms));
  if (m->err() != RdKafka::ERR_NO_ERROR) return nullptr;
  return m;
}

std::vector<int64_t> HighWatermarks(const std::string& bootstrap,
                                    const std::string& topic, int partitions) {
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(
      KafkaConf(bootstrap, {{"group.id", std::string(program_invocation_short_name) + "-ends"},
                            {"isolation.level", "read_uncommitted"}})
          .get(),
      error));
  if (!c) Fail("watermarks: " + error);
  std::vector<int64_t> highs;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    if (c->query_watermark_offsets(topic, p, &low, &high, 30000) !=
        RdKafka::ERR_NO_ERROR) {
      Fail("no watermarks for " + topic + "[" + std::to_string(p) + "]");
    }
    highs.push_back(high);
  }
  c->close();
  return highs;
}

}  // namespace orderflow::bench
