#include "observe/http_wire.h"

#include <charconv>

#include "engine/text.h"
#include "engine/utf8.h"

namespace orderflow {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

size_t HttpHeadLength(std::string_view bytes) {
  // Lines end in CRLF; a bare LF is taken too, as most servers do.
  for (size_t at = bytes.find('\n'); at != std::string_view::npos;
       at = bytes.find('\n', at + 1)) {
    if (at + 1 < bytes.size() && bytes[at + 1] == '\n') return at + 2;
    if (at + 2 < bytes.size() && bytes[at + 1] == '\r' && bytes[at + 2] == '\n') {
      return at + 3;
    }
  }
  return 0;
}

bool DecodeUrlPart(std::string_view text, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int hi = i + 1 < text.size() ? HexDigit(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return IsValidUtf8(*out) && out->find('\0') == std::string::npos;
}

HttpHead ParseHttpHead(std::string_view text) {
  HttpHead head;
  const auto bad = [&head](std::string why) {
    head.error_status = 400;
    head.error = std::move(why);
    head.keep_alive = false;
    return head;
  };
  size_t eol = text.find('\n');
  const std::string_view line = Trim(text.substr(0, eol));
  text.remove_prefix(eol + 1);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return bad("malformed request line");
  head.method = std::string(line.substr(0, sp1));
  std::string_view target = Trim(line.substr(sp1 + 1, sp2 - sp1 - 1));
  const std::string_view version = line.substr(sp2 + 1);
  if (version == "HTTP/1.0") {
    head.keep_alive = false;
  } else if (version != "HTTP/1.1") {
    return bad("only HTTP/1.0 and HTTP/1.1 are served");
  }
  while (!text.empty()) {
    eol = text.find('\n');
    const std::string_view field = Trim(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (field.empty()) break;
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos) return bad("malformed header field");
    const std::string_view name = field.substr(0, colon);
    const std::string_view value = Trim(field.substr(colon + 1));
    if (EqualsIgnoringCase(name, "connection")) {
      if (EqualsIgnoringCase(value, "close")) head.keep_alive = false;
      if (EqualsIgnoringCase(value, "keep-alive")) head.keep_alive = true;
    } else if (EqualsIgnoringCase(name, "content-length")) {
      uint64_t length = 0;
      const auto [end, ec] =
          std::from_chars(value.data(), value.data() + value.size(), length);
      if (ec != std::errc() || end != value.data() + value.size()) {
        return bad("malformed Content-Length");
      }
      head.has_body = head.has_body || length > 0;
    } else if (EqualsIgnoringCase(name, "transfer-encoding")) {
      head.has_body = true;
    } else if (EqualsIgnoringCase(name, "authorization")) {
      head.authorization = std::string(value);
    }
  }
  // "http://host/path" (absolute form) is served as "/path".
  if (target.substr(0, 7) == "http://") {
    const size_t slash = target.find('/', 7);
    target = slash == std::string_view::npos ? "/" : target.substr(slash);
  }
  if (target.empty() || target.front() != '/') return bad("the target is not a path");
  const size_t question = target.find('?');
  if (!DecodeUrlPart(target.substr(0, question), false, &head.request.path)) {
    return bad("the path is not percent-encoded UTF-8");
  }
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
      if (pair.empty()) continue;
      const size_t eq = pair.find('=');
      std::string key, value;
      if (!DecodeUrlPart(pair.substr(0, eq), true, &key) ||
          (eq != std::string_view::npos &&
           !DecodeUrlPart(pair.substr(eq + 1), true, &value))) {
        return bad("the query is not percent-encoded UTF-8");
      }
      head.request.query.emplace(std::move(key), std::move(value));
    }
  }
  return head;
}

std::string FormatHttpResponse(const HttpResponse& response, bool head_only,
                               bool close) {
  std::string out = Cat("HTTP/1.1 ", response.status, " ", Reason(response.status),
                        "\r\nContent-Type: ", response.content_type,
                        "\r\nContent-Length: ", response.body.size(),
                        "\r\nCache-Control: no-store\r\n");
  if (response.status == 405) out += "Allow: GET, HEAD\r\n";
  if (response.status == 401) out += "WWW-Authenticate: Bearer realm=\"orderflow\"\r\n";
  out += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
  if (!head_only) out += response.body;
  return out;
}

}  // namespace orderflow
