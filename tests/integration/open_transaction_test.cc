// Reading committed records to the end while a transaction is open, on a
// real broker (tests/integration/with_broker.sh gives its address in
// ORDERFLOW_TEST_BOOTSTRAP; librdkafka's mock cluster shows read_committed
// readers the records of open transactions, so it cannot show this).
//
// ReadTopicsToEnd (report, reconcile) and `orderflow tail` read every
// partition up to the high watermark it had when they started: a
// transaction open then is waited for and what it commits is read; one left
// open stalls the read, which then names the partition it holds back. A
// read to the last stable offset instead would end before the open
// transaction, and so also before a transaction whose commit has returned
// but whose markers are not written yet.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kafka/kafka_client.h"
#include "kafka/topic_names.h"
#include "kafka/topics_admin.h"
#include "engine/text.h"
#include "gtest/gtest.h"
#include "orderflow/v1/orderflow.pb.h"
#include "kafka/kafka_io.h"
#include "producers/tail.h"
#include "tests/support/test_producers.h"

namespace orderflow {
namespace {

class OpenTransaction : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bootstrap = std::getenv("ORDERFLOW_TEST_BOOTSTRAP");
    ASSERT_NE(bootstrap, nullptr) << "run through tests/integration/with_broker.sh";
    const std::string name =
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    config_.kafka.bootstrap_servers = bootstrap;
    config_.kafka.topic_prefix = Cat("ot-", name);
    config_.kafka.group_prefix = Cat("ot-", name);
    config_.engine.order_partitions = 1;
    config_.engine.inventory_partitions = 1;
    std::string report;
    const absl::Status created = CreateTopics(config_, &report);
    ASSERT_TRUE(created.ok()) << created;
    topic_ = KafkaTopic(config_.kafka.topic_prefix, Topic::kOrderStatus);
  }

  std::unique_ptr<RdKafka::Producer> TransactionalProducer(const std::string& id) {
    return testing::TransactionalProducer(config_.kafka, id);
  }

  // One transaction of status changes keyed `keys`, flushed to the
  // broker; committed when `commit`, else left open.
  void Transaction(RdKafka::Producer& p, const std::vector<std::string>& keys,
                   bool commit) {
    ErrorPtr e(p.begin_transaction());
    ASSERT_FALSE(e) << e->str();
    for (const std::string& key : keys) {
      v1::OrderStatusChanged change;
      change.set_order_id(key);
      const std::string bytes = change.SerializeAsString();
      ASSERT_EQ(p.produce(topic_, 0, RdKafka::Producer::RK_MSG_COPY,
                          const_cast<char*>(bytes.data()), bytes.size(), key.data(),
                          key.size(), 0, nullptr),
                RdKafka::ERR_NO_ERROR);
    }
    ASSERT_EQ(p.flush(30000), RdKafka::ERR_NO_ERROR);
    if (commit) {
      e.reset(p.commit_transaction(30000));
      ASSERT_FALSE(e) << e->str();
    }
  }

  // The keys ReadTopicsToEnd reads from order-status.
  absl::StatusOr<ReadToEndStats> Read(std::vector<std::string>* keys,
                                      std::ostream& diagnostics) {
    return ReadTopicsToEnd(
        config_, {Topic::kOrderStatus},
        [&](Topic, const RdKafka::Message& m) {
          keys->push_back(m.key() != nullptr ? *m.key() : "");
        },
        {.idle_timeout_ms = 4000, .partial_on_stall = true, .diagnostics = &diagnostics});
  }

  Config config_;
  std::string topic_;
};

TEST_F(OpenTransaction, ReadToEndWaitsForItAndReadsWhatItCommits) {
  auto producer = TransactionalProducer("ot-commits");
  Transaction(*producer, {"A1", "A2"}, /*commit=*/true);
  Transaction(*producer, {"B1", "B2", "B3"}, /*commit=*/false);
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ErrorPtr e(producer->commit_transaction(30000));
    EXPECT_FALSE(e) << e->str();
  });
  std::vector<std::string> keys;
  std::stringstream diagnostics;
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<ReadToEndStats> stats = Read(&keys, diagnostics);
  const auto took = std::chrono::steady_clock::now() - started;
  committer.join();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(keys, (std::vector<std::string>{"A1", "A2", "B1", "B2", "B3"}));
  EXPECT_EQ(stats->unfinished, 0);
  EXPECT_EQ(diagnostics.str(), "");
  EXPECT_GE(took, std::chrono::milliseconds(1000));  // it did wait
}

TEST_F(OpenTransaction, ReadToEndNamesAPartitionALeftOpenOneHoldsBack) {
  auto producer = TransactionalProducer("ot-left-open");
  Transaction(*producer, {"A1", "A2"}, /*commit=*/true);
  Transaction(*producer, {"B1"}, /*commit=*/false);
  std::vector<std::string> keys;
  std::stringstream diagnostics;
  absl::StatusOr<ReadToEndStats> stats = Read(&keys, diagnostics);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(keys, (std::vector<std::string>{"A1", "A2"}));
  EXPECT_EQ(stats->unfinished, 1);
  EXPECT_NE(diagnostics.str().find(Cat(topic_, " [0]: no progress towards offset")),
            std::string::npos)
      << diagnostics.str();
  ErrorPtr e(producer->abort_transaction(30000));
  EXPECT_FALSE(e) << e->str();
}

TEST_F(OpenTransaction, TailPrintsWhatWasCommittedAndNamesThePartitionHeldBack) {
  auto producer = TransactionalProducer("ot-tail");
  Transaction(*producer, {"A1", "A2"}, /*commit=*/true);
  Transaction(*producer, {"B1"}, /*commit=*/false);
  std::atomic<bool> stop{false};
  std::stringstream out, err;
  EXPECT_EQ(Tail(config_, {.topic = "order-status"}, stop, out, err), 0);
  std::vector<std::string> lines;
  for (std::string line; std::getline(out, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u) << out.str();
  EXPECT_NE(lines[0].find("\"key\":\"A1\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\"key\":\"A2\""), std::string::npos) << lines[1];
  EXPECT_NE(err.str().find(Cat(topic_, " [0]: no progress towards offset")),
            std::string::npos)
      << err.str();
  ErrorPtr e(producer->abort_transaction(30000));
  EXPECT_FALSE(e) << e->str();
}

}  // namespace
}  // namespace orderflow
