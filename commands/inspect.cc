#include "commands/inspect.h"

#include <fstream>
#include <iostream>
#include <optional>

#include "engine/text.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "observe/http_token.h"
#include "observe/order_timeline.h"
#include "replay/command_files.h"
#include "replay/replay.h"

namespace orderflow {
namespace {

using Json = nlohmann::ordered_json;

void Print(const Json& order, const InspectOptions& options, std::ostream& out) {
  if (options.json) {
    out << order.dump(2) << "\n";
  } else {
    out << RenderOrderText(order);
  }
}

int FromReplay(const Config& config, const InspectOptions& options,
               std::ostream& out, std::ostream& err) {
  std::ifstream file;
  std::istream* in = OpenInput(options.replay_input, file, err);
  if (in == nullptr) return 1;
  OrderTimelines timelines(config.observe);
  ReplayOptions replay;
  replay.timelines = &timelines;
  std::ostream discard(nullptr);  // the outputs themselves are not wanted
  RunReplay(config.engine, *in, discard, err, replay);
  std::optional<Json> order = timelines.OrderJson(options.order_id);
  if (!order) {
    err << "orderflow inspect: order " << options.order_id << " is not in "
        << options.replay_input << "\n";
    return 1;
  }
  Print(*order, options, out);
  return 0;
}

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string PathSegment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

int FromEngine(const Config& config, const InspectOptions& options,
               std::ostream& out, std::ostream& err) {
  std::string url = options.url;
  if (url.empty()) {
    const std::string& address = config.observe.http_address;
    if (address == "off" || address.ends_with(":0")) {
      err << "orderflow inspect: http.address is " << address
          << " in the configuration: give --url or --replay\n";
      return 1;
    }
    url = Cat("http://", address);
  }
  while (url.ends_with("/")) url.pop_back();
  if (url.find("://") == std::string::npos) url = Cat("http://", url);
  httplib::Client client(url);
  if (!client.is_valid() || !url.starts_with("http://")) {
    err << "orderflow inspect: --url " << url
        << ": expected http://HOST:PORT\n";
    return 1;
  }
  client.set_connection_timeout(3);
  client.set_read_timeout(10);
  const std::string& token_file =
      options.token_file.empty() ? config.observe.http_token_file : options.token_file;
  if (!token_file.empty()) {
    absl::StatusOr<std::string> token = ReadHttpToken(token_file);
    if (!token.ok()) {
      err << "orderflow inspect: " << token_file << ": " << token.status().message()
          << "\n";
      return 1;
    }
    client.set_bearer_token_auth(*token);
  }
  const std::string path = Cat("/api/orders/", PathSegment(options.order_id));
  httplib::Result res = client.Get(path);
  if (!res) {
    err << "orderflow inspect: cannot reach the engine at " << url << " ("
        << (res.error() == httplib::Error::Connection
                ? std::string("could not connect")
                : httplib::to_string(res.error()))
        << ")\n";
    return 1;
  }
  if (res->status == 404) {
    err << "orderflow inspect: order " << options.order_id
        << " is not known to the engine at " << url << "\n";
    return 1;
  }
  if (res->status != 200) {
    err << "orderflow inspect: " << url << path << " answered HTTP "
        << res->status << "\n";
    return 1;
  }
  Json order = Json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (order.is_discarded() || !order.is_object()) {
    err << "orderflow inspect: " << url << path << " did not answer JSON\n";
    return 1;
  }
  Print(order, options, out);
  return 0;
}

}  // namespace

int Inspect(const Config& config, const InspectOptions& options,
            std::ostream& out, std::ostream& err) {
  if (!options.replay_input.empty()) {
    return FromReplay(config, options, out, err);
  }
  return FromEngine(config, options, out, err);
}

}  // namespace orderflow
