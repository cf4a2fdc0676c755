#include "alerts/alertmanager_client.h"

#include <utility>

#include "engine/text.h"
#include "httplib.h"

namespace orderflow {

absl::StatusOr<std::unique_ptr<AlertmanagerClient>> AlertmanagerClient::Create(
    const std::string& base_url) {
  constexpr std::string_view kScheme = "http://";
  if (base_url.rfind(kScheme, 0) != 0) {
    return absl::InvalidArgumentError(
        Cat("Alertmanager URL '", base_url,
            "' does not start with http:// (https is not supported: run the "
            "bridge beside Alertmanager or behind a local TLS proxy)"));
  }
  const size_t host_end = base_url.find('/', kScheme.size());
  std::string origin = base_url.substr(0, host_end);
  std::string prefix =
      host_end == std::string::npos ? std::string() : base_url.substr(host_end);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (origin.size() == kScheme.size()) {
    return absl::InvalidArgumentError(
        Cat("Alertmanager URL '", base_url, "' names no host"));
  }
  return std::unique_ptr<AlertmanagerClient>(new AlertmanagerClient(
      base_url, std::move(origin), prefix + "/api/v2/alerts"));
}

AlertmanagerClient::AlertmanagerClient(std::string url, std::string origin,
                                       std::string path)
    : url_(std::move(url)),
      path_(std::move(path)),
      http_(std::make_unique<httplib::Client>(origin)) {
  http_->set_connection_timeout(5, 0);
  http_->set_read_timeout(30, 0);
  http_->set_write_timeout(30, 0);
  http_->set_keep_alive(true);
}

AlertmanagerClient::~AlertmanagerClient() = default;

AlertmanagerClient::Answer AlertmanagerClient::Post(const nlohmann::json& alerts) {
  const std::string body =
      alerts.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  httplib::Result result = http_->Post(path_, body, "application/json");
  if (!result) {
    return {Outcome::kRetry,
            Cat("no answer from ", url_, " (", httplib::to_string(result.error()), ")")};
  }
  const int status = result->status;
  if (status >= 200 && status < 300) return {Outcome::kAccepted, ""};
  std::string said = result->body.substr(0, 500);
  while (!said.empty() && (said.back() == '\n' || said.back() == '\r')) said.pop_back();
  const std::string detail = Cat(url_, " answered ", status, ": ", said);
  if (status == 429 || status >= 500) return {Outcome::kRetry, detail};
  return {Outcome::kRefused, detail};
}

}  // namespace orderflow
