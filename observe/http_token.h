// Who may ask the HTTP server: anyone on loopback; beyond it, only a
// client that shows the bearer token kept in a file.
//
//   absl::StatusOr<std::string> token = ReadHttpToken("/etc/orderflow/http-token");
//   server.RequireToken(*token);  // every request: Authorization: Bearer <token>
//
// The rule StartMetricsServer (dashboard.h) applies: an address that is
// not loopback (0.0.0.0, a LAN address, a name that resolves to one)
// needs a token file, else the server is refused at start. A token, once
// configured, is required on loopback too: a process that is given one
// never answers without it.
#ifndef ORDERFLOW_OBSERVE_HTTP_TOKEN_H_
#define ORDERFLOW_OBSERVE_HTTP_TOKEN_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace orderflow {

// The token in the file at `path`: its whole content without the
// trailing line ends ("\n", "\r\n"). An error that names the file when it
// cannot be read, is empty, or holds a line end, blank or control
// character inside the token (which no HTTP header could carry).
absl::StatusOr<std::string> ReadHttpToken(const std::string& path);

// Whether every address `host` names is a loopback one (127.0.0.0/8,
// ::1): "127.0.0.1", "::1", "localhost". False for the wildcard addresses
// and for a name that does not resolve.
bool IsLoopbackHost(const std::string& host);

// Whether an Authorization header's value is "Bearer <token>" (the scheme
// in any case). Takes the same time whatever the value holds, for a given
// length of the token, so that timing tells nothing of it.
bool BearerTokenMatches(std::string_view authorization, std::string_view token);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_HTTP_TOKEN_H_
