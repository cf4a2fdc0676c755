// The baseline of the end-to-end benchmark: a raw librdkafka transactional
// consume -> produce loop that copies every record of one topic to another,
// with the same consumer and transaction settings as `orderflow run`
// (read_committed, the same read-ahead, offsets in the transaction, a
// commit every interval).
// Whatever orderflow adds on top of this is the engine's own cost.
//
// Usage: orderflow_passthrough BOOTSTRAP IN_TOPIC OUT_TOPIC GROUP TXN_ID COMMIT_MS
// Runs until SIGTERM or SIGINT.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/consumer_prefetch.h"
#include "librdkafka/rdkafkacpp.h"

namespace {

volatile sig_atomic_t stop = 0;
void OnSignal(int) { stop = 1; }

void Set(RdKafka::Conf* conf, const std::string& name, const std::string& value) {
  std::string error;
  if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
    std::cerr << "passthrough: " << name << ": " << error << "\n";
    std::exit(2);
  }
}

void Check(RdKafka::Error* error, const char* what) {
  if (error == nullptr) return;
  std::cerr << "passthrough: " << what << ": " << error->str() << "\n";
  std::exit(1);
}

// A delivery report callback, as orderflow has: without one, librdkafka's
// flush inside commit_transaction sleeps in 10 ms steps.
class IgnoreReports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: orderflow_passthrough BOOTSTRAP IN_TOPIC OUT_TOPIC "
                 "GROUP TXN_ID COMMIT_MS\n";
    return 2;
  }
  const std::string bootstrap = argv[1], in = argv[2], out = argv[3],
                    group = argv[4], txn_id = argv[5];
  const auto interval = std::chrono::milliseconds(std::atoi(argv[6]));
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);

  std::unique_ptr<RdKafka::Conf> cc(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(cc.get(), "bootstrap.servers", bootstrap);
  Set(cc.get(), "group.id", group);
  Set(cc.get(), "enable.auto.commit", "false");
  Set(cc.get(), "isolation.level", "read_committed");
  Set(cc.get(), "auto.offset.reset", "earliest");
  Set(cc.get(), "partition.assignment.strategy", "range");
  for (const auto& [name, value] : orderflow::kConsumerPrefetch) {
    Set(cc.get(), name, value);
  }
  std::unique_ptr<RdKafka::Conf> pc(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(pc.get(), "bootstrap.servers", bootstrap);
  Set(pc.get(), "transactional.id", txn_id);
  Set(pc.get(), "linger.ms", "5");
  Set(pc.get(), "message.timeout.ms", "55000");
  IgnoreReports reports;
  std::string error;
  if (pc->set("dr_cb", &reports, error) != RdKafka::Conf::CONF_OK) {
    std::cerr << "passthrough: dr_cb: " << error << "\n";
    return 2;
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(cc.get(), error));
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(pc.get(), error));
  if (!consumer || !producer) {
    std::cerr << "passthrough: " << error << "\n";
    return 1;
  }
  Check(producer->init_transactions(30000), "init_transactions");
  consumer->subscribe({in});

  std::map<int32_t, int64_t> next_offsets;
  bool in_txn = false;
  // As orderflow: a commit starts at most once an interval.
  std::chrono::steady_clock::time_point last_commit{};
  auto commit = [&] {
    last_commit = std::chrono::steady_clock::now();
    std::vector<RdKafka::TopicPartition*> offsets;
    for (const auto& [p, o] : next_offsets) {
      offsets.push_back(RdKafka::TopicPartition::create(in, p, o));
    }
    std::unique_ptr<RdKafka::ConsumerGroupMetadata> meta(consumer->groupMetadata());
    Check(producer->send_offsets_to_transaction(offsets, meta.get(), -1),
          "send_offsets_to_transaction");
    RdKafka::TopicPartition::destroy(offsets);
    Check(producer->commit_transaction(-1), "commit_transaction");
    next_offsets.clear();
    in_txn = false;
  };
  while (!stop) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(10));
    if (m->err() == RdKafka::ERR_NO_ERROR) {
      if (!in_txn) {
        Check(producer->begin_transaction(), "begin_transaction");
        in_txn = true;
      }
      for (;;) {
        RdKafka::ErrorCode e = producer->produce(
            out, m->partition(), RdKafka::Producer::RK_MSG_COPY, m->payload(),
            m->len(), m->key_pointer(), m->key_len(), 0, nullptr);
        if (e != RdKafka::ERR__QUEUE_FULL) break;
        producer->poll(50);
      }
      next_offsets[m->partition()] = m->offset() + 1;
    }
    producer->poll(0);  // delivery reports
    if (in_txn && std::chrono::steady_clock::now() - last_commit >= interval) commit();
  }
  if (in_txn) commit();
  consumer->close();
  return 0;
}
