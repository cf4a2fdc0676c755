// The HTTP server against clients that are slow, idle, greedy or odd: it
// keeps answering others, bounds what it reads, and answers every request.
// Loopback only; every loop is bounded in count and time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "observe/http_server.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads until the peer closes, `done` holds for what was read, or `ms`
// pass. *closed says whether the peer closed.
template <typename Done>
std::string ReadUntil(int fd, int ms, Done done, bool* closed = nullptr) {
  std::string got;
  const auto end = Clock::now() + std::chrono::milliseconds(ms);
  if (closed != nullptr) *closed = false;
  while (!done(got)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[65536];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed != nullptr) *closed = true;
      break;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

size_t Count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// One GET on a connection of its own; the whole answer, or what came
// within `ms`.
std::string RawGet(int port, const std::string& path, int ms = 2000) {
  const int fd = Connect(port);
  if (fd < 0) return "(no connection)";
  SendAll(fd, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string got = ReadUntil(fd, ms, [](const std::string&) { return false; });
  close(fd);
  return got;
}

void AddRoutes(HttpServer& server) {
  server.Route("/api/metrics", [](const HttpRequest&) {
    return HttpResponse::Json("{\"ok\":true}");
  });
  // As the order route does: the id goes into a JSON text.
  server.Route("/api/orders/", [](const HttpRequest& r) {
    return HttpResponse::Json(nlohmann::json{{"orderId", r.rest}}.dump());
  });
}

TEST(HttpLimitsTest, IdleAndSlowDripConnectionsDoNotStarveAGet) {
  HttpServer server;
  AddRoutes(server);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  std::vector<int> idle, slow;
  for (int i = 0; i < 200; ++i) idle.push_back(Connect(server.port()));
  for (int i = 0; i < 20; ++i) {
    slow.push_back(Connect(server.port()));
    SendAll(slow.back(), "G");
  }
  const std::string request = "ET /api/metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  // Three rounds: each drips one more byte on every slow connection, then
  // times a GET on a fresh connection.
  for (int round = 0; round < 3; ++round) {
    for (int fd : slow) SendAll(fd, request.substr(round, 1));
    const auto start = Clock::now();
    const std::string answer = RawGet(server.port(), "/api/metrics", 3000);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        Clock::now() - start).count();
    EXPECT_THAT(answer, HasSubstr("{\"ok\":true}")) << "round " << round;
    EXPECT_LT(took, 1000) << "round " << round;
  }
  for (int fd : idle) close(fd);
  for (int fd : slow) close(fd);
}

TEST(HttpLimitsTest, AClientThatDripsItsRequestIsCutOff) {
  HttpServer server;
  AddRoutes(server);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  const int fd = Connect(server.port());
  const std::string request = "GET /api/metrics HTTP/1.1\r\nHost: x\r\n";
  bool closed = false;
  const auto start = Clock::now();
  for (size_t i = 0; i < request.size() && !closed; ++i) {
    SendAll(fd, request.substr(i, 1));
    ReadUntil(fd, 300, [](const std::string& s) { return !s.empty(); }, &closed);
  }
  if (!closed) {
    ReadUntil(fd, 8000, [](const std::string&) { return false; }, &closed);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(8));
  close(fd);
}

TEST(HttpLimitsTest, AHugeBodyIsRefusedWithoutBeingRead) {
  HttpServer server;
  AddRoutes(server);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  const int fd = Connect(server.port());
  SendAll(fd, "POST /api/metrics HTTP/1.1\r\nHost: x\r\n"
              "Content-Length: 536870912\r\n\r\n");
  SendAll(fd, std::string(1 << 20, 'x'));  // 1 MB of the 512 announced
  const std::string answer =
      ReadUntil(fd, 2000, [](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; });
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 4"));
  close(fd);
  // A head of more than a few kilobytes is refused too.
  const int big = Connect(server.port());
  SendAll(big, "GET /api/metrics HTTP/1.1\r\nX-Filler: " + std::string(100'000, 'a'));
  bool closed = false;
  const std::string refused = ReadUntil(big, 2000, [](const std::string&) { return false; }, &closed);
  EXPECT_TRUE(closed);
  EXPECT_THAT(refused, HasSubstr("HTTP/1.1 431"));
  close(big);
  EXPECT_THAT(RawGet(server.port(), "/api/metrics"), HasSubstr("{\"ok\":true}"));
}

TEST(HttpLimitsTest, APathThatIsNotUtf8IsABadRequestWithoutInternals) {
  HttpServer server;
  AddRoutes(server);
  server.Route("/throws", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("secret internals");
  });
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  const std::string answer = RawGet(server.port(), "/api/orders/%FF");
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 400"));
  EXPECT_THAT(answer, Not(HasSubstr("json")));
  EXPECT_THAT(answer, Not(HasSubstr("UTF-8 byte")));
  EXPECT_THAT(RawGet(server.port(), "/api/orders/%zz"), HasSubstr("HTTP/1.1 400"));
  EXPECT_THAT(RawGet(server.port(), "/api/orders/O-%31"), HasSubstr("\"O-1\""));
  const std::string thrown = RawGet(server.port(), "/throws");
  EXPECT_THAT(thrown, HasSubstr("HTTP/1.1 500"));
  EXPECT_THAT(thrown, Not(HasSubstr("secret")));
}

TEST(HttpLimitsTest, PipelinedRequestsAreAllAnswered) {
  HttpServer server;
  AddRoutes(server);
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  const int fd = Connect(server.port());
  SendAll(fd, "GET /api/orders/A HTTP/1.1\r\nHost: x\r\n\r\n"
              "GET /api/orders/B HTTP/1.1\r\nHost: x\r\n\r\n"
              "HEAD /api/orders/C HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string got = ReadUntil(fd, 3000, [](const std::string& s) {
    return Count(s, "HTTP/1.1 200") == 3;
  });
  EXPECT_EQ(Count(got, "HTTP/1.1 200"), 3u) << got;
  EXPECT_THAT(got, HasSubstr("\"A\""));
  EXPECT_THAT(got, HasSubstr("\"B\""));
  EXPECT_LT(got.find("\"A\""), got.find("\"B\""));
  EXPECT_THAT(got, Not(HasSubstr("\"C\"")));  // HEAD: no body
  // The connection stays open for more.
  SendAll(fd, "GET /api/orders/D HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(ReadUntil(fd, 2000, [](const std::string& s) {
    return s.find("\"D\"") != std::string::npos;
  }), HasSubstr("\"D\""));
  close(fd);
}

}  // namespace
}  // namespace orderflow
