#include "engine/review.h"

#include <array>

#include "engine/text.h"

namespace orderflow {
namespace {

enum Code { kMissingField, kInvalidQuantity, kQuantityLimit, kLineLimit,
            kAddressIncomplete, kPromiseInPast, kTimeOutOfRange, kCodeCount };
constexpr std::array<const char*, kCodeCount> kCodeNames = {
    "MISSING_FIELD", "INVALID_QUANTITY", "QUANTITY_LIMIT", "LINE_LIMIT",
    "ADDRESS_INCOMPLETE", "PROMISE_IN_PAST", "TIME_OUT_OF_RANGE"};

class Findings {
 public:
  void Add(Code code, std::string problem) {
    seen_[code] = true;
    problems_.push_back(std::move(problem));
  }
  ReviewFindings Done() && {
    ReviewFindings f;
    for (int c = 0; c < kCodeCount; ++c) {
      if (seen_[c]) f.codes.emplace_back(kCodeNames[c]);
    }
    f.problems = std::move(problems_);
    return f;
  }

 private:
  std::array<bool, kCodeCount> seen_{};
  std::vector<std::string> problems_;
};

}  // namespace

std::string ReviewFindings::Sentence(std::string_view order_id) const {
  return Cat("Order ", order_id, " rejected: ",
                      Join(problems, "; "), ".");
}

ReviewFindings Review(const v1::OrderPlaced& order, const EngineConfig& config) {
  Findings f;
  auto required = [&f](bool present, std::string_view field) {
    if (!present) f.Add(kMissingField, Cat(field, " missing"));
  };
  required(!order.order_id().empty(), "orderId");
  required(!order.customer_id().empty(), "customerId");
  required(order.has_placed_at(), "placedAt");
  required(order.service_level() != v1::SERVICE_LEVEL_UNSPECIFIED,
           "serviceLevel");
  if (!v1::ServiceLevel_IsValid(order.service_level())) {
    f.Add(kMissingField, Cat("serviceLevel ", static_cast<int>(order.service_level()),
                             " is not STANDARD, EXPRESS or OVERNIGHT"));
  }
  required(!order.currency().empty(), "currency");
  required(order.lines_size() > 0, "lines");

  // Too many lines: the order is rejected for that alone, and its lines
  // are not reviewed one by one (the message would list each).
  const bool too_many_lines = order.lines_size() > config.max_lines_per_order;
  if (too_many_lines) {
    f.Add(kLineLimit, Cat("lines: ", order.lines_size(), " exceed the limit ",
                          config.max_lines_per_order));
  }
  for (int i = 0; !too_many_lines && i < order.lines_size(); ++i) {
    const v1::OrderLine& line = order.lines(i);
    // "lines[1].sku": built only for a line that has a problem.
    auto field = [i](std::string_view name) {
      return Cat("lines[", i, "].", name);
    };
    auto line_required = [&](bool present, std::string_view name) {
      if (!present) f.Add(kMissingField, Cat(field(name), " missing"));
    };
    line_required(!line.line_id().empty(), "lineId");
    line_required(!line.sku().empty(), "sku");
    line_required(line.has_unit_price_minor(), "unitPriceMinor");
    if (line.quantity() <= 0) {
      f.Add(kInvalidQuantity, Cat(field("quantity"), " is ", line.quantity(),
                                  " (must be at least 1)"));
    } else if (line.quantity() > config.max_line_quantity) {
      f.Add(kQuantityLimit, Cat(field("quantity"), " ", line.quantity(),
                                " exceeds the limit ", config.max_line_quantity));
    }
  }

  if (!order.has_ship_to()) {
    f.Add(kAddressIncomplete, "shipTo missing");
  } else {
    const v1::Address& a = order.ship_to();
    auto part = [&f](const std::string& value, std::string_view field) {
      if (value.empty()) {
        f.Add(kAddressIncomplete, Cat("shipTo.", field, " missing"));
      }
    };
    part(a.name(), "name");
    part(a.line1(), "line1");
    part(a.city(), "city");
    part(a.postal_code(), "postalCode");
    part(a.country(), "country");
  }

  // Deadlines are these times plus configured durations: outside the sane
  // range they could not be printed, or would wrap.
  auto in_range = [&f](bool present, const google::protobuf::Timestamp& t,
                       std::string_view field) {
    if (present && !InTimeRange(ToMillis(t))) {
      f.Add(kTimeOutOfRange, Cat(field, " is outside ", kTimeRangeText));
    }
  };
  in_range(order.has_placed_at(), order.placed_at(), "placedAt");
  in_range(order.has_promised_delivery_at(), order.promised_delivery_at(),
           "promisedDeliveryAt");
  if (order.has_promised_delivery_at() && order.has_placed_at() &&
      ToMillis(order.promised_delivery_at()) < ToMillis(order.placed_at())) {
    f.Add(kPromiseInPast, "promisedDeliveryAt is before placedAt");
  }
  return std::move(f).Done();
}

}  // namespace orderflow
