// HTTP/1.1 on the wire for HttpServer: a request head read from a
// connection's bytes, and a response written back. Only what a GET server
// needs; bodies are never read.
#ifndef ORDERFLOW_OBSERVE_HTTP_WIRE_H_
#define ORDERFLOW_OBSERVE_HTTP_WIRE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "observe/http_server.h"

namespace orderflow {

// A request head (request line and header fields) is at most this long;
// a longer one is answered 431 and the connection closed.
inline constexpr size_t kMaxHttpHead = 16 * 1024;

struct HttpHead {
  std::string method;
  HttpRequest request;  // path decoded, query split and decoded
  bool keep_alive = true;
  bool has_body = false;  // Content-Length above 0, or Transfer-Encoding
  std::string authorization;  // the Authorization field's value, if any
  // Set when the head cannot be served: the status to answer (400) and
  // why, for the body. The connection is closed after the answer.
  int error_status = 0;
  std::string error;
};

// The length of the complete head at the start of `bytes`, through its
// blank line, or 0 while it is not all there.
size_t HttpHeadLength(std::string_view bytes);

// Reads the head `text` (as measured by HttpHeadLength).
HttpHead ParseHttpHead(std::string_view text);

// "%41b+c" -> "Ab c" (with `plus_is_space`). False on a malformed escape or
// when the result is not valid UTF-8 or holds a NUL.
bool DecodeUrlPart(std::string_view text, bool plus_is_space, std::string* out);

// The whole response; no body for HEAD. `close` says "Connection: close".
std::string FormatHttpResponse(const HttpResponse& response, bool head_only,
                               bool close);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_HTTP_WIRE_H_
