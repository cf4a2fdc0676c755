// The bearer token (http_token.h): the file read, loopback told apart, the
// header compared, a non-loopback server refused at start without one, and
// 401 without the token, 200 with it, on a real socket.
#include <httplib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "observe/dashboard.h"
#include "observe/http_server.h"
#include "observe/http_token.h"

namespace orderflow {
namespace {

using ::testing::HasSubstr;

class TokenFile {
 public:
  explicit TokenFile(const std::string& content) {
    path_ = (std::filesystem::temp_directory_path() /
             ("orderflow-token-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter_++)))
                .string();
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TokenFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

TEST(HttpTokenTest, ReadsTheFileWithoutItsTrailingNewline) {
  EXPECT_EQ(*ReadHttpToken(TokenFile("s3cret\n").path()), "s3cret");
  EXPECT_EQ(*ReadHttpToken(TokenFile("s3cret\r\n").path()), "s3cret");
  EXPECT_EQ(*ReadHttpToken(TokenFile("s3cret").path()), "s3cret");
  for (const char* bad : {"", "\n", "two words\n", "two\nlines\n"}) {
    TokenFile file(bad);
    const absl::StatusOr<std::string> token = ReadHttpToken(file.path());
    ASSERT_FALSE(token.ok()) << bad;
    EXPECT_THAT(std::string(token.status().message()), HasSubstr(file.path()));
  }
  EXPECT_FALSE(ReadHttpToken("/nonexistent/orderflow-token").ok());
}

TEST(HttpTokenTest, TellsLoopbackFromTheRest) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("10.1.2.3"));
  EXPECT_FALSE(IsLoopbackHost("no-such-host.invalid"));
}

TEST(HttpTokenTest, ComparesTheWholeBearerHeader) {
  EXPECT_TRUE(BearerTokenMatches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(BearerTokenMatches("bearer s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer s3cretX", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer S3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Basic s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("", "s3cret"));
}

TEST(HttpTokenTest, NonLoopbackWithoutATokenIsRefusedAtStart) {
  MetricsBoard board;
  HttpServer server;
  const absl::Status s = StartMetricsServer(
      "0.0.0.0:0", board, server,
      {"", "orderflow.yaml:57:12: http.address", "http.token_file"});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("orderflow.yaml:57:12: http.address: serving HTTP on "
                        "0.0.0.0:0, which is not a loopback address, needs a "
                        "bearer token: set http.token_file"));
  EXPECT_FALSE(server.running());

  HttpServer empty;
  TokenFile blank("\n");
  const absl::Status e = StartMetricsServer(
      "127.0.0.1:0", board, empty, {blank.path(), "http.address", "x.yaml:3:15: http.token_file"});
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.message()), HasSubstr("x.yaml:3:15: http.token_file: "));
  EXPECT_THAT(std::string(e.message()), HasSubstr("empty"));
  EXPECT_FALSE(empty.running());
}

// Bound to every interface (a test may), asked only through loopback.
TEST(HttpTokenTest, EveryRequestWithoutTheTokenIs401) {
  MetricsBoard board;
  HttpServer server;
  TokenFile file("s3cret\n");
  ASSERT_TRUE(StartMetricsServer("0.0.0.0:0", board, server, {file.path()}).ok());
  httplib::Client client("127.0.0.1", server.port());
  for (const char* path : {"/", "/api/metrics", "/metrics", "/no-such-path"}) {
    auto r = client.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer realm=\"orderflow\"");
    r = client.Get(path, {{"Authorization", "Bearer wrong"}});
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << path;
  }
  auto r = client.Get("/", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr("<html"));
  r = client.Get("/no-such-path", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

// A token configured on loopback is enforced all the same.
TEST(HttpTokenTest, ATokenOnLoopbackIsEnforcedToo) {
  HttpServer server;
  server.Route("/hello", [](const HttpRequest&) { return HttpResponse::Text("hi\n"); });
  server.RequireToken("s3cret");
  std::string in = "GET /hello HTTP/1.1\r\n\r\n", out;
  server.Answer(in, out);
  EXPECT_THAT(out, HasSubstr("HTTP/1.1 401 Unauthorized\r\n"));
  in = "GET /hello HTTP/1.1\r\nAuthorization: Bearer s3cret\r\n\r\n";
  out.clear();
  server.Answer(in, out);
  EXPECT_THAT(out, HasSubstr("HTTP/1.1 200 OK\r\n"));
}

// The orchestrator's probes (GET /healthz, /readyz) are answered without
// the token: a kubelet cannot take a header's value from a Secret. Only
// those paths exactly, only GET and HEAD.
TEST(HttpTokenTest, TheProbesNeedNoToken) {
  HttpServer server;
  for (const char* path : {"/healthz", "/readyz", "/readyz/history", "/hello"}) {
    server.Route(path, [](const HttpRequest&) { return HttpResponse::Text("ok\n"); });
  }
  server.RequireToken("s3cret", {"/healthz", "/readyz"});
  auto answer = [&](const std::string& request) {
    std::string in = request, out;
    server.Answer(in, out);
    return out;
  };
  EXPECT_THAT(answer("GET /healthz HTTP/1.1\r\n\r\n"), HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(answer("GET /readyz HTTP/1.1\r\n\r\n"), HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(answer("HEAD /readyz HTTP/1.1\r\n\r\n"), HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(answer("GET /readyz/history HTTP/1.1\r\n\r\n"),
              HasSubstr("HTTP/1.1 401 Unauthorized\r\n"));
  EXPECT_THAT(answer("GET /hello HTTP/1.1\r\n\r\n"), HasSubstr("HTTP/1.1 401 Unauthorized\r\n"));
  EXPECT_THAT(answer("POST /healthz HTTP/1.1\r\nContent-Length: 1\r\n\r\nx"),
              HasSubstr("HTTP/1.1 401 Unauthorized\r\n"));
}

}  // namespace
}  // namespace orderflow
