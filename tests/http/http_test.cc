// The metrics as Prometheus text and as a history, and the HTTP server's
// routes and start-up errors, without an engine.
#include <httplib.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "observe/dashboard.h"
#include "observe/http_server.h"
#include "observe/live_metrics.h"
#include "observe/prometheus.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr EpochMillis kMonday = 1772409600000;  // 2026-03-02T00:00:00Z

// Three orders received: one rejected, two accepted; one of those shipped
// after 90 minutes and delivered on time after 26 hours.
LiveSnapshot Example() {
  LiveSnapshot s;
  s.wall_time = kMonday + Hours(30);
  s.metrics.as_of = kMonday + Days(1);
  ServiceMetrics& m = s.metrics.metrics;
  using v1::OrderStatus;
  auto change = [&](OrderStatus from, OrderStatus to, Millis after) {
    m.OnStatusChanged({from, to, kMonday + after, kMonday, kMonday + Days(2)});
  };
  change(v1::ORDER_STATUS_UNSPECIFIED, v1::ORDER_STATUS_REJECTED, 0);
  change(v1::ORDER_STATUS_UNSPECIFIED, v1::ORDER_STATUS_ACCEPTED, 0);
  change(v1::ORDER_STATUS_UNSPECIFIED, v1::ORDER_STATUS_ACCEPTED, 0);
  change(v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_ALLOCATED, Minutes(1));
  change(v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_BACKORDERED, Minutes(1));
  change(v1::ORDER_STATUS_ALLOCATED, v1::ORDER_STATUS_SHIPPED, Minutes(90));
  change(v1::ORDER_STATUS_SHIPPED, v1::ORDER_STATUS_DELIVERED, Hours(26));
  m.OnEscalation(v1::ESCALATION_KIND_VALIDATION_FAILED, v1::ESCALATION_STATE_RAISED);
  s.metrics.backlog.Add(v1::ORDER_STATUS_BACKORDERED, Hours(24));
  s.host.started_at = kMonday;
  s.host.inputs = 12;
  s.host.commits = 4;
  for (int64_t us : {3000, 5000, 5001, 40000}) s.host.commit_durations.Add(us);
  s.host.dead_letters["DUPLICATE_ORDER"] = 2;
  s.host.dead_letters["SAID \"NO\"\\"] = 1;
  return s;
}

