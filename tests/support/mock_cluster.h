// librdkafka's mock cluster for tests: an in-process Kafka that needs no
// broker. It does not enforce transactions (aborted records stay visible
// to read_committed readers): tests of exactly-once use a real broker.
//
//   MockCluster mock(/*brokers=*/1);
//   config.kafka.bootstrap_servers = mock.bootstraps();
//   mock.CreateTopic("orderflow.orders.v1", 4);
//   rd_kafka_mock_push_request_errors(mock.get(), ...);  // fault injection
#ifndef ORDERFLOW_TESTS_SUPPORT_MOCK_CLUSTER_H_
#define ORDERFLOW_TESTS_SUPPORT_MOCK_CLUSTER_H_

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace orderflow {

class MockCluster {
 public:
  explicit MockCluster(int brokers = 1) {
    char error[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(handle_);
  }
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  rd_kafka_mock_cluster_t* get() { return cluster_; }
  const std::string& bootstraps() const { return bootstraps_; }
  void CreateTopic(const std::string& name, int partitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  // A producer or consumer of this cluster, quiet, with `settings` besides;
  // the caller destroys it.
  rd_kafka_t* NewClient(
      rd_kafka_type_t type,
      std::vector<std::pair<std::string, std::string>> settings = {}) const {
    char error[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    settings.emplace_back("bootstrap.servers", bootstraps_);
    settings.emplace_back("log_level", "0");
    for (const auto& [name, value] : settings) {
      EXPECT_EQ(rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error,
                                  sizeof error),
                RD_KAFKA_CONF_OK)
          << name << ": " << error;
    }
    rd_kafka_t* client = rd_kafka_new(type, conf, error, sizeof error);
    EXPECT_NE(client, nullptr) << error;
    return client;
  }

 private:
  rd_kafka_t* handle_;
  rd_kafka_mock_cluster_t* cluster_;
  std::string bootstraps_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_TESTS_SUPPORT_MOCK_CLUSTER_H_
