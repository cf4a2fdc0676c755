#include "config/config_file.h"

#include <cctype>
#include <charconv>
#include <set>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "engine/text.h"
#include "yaml-cpp/yaml.h"

namespace orderflow {
namespace {

// Where a node is, for messages: "file:line:column".
std::string Where(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return file;
  return Cat(file, ":", mark.line + 1, ":", mark.column + 1);
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  absl::Status Error(const YAML::Node& node, std::string_view path,
                     std::string_view expected) {
    std::string got = node.IsScalar() ? Cat("\"", node.Scalar(), "\"")
                                      : std::string("a nested block");
    return absl::InvalidArgumentError(
        Cat(Where(file_, node), ": ", path, ": expected ", expected, ", got ",
            got));
  }

  // YAML leaves a repeated key to the reader; here it is an error, since
  // which of the two values counts would be a guess.
  absl::Status Duplicate(const YAML::Node& key, std::string_view path) {
    return absl::InvalidArgumentError(
        Cat(Where(file_, key), ": duplicate key ", path,
            " (each key may appear once)"));
  }

  absl::Status Duration(const YAML::Node& node, std::string_view path,
                        Millis* out) {
    std::optional<Millis> d;
    if (node.IsScalar()) d = ParseDuration(node.Scalar());
    if (!d || *d <= 0 || *d > kLongestDuration) {
      return Error(node, path,
                   "a positive duration like 4h, 30m, 2d or 1d12h, "
                   "at most 36500d (100 years)");
    }
    *out = *d;
    return absl::OkStatus();
  }

  absl::Status Integer(const YAML::Node& node, std::string_view path,
                       int64_t min, int64_t max, int64_t* out) {
    // Digits only, an optional '-' first: std::stoll would also take
    // leading blanks and a '+', and "0x10" would be read as 0 by others.
    int64_t v = 0;
    bool ok = node.IsScalar() && !node.Scalar().empty();
    if (ok) {
      const std::string& s = node.Scalar();
      const char* end = s.data() + s.size();
      const auto [stop, ec] = std::from_chars(s.data(), end, v);
      ok = ec == std::errc() && stop == end && v >= min && v <= max;
    }
    if (!ok) {
      return Error(node, path, Cat("an integer from ", min, " to ", max));
    }
    *out = v;
    return absl::OkStatus();
  }

  // Walks a mapping: each key must be one of `fields`.
  using FieldReader = std::function<absl::Status(const YAML::Node&,
                                                 const std::string& path)>;
  absl::Status Mapping(const YAML::Node& node, const std::string& path,
                       const std::map<std::string, FieldReader>& fields) {
    if (node.IsNull()) return absl::OkStatus();
    if (!node.IsMap()) {
      return Error(node, path.empty() ? "(top level)" : path,
                   "a mapping of keys");
    }
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      const std::string child = path.empty() ? key : Cat(path, ".", key);
      if (!seen.insert(key).second) return Duplicate(entry.first, child);
      auto field = fields.find(key);
      if (field == fields.end()) {
        std::string known;
        for (const auto& [name, _] : fields) {
          known += known.empty() ? name : Cat(", ", name);
        }
        return absl::InvalidArgumentError(
            Cat(Where(file_, entry.first), ": unknown key ", child,
                " (known here: ", known, ")"));
      }
      if (absl::Status s = field->second(entry.second, child); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

  FieldReader DurationInto(Millis* out) {
    return [this, out](const YAML::Node& n, const std::string& p) {
      return Duration(n, p, out);
    };
  }
  template <typename Int>
  FieldReader IntegerInto(Int* out, int64_t min, int64_t max) {
    return [this, out, min, max](const YAML::Node& n, const std::string& p) {
      int64_t v = 0;
      absl::Status s = Integer(n, p, min, max, &v);
      if (s.ok()) *out = static_cast<Int>(v);
      return s;
    };
  }
  // TextInto, and where the text was given ("file:line:column: path").
  FieldReader TextWhereInto(std::string* out, std::string* where) {
    return [this, out, where](const YAML::Node& n, const std::string& p) {
      absl::Status s = TextInto(out)(n, p);
      if (s.ok()) *where = Cat(Where(file_, n), ": ", p);
      return s;
    };
  }

  FieldReader TextInto(std::string* out) {
    return [this, out](const YAML::Node& n, const std::string& p) {
      if (!n.IsScalar() || n.Scalar().empty()) {
        return Error(n, p, "a non-empty text");
      }
      *out = n.Scalar();
      return absl::OkStatus();
    };
  }
  FieldReader ClockInto(bool* event_time) {
    return [this, event_time](const YAML::Node& n, const std::string& p) {
      if (n.IsScalar() && (n.Scalar() == "wall" || n.Scalar() == "event")) {
        *event_time = n.Scalar() == "event";
        return absl::OkStatus();
      }
      return Error(n, p, "wall or event");
    };
  }
  FieldReader PropertiesInto(std::map<std::string, std::string>* out) {
    return [this, out](const YAML::Node& n, const std::string& p) {
      if (n.IsNull()) return absl::OkStatus();
      if (!n.IsMap()) return Error(n, p, "a mapping of names to values");
      std::set<std::string> seen;
      for (const auto& entry : n) {
        if (!seen.insert(entry.first.Scalar()).second) {
          return Duplicate(entry.first, Cat(p, ".", entry.first.Scalar()));
        }
        if (!entry.second.IsScalar()) {
          return Error(entry.second, Cat(p, ".", entry.first.Scalar()),
                       "a single value");
        }
        (*out)[entry.first.Scalar()] = entry.second.Scalar();
      }
      return absl::OkStatus();
    };
  }
  FieldReader BoolInto(bool* out) {
    return [this, out](const YAML::Node& n, const std::string& p) {
      if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) {
        *out = n.Scalar() == "true";
        return absl::OkStatus();
      }
      return Error(n, p, "true or false");
    };
  }
  FieldReader FulfilmentInto(SourcingConfig::Fulfilment* out) {
    return [this, out](const YAML::Node& n, const std::string& p) {
      if (n.IsScalar() && n.Scalar() == "ship_complete") {
        *out = SourcingConfig::Fulfilment::kShipComplete;
      } else if (n.IsScalar() && n.Scalar() == "ship_available") {
        *out = SourcingConfig::Fulfilment::kShipAvailable;
      } else {
        return Error(n, p, "ship_complete or ship_available");
      }
      return absl::OkStatus();
    };
  }
  // sourcing.warehouses: a list of {id, rank, countries}; ids non-empty and
  // unique (a duplicate is an error at its second id).
  FieldReader WarehousesInto(std::vector<Warehouse>* out) {
    return [this, out](const YAML::Node& n, const std::string& p) {
      if (n.IsNull()) return absl::OkStatus();
      if (!n.IsSequence()) {
        return Error(n, p, "a list of warehouses like [{id: WH-DE, rank: 1}]");
      }
      if (n.size() > kMaxWarehouses) {
        return Error(n, p, Cat("at most ", kMaxWarehouses, " warehouses"));
      }
      std::map<std::string, YAML::Node> ids;
      for (size_t i = 0; i < n.size(); ++i) {
        const YAML::Node item = n[i];
        const std::string at = Cat(p, "[", i, "]");
        Warehouse w;
        bool has_id = false;
        absl::Status s = Mapping(
            item, at,
            {{"id",
              [&](const YAML::Node& v, const std::string& vp) {
                has_id = true;
                if (!v.IsScalar() || v.Scalar().empty()) {
                  return Error(v, vp, "a non-empty warehouse id");
                }
                if (!ids.emplace(v.Scalar(), v).second) {
                  return absl::InvalidArgumentError(
                      Cat(Where(file_, v), ": ", vp, ": duplicate warehouse id \"",
                          v.Scalar(), "\" (first at ",
                          Where(file_, ids[v.Scalar()]), ")"));
                }
                w.id = v.Scalar();
                return absl::OkStatus();
              }},
             {"rank", IntegerInto(&w.rank, -1'000'000'000, 1'000'000'000)},
             {"countries",
              [&](const YAML::Node& v, const std::string& vp) {
                if (v.IsNull()) return absl::OkStatus();
                if (!v.IsSequence()) {
                  return Error(v, vp, "a list of country codes like [DE, AT]");
                }
                for (size_t j = 0; j < v.size(); ++j) {
                  if (!v[j].IsScalar() || v[j].Scalar().empty()) {
                    return Error(v[j], Cat(vp, "[", j, "]"), "a country code");
                  }
                  w.countries.push_back(v[j].Scalar());
                }
                return absl::OkStatus();
              }}});
        if (!s.ok()) return s;
        if (!item.IsMap() || !has_id) {
          return Error(item, at, "a warehouse with an id");
        }
        out->push_back(std::move(w));
      }
      return absl::OkStatus();
    };
  }
  FieldReader ServiceLevel(ServiceLevelTimes* out) {
    return [this, out](const YAML::Node& n, const std::string& p) {
      return Mapping(n, p, {{"promise", DurationInto(&out->promise)},
                            {"transit", DurationInto(&out->transit)}});
    };
  }

 private:
  std::string file_;
};

}  // namespace

std::optional<Millis> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  Millis total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000) return std::nullopt;
      ++i;
    }
    std::string_view unit = text.substr(i);
    Millis scale = 0;
    if (unit.substr(0, 2) == "ms") { scale = 1; i += 2; }
    else if (!unit.empty() && unit[0] == 's') { scale = Seconds(1); ++i; }
    else if (!unit.empty() && unit[0] == 'm') { scale = Minutes(1); ++i; }
    else if (!unit.empty() && unit[0] == 'h') { scale = Hours(1); ++i; }
    else if (!unit.empty() && unit[0] == 'd') { scale = Days(1); ++i; }
    else return std::nullopt;
    // n * scale fits (n <= 1e9, scale <= 8.64e7); the sum may not.
    if (__builtin_add_overflow(total, n * scale, &total)) return std::nullopt;
  }
  return total;
}

