// The team lead's worklist after a restart: a host that restores an order
// partition lists the escalations open in its state
// (HostOptions::on_restored_escalation, EscalationWorklist::AddRestored),
// though the records that raised them went out from an earlier process;
// GET /api/escalations serves them.
#include <atomic>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "consumers/kafka_host.h"
#include "engine/text.h"
#include "engine/time.h"
#include "engine/topics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kafka/topic_names.h"
#include "nlohmann/json.hpp"
#include "observe/escalation_worklist.h"
#include "observe/live_metrics.h"
#include "observe/order_timeline.h"
#include "orderflow/v1/orderflow.pb.h"
#include "tests/host/fake_kafka.h"
#include "tests/host/host_setup.h"
#include "tests/support/sample_records.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;

constexpr int kOrders = 6;

v1::CustomerContact ContactAbout(const std::string& order_id, int64_t at) {
  v1::CustomerContact c;
  c.set_contact_id(Cat("K-", order_id));
  c.set_order_id(order_id);
  c.set_customer_id("C-1");
  c.set_kind(v1::CONTACT_KIND_WHERE_IS_MY_ORDER);
  SetTimestamp(at, c.mutable_received_at());
  return c;
}

// Runs a host on `kafka` until it has been idle for a while; with
// `worklist`, as `orderflow run` does: fed by the timelines and by what
// the host restores.
absl::Status RunHost(const Config& config, FakeKafka& kafka,
                     EscalationWorklist* worklist, std::string* log_text) {
  std::ostringstream log;
  MetricsBoard board;
  OrderTimelines timelines(config.observe);
  if (worklist != nullptr) timelines.SetListener(worklist);
  std::atomic<bool> stop{false};
  kafka.StopWhenIdle(&stop);
  HostOptions options;
  options.log = &log;
  options.env = &kafka;
  if (worklist != nullptr) {
    options.on_restored_escalation = [worklist](const v1::Escalation& e) {
      worklist->AddRestored(e);
    };
  }
  absl::StatusOr<std::unique_ptr<KafkaHost>> host =
      KafkaHost::Create(config, &board, &timelines, options);
  if (!host.ok()) return host.status();
  absl::Status status = (*host)->Run(stop);
  *log_text = log.str();
  return status;
}

// The escalations a run committed: id -> the record.
std::map<std::string, v1::Escalation> Escalations(const Config& config,
                                                  FakeKafka& kafka) {
  std::map<std::string, v1::Escalation> out;
  const std::string topic = KafkaTopic(config.kafka.topic_prefix, Topic::kEscalations);
  for (int p = 0; p < kafka.Partitions(topic); ++p) {
    for (const FakeRecord& rec : kafka.Log(topic, p)) {
      v1::Escalation e;
      if (rec.value && e.ParseFromString(*rec.value)) out[e.escalation_id()] = e;
    }
  }
  return out;
}

TEST(WorklistRestoreTest, ARestartedHostListsTheEscalationsOpenInItsState) {
  const Config config = TestConfig();
  FakeKafka kafka(TopicsOf(config));
  PublishStock(config, kafka);
  for (int i = 0; i < kOrders; ++i) {
    const v1::OrderPlaced o = testing::OneLineOrder(Cat("O-", i), kStart + i * 1000);
    Send(config, kafka, Topic::kOrders, o.order_id(), kStart + i * 1000, o);
    const int64_t at = kStart + 60000 + i * 1000;
    Send(config, kafka, Topic::kCustomerContacts, o.order_id(), at,
         ContactAbout(o.order_id(), at));
  }
  // The first process raises them (and has no worklist).
  std::string log;
  absl::Status first = RunHost(config, kafka, nullptr, &log);
  ASSERT_TRUE(first.ok()) << first << "\n" << log;
  const std::map<std::string, v1::Escalation> raised = Escalations(config, kafka);
  ASSERT_EQ(raised.size(), static_cast<size_t>(kOrders));

  // The next one reads no escalations record, yet lists every one.
  EscalationWorklist worklist;
  absl::Status second = RunHost(config, kafka, &worklist, &log);
  ASSERT_TRUE(second.ok()) << second << "\n" << log;
  EXPECT_EQ(Escalations(config, kafka).size(), raised.size());  // none again
  const EscalationWorklist::Page page = worklist.List({});
  ASSERT_EQ(page.rows.size(), raised.size());
  for (const OpenEscalation& row : page.rows) {
    SCOPED_TRACE(row.id);
    ASSERT_EQ(raised.count(row.id), 1u);
    const v1::Escalation& e = raised.at(row.id);
    EXPECT_EQ(row.order_id, e.order_id());
    EXPECT_EQ(row.kind, v1::ESCALATION_KIND_CUSTOMER_CONTACT);
    EXPECT_EQ(row.level, e.level());
    EXPECT_EQ(row.root_cause, e.root_cause());
    // The state keeps the contact's receivedAt, not the engine time it
    // was applied at (the shard's clock, a few records later).
    EXPECT_LE(row.detected_at, ToMillis(e.detected_at()));
    EXPECT_GE(row.detected_at, kStart + 60000);
    EXPECT_THAT(row.message, HasSubstr("found open in the order's state"));
  }

  // GET /api/escalations serves them.
  const auto [status, body] = HandleEscalationsRequest(worklist, {});
  EXPECT_EQ(status, 200);
  const nlohmann::json j = nlohmann::json::parse(body);
  EXPECT_EQ(j["open"], kOrders);
  EXPECT_EQ(j["escalations"].size(), static_cast<size_t>(kOrders));
  EXPECT_EQ(j["escalations"][0]["kind"], "CUSTOMER_CONTACT");
}

// A row the process has from the escalations records is not replaced by
// the state's.
TEST(WorklistRestoreTest, ARestoredRowDoesNotReplaceOneFromTheRecords) {
  EscalationWorklist w;
  v1::Escalation e;
  e.set_escalation_id("O-1/SHIP_DEADLINE_MISSED/2/2026-03-02T09:00:00Z");
  e.set_order_id("O-1");
  e.set_kind(v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED);
  e.set_level(2);
  e.set_state(v1::ESCALATION_STATE_RAISED);
  e.set_message("from the record");
  SetTimestamp(kStart, e.mutable_detected_at());
  w.Apply(e, kStart);
  e.set_message("from the state");
  w.AddRestored(e);
  ASSERT_EQ(w.List({}).rows.size(), 1u);
  EXPECT_EQ(w.List({}).rows[0].message, "from the record");
  // A CLEARED record removes a restored row as any other.
  e.set_escalation_id("O-2/SHIP_DEADLINE_MISSED/2/2026-03-02T09:00:00Z");
  e.set_order_id("O-2");
  w.AddRestored(e);
  EXPECT_EQ(w.size(), 2);
  e.set_state(v1::ESCALATION_STATE_CLEARED);
  w.Apply(e, kStart);
  EXPECT_EQ(w.size(), 1);
}

}  // namespace
}  // namespace orderflow
