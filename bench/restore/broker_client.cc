#include "bench/restore/broker_client.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <iostream>

extern char** environ;

namespace orderflow::bench {

std::unique_ptr<RdKafka::Conf> KafkaConf(const std::string& bootstrap,
                                         const Settings& settings) {
  std::unique_ptr<RdKafka::Conf> c(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  c->set("bootstrap.servers", bootstrap, error);
  for (const auto& [k, v] : settings) {
    if (c->set(k, v, error) != RdKafka::Conf::CONF_OK) {
      std::cerr << "restore_bench: " << k << ": " << error << "\n";
      std::exit(2);
    }
  }
  return c;
}

Producer::Producer(const std::string& bootstrap)
    : p_(RdKafka::Producer::create(
          KafkaConf(bootstrap, {{"linger.ms", "20"},
                                {"batch.size", "1000000"},
                                {"compression.type", "lz4"},
                                {"enable.idempotence", "true"},
                                {"partitioner", "murmur2_random"}})
              .get(),
          error_)) {
  if (!p_) {
    std::cerr << "restore_bench: producer: " << error_ << "\n";
    std::exit(1);
  }
}

void Producer::Send(const std::string& topic, const std::string& key,
                    const std::string& value) {
  for (;;) {
    auto e = p_->produce(topic, RdKafka::Topic::PARTITION_UA,
                         RdKafka::Producer::RK_MSG_COPY,
                         const_cast<char*>(value.data()), value.size(),
                         key.data(), key.size(), 0, nullptr);
    if (e != RdKafka::ERR__QUEUE_FULL) break;
    p_->poll(10);
  }
  p_->poll(0);
}

bool Producer::Flush() { return p_->flush(60000) == RdKafka::ERR_NO_ERROR; }

Reader::Reader(const std::string& bootstrap, const std::string& topic,
               const std::vector<int64_t>& offsets)
    : c_(RdKafka::KafkaConsumer::create(
          KafkaConf(bootstrap, {{"group.id", "restore-bench-reader"},
                                {"enable.auto.commit", "false"},
                                {"fetch.wait.max.ms", "10"},
                                {"isolation.level", "read_committed"}})
              .get(),
          error_)) {
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
      KafkaConf(bootstrap, {{"group.id", "restore-bench-ends"},
                            {"isolation.level", "read_uncommitted"}})
          .get(),
      error));
  std::vector<int64_t> highs;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    if (c->query_watermark_offsets(topic, p, &low, &high, 30000) !=
        RdKafka::ERR_NO_ERROR) {
      std::cerr << "restore_bench: no watermarks for " << topic << "[" << p
                << "]\n";
      std::exit(1);
    }
    highs.push_back(high);
  }
  c->close();
  return highs;
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
    std::cerr << "restore_bench: cannot start " << args[0] << "\n";
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int Stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace orderflow::bench
