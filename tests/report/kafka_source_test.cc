// The report read from Kafka (librdkafka's mock cluster): the replay
// outputs of the two-week scenario published to the output topics, plus
// one record that is not a protobuf message, must give the same text as
// the same outputs read from the replay file (two-weeks.expected.txt); and
// the monthly review, from the two-month scenario's outputs and its
// inputs, the same as from the files (two-months.expected.txt).
// And ReadTopicsToEnd (kafka/kafka_io.h), which it reads through, on
// the same cluster.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>

#include "kafka/topic_names.h"
#include "gtest/gtest.h"
#include "tests/support/mock_cluster.h"
#include "nlohmann/json.hpp"
#include "kafka/kafka_io.h"
#include "replay/json_codec.h"
#include "replay/replay.h"
#include "replay/replay_line.h"
#include "report/kafka_source.h"
#include "report/monthly_report.h"
#include "report/monthly_text.h"
#include "report/text_report.h"

#ifndef ORDERFLOW_REPORT_TEST_DIR
#error "ORDERFLOW_REPORT_TEST_DIR must name tests/report"
#endif

namespace orderflow {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}


class ReportFromKafka : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.engine.order_partitions = 3;
    config_.kafka.bootstrap_servers = mock_.bootstraps();
    config_.kafka.properties = {{"log_level", "0"}};
  }
  void CreateOutputTopics() {
    for (Topic t : {Topic::kOrderStatus, Topic::kDeliveryTasks, Topic::kEscalations,
                    Topic::kDeadLetter, Topic::kAmendmentResults}) {
      ASSERT_EQ(rd_kafka_mock_topic_create(
                    mock_.get(), KafkaTopic("orderflow", t).c_str(),
                    PartitionCount(t, config_.engine), 1),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  }
  MockCluster mock_;
  Config config_;
  std::atomic<bool> stop_{false};
};

TEST_F(ReportFromKafka, GivesTheSameReportAsTheReplayFile) {
  CreateOutputTopics();
  // The scenario's outputs, as the engine would publish them.
  std::ifstream input(ORDERFLOW_REPORT_TEST_DIR "/two-weeks.input.jsonl");
  std::stringstream outputs, diagnostics;
  RunReplay(config_.engine, input, outputs, diagnostics);
  auto writer = TopicWriter::Create(config_);
  ASSERT_TRUE(writer.ok()) << writer.status();
  std::string line;
  int sent = 0;
  while (std::getline(outputs, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    const Topic topic = *TopicByShortName(j["topic"].get<std::string>());
    std::unique_ptr<google::protobuf::Message> value(MessageTypeOf(topic).New());
    ASSERT_TRUE(DecodeJson(j["value"], value.get()).ok()) << line;
    (*writer)->Send(topic, j["key"].get<std::string>(), *value,
                    *ParseTime(j["timestamp"].get<std::string>()));
    ++sent;
  }
  ASSERT_EQ(sent, 129);
  // And one record that is not an OrderStatusChanged.
  std::string garbage = "\xff\xff\xff\xff";
  std::string error;
  {
    rd_kafka_t* p = mock_.NewClient(RD_KAFKA_PRODUCER);
    const std::string name = KafkaTopic("orderflow", Topic::kOrderStatus);
    rd_kafka_producev(p, RD_KAFKA_V_TOPIC(name.c_str()), RD_KAFKA_V_PARTITION(0),
                      RD_KAFKA_V_KEY("X", 1),
                      RD_KAFKA_V_VALUE(garbage.data(), garbage.size()),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    rd_kafka_flush(p, 10000);
    rd_kafka_destroy(p);
  }
  ASSERT_EQ((*writer)->Flush(&error), 0) << error;

  std::string why;
  WeeklyReportBuilder builder(*ParseIsoWeek("2026-W10", &why));
  std::stringstream warnings;
  absl::StatusOr<ReadStats> stats =
      ReadKafkaTopics(config_, builder, warnings, stop_);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->used, 110);  // 72 status changes, 37 escalations, 1 dead letter
  EXPECT_EQ(stats->bad, 1);
  EXPECT_NE(warnings.str().find("orderflow.order-status.v1 [0] offset"), std::string::npos)
      << warnings.str();
  EXPECT_NE(warnings.str().find("not a orderflow.v1.OrderStatusChanged"), std::string::npos)
      << warnings.str();
  EXPECT_EQ(RenderText(builder.Build(), {"1 bad line skipped (named on stderr)"}),
            ReadFile(ORDERFLOW_REPORT_TEST_DIR "/two-weeks.expected.txt"));
}

TEST_F(ReportFromKafka, MonthlyReviewReadsTheInputTopicsToo) {
  CreateOutputTopics();
  for (Topic t : {Topic::kOrders, Topic::kHolds, Topic::kCustomerContacts}) {
    ASSERT_EQ(rd_kafka_mock_topic_create(mock_.get(),
                                         KafkaTopic("orderflow", t).c_str(),
                                         PartitionCount(t, config_.engine), 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  const std::string input_text = ReadFile(ORDERFLOW_REPORT_TEST_DIR "/two-months.input.jsonl");
  std::stringstream input(input_text), outputs, diagnostics;
  RunReplay(config_.engine, input, outputs, diagnostics);
  auto writer = TopicWriter::Create(config_);
  ASSERT_TRUE(writer.ok()) << writer.status();
  // The outputs, and the inputs the review reads (the engine's own input
  // topics on a real deployment).
  std::stringstream records(outputs.str() + input_text);
  std::string line;
  int sent = 0;
  while (std::getline(records, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (!j.contains("topic")) continue;  // the clock line
    const Topic topic = *TopicByShortName(j["topic"].get<std::string>());
    if (IsInput(topic) && !ReadsInputTopic(topic)) continue;
    std::unique_ptr<google::protobuf::Message> value(MessageTypeOf(topic).New());
    ASSERT_TRUE(DecodeJson(j["value"], value.get()).ok()) << line;
    (*writer)->Send(topic, j["key"].get<std::string>(), *value,
                    *ParseTime(j["timestamp"].get<std::string>()));
    ++sent;
  }
  ASSERT_EQ(sent, 134 + 14 + 10 + 15);
  std::string error;
  ASSERT_EQ((*writer)->Flush(&error), 0) << error;

  std::string why;
  MonthlyReportBuilder builder(*ParseCalendarMonth("2026-03", &why));
  std::stringstream warnings;
  absl::StatusOr<ReadStats> stats = ReadKafkaTopics(config_, builder, warnings, stop_);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->used, 66 + 43 + 14 + 10 + 15);
  EXPECT_EQ(stats->bad, 0) << warnings.str();
  EXPECT_EQ(RenderMonthlyText(builder.Build()),
            ReadFile(ORDERFLOW_REPORT_TEST_DIR "/two-months.expected.txt"));
}

TEST_F(ReportFromKafka, EmptyTopicsGiveAnEmptyReport) {
  CreateOutputTopics();
  std::string why;
  WeeklyReportBuilder builder(*ParseIsoWeek("2026-W10", &why));
  std::stringstream warnings;
  absl::StatusOr<ReadStats> stats = ReadKafkaTopics(config_, builder, warnings, stop_);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->used, 0);
  EXPECT_EQ(builder.Build().status_changes, 0);
}

TEST_F(ReportFromKafka, AMissingTopicIsNamed) {
  std::string why;
  WeeklyReportBuilder builder(*ParseIsoWeek("2026-W10", &why));
  std::stringstream warnings;
  absl::StatusOr<ReadStats> stats = ReadKafkaTopics(config_, builder, warnings, stop_);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("orderflow.order-status.v1"), std::string::npos)
      << stats.status();
}

// ------------------------------------------------------ ReadTopicsToEnd

class ReadToEnd : public ReportFromKafka {
 protected:
  // `n` status changes of orders "<prefix>0".. on their partitions, a
  // batch each.
  void SendStatus(const std::string& prefix, int n) {
    auto writer = TopicWriter::Create(config_);
    ASSERT_TRUE(writer.ok()) << writer.status();
    std::string error;
    for (int i = 0; i < n; ++i) {
      v1::OrderStatusChanged change;
      change.set_order_id(prefix + std::to_string(i));
      (*writer)->Send(Topic::kOrderStatus, change.order_id(), change, 1000 + i);
      ASSERT_EQ((*writer)->Flush(&error), 0) << error;
    }
  }
};

TEST_F(ReadToEnd, ReadsUpToTheEndOffsetsWhenItStarted) {
  CreateOutputTopics();
  SendStatus("A", 8);
  {
    auto writer = TopicWriter::Create(config_);
    ASSERT_TRUE(writer.ok()) << writer.status();
    v1::Escalation e;
    e.set_order_id("A0");
    (*writer)->Send(Topic::kEscalations, "A0", e, 2000);
    std::string error;
    ASSERT_EQ((*writer)->Flush(&error), 0) << error;
  }
  std::map<Topic, int> per_topic;
  std::map<std::pair<std::string, int32_t>, int64_t> last_offset;
  bool in_order = true, wrote_more = false;
  // A batch a fetch, and little fetched ahead: the records written below
  // come before the reader has seen the end of the partition.
  Config reading = config_;
  reading.kafka.properties["max.partition.fetch.bytes"] = "1";
  reading.kafka.properties["queued.min.messages"] = "1";
  reading.kafka.properties["fetch.wait.max.ms"] = "10";
  absl::StatusOr<ReadToEndStats> stats = ReadTopicsToEnd(
      reading, {Topic::kOrderStatus, Topic::kEscalations},
      [&](Topic topic, const RdKafka::Message& m) {
        // What is written once the read has started is not read.
        if (!wrote_more) {
          wrote_more = true;
          SendStatus("B", 6);
        }
        ++per_topic[topic];
        auto [at, first] = last_offset.try_emplace({m.topic_name(), m.partition()},
                                                  m.offset());
        if (!first && m.offset() <= at->second) in_order = false;
        at->second = m.offset();
        if (topic == Topic::kOrderStatus) {
          v1::OrderStatusChanged change;
          ASSERT_TRUE(change.ParseFromArray(m.payload(), static_cast<int>(m.len())));
          EXPECT_EQ(change.order_id()[0], 'A');
        }
      },
      {.group_suffix = ".read-to-end-test"});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_TRUE(wrote_more);
  EXPECT_EQ(stats->records, 9);
  EXPECT_EQ(per_topic[Topic::kOrderStatus], 8);
  EXPECT_EQ(per_topic[Topic::kEscalations], 1);
  EXPECT_TRUE(in_order);
  EXPECT_EQ(stats->partitions, PartitionCount(Topic::kOrderStatus, config_.engine) +
                                   PartitionCount(Topic::kEscalations, config_.engine));
  EXPECT_EQ(stats->unfinished, 0);
  EXPECT_FALSE(stats->stopped);
}

TEST_F(ReadToEnd, NamesTheFirstMissingTopic) {
  ASSERT_EQ(rd_kafka_mock_topic_create(
                mock_.get(), KafkaTopic("orderflow", Topic::kOrderStatus).c_str(), 3, 1),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  int records = 0;
  absl::StatusOr<ReadToEndStats> stats = ReadTopicsToEnd(
      config_, {Topic::kOrderStatus, Topic::kEscalations, Topic::kDeadLetter},
      [&](Topic, const RdKafka::Message&) { ++records; });
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(stats.status().message(),
            "topic orderflow.escalations.v1 not found at " + mock_.bootstraps());
  EXPECT_EQ(records, 0);
}

// Fetches failing for longer than the idle timeout: a stall.
TEST_F(ReadToEnd, AStallFailsOrGivesWhatWasRead) {
  CreateOutputTopics();
  SendStatus("A", 1);
  constexpr int16_t kFetch = 1;
  for (bool partial : {false, true}) {
    SCOPED_TRACE(partial ? "partial_on_stall" : "failing on a stall");
    std::vector<rd_kafka_resp_err_t> errors(40, RD_KAFKA_RESP_ERR_UNKNOWN);
    rd_kafka_mock_push_request_errors_array(mock_.get(), kFetch, errors.size(),
                                            errors.data());
    std::stringstream diagnostics;
    absl::StatusOr<ReadToEndStats> stats = ReadTopicsToEnd(
        config_, {Topic::kOrderStatus}, [](Topic, const RdKafka::Message&) {},
        {.idle_timeout_ms = 1000, .partial_on_stall = partial,
         .diagnostics = &diagnostics});
    if (partial) {
      ASSERT_TRUE(stats.ok()) << stats.status();
      EXPECT_EQ(stats->records, 0);
      EXPECT_EQ(stats->unfinished, 1);
      EXPECT_NE(diagnostics.str().find("no progress towards offset 1"), std::string::npos)
          << diagnostics.str();
    } else {
      ASSERT_FALSE(stats.ok());
      EXPECT_EQ(stats.status().code(), absl::StatusCode::kDeadlineExceeded);
      EXPECT_NE(stats.status().message().find(
                    "1 partitions not read to their end (orderflow.order-status.v1 ["),
                std::string::npos)
          << stats.status();
      EXPECT_NE(stats.status().message().find("a transaction left open"),
                std::string::npos)
          << stats.status();
    }
  }
}

}  // namespace
}  // namespace orderflow