TEST(PrometheusTest, CountersGaugesAndSummaryWithHelpAndType) {
  const std::string text = RenderPrometheus(Example());
  for (const char* line : {
           "# TYPE orderflow_orders_received_total counter\n",
           "orderflow_orders_received_total 3\n",
           "orderflow_orders_accepted_total 2\n",
           "orderflow_orders_rejected_total 1\n",
           "orderflow_orders_delivered_on_time_total 1\n",
           "# TYPE orderflow_accuracy_ratio gauge\n",
           "orderflow_fill_ratio 0.5\n",
           "orderflow_on_time_delivery_ratio 1\n",
           "# TYPE orderflow_order_cycle_time_seconds summary\n",
           "orderflow_order_cycle_time_seconds{stage=\"placed_to_shipped\",quantile=\"0.5\"} 5400\n",
           "orderflow_order_cycle_time_seconds_sum{stage=\"placed_to_shipped\"} 5400\n",
           "orderflow_order_cycle_time_seconds_count{stage=\"placed_to_delivered\"} 1\n",
           "orderflow_order_cycle_time_seconds{stage=\"placed_to_delivered\",quantile=\"0.99\"} 93600\n",
           "# TYPE orderflow_backlog_orders gauge\n",
           "orderflow_backlog_orders{status=\"BACKORDERED\",age=\"1d-3d\"} 1\n",
           "orderflow_backlog_orders{status=\"ACCEPTED\",age=\"0-4h\"} 0\n",
           "orderflow_escalations_raised_total{kind=\"VALIDATION_FAILED\"} 1\n",
           "orderflow_escalations_raised_total{kind=\"SHIP_DEADLINE_MISSED\"} 0\n",
           "orderflow_engine_time_seconds 1772496000\n",
           "orderflow_start_time_seconds 1772409600\n",
           "orderflow_input_records_total 12\n",
           "orderflow_commits_total 4\n",
           "# TYPE orderflow_commit_duration_seconds histogram\n",
           // Cumulative: 5 ms is at most 5 ms; 5.001 ms is not.
           "orderflow_commit_duration_seconds_bucket{le=\"0.005\"} 2\n",
           "orderflow_commit_duration_seconds_bucket{le=\"0.01\"} 3\n",
           "orderflow_commit_duration_seconds_bucket{le=\"0.025\"} 3\n",
           "orderflow_commit_duration_seconds_bucket{le=\"0.05\"} 4\n",
           "orderflow_commit_duration_seconds_bucket{le=\"5\"} 4\n",
           "orderflow_commit_duration_seconds_bucket{le=\"+Inf\"} 4\n",
           "orderflow_commit_duration_seconds_sum 0.053001\n",
           "orderflow_commit_duration_seconds_count 4\n",
           "orderflow_dead_letters_total{reason=\"DUPLICATE_ORDER\"} 2\n",
           // Label values escape quotes and backslashes.
           "orderflow_dead_letters_total{reason=\"SAID \\\"NO\\\"\\\\\"} 1\n",
       }) {
    EXPECT_THAT(text, HasSubstr(line));
  }
  // Every family has one HELP and one TYPE line, each before its samples.
  size_t helps = 0, types = 0;
  for (size_t at = 0; (at = text.find("# HELP ", at)) != std::string::npos; ++at) ++helps;
  for (size_t at = 0; (at = text.find("# TYPE ", at)) != std::string::npos; ++at) ++types;
  EXPECT_EQ(helps, types);
  EXPECT_GT(helps, 20u);
  EXPECT_EQ(text.back(), '\n');
}

