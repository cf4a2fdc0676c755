#include "observe/health.h"

#include <chrono>
#include <memory>
#include <utility>

#include "platform/wall_clock.h"

namespace orderflow {

void ServeHealth(const MetricsBoard& board, ReadinessPolicy policy,
                 std::function<bool()> stopping, HttpServer& server,
                 std::function<EpochMillis()> now) {
  if (!now) now = WallClockMillis;
  server.Route("/healthz", [](const HttpRequest&) {
    return HttpResponse::Json("{\"alive\":true}\n");
  });
  server.Route("/readyz", [&board, policy, stopping = std::move(stopping),
                           now = std::move(now)](const HttpRequest&) {
    const std::shared_ptr<const LiveSnapshot> latest = board.Latest();
    const Readiness r = DecideReadiness(policy, latest.get(),
                                        stopping && stopping(), now());
    return HttpResponse::Json(ReadinessJson(r, latest.get()), r.ready() ? 200 : 503);
  });
  server.Route("/readyz/history", [&board](const HttpRequest&) {
    return HttpResponse::Json(ReadinessHistoryJson(board.Latest().get()));
  });
}

}  // namespace orderflow
