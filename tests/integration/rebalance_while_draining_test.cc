// A member joining while the host drains the stage-to-stage topics, on a
// real broker (tests/integration/with_broker.sh gives its address in
// ORDERFLOW_TEST_BOOTSTRAP).
//
// A host that holds every partition pauses its public inputs until its
// consumers have read the stage-to-stage topics to their ends (see
// consumers/stage_router.h); a transaction left open there by another
// producer holds that end back, so the host stays paused for a while. A
// second host joining then takes part of the partitions away, and the
// first is assigned the rest again. librdkafka keeps a partition's pause
// through the rebalance: before the host resumed what it is assigned, the
// first host never read its order partitions again (its member
// heartbeating, its input count standing still), which broker.soak_short
// met after an engine restarted with its static member and another joined.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "consumers/kafka_host.h"
#include "engine/partitioner.h"
#include "engine/text.h"
#include "engine/topics.h"
#include "gtest/gtest.h"
#include "kafka/kafka_client.h"
#include "kafka/topic_names.h"
#include "kafka/topics_admin.h"
#include "observe/live_metrics.h"
#include "orderflow/v1/orderflow.pb.h"
#include "tests/support/sample_records.h"
#include "tests/support/test_producers.h"

namespace orderflow {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kStart = 1772442000000;  // ms
constexpr int kOrders = 40;

// One `orderflow run` in this process: a host on its own thread.
struct Engine {
  Engine(const Config& config, const std::string& instance_id) {
    Config c = config;
    c.kafka.instance_id = instance_id;
    HostOptions options;
    options.log = &log;
    absl::StatusOr<std::unique_ptr<KafkaHost>> made =
        KafkaHost::Create(c, &board, nullptr, options);
    status = made.status();
    if (!made.ok()) return;
    host = *std::move(made);
    runner = std::thread([this] { status = host->Run(stop); });
  }
  ~Engine() { Stop(); }
  void Stop() {
    stop = true;
    if (runner.joinable()) runner.join();
  }
  // The partitions of `stage` ("order", "inventory") it holds, as last
  // published (about once a second).
  size_t Holds(const std::string& stage) const {
    std::shared_ptr<const LiveSnapshot> latest = board.Latest();
    if (!latest) return 0;
    auto it = latest->host.partitions.find(stage);
    return it == latest->host.partitions.end() ? 0 : it->second.size();
  }
  int64_t Received() const {
    std::shared_ptr<const LiveSnapshot> latest = board.Latest();
    return latest ? latest->metrics.metrics.received : 0;
  }

  MetricsBoard board;
  std::ostringstream log;  // read once the host has stopped
  std::unique_ptr<KafkaHost> host;
  std::atomic<bool> stop{false};
  absl::Status status;
  std::thread runner;
};

template <typename Done>
bool WaitFor(Done done, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

class RebalanceWhileDraining : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bootstrap = std::getenv("ORDERFLOW_TEST_BOOTSTRAP");
    ASSERT_NE(bootstrap, nullptr) << "run through tests/integration/with_broker.sh";
    config_.kafka.bootstrap_servers = bootstrap;
    config_.kafka.topic_prefix = "drain";
    config_.kafka.group_prefix = "drain";
    config_.kafka.event_time = true;
    config_.engine.order_partitions = 4;
    config_.engine.inventory_partitions = 2;
    config_.kafka.topic_configs = {{"retention.ms", "-1"}};
    // A member gone or joining is noticed within seconds.
    config_.kafka.properties = {{"session.timeout.ms", "6000"},
                                {"heartbeat.interval.ms", "1000"}};
    std::string report;
    const absl::Status created = CreateTopics(config_, &report);
    ASSERT_TRUE(created.ok()) << created;
  }