TEST(PrometheusTest, UndefinedRatiosAreLeftOutAndEmptyQuantilesAreNaN) {
  const std::string text = RenderPrometheus(LiveSnapshot{});
  EXPECT_THAT(text, Not(HasSubstr("_ratio")));
  EXPECT_THAT(text, HasSubstr("orderflow_order_cycle_time_seconds{stage=\"placed_to_shipped\",quantile=\"0.9\"} NaN\n"));
  EXPECT_THAT(text, HasSubstr("orderflow_order_cycle_time_seconds_count{stage=\"placed_to_shipped\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("orderflow_orders_received_total 0\n"));
}

TEST(LiveMetricsTest, JsonHasTheMetricsHostCountersAndHistory) {
  MetricsBoard board;
  EXPECT_EQ(board.Latest(), nullptr);
  board.Publish(Example());
  const auto j = LiveToJson(*board.Latest(), board.History());
  EXPECT_EQ(j["orders"]["received"], 3);
  EXPECT_EQ(j["rates"]["fill"], 0.5);
  EXPECT_EQ(j["host"]["commits"], 4);
  EXPECT_EQ(j["host"]["commitSeconds"]["count"], 4);
  EXPECT_DOUBLE_EQ(j["host"]["commitSeconds"]["sum"].get<double>(), 0.053001);
  ASSERT_EQ(j["host"]["commitSeconds"]["atMost"].size(), 11u);
  EXPECT_EQ(j["host"]["commitSeconds"]["atMost"][0]["le"], 0.005);
  EXPECT_EQ(j["host"]["commitSeconds"]["atMost"][0]["commits"], 2);
  EXPECT_EQ(j["host"]["commitSeconds"]["atMost"][3]["commits"], 4);
  EXPECT_TRUE(j["host"]["commitSeconds"]["atMost"][10]["le"].is_null());
  EXPECT_EQ(j["host"]["deadLetters"]["DUPLICATE_ORDER"], 2);
  EXPECT_EQ(j["host"]["startedAt"], "2026-03-02T00:00:00Z");
  ASSERT_EQ(j["history"].size(), 1u);
  EXPECT_EQ(j["history"][0]["asOf"], "2026-03-03T00:00:00Z");
  EXPECT_EQ(j["history"][0]["placedToShipped"]["p50"], 5400);
  EXPECT_EQ(j["history"][0]["placedToDelivered"]["p90"], 93600);
  EXPECT_EQ(j["history"][0]["backlogByStatus"]["BACKORDERED"], 1);
  EXPECT_EQ(j["history"][0]["backlogByAge"]["1d-3d"], 1);
}

TEST(CommitDurationsTest, EachCommitInTheFirstBucketThatHoldsIt) {
  CommitDurations d;
  d.Add(0);
  d.Add(10000);      // exactly 10 ms: the 10 ms bucket
  d.Add(10001);      // just over: the 25 ms one
  d.Add(5000001);    // over the last bound: only +Inf
  EXPECT_EQ(d.counts[0], 1);
  EXPECT_EQ(d.counts[1], 1);
  EXPECT_EQ(d.counts[2], 1);
  EXPECT_EQ(d.counts.back(), 1);
  EXPECT_EQ(d.AtMost(0), 1);
  EXPECT_EQ(d.AtMost(2), 3);
  EXPECT_EQ(d.AtMost(CommitDurations::kUpperBounds.size() - 1), 3);
  EXPECT_EQ(d.AtMost(CommitDurations::kUpperBounds.size()), 4);
  EXPECT_EQ(d.count, 4);
  EXPECT_EQ(d.total_us, 5020002);
}

TEST(LiveMetricsTest, HistoryKeepsOneSamplePerIntervalAndThinsWhenFull) {
  MetricsBoard board(MetricsBoard::Options{Seconds(2), 4});
  auto publish = [&](Millis at) {
    LiveSnapshot s;
    s.wall_time = at;
    s.metrics.metrics.received = at / 1000;
    board.Publish(s);
  };
  for (Millis t = 0; t <= Seconds(7); t += Seconds(1)) publish(t);
  // Samples at 0, 2, 4, 6 s, and the latest (7 s) at the end.
  std::vector<int64_t> seen;
  for (const HistorySample& h : board.History()) seen.push_back(h.received);
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 2, 4, 6, 7}));
  publish(Seconds(8));  // a fifth sample: every other goes, the interval doubles
  seen.clear();
  for (const HistorySample& h : board.History()) seen.push_back(h.received);
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 4, 8}));
  publish(Seconds(10));  // within 4 s of the last sample: only the latest
  publish(Seconds(12));
  seen.clear();
  for (const HistorySample& h : board.History()) seen.push_back(h.received);
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 4, 8, 12}));
  EXPECT_EQ(board.Latest()->metrics.metrics.received, 12);
}

TEST(HttpAddressTest, HostAndPort) {
  auto a = ParseHttpAddress("127.0.0.1:9464");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9464);
  auto v6 = ParseHttpAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  for (const char* bad : {"9464", ":9464", "127.0.0.1:", "127.0.0.1:http",
                          "127.0.0.1:70000", "::1:80"}) {
    EXPECT_FALSE(ParseHttpAddress(bad).ok()) << bad;
  }
}

std::string Get(int port, const std::string& path, int* status = nullptr) {
  httplib::Client client("127.0.0.1", port);
  auto r = client.Get(path.c_str());
  if (!r) return "(no answer)";
  if (status != nullptr) *status = r->status;
  return r->body;
}

