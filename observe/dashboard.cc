#include "observe/dashboard.h"

#include <string>
#include <string_view>

#include "engine/text.h"
#include "observe/http_token.h"
#include "observe/prometheus.h"

namespace orderflow {
namespace {

std::string_view ContentTypeOf(std::string_view path) {
  const auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  return "text/html; charset=utf-8";
}

HttpResponse NotYet() {
  return HttpResponse::Text("no metrics yet: the engine is starting\n", 503);
}

}  // namespace

void ServeMetrics(const MetricsBoard& board, HttpServer& server) {
  server.Route("/metrics", [&board](const HttpRequest&) {
    std::shared_ptr<const LiveSnapshot> latest = board.Latest();
    if (!latest) return NotYet();
    HttpResponse r = HttpResponse::Text(RenderPrometheus(*latest));
    r.content_type = std::string(kPrometheusContentType);
    return r;
  });
  server.Route("/api/metrics", [&board](const HttpRequest&) {
    std::shared_ptr<const LiveSnapshot> latest = board.Latest();
    if (!latest) return NotYet();
    return HttpResponse::Json(LiveToJson(*latest, board.History()).dump());
  });
  for (const DashboardAsset& asset : DashboardAssets()) {
    const std::string path = asset.path;
    const std::string body(reinterpret_cast<const char*>(asset.data), asset.size);
    server.Route(path, [path, body](const HttpRequest&) {
      HttpResponse r;
      r.content_type = std::string(ContentTypeOf(path));
      r.body = body;
      return r;
    });
  }
}

void ServeOrders(const OrderTimelines& timelines, HttpServer& server,
                 OrderHistorySource history) {
  server.Route("/api/orders/", [&timelines, history = std::move(history)](
                                   const HttpRequest& request) {
    auto [status, body] = HandleOrderRequest(timelines, request.rest, history);
    return HttpResponse::Json(std::move(body), status);
  });
}

void ServeEscalations(const EscalationWorklist& worklist, HttpServer& server) {
  server.Route("/api/escalations", [&worklist](const HttpRequest& request) {
    auto [status, body] = HandleEscalationsRequest(worklist, request.query);
    return HttpResponse::Json(std::move(body), status);
  });
}

absl::Status StartMetricsServer(std::string_view address,
                                const MetricsBoard& board, HttpServer& server,
                                const HttpAccess& access) {
  if (address == "off") return absl::OkStatus();
  absl::StatusOr<HttpAddress> parsed = ParseHttpAddress(address);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        Cat(access.address_origin, ": ", std::string(parsed.status().message())));
  }
  if (!access.token_file.empty()) {
    absl::StatusOr<std::string> token = ReadHttpToken(access.token_file);
    if (!token.ok()) {
      return absl::InvalidArgumentError(
          Cat(access.token_file_origin, ": ", std::string(token.status().message())));
    }
    // The orchestrator's probes carry no header (a kubelet cannot read
    // one from a Secret); they tell only whether the process is up and
    // ready.
    server.RequireToken(*std::move(token), {"/healthz", "/readyz"});
  } else if (!IsLoopbackHost(parsed->host)) {
    return absl::FailedPreconditionError(
        Cat(access.address_origin, ": serving HTTP on ", address,
            ", which is not a loopback address, needs a bearer token: set ",
            access.token_file_origin,
            " to a file that holds one (or serve on 127.0.0.1)"));
  }
  ServeMetrics(board, server);
  return server.Start(address);
}

}  // namespace orderflow
