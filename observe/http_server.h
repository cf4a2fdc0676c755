// A small HTTP server for what people look at: GET routes by path prefix,
// served by one thread of its own that polls every connection, so that no
// client, however slow, idle or greedy, keeps others waiting.
//
//   HttpServer server;
//   server.Route("/metrics", [&](const HttpRequest&) { ... });
//   server.Route("/api/orders/", [&](const HttpRequest& r) {
//     // r.rest is what follows the prefix: "O-1" for /api/orders/O-1
//     return HttpResponse::Json(...);
//   });
//   absl::Status started = server.Start("127.0.0.1:9464");  // "host:0": any free port
//   std::cerr << "serving " << server.url() << "\n";
//   ...
//   server.Stop();  // also done by the destructor
//
// Routes:
// - A prefix that ends in '/' matches every path that starts with it (and
//   the path equal to it); any other prefix matches only that exact path.
//   The longest matching prefix wins; "/" alone matches only "/".
// - Only GET (and HEAD) are served; anything else is 405, answered without
//   reading its body, and the connection closed. A path no route matches
//   is 404; a path or query that is not percent-encoded UTF-8 is 400.
// - Limits (http_server.cc): a request head is at most 16 KB (else 431) and
//   must arrive within 5 s of its first byte; a kept-alive connection idle
//   for 5 s, or an answer not taken within 10 s, is closed; at most 512
//   connections are kept. Pipelined requests are answered in order.
// - Route may be called before or after Start, from any thread; a later
//   Route with the same prefix replaces the earlier one.
// - Handlers run on the server's thread, one at a time: they must only
//   read what the rest of the program publishes under a lock (see
//   MetricsBoard), and must not block, or every client waits.
// - With RequireToken, a request without "Authorization: Bearer <token>"
//   is 401, whatever its path or method (http_token.h), but a GET of a
//   path named open (the orchestrator's probes, /healthz and /readyz: a
//   kubelet cannot take a header's value from a Secret).
// - A handler that throws gives a 500 "internal error"; the exception's
//   message goes to stderr, not to the client.
#ifndef ORDERFLOW_OBSERVE_HTTP_SERVER_H_
#define ORDERFLOW_OBSERVE_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include <string_view>

#include "absl/status/statusor.h"

namespace orderflow {

struct HttpHead;  // http_wire.h

struct HttpRequest {
  std::string path;   // decoded, without the query: "/api/orders/O-1"
  std::string rest;   // the path after the route's prefix: "O-1"
  std::map<std::string, std::string> query;  // ?a=1&b=2
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;

  static HttpResponse Text(std::string body, int status = 200);
  static HttpResponse Json(std::string body, int status = 200);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// "host:port" split; "[::1]:80" for IPv6. Port 0 means any free port.
struct HttpAddress {
  std::string host;
  int port = 0;
};
absl::StatusOr<HttpAddress> ParseHttpAddress(std::string_view text);

class HttpServer {
 public:
  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Route(std::string prefix, HttpHandler handler);
  // Every request must carry "Authorization: Bearer <token>" from now on,
  // but a GET or HEAD of one of `open_paths` (exactly); call before Start.
  // An empty token requires none (the default).
  void RequireToken(std::string token, std::vector<std::string> open_paths = {});
  bool requires_token() const { return !token_.empty(); }

  // Binds `address` ("host:port") and starts serving on threads of its
  // own. Fails at once, with one line saying why, when the address is
  // malformed or cannot be bound (in use, not an address of this machine).
  absl::Status Start(std::string_view address);
  // "http://127.0.0.1:9464/" once started (the port actually bound).
  std::string url() const;
  int port() const { return port_; }
  bool running() const;
  // Stops listening, waits for the requests in flight; idempotent.
  void Stop();

  // What the server does with a connection's bytes, without the socket:
  // answers every complete request at the start of `in`, in order,
  // appending the responses to `out` and erasing what was answered from
  // `in`. True when the connection is to be closed once `out` is sent
  // (Connection: close, a refused request, a head over the limit); `in`
  // is then cleared.
  bool Answer(std::string& in, std::string& out) const;

 private:
  struct Impl;
  HttpResponse Dispatch(HttpRequest request) const;
  bool IsOpen(const HttpHead& head) const;  // served without the token

  std::unique_ptr<Impl> impl_;
  mutable std::mutex routes_mu_;
  std::map<std::string, HttpHandler, std::less<>> routes_;
  // Set before Start, read by the server's thread.
  std::string token_;
  std::vector<std::string> open_paths_;
  std::string host_;
  int port_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_HTTP_SERVER_H_
