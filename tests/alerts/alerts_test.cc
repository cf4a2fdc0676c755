// Escalations as Alertmanager alerts: the firing set and the alert JSON
// (AlertBook), and how the client reads Alertmanager's answers, against a
// local HTTP server that answers as Alertmanager would.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "alerts/alert_book.h"
#include "alerts/alertmanager_client.h"
#include "engine/time.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace orderflow {
namespace {

constexpr EpochMillis kMarch2 = 1772445600000;  // 2026-03-02T10:00:00Z

v1::Escalation Escalation(const std::string& order, v1::EscalationKind kind,
                          int level, v1::EscalationState state,
                          EpochMillis at) {
  v1::Escalation e;
  e.set_order_id(order);
  e.set_kind(kind);
  e.set_level(level);
  e.set_state(state);
  e.set_escalation_id(order + "/KIND/" + std::to_string(level));
  e.mutable_detected_at()->set_seconds(at / 1000);
  e.set_message("Order " + order + " has a problem.");
  return e;
}

TEST(AlertBook, ARaisedEscalationFiresWithItsLabelsAndMessage) {
  AlertBook book(Minutes(4));
  nlohmann::json alerts = nlohmann::json::array();
  book.Apply(Escalation("SO-1", v1::ESCALATION_KIND_SHIP_DEADLINE_MISSED, 2,
                        v1::ESCALATION_STATE_RAISED, kMarch2),
             kMarch2 + Minutes(1), &alerts);
  ASSERT_EQ(alerts.size(), 1u);
  const nlohmann::json& a = alerts[0];
  EXPECT_EQ(a["labels"]["alertname"], "OrderflowEscalation");
  EXPECT_EQ(a["labels"]["kind"], "SHIP_DEADLINE_MISSED");
  EXPECT_EQ(a["labels"]["level"], "2");
  EXPECT_EQ(a["labels"]["order_id"], "SO-1");
  EXPECT_EQ(a["labels"]["escalation_id"], "SO-1/KIND/2");
  EXPECT_EQ(a["annotations"]["summary"], "Order SO-1 has a problem.");
  EXPECT_EQ(a["startsAt"], "2026-03-02T10:00:00Z");
  // Held four minutes after it was sent.
  EXPECT_EQ(a["endsAt"], "2026-03-02T10:05:00Z");
  EXPECT_EQ(book.firing(), 1u);
}

TEST(AlertBook, ClearedResolvesAtItsDetectionTimeWithTheSameLabels) {
  AlertBook book(Minutes(4));
  nlohmann::json alerts = nlohmann::json::array();
  book.Apply(Escalation("SO-1", v1::ESCALATION_KIND_DELIVERY_FAILED, 2,
                        v1::ESCALATION_STATE_RAISED, kMarch2),
             kMarch2, &alerts);
  book.Apply(Escalation("SO-1", v1::ESCALATION_KIND_DELIVERY_FAILED, 2,
                        v1::ESCALATION_STATE_CLEARED, kMarch2 + Hours(3)),
             kMarch2 + Hours(3), &alerts);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[1]["labels"], alerts[0]["labels"]);
  EXPECT_EQ(alerts[1]["startsAt"], "2026-03-02T10:00:00Z");
  EXPECT_EQ(alerts[1]["endsAt"], "2026-03-02T13:00:00Z");
  EXPECT_EQ(book.firing(), 0u);
  nlohmann::json again = nlohmann::json::array();
  book.Firing(kMarch2 + Hours(4), &again);
  EXPECT_TRUE(again.empty());
}

TEST(AlertBook, RecordsReadOnlyToKnowWhatFiresSendNothingButAreResent) {
  AlertBook book(Minutes(4));
  book.Apply(Escalation("SO-2", v1::ESCALATION_KIND_BACKORDER_AGED, 1,
                        v1::ESCALATION_STATE_RAISED, kMarch2),
             kMarch2, nullptr);
  book.Apply(Escalation("SO-1", v1::ESCALATION_KIND_BACKORDER_AGED, 1,
                        v1::ESCALATION_STATE_RAISED, kMarch2),
             kMarch2, nullptr);
  nlohmann::json firing = nlohmann::json::array();
  book.Firing(kMarch2 + Hours(1), &firing);
  ASSERT_EQ(firing.size(), 2u);
  // In escalation id order, each held from the resend.
  EXPECT_EQ(firing[0]["labels"]["order_id"], "SO-1");
  EXPECT_EQ(firing[1]["labels"]["order_id"], "SO-2");
  EXPECT_EQ(firing[0]["endsAt"], "2026-03-02T11:04:00Z");
}

TEST(AlertBook, ARepeatedRaiseIsSentOnce) {
  AlertBook book(Minutes(4));
  nlohmann::json alerts = nlohmann::json::array();
  const v1::Escalation e = Escalation("SO-1", v1::ESCALATION_KIND_VALIDATION_FAILED,
                                      1, v1::ESCALATION_STATE_RAISED, kMarch2);
  book.Apply(e, kMarch2, &alerts);
  book.Apply(e, kMarch2, &alerts);
  EXPECT_EQ(alerts.size(), 1u);
  EXPECT_EQ(book.firing(), 1u);
}

