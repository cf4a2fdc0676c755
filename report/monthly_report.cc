#include "report/monthly_report.h"

#include <algorithm>
#include <tuple>

#include "engine/contacts.h"
#include "engine/escalations.h"

namespace orderflow {
namespace {

// The contactId of a CUSTOMER_CONTACT escalation id,
// "<orderId>/CUSTOMER_CONTACT/<level>/<placedAt>/<contactId>" (contacts.h).
std::string ContactIdOf(std::string_view escalation_id) {
  constexpr std::string_view kMark = "/CUSTOMER_CONTACT/";
  size_t at = escalation_id.find(kMark);
  if (at == std::string_view::npos) return "";
  at += kMark.size();
  for (int field = 0; field < 2; ++field) {  // the level, then placedAt
    at = escalation_id.find('/', at);
    if (at == std::string_view::npos) return "";
    ++at;
  }
  return std::string(escalation_id.substr(at));
}

}  // namespace

std::vector<NamedCount> Rank(const absl::flat_hash_map<std::string, NamedCount>& counts) {
  std::vector<NamedCount> ranked;
  for (const auto& [name, c] : counts) {
    if (c.count > 0 || c.previous > 0) ranked.push_back(c);
  }
  std::sort(ranked.begin(), ranked.end(), [](const NamedCount& a, const NamedCount& b) {
    return std::tie(b.count, a.name) < std::tie(a.count, b.name);
  });
  return ranked;
}

MonthlyReportBuilder::MonthlyReportBuilder(CalendarMonth month) {
  report_.month = month;
  report_.previous_month = month.Previous();
  for (int t = v1::HOLD_TYPE_PAYMENT; t <= v1::HOLD_TYPE_OTHER; ++t) {
    HoldFigures figures;
    figures.type = static_cast<v1::HoldType>(t);
    report_.holds.push_back(std::move(figures));
  }
}

int MonthlyReportBuilder::MonthIndexOf(EpochMillis time) const {
  if (time >= report_.month.start() && time < report_.month.end()) return 0;
  if (time >= report_.previous_month.start() && time < report_.month.start()) return 1;
  return -1;
}

void MonthlyReportBuilder::Add(const v1::OrderStatusChanged& c) {
  ++report_.status_changes;
  report_.Seen(ToMillis(c.occurred_at()));
  if (!c.has_placed_at()) return;
  const int m = MonthIndexOf(ToMillis(c.placed_at()));
  if (m >= 0) placed_[m].insert(c.order_id());
}

void MonthlyReportBuilder::Add(const v1::Escalation& e) {
  ++report_.escalations;
  const EpochMillis at = ToMillis(e.detected_at());
  report_.Seen(at);
  if (e.state() != v1::ESCALATION_STATE_RAISED || MonthIndexOf(at) < 0) return;
  escalations_.push_back({at, e.order_id(), std::string(KindName(e.kind())), ""});
  if (e.kind() == v1::ESCALATION_KIND_CUSTOMER_CONTACT && e.level() == 1) {
    contacts_.push_back({at, e.order_id(),
                         e.root_cause().empty() ? "not given" : e.root_cause(),
                         ContactIdOf(e.escalation_id())});
  }
}

void MonthlyReportBuilder::Add(const v1::DeadLetter& d) {
  ++report_.dead_letters;
  report_.Seen(ToMillis(d.dead_lettered_at()));
}

void MonthlyReportBuilder::Add(const v1::OrderPlaced& o) {
  ++report_.orders;
  report_.Seen(ToMillis(o.placed_at()));
}

void MonthlyReportBuilder::Add(const v1::HoldEvent& h) {
  ++report_.hold_events;
  report_.Seen(ToMillis(h.occurred_at()));
  hold_events_.push_back(h);
}

void MonthlyReportBuilder::Add(const v1::CustomerContact& c) {
  ++report_.contact_records;
  report_.Seen(ToMillis(c.received_at()));
  contact_kinds_.try_emplace(c.contact_id(), c.kind());
}

MonthlyReport MonthlyReportBuilder::Build() const {
  MonthlyReport r = report_;
  r.orders_placed = static_cast<int64_t>(placed_[0].size());
  r.previous_orders_placed = static_cast<int64_t>(placed_[1].size());

  // Ranks what was raised by name; the first three get examples and days.
  auto top_three = [&](std::vector<Raised> raised, int64_t& total,
                       int64_t& previous_total) {
    std::sort(raised.begin(), raised.end(), [](const Raised& a, const Raised& b) {
      return std::tie(a.at, a.order_id) < std::tie(b.at, b.order_id);
    });
    absl::flat_hash_map<std::string, NamedCount> counts;
    for (const Raised& x : raised) {
      NamedCount& c = counts[x.name];
      c.name = x.name;
      ++(MonthIndexOf(x.at) == 0 ? c.count : c.previous);
      ++(MonthIndexOf(x.at) == 0 ? total : previous_total);
    }
    std::vector<RankedProblem> top;
    for (const NamedCount& c : Rank(counts)) {
      if (top.size() == 3 || c.count == 0) break;
      RankedProblem p{c.name, c.count, c.previous, {},
                      std::vector<int64_t>(static_cast<size_t>(r.month.days()), 0)};
      for (const Raised& x : raised) {
        if (x.name != c.name || MonthIndexOf(x.at) != 0) continue;
        ++p.per_day[static_cast<size_t>((x.at - r.month.start()) / Days(1))];
        if (p.example_orders.size() < 3 &&
            std::find(p.example_orders.begin(), p.example_orders.end(),
                      x.order_id) == p.example_orders.end()) {
          p.example_orders.push_back(x.order_id);
        }
      }
      top.push_back(std::move(p));
    }
    return std::make_pair(top, Rank(counts));
  };
  r.top_escalations =
      top_three(escalations_, r.escalations_raised, r.previous_escalations_raised).first;
  auto [top_causes, by_cause] =
      top_three(contacts_, r.contacts, r.previous_contacts);
  r.top_root_causes = std::move(top_causes);
  r.contacts_by_root_cause = std::move(by_cause);

  absl::flat_hash_map<std::string, NamedCount> kinds;
  for (const Raised& x : contacts_) {
    const auto kind = contact_kinds_.find(x.contact_id);
    const std::string name = kind == contact_kinds_.end()
                                 ? "not read"
                                 : std::string(ContactKindName(kind->second));
    NamedCount& c = kinds[name];
    c.name = name;
    ++(MonthIndexOf(x.at) == 0 ? c.count : c.previous);
  }
  r.contacts_by_kind = Rank(kinds);

  // Holds in time order (one order's come in order; equal times keep it).
  std::vector<const v1::HoldEvent*> holds;
  for (const v1::HoldEvent& h : hold_events_) holds.push_back(&h);
  std::stable_sort(holds.begin(), holds.end(),
                   [](const v1::HoldEvent* a, const v1::HoldEvent* b) {
                     return ToMillis(a->occurred_at()) < ToMillis(b->occurred_at());
                   });
  struct Open {
    v1::HoldType type;
    EpochMillis placed_at;
    bool released;
  };
  absl::flat_hash_map<std::string, Open> placed;  // by "<orderId>/<holdId>"
  for (const v1::HoldEvent* h : holds) {
    const EpochMillis at = ToMillis(h->occurred_at());
    const std::string key = h->order_id() + "/" + h->hold_id();
    if (h->action() == v1::HOLD_ACTION_PLACE) {
      if (h->type() < v1::HOLD_TYPE_PAYMENT || h->type() > v1::HOLD_TYPE_OTHER) continue;
      if (!placed.try_emplace(key, Open{h->type(), at, false}).second) continue;
      if (MonthIndexOf(at) == 0) ++r.holds[h->type() - 1].placed;
    } else if (h->action() == v1::HOLD_ACTION_RELEASE) {
      const auto open = placed.find(key);
      if (open == placed.end() || open->second.released) continue;
      open->second.released = true;
      if (MonthIndexOf(at) != 0) continue;
      HoldFigures& figures = r.holds[open->second.type - 1];
      ++figures.released;
      figures.time_on_hold.Add(at - open->second.placed_at);
    }
  }
  return r;
}

}  // namespace orderflow
