// Posting alerts to Alertmanager's API v2 (POST <base>/api/v2/alerts).
#ifndef ORDERFLOW_ALERTS_ALERTMANAGER_CLIENT_H_
#define ORDERFLOW_ALERTS_ALERTMANAGER_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace httplib {
class Client;
}

namespace orderflow {

class AlertmanagerClient {
 public:
  enum class Outcome {
    kAccepted,
    kRetry,    // not reachable, 5xx, 429: the same alerts may be taken later
    kRefused,  // another 4xx: these alerts will never be taken as they are
  };
  struct Answer {
    Outcome outcome;
    std::string detail;  // what went wrong, for a person
  };

  // `base_url`: http://host:port[/prefix]. InvalidArgument for anything
  // else (https is not served by this client: put the bridge beside
  // Alertmanager or behind a local proxy).
  static absl::StatusOr<std::unique_ptr<AlertmanagerClient>> Create(
      const std::string& base_url);
  ~AlertmanagerClient();

  // Posts `alerts` (a JSON array of alerts). Strings that are not UTF-8
  // are sent with their bad bytes replaced.
  Answer Post(const nlohmann::json& alerts);

  const std::string& url() const { return url_; }

 private:
  AlertmanagerClient(std::string url, std::string origin, std::string path);

  std::string url_;
  std::string path_;  // of the alerts endpoint
  std::unique_ptr<httplib::Client> http_;
};

}  // namespace orderflow

#endif  // ORDERFLOW_ALERTS_ALERTMANAGER_CLIENT_H_