TEST(AlertBook, AClearWhoseRaiseWasNeverSeenStillResolves) {
  AlertBook book(Minutes(4));
  nlohmann::json alerts = nlohmann::json::array();
  book.Apply(Escalation("SO-9", v1::ESCALATION_KIND_DELIVERY_FAILED, 2,
                        v1::ESCALATION_STATE_CLEARED, kMarch2),
             kMarch2, &alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["startsAt"], alerts[0]["endsAt"]);
  EXPECT_EQ(book.firing(), 0u);
}

TEST(AlertBook, AnAlertAheadOfTheWallClockNeverEndsBeforeItStarts) {
  // Engine time (clock: event) may run ahead of the wall clock.
  AlertBook book(Minutes(4));
  nlohmann::json alerts = nlohmann::json::array();
  book.Apply(Escalation("SO-1", v1::ESCALATION_KIND_SHIP_DEADLINE_AT_RISK, 1,
                        v1::ESCALATION_STATE_RAISED, kMarch2 + Days(30)),
             kMarch2, &alerts);
  EXPECT_EQ(alerts[0]["startsAt"], "2026-04-01T10:00:00Z");
  EXPECT_EQ(alerts[0]["endsAt"], "2026-04-01T10:04:00Z");
}

// A local server answering POST /am/api/v2/alerts with `status`.
class FakeAlertmanager {
 public:
  explicit FakeAlertmanager(int status) {
    server_.Post("/am/api/v2/alerts",
                 [this, status](const httplib::Request& req, httplib::Response& res) {
                   last_body_ = req.body;
                   res.status = status;
                   res.set_content(status == 400 ? "bad alert\n" : "", "text/plain");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeAlertmanager() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/am/"; }
  const std::string& last_body() const { return last_body_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::string last_body_;
};

TEST(AlertmanagerClient, TakenRetryAndRefusedAreToldApart) {
  const nlohmann::json alerts = nlohmann::json::array({{{"labels", {{"a", "b"}}}}});
  {
    FakeAlertmanager am(200);
    auto client = AlertmanagerClient::Create(am.url());
    ASSERT_TRUE(client.ok()) << client.status();
    EXPECT_EQ((*client)->Post(alerts).outcome, AlertmanagerClient::Outcome::kAccepted);
    EXPECT_EQ(am.last_body(), R"([{"labels":{"a":"b"}}])");
  }
  {
    FakeAlertmanager am(503);
    auto client = AlertmanagerClient::Create(am.url());
    EXPECT_EQ((*client)->Post(alerts).outcome, AlertmanagerClient::Outcome::kRetry);
  }
  {
    FakeAlertmanager am(429);
    auto client = AlertmanagerClient::Create(am.url());
    EXPECT_EQ((*client)->Post(alerts).outcome, AlertmanagerClient::Outcome::kRetry);
  }
  {
    FakeAlertmanager am(400);
    auto client = AlertmanagerClient::Create(am.url());
    const AlertmanagerClient::Answer answer = (*client)->Post(alerts);
    EXPECT_EQ(answer.outcome, AlertmanagerClient::Outcome::kRefused);
    EXPECT_NE(answer.detail.find("answered 400: bad alert"), std::string::npos)
        << answer.detail;
  }
}

TEST(AlertmanagerClient, NobodyListeningIsARetry) {
  // A port bound and closed again, never listened on: refused at once.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), size), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  const int port = ntohs(address.sin_port);
  close(fd);
  auto client = AlertmanagerClient::Create("http://127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->Post(nlohmann::json::array()).outcome,
            AlertmanagerClient::Outcome::kRetry);
}

TEST(AlertmanagerClient, OnlyHttpUrlsWithAHostAreTaken) {
  EXPECT_FALSE(AlertmanagerClient::Create("https://am:9093").ok());
  EXPECT_FALSE(AlertmanagerClient::Create("am:9093").ok());
  EXPECT_FALSE(AlertmanagerClient::Create("http://").ok());
  EXPECT_TRUE(AlertmanagerClient::Create("http://am:9093/").ok());
}

TEST(AlertmanagerClient, TextThatIsNotUtf8IsSentWithItsBadBytesReplaced) {
  FakeAlertmanager am(200);
  auto client = AlertmanagerClient::Create(am.url());
  nlohmann::json alerts = nlohmann::json::array({{{"annotations", {{"summary", "x\xff"}}}}});
  EXPECT_EQ((*client)->Post(alerts).outcome, AlertmanagerClient::Outcome::kAccepted);
  EXPECT_NE(am.last_body().find("x\xef\xbf\xbd"), std::string::npos);
}

}  // namespace
}  // namespace orderflow
