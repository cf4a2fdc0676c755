// The Kafka host's transaction error paths, on librdkafka's mock cluster
// with injected errors: an abortable error, a fatal one (the producer is
// fenced), the transaction coordinator moving, requests timing out, and a
// stage consumer's static member fenced.
//
// The mock cluster does not enforce transactions (aborted records stay
// visible, transactional offsets are not kept), so these tests prove the
// recovery path, not exactly-once: the host must take the documented path
// (abort and rewind, or rebuild the producer) and go on. Exactly-once
// across aborts is proven on a real broker (exactly_once_test.py,
// aborts_rewind).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "consumers/kafka_host.h"
#include "kafka/topic_names.h"
#include "kafka/topics_admin.h"
#include "engine/text.h"
#include "gtest/gtest.h"
#include "tests/support/mock_cluster.h"
#include "orderflow/v1/orderflow.pb.h"
#include "tests/support/sample_records.h"

namespace orderflow {
namespace {

// Kafka protocol API keys (not in librdkafka's public headers).
constexpr int16_t kHeartbeat = 12;
constexpr int16_t kAddPartitionsToTxn = 24;
constexpr int16_t kEndTxn = 26;

constexpr int kOrders = 100;


class HostFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.engine.order_partitions = 2;
    config_.engine.inventory_partitions = 2;
    config_.kafka.bootstrap_servers = mock_.bootstraps();
    config_.kafka.event_time = true;
    config_.kafka.commit_interval = 50;
    config_.kafka.properties = {{"log_level", "0"},
                                {"session.timeout.ms", "6000"}};
    if (const char* debug = std::getenv("ORDERFLOW_TEST_KAFKA_DEBUG")) {
      config_.kafka.properties["log_level"] = "7";
      config_.kafka.properties["debug"] = debug;
    }
    for (const TopicSpec& t : RequiredTopics(config_)) {
      ASSERT_EQ(rd_kafka_mock_topic_create(mock_.get(), t.name.c_str(),
                                           t.partitions, 1),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  }

  // Stock for every order, then the orders themselves.
  void PublishWorkload() {
    rd_kafka_t* producer = mock_.NewClient(RD_KAFKA_PRODUCER);
    auto send = [&](Topic topic, const std::string& key,
                    const google::protobuf::Message& m) {
      const std::string name = KafkaTopic("orderflow", topic);
      const std::string value = m.SerializeAsString();
      rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(name.c_str()),
                        RD_KAFKA_V_KEY(key.data(), key.size()),
                        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()),
                                         value.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                        RD_KAFKA_V_END);
    };
    send(Topic::kInventory, testing::kSampleSku, testing::PlentyOfStock(1772438400000));
    for (int i = 0; i < kOrders; ++i) {
      const v1::OrderPlaced o = testing::OneLineOrder(Cat("O-", i), (1772442000 + i) * 1000LL);
      send(Topic::kOrders, o.order_id(), o);
    }
    rd_kafka_flush(producer, 10000);
    rd_kafka_destroy(producer);
  }

