#include "observe/http_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <exception>
#include <iostream>
#include <list>
#include <thread>
#include <utility>
#include <vector>

#include "engine/text.h"
#include "observe/http_token.h"
#include "observe/http_wire.h"

namespace orderflow {
namespace {

using Clock = std::chrono::steady_clock;

// What one client may hold of the server. A connection that exceeds any of
// these is closed; others are served meanwhile, since nothing waits for one
// client: every socket is non-blocking and one thread polls them all.
// A request head must arrive whole within this time of its first byte
// (a client that drips it a byte at a time is cut off).
constexpr auto kHeadTimeout = std::chrono::seconds(5);
// A kept-alive connection with nothing to say is closed after this.
constexpr auto kIdleTimeout = std::chrono::seconds(5);
// A response must be taken within this time.
constexpr auto kWriteTimeout = std::chrono::seconds(10);
// Beyond this many connections, the one nearest its deadline is closed to
// make room for a new one.
constexpr size_t kMaxConnections = 512;
// Nothing more is read from a client while this much of its answers waits
// to be sent (pipelined requests answered faster than they are taken).
constexpr size_t kMaxPendingOutput = 4 << 20;

struct Connection {
  enum class Phase { kIdle, kHead, kWrite };
  int fd = -1;
  std::string in;
  std::string out;
  size_t sent = 0;
  bool close_when_sent = false;
  Phase phase = Phase::kIdle;
  Clock::time_point deadline;

  bool writing() const { return sent < out.size(); }
  // The deadline restarts only when the phase changes: more bytes of the
  // same head do not buy more time.
  void Rearm(Clock::time_point now) {
    const Phase next = writing()        ? Phase::kWrite
                       : !in.empty()    ? Phase::kHead
                                        : Phase::kIdle;
    if (next == phase && deadline != Clock::time_point()) return;
    phase = next;
    deadline = now + (next == Phase::kWrite  ? Clock::duration(kWriteTimeout)
                      : next == Phase::kHead ? Clock::duration(kHeadTimeout)
                                             : Clock::duration(kIdleTimeout));
  }
};

void SetNonBlocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
}

}  // namespace

struct HttpServer::Impl {
  int listen_fd = -1;
  int wake[2] = {-1, -1};  // Stop() writes to wake[1]
  std::atomic<bool> stopping{false};
  std::thread thread;
  bool running = false;
  std::list<Connection> connections;

  void Loop(const HttpServer& server);
  void Accept(Clock::time_point now);
  // Reads what is there and answers every complete request in it.
  // False when the connection is to be closed now.
  bool Read(const HttpServer& server, Connection& c);
  bool Write(Connection& c);
  void Close(std::list<Connection>::iterator it) {
    close(it->fd);
    connections.erase(it);
  }
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

void HttpServer::RequireToken(std::string token, std::vector<std::string> open_paths) {
  token_ = std::move(token);
  open_paths_ = std::move(open_paths);
}

bool HttpServer::IsOpen(const HttpHead& head) const {
  return (head.method == "GET" || head.method == "HEAD") && !head.has_body &&
         std::find(open_paths_.begin(), open_paths_.end(), head.request.path) !=
             open_paths_.end();
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
    // What went wrong inside is for the operator, not for the client.
    std::cerr << "http: " << request.path << ": " << e.what() << "\n";
    return HttpResponse::Text("internal error\n", 500);
  }
}

bool HttpServer::Answer(std::string& in, std::string& out) const {
  // Answer every complete request, in order (pipelining).
  while (true) {
    const size_t length = HttpHeadLength(in);
    if (length == 0 || length > kMaxHttpHead) {
      if (length > kMaxHttpHead || in.size() > kMaxHttpHead) {
        HttpResponse r = HttpResponse::Text(
            Cat("request head over ", kMaxHttpHead, " bytes\n"), 431);
        out += FormatHttpResponse(r, false, true);
        in.clear();
        return true;
      }
      return false;
    }
    HttpHead head = ParseHttpHead(std::string_view(in).substr(0, length));
    in.erase(0, length);
    HttpResponse response;
    if (head.error_status != 0) {
      response = HttpResponse::Text(Cat("bad request: ", head.error, "\n"),
                                    head.error_status);
    } else if (!token_.empty() && !IsOpen(head) &&
               !BearerTokenMatches(head.authorization, token_)) {
      // Nothing more of the request is looked at: not even whether its
      // path exists.
      response = HttpResponse::Text(
          "unauthorized: send the header Authorization: Bearer <token>, the "
          "token of http.token_file\n",
          401);
      if (head.has_body) head.keep_alive = false;  // its body is not read
    } else if (head.method != "GET" && head.method != "HEAD") {
      // The body is not read: the connection closes after the answer.
      response = HttpResponse::Text("only GET is served\n", 405);
      head.keep_alive = false;
    } else if (head.has_body) {
      response = HttpResponse::Text("a GET has no body here\n", 413);
      head.keep_alive = false;
    } else {
      response = Dispatch(std::move(head.request));
    }
    out += FormatHttpResponse(response, head.method == "HEAD", !head.keep_alive);
    if (!head.keep_alive) {
      in.clear();
      return true;
    }
  }
}