absl::StatusOr<Config> ParseConfig(const std::string& yaml,
                                   const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    return absl::InvalidArgumentError(Cat(file_name, ":", e.mark.line + 1, ":",
                                          e.mark.column + 1, ": ", e.msg));
  }
  Config config;
  EngineConfig& c = config.engine;
  KafkaSettings& k = config.kafka;
  ObserveSettings& o = config.observe;
  Reader r(file_name);
  auto section = [&r](std::map<std::string, Reader::FieldReader> fields) {
    return [&r, fields = std::move(fields)](const YAML::Node& n,
                                            const std::string& p) {
      return r.Mapping(n, p, fields);
    };
  };
  absl::Status s = r.Mapping(
      root, "",
      {{"review",
        section({{"max_line_quantity",
                  r.IntegerInto(&c.max_line_quantity, 1, 1'000'000'000)},
                 {"max_lines_per_order",
                  r.IntegerInto(&c.max_lines_per_order, 1, kMaxLinesPerOrder)}})},
       {"service_levels",
        section({{"standard", r.ServiceLevel(&c.standard)},
                 {"express", r.ServiceLevel(&c.express)},
                 {"overnight", r.ServiceLevel(&c.overnight)}})},
       {"deadlines",
        section({{"at_risk_window", r.DurationInto(&c.ship_at_risk_window)},
                 {"delivery_level3_after",
                  r.DurationInto(&c.delivery_level3_after)},
                 {"backorder_aged_level1",
                  r.DurationInto(&c.backorder_aged_level1)},
                 {"backorder_aged_level2",
                  r.DurationInto(&c.backorder_aged_level2)}})},
       {"retention",
        section({{"early_cancellation",
                  r.DurationInto(&c.early_cancellation_retention)},
                 {"early_shipment", r.DurationInto(&c.early_shipment_retention)},
                 {"early_invoice", r.DurationInto(&c.early_invoice_retention)},
                 {"closed_orders", r.DurationInto(&c.closed_order_retention)},
                 {"early_contact", r.DurationInto(&c.early_contact_retention)}})},
       {"partitions",
        section({{"orders", r.IntegerInto(&c.order_partitions, 1, 1024)},
                 {"inventory", r.IntegerInto(&c.inventory_partitions, 1, 1024)}})},
       {"sourcing",
        section({{"warehouses", r.WarehousesInto(&c.sourcing.warehouses)},
                 {"fulfilment", r.FulfilmentInto(&c.sourcing.fulfilment)},
                 {"split_lines", r.BoolInto(&c.sourcing.split_lines)},
                 {"preempt", r.BoolInto(&c.sourcing.preempt)},
                 {"preempt_min_slack",
                  r.DurationInto(&c.sourcing.preempt_min_slack)}})},
       {"contacts",  // rule 13
        section({{"level2_after", r.DurationInto(&c.contact_level2_after)},
                 {"level3_after", r.DurationInto(&c.contact_level3_after)}})},
       {"holds",
        section({{"limits",
                  section({{"payment", r.DurationInto(&c.holds.payment)},
                           {"fraud", r.DurationInto(&c.holds.fraud)},
                           {"address", r.DurationInto(&c.holds.address)},
                           {"credit", r.DurationInto(&c.holds.credit)},
                           {"customer_request",
                            r.DurationInto(&c.holds.customer_request)},
                           {"other", r.DurationInto(&c.holds.other)}})}})},
       {"kafka",
        section({{"bootstrap_servers", r.TextInto(&k.bootstrap_servers)},
                 {"topic_prefix", r.TextInto(&k.topic_prefix)},
                 {"group_prefix", r.TextInto(&k.group_prefix)},
                 {"instance_id", r.TextInto(&k.instance_id)},
                 {"commit_interval", r.DurationInto(&k.commit_interval)},
                 {"stop_within", r.DurationInto(&k.stop_within)},
                 {"clock", r.ClockInto(&k.event_time)},
                 {"replication_factor",
                  r.IntegerInto(&k.replication_factor, 1, 32)},
                 {"topic_configs", r.PropertiesInto(&k.topic_configs)},
                 {"properties", r.PropertiesInto(&k.properties)}})},
       {"http", section({{"address", r.TextWhereInto(&o.http_address,
                                                     &o.http_address_origin)},
                         {"token_file",
                          r.TextWhereInto(&o.http_token_file,
                                          &o.http_token_file_origin)},
                         {"ready_commit_within",
                          r.DurationInto(&o.ready_commit_within)},
                         {"worklist_limit",
                          r.IntegerInto(&o.worklist_limit, 1, 10'000'000)}})},
       {"timeline",
        section({{"retention", r.DurationInto(&o.timeline_retention)},
                 {"max_orders",
                  r.IntegerInto(&o.timeline_max_orders, 1, 100'000'000)},
                 {"max_entries_per_order",
                  r.IntegerInto(&o.timeline_max_entries, 1, 100'000)}})}});
  if (!s.ok()) return s;
  return config;
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(Cat(path, ": cannot open the configuration file"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path);
}

}  // namespace orderflow