TEST(HttpServerTest, LongestPrefixWinsAndTheRestIsPassedOn) {
  HttpServer server;
  server.Route("/", [](const HttpRequest&) { return HttpResponse::Text("home"); });
  server.Route("/api/orders/", [](const HttpRequest& r) {
    return HttpResponse::Json("{\"id\":\"" + r.rest + "\",\"q\":\"" +
                              (r.query.count("x") ? r.query.at("x") : "") + "\"}");
  });
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(server.port()) + "/");
  EXPECT_EQ(Get(server.port(), "/"), "home");
  EXPECT_EQ(Get(server.port(), "/api/orders/O-1?x=2"), "{\"id\":\"O-1\",\"q\":\"2\"}");
  int status = 0;
  Get(server.port(), "/other", &status);
  EXPECT_EQ(status, 404);
  // Routes added while serving are served.
  server.Route("/late", [](const HttpRequest&) { return HttpResponse::Text("late"); });
  EXPECT_EQ(Get(server.port(), "/late"), "late");
  server.Route("/throws", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  // The exception's message is not for the client.
  EXPECT_THAT(Get(server.port(), "/throws", &status), Not(HasSubstr("boom")));
  EXPECT_EQ(status, 500);
  server.Stop();
  server.Stop();
}

TEST(HttpServerTest, AnAddressInUseFailsAtOnceWithOneLine) {
  HttpServer first;
  ASSERT_TRUE(first.Start("127.0.0.1:0").ok());
  HttpServer second;
  const absl::Status s = second.Start("127.0.0.1:" + std::to_string(first.port()));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot serve HTTP on 127.0.0.1:"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("\n")));
  EXPECT_FALSE(second.running());
  EXPECT_FALSE(second.Start("nonsense").ok());
}

TEST(HttpServerTest, MetricRoutesAndTheEmbeddedDashboard) {
  MetricsBoard board;
  HttpServer server;
  ASSERT_TRUE(StartMetricsServer("127.0.0.1:0", board, server).ok());
  int status = 0;
  Get(server.port(), "/metrics", &status);
  EXPECT_EQ(status, 503);  // nothing published yet
  board.Publish(Example());
  EXPECT_THAT(Get(server.port(), "/metrics", &status),
              HasSubstr("orderflow_orders_received_total 3\n"));
  EXPECT_EQ(status, 200);
  EXPECT_THAT(Get(server.port(), "/api/metrics"), HasSubstr("\"history\":[{"));
  EXPECT_THAT(Get(server.port(), "/"), HasSubstr("id=\"tile-accuracy\""));
  EXPECT_THAT(Get(server.port(), "/dashboard.js"), HasSubstr("api/metrics"));
  EXPECT_THAT(Get(server.port(), "/dashboard.css"), HasSubstr(".tile"));

  HttpServer off;
  EXPECT_TRUE(StartMetricsServer("off", board, off).ok());
  EXPECT_FALSE(off.running());
}

// What the server does with a connection's bytes, without a socket: every
// complete request answered in order, a partial one left for later, and
// the connection closed after "Connection: close" with nothing kept.
TEST(HttpServerTest, AnswersTheBytesOfAConnectionWithoutASocket) {
  HttpServer server;
  server.Route("/hello", [](const HttpRequest&) {
    return HttpResponse::Text("hi\n");
  });
  std::string in = "GET /hello HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\nGET /he";
  std::string out;
  EXPECT_FALSE(server.Answer(in, out));
  EXPECT_EQ(in, "GET /he");
  EXPECT_THAT(out, HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(out, HasSubstr("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_LT(out.find(" 200 "), out.find(" 404 "));

  out.clear();
  in += "llo HTTP/1.1\r\nConnection: close\r\n\r\nGET /hello HTTP/1.1\r\n\r\n";
  EXPECT_TRUE(server.Answer(in, out));
  EXPECT_EQ(in, "");
  EXPECT_EQ(out.find("HTTP/1.1", 1), std::string::npos);  // one answer
  EXPECT_THAT(out, HasSubstr("Connection: close\r\n"));
}

}  // namespace
}  // namespace orderflow