bool HttpServer::Impl::Read(const HttpServer& server, Connection& c) {
  char buf[16 * 1024];
  while (c.out.size() - c.sent <= kMaxPendingOutput && !c.close_when_sent) {
    const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
    if (n == 0) return c.writing();  // the client is done; finish the answers
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return false;
    }
    c.in.append(buf, static_cast<size_t>(n));
    if (server.Answer(c.in, c.out)) c.close_when_sent = true;
  }
  return true;
}

bool HttpServer::Impl::Write(Connection& c) {
  while (c.writing()) {
    const ssize_t n = send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent,
                           MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    c.sent += static_cast<size_t>(n);
  }
  c.out.clear();
  c.sent = 0;
  return !c.close_when_sent;
}

void HttpServer::Impl::Accept(Clock::time_point now) {
  for (;;) {
    const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: try again on the next poll
    }
    if (connections.size() >= kMaxConnections) {
      auto nearest = std::min_element(
          connections.begin(), connections.end(),
          [](const Connection& a, const Connection& b) { return a.deadline < b.deadline; });
      Close(nearest);
    }
    Connection& c = connections.emplace_back();
    c.fd = fd;
    c.Rearm(now);
  }
}

void HttpServer::Impl::Loop(const HttpServer& server) {
  std::vector<pollfd> polled;
  std::vector<std::list<Connection>::iterator> owners;
  while (!stopping.load()) {
    Clock::time_point now = Clock::now();
    polled.assign({{wake[0], POLLIN, 0}, {listen_fd, POLLIN, 0}});
    owners.clear();
    Clock::time_point next = now + std::chrono::seconds(1);
    for (auto it = connections.begin(); it != connections.end(); ++it) {
      short events = 0;
      if (it->out.size() - it->sent <= kMaxPendingOutput && !it->close_when_sent) {
        events |= POLLIN;
      }
      if (it->writing()) events |= POLLOUT;
      polled.push_back({it->fd, events, 0});
      owners.push_back(it);
      next = std::min(next, it->deadline);
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
    const int ready = poll(polled.data(), polled.size(),
                           static_cast<int>(std::max<int64_t>(wait.count(), 0) + 1));
    if (ready < 0 && errno != EINTR) break;
    now = Clock::now();
    if (polled[0].revents != 0) {
      char drain[64];
      while (read(wake[0], drain, sizeof drain) > 0) {}
    }
    for (size_t i = 2; i < polled.size(); ++i) {
      Connection& c = *owners[i - 2];
      bool keep = true;
      if (polled[i].revents & (POLLIN | POLLHUP | POLLERR)) keep = Read(server, c);
      if (keep && c.writing()) keep = Write(c);
      if (keep && c.close_when_sent && !c.writing()) keep = false;
      if (keep) {
        c.Rearm(now);
      } else {
        Close(owners[i - 2]);
      }
    }
    for (auto it = connections.begin(); it != connections.end();) {
      auto here = it++;
      if (now >= here->deadline) Close(here);
    }
    if (polled[1].revents & POLLIN) Accept(now);
  }
  while (!connections.empty()) Close(connections.begin());
}

absl::Status HttpServer::Start(std::string_view address) {
  if (impl_->running) return absl::FailedPreconditionError("already started");
  absl::StatusOr<HttpAddress> parsed = ParseHttpAddress(address);
  if (!parsed.ok()) return parsed.status();
  const auto fail = [&](int error) {
    return absl::UnavailableError(
        Cat("cannot serve HTTP on ", address,
            error != 0 ? Cat(": ", std::strerror(error)) : std::string(),
            " (choose a free host:port, port 0 for any, or off)"));
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(parsed->port);
  if (const int e = getaddrinfo(parsed->host.c_str(), port_text.c_str(), &hints, &found);
      e != 0) {
    return absl::UnavailableError(Cat("cannot serve HTTP on ", address, ": ",
                                      gai_strerror(e),
                                      " (choose a free host:port, port 0 for any, or off)"));
  }
  int fd = -1, error = 0;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = errno;
      continue;
    }
    // SO_REUSEADDR only: SO_REUSEPORT would let a second process share the
    // port instead of failing.
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 512) != 0) {
      error = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return fail(error);
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(bound.ss_family == AF_INET6
                    ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                    : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  SetNonBlocking(fd);
  if (pipe2(impl_->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
    error = errno;
    close(fd);
    return fail(error);
  }
  host_ = parsed->host;
  impl_->listen_fd = fd;
  impl_->stopping = false;
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->Loop(*this); });
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
  impl_->stopping = true;
  const char wake = 1;
  (void)!write(impl_->wake[1], &wake, 1);
  if (impl_->thread.joinable()) impl_->thread.join();
  close(impl_->listen_fd);
  close(impl_->wake[0]);
  close(impl_->wake[1]);
  impl_->listen_fd = impl_->wake[0] = impl_->wake[1] = -1;
}

}  // namespace orderflow
