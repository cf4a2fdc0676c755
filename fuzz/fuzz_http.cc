// Fuzzes what the HTTP server does with a connection's bytes
// (HttpServer::Answer: the head parser of observe/http_wire.h and the
// routing), without sockets: the routes of a running engine (metrics,
// dashboard, order timelines) over a fixed snapshot and one order.
//
// Input: one byte that sets how many bytes arrive at a time (1..256), then
// the bytes the client sends. What must hold: nothing crashes, every answer
// is an HTTP/1.1 status line, a closed connection keeps nothing unread, and
// a URL part the decoder accepts is UTF-8 without NUL.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "engine/time.h"
#include "engine/utf8.h"
#include "observe/dashboard.h"
#include "observe/http_server.h"
#include "observe/http_wire.h"
#include "observe/live_metrics.h"
#include "observe/order_timeline.h"

namespace orderflow {
namespace {

constexpr EpochMillis kMonday = 1'772'409'600'000;  // 2026-03-02T00:00:00Z

[[noreturn]] void Fail(std::string_view what, std::string_view input) {
  std::cerr << "http: " << what << "\n  input: " << input << "\n";
  std::abort();
}

LiveSnapshot Snapshot() {
  LiveSnapshot s;
  s.wall_time = kMonday + Hours(30);
  s.metrics.as_of = kMonday + Days(1);
  ServiceMetrics& m = s.metrics.metrics;
  m.OnStatusChanged({v1::ORDER_STATUS_UNSPECIFIED, v1::ORDER_STATUS_ACCEPTED,
                     kMonday, kMonday, kMonday + Days(2)});
  m.OnStatusChanged({v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_SHIPPED,
                     kMonday + Hours(2), kMonday, kMonday + Days(2)});
  s.metrics.backlog.Add(v1::ORDER_STATUS_BACKORDERED, Hours(24));
  s.host.started_at = kMonday;
  s.host.inputs = 3;
  s.host.dead_letters["UNDECODABLE"] = 1;
  return s;
}

struct Routes {
  MetricsBoard board;
  OrderTimelines timelines{ObserveSettings{}};
  HttpServer server;

  Routes() {
    board.Publish(Snapshot());
    v1::OrderPlaced order;
    order.set_order_id("O-1");
    order.set_customer_id("C-1");
    order.mutable_placed_at()->set_seconds(kMonday / 1000);
    auto* line = order.add_lines();
    line->set_line_id("1");
    line->set_sku("SKU-A");
    line->set_quantity(2);
    timelines.RecordInput("orders", "O-1", kMonday, order);
    v1::OrderStatusChanged status;
    status.set_order_id("O-1");
    status.set_status(v1::ORDER_STATUS_ACCEPTED);
    timelines.RecordOutput("order-status", "O-1", kMonday, status);
    ServeMetrics(board, server);
    ServeOrders(timelines, server);
  }
};

void CheckAnswers(std::string_view out, std::string_view input) {
  if (!out.empty() && out.substr(0, 9) != "HTTP/1.1 ") {
    Fail("an answer that is not HTTP/1.1", input);
  }
}

}  // namespace
}  // namespace orderflow

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orderflow;
  static Routes* routes = new Routes();
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  std::string in, out;
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    in.append(bytes.substr(i, chunk));
    if (routes->server.Answer(in, out)) {
      if (!in.empty()) Fail("closed with bytes left unread", bytes);
      break;
    }
  }
  CheckAnswers(out, bytes);

  std::string decoded;
  for (bool plus : {false, true}) {
    if (DecodeUrlPart(bytes, plus, &decoded) &&
        (!IsValidUtf8(decoded) || decoded.find('\0') != std::string::npos)) {
      Fail("a decoded URL part that is not UTF-8 without NUL", bytes);
    }
  }
  return 0;
}
