#include "observe/http_server.h"

#include <httplib.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <exception>
#include <thread>
#include <utility>

#include "engine/text.h"

namespace orderflow {

struct HttpServer::Impl {
  httplib::Server server;
  std::thread thread;
  bool running = false;
};

HttpResponse HttpResponse::Text(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Json(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

absl::StatusOr<HttpAddress> ParseHttpAddress(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        Cat("http address '", text, "': ", why,
            " (expected host:port, e.g. 127.0.0.1:9464; port 0 for any free one)"));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad("no host:port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 host goes in brackets, [::1]:9464");
  }
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() ||
      end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  if (host.empty()) return bad("no host");
  return HttpAddress{std::string(host), port};
}

HttpServer::HttpServer() : impl_(std::make_unique<Impl>()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(std::string prefix, HttpHandler handler) {
  std::lock_guard<std::mutex> lock(routes_mu_);
  routes_[std::move(prefix)] = std::move(handler);
}

HttpResponse HttpServer::Dispatch(HttpRequest request) const {
  HttpHandler handler;
  {
    std::lock_guard<std::mutex> lock(routes_mu_);
    size_t best = 0;
    for (const auto& [prefix, h] : routes_) {
      const bool matches =
          request.path == prefix ||
          (prefix.size() > 1 && prefix.back() == '/' &&
           request.path.compare(0, prefix.size(), prefix) == 0);
      if (matches && prefix.size() >= best) {
        best = prefix.size();
        handler = h;
        request.rest = request.path.substr(std::min(prefix.size(), request.path.size()));
      }
    }
  }
  if (!handler) return HttpResponse::Text("not found: " + request.path + "\n", 404);
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return HttpResponse::Text(Cat("internal error: ", e.what(), "\n"), 500);
  }
}

absl::Status HttpServer::Start(std::string_view address) {
  if (impl_->running) return absl::FailedPreconditionError("already started");
  absl::StatusOr<HttpAddress> parsed = ParseHttpAddress(address);
  if (!parsed.ok()) return parsed.status();
  httplib::Server& server = impl_->server;
  // A few threads are plenty for people and one Prometheus.
  server.new_task_queue = [] { return new httplib::ThreadPool(4); };
  // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which
  // would let a second process share the port instead of failing.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_keep_alive_timeout(2);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    HttpRequest request;
    request.path = req.path;
    for (const auto& [key, value] : req.params) request.query.emplace(key, value);
    HttpResponse response = Dispatch(std::move(request));
    res.status = response.status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(std::move(response.body), response.content_type.c_str());
  });
  const auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("only GET is served\n", "text/plain; charset=utf-8");
  };
  server.Post(".*", not_allowed);
  server.Put(".*", not_allowed);
  server.Patch(".*", not_allowed);
  server.Delete(".*", not_allowed);

  errno = 0;
  int port = parsed->port;
  bool bound;
  if (port == 0) {
    port = server.bind_to_any_port(parsed->host);
    bound = port > 0;
  } else {
    bound = server.bind_to_port(parsed->host, port);
  }
  if (!bound) {
    const int error = errno;
    return absl::UnavailableError(
        Cat("cannot serve HTTP on ", address,
            error != 0 ? Cat(": ", std::strerror(error)) : std::string(),
            " (choose a free host:port, port 0 for any, or off)"));
  }
  host_ = parsed->host;
  port_ = port;
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // Stop() only reaches a server that is listening: wait until it is.
  for (int i = 0; i < 500 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return absl::OkStatus();
}

std::string HttpServer::url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return Cat("http://", v6 ? "[" : "", host_, v6 ? "]" : "", ":", port_, "/");
}

bool HttpServer::running() const { return impl_->running; }

void HttpServer::Stop() {
  if (!impl_->running) return;
  impl_->running = false;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace orderflow