  // Orders that reached ALLOCATED, as seen on order-status (the mock
  // shows aborted records too, so this is a set).
  std::set<std::string> AllocatedOrders() {
    rd_kafka_t* consumer = mock_.NewClient(
        RD_KAFKA_CONSUMER, {{"group.id", "checker"}, {"enable.partition.eof", "true"}});
    const std::string topic = KafkaTopic("orderflow", Topic::kOrderStatus);
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(2);
    for (int p = 0; p < 2; ++p) {
      rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(consumer, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    std::set<std::string> allocated;
    std::set<int> at_end;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (at_end.size() < 2 && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 200);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        at_end.insert(m->partition);
      } else if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        v1::OrderStatusChanged s;
        if (s.ParseFromArray(m->payload, static_cast<int>(m->len)) &&
            s.status() == v1::ORDER_STATUS_ALLOCATED) {
          allocated.insert(s.order_id());
        }
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    return allocated;
  }

  // Runs the host with `fault` injected before the workload arrives, for
  // long enough to handle the fault and the whole workload, then stops it
  // with the stop flag. The host must come through: Run ends cleanly, every
  // input was consumed (at least once: the mock shows aborted records), and
  // at least one transaction committed.
  HostCounters RunWith(const std::function<void()>& fault) {
    absl::StatusOr<std::unique_ptr<KafkaHost>> host = KafkaHost::Create(config_);
    EXPECT_TRUE(host.ok()) << host.status();
    if (!host.ok()) return {};
    std::atomic<bool> stop{false};
    absl::Status result;
    std::thread runner([&] { result = (*host)->Run(stop); });
    fault();
    PublishWorkload();
    std::this_thread::sleep_for(std::chrono::seconds(20));
    const size_t allocated = AllocatedOrders().size();
    stop = true;
    runner.join();
    EXPECT_TRUE(result.ok()) << result;
    const HostCounters c = (*host)->counters();
    EXPECT_GE(c.inputs, kOrders + 1);  // every order and the stock count
    EXPECT_GE(c.commits, 1);
    EXPECT_GT(allocated, 0u);
    return c;
  }

  MockCluster mock_{3};  // three brokers: coordinators can move
  Config config_;
};

TEST_F(HostFaults, AbortableErrorAbortsRewindsAndGoesOn) {
  // A partition refused for good inside a transaction makes the
  // transaction abortable: the host aborts, restores its shards and
  // reprocesses. (Only transactional producers add partitions, so the
  // error reaches the host and not the test's own publisher.)
  HostCounters c = RunWith([&] {
    rd_kafka_mock_push_request_errors(mock_.get(), kAddPartitionsToTxn, 1,
                                      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  });
  EXPECT_GE(c.aborts, 1);
}

TEST_F(HostFaults, FatalErrorRebuildsTheProducer) {
  // An error librdkafka reports as fatal (here the producer is told it is
  // fenced): the host makes a new producer with the same transactional id,
  // rewinds and carries on.
  HostCounters c = RunWith([&] {
    rd_kafka_mock_push_request_errors(mock_.get(), kEndTxn, 1,
                                      RD_KAFKA_RESP_ERR_PRODUCER_FENCED);
  });
  EXPECT_GE(c.producer_rebuilds, 1);
}

TEST_F(HostFaults, CoordinatorMovesAndIsFoundAgain) {
  HostCounters c = RunWith([&] {
    rd_kafka_mock_coordinator_set(mock_.get(), "transaction", "orderflow.0", 2);
    rd_kafka_mock_push_request_errors(mock_.get(), kEndTxn, 2,
                                      RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE);
  });
  EXPECT_EQ(c.producer_rebuilds, 0);  // librdkafka finds the coordinator again
}

TEST_F(HostFaults, RequestTimeoutsAreRetried) {
  HostCounters c = RunWith([&] {
    rd_kafka_mock_push_request_errors(mock_.get(), kAddPartitionsToTxn, 3,
                                      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
    rd_kafka_mock_push_request_errors(mock_.get(), kEndTxn, 1,
                                      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  });
  // librdkafka makes the timed-out AddPartitionsToTxn abortable; the timed-
  // out abort that follows leaves the producer unusable, so it is rebuilt.
  EXPECT_GE(c.aborts + c.producer_rebuilds, 1);
}

TEST_F(HostFaults, FencedStageConsumerJoinsAgain) {
  // A heartbeat answered FENCED_INSTANCE_ID, as the broker answers a
  // static member whose group.instance.id another member took (after a
  // broker restart, most often the member's own rejoin): librdkafka makes
  // it a fatal consumer error; the host makes that stage's consumer again,
  // rewinds and carries on.
  HostCounters c = RunWith([&] {
    rd_kafka_mock_push_request_errors(mock_.get(), kHeartbeat, 1,
                                      RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID);
  });
  EXPECT_EQ(c.consumer_rebuilds, 1);
}

}  // namespace
}  // namespace orderflow