  // A transaction of another producer left open on the allocation
  // requests' partition 0: the stage consumers (read_committed) stop
  // before it, so draining does not end while it is open.
  std::unique_ptr<RdKafka::Producer> OpenTransaction() {
    std::unique_ptr<RdKafka::Producer> p =
        testing::TransactionalProducer(config_.kafka, "drain.blocker");
    ErrorPtr e(p->begin_transaction());
    EXPECT_FALSE(e) << e->str();
    const std::string topic =
        KafkaTopic(config_.kafka.topic_prefix, InternalTopic::kAllocationRequests);
    const std::string value = "never committed";
    EXPECT_EQ(p->produce(topic, 0, RdKafka::Producer::RK_MSG_COPY,
                         const_cast<char*>(value.data()), value.size(), nullptr, 0,
                         0, nullptr),
              RdKafka::ERR_NO_ERROR);
    EXPECT_EQ(p->flush(30000), RdKafka::ERR_NO_ERROR);
    return p;
  }

  void PublishStockAndOrders() {
    std::unique_ptr<RdKafka::Producer> p = testing::KeyedProducer(config_.kafka);
    ASSERT_TRUE(p);
    auto send = [&](Topic topic, const std::string& key, const std::string& value,
                    int64_t time) {
      testing::ProduceKeyed(*p, config_, topic, key, value, time);
    };
    send(Topic::kInventory, testing::kSampleSku,
         testing::PlentyOfStock(kStart - 3600000).SerializeAsString(), kStart - 3600000);
    for (int i = 0; i < kOrders; ++i) {
      const v1::OrderPlaced o = testing::OneLineOrder(Cat("O-", i), kStart + i * 1000);
      send(Topic::kOrders, o.order_id(), o.SerializeAsString(), kStart + i * 1000);
    }
    ASSERT_EQ(p->flush(60000), RdKafka::ERR_NO_ERROR);
  }

  Config config_;
};

TEST_F(RebalanceWhileDraining, PartitionsAssignedAgainAreRead) {
  std::unique_ptr<RdKafka::Producer> blocker = OpenTransaction();
  ASSERT_TRUE(blocker);
  Engine first(config_, "0");
  ASSERT_TRUE(first.status.ok()) << first.status;
  // It holds everything and drains, held back by the open transaction
  // (for up to 30 s, StageRouter::kGiveUpAfter).
  ASSERT_TRUE(WaitFor([&] { return first.Holds("order") == 4 && first.Holds("inventory") == 2; },
                      std::chrono::seconds(20)));
  const auto drain_started = Clock::now();
  Engine second(config_, "1");
  ASSERT_TRUE(second.status.ok()) << second.status;
  const bool split = WaitFor(
      [&] {
        return first.Holds("order") > 0 && second.Holds("order") > 0 &&
               first.Holds("order") + second.Holds("order") == 4;
      },
      std::chrono::seconds(30));
  const auto rebalanced_after = Clock::now() - drain_started;
  // The stage-to-stage messages may flow now.
  ErrorPtr e(blocker->abort_transaction(30000));
  EXPECT_FALSE(e) << e->str();
  ASSERT_TRUE(split);
  PublishStockAndOrders();
  const bool all_received =
      WaitFor([&] { return first.Received() + second.Received() == kOrders; },
              std::chrono::seconds(60));
  const int64_t first_received = first.Received();
  const int64_t second_received = second.Received();
  first.Stop();
  second.Stop();
  EXPECT_TRUE(first.status.ok()) << first.status;
  EXPECT_TRUE(second.status.ok()) << second.status;
  // Inside the 30 s the first host drains: the second joined mid-drain.
  EXPECT_LT(rebalanced_after, std::chrono::seconds(28));
  EXPECT_TRUE(all_received) << "received " << first_received << " + "
                            << second_received << " of " << kOrders
                            << "\nfirst host:\n" << first.log.str()
                            << "\nsecond host:\n" << second.log.str();
  EXPECT_GT(first_received, 0);
  EXPECT_GT(second_received, 0);
}

}  // namespace
}  // namespace orderflow
