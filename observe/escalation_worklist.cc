#include "observe/escalation_worklist.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "engine/escalations.h"
#include "engine/text.h"
#include "nlohmann/json.hpp"

namespace orderflow {
namespace {

using Json = nlohmann::ordered_json;

std::optional<v1::EscalationKind> KindByName(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  v1::EscalationKind kind;
  if (!v1::EscalationKind_Parse(Cat("ESCALATION_KIND_", upper), &kind) ||
      kind == v1::ESCALATION_KIND_UNSPECIFIED) {
    return std::nullopt;
  }
  return kind;
}

// An integer from `min` to `max`, the whole text; nullopt otherwise.
std::optional<int64_t> IntegerIn(std::string_view text, int64_t min, int64_t max) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      v < min || v > max) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

EscalationWorklist::EscalationWorklist(size_t max_open)
    : max_open_(std::max<size_t>(1, max_open)) {}

void EscalationWorklist::Apply(const v1::Escalation& e, EpochMillis time) {
  if (e.escalation_id().empty()) return;
  std::lock_guard lock(mu_);
  if (keep_ && !keep_(e.order_id())) return;
  if (e.state() == v1::ESCALATION_STATE_CLEARED) {
    EraseLocked(e.escalation_id());
    return;
  }
  if (e.state() != v1::ESCALATION_STATE_RAISED) return;
  EraseLocked(e.escalation_id());
  AddLocked(e, time);
}

void EscalationWorklist::AddRestored(const v1::Escalation& e) {
  if (e.escalation_id().empty() || e.state() != v1::ESCALATION_STATE_RAISED) {
    return;
  }
  std::lock_guard lock(mu_);
  if (keep_ && !keep_(e.order_id())) return;
  if (rows_.contains(e.escalation_id())) return;
  AddLocked(e, 0);
}

void EscalationWorklist::AddLocked(const v1::Escalation& e, EpochMillis time) {
  auto row = std::make_unique<OpenEscalation>();
  row->id = e.escalation_id();
  row->order_id = e.order_id();
  row->kind = e.kind();
  row->level = e.level();
  row->detected_at = e.has_detected_at() ? ToMillis(e.detected_at()) : time;
  row->message = e.message();
  row->root_cause = e.root_cause();
  const OpenEscalation& r = *row;
  rows_.emplace(std::string_view(r.id), std::move(row));
  ranked_.insert({r.level, r.detected_at, r.id});
  while (ranked_.size() > max_open_) {
    // The least pressing row goes; it may be the one just added.
    const std::string id(std::prev(ranked_.end())->id);
    EraseLocked(id);
    ++dropped_;
  }
}

void EscalationWorklist::EraseLocked(std::string_view id) {
  auto it = rows_.find(id);
  if (it == rows_.end()) return;
  const OpenEscalation& r = *it->second;
  ranked_.erase({r.level, r.detected_at, r.id});
  rows_.erase(it);
}

void EscalationWorklist::KeepOnly(std::function<bool(std::string_view)> keep) {
  std::lock_guard lock(mu_);
  keep_ = std::move(keep);
  if (!keep_) return;
  std::vector<std::string> gone;
  for (const auto& [id, row] : rows_) {
    if (!keep_(row->order_id)) gone.emplace_back(id);
  }
  for (const std::string& id : gone) EraseLocked(id);
}

void EscalationWorklist::OnRecorded(Topic topic, std::string_view,
                                    EpochMillis time, std::string_view payload) {
  if (topic != Topic::kEscalations) return;
  v1::Escalation e;
  if (!e.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
  Apply(e, time);
}

EscalationWorklist::Page EscalationWorklist::List(const Query& query) const {
  Page page;
  std::lock_guard lock(mu_);
  page.open = static_cast<int64_t>(ranked_.size());
  page.dropped = dropped_;
  page.max_open = max_open_;
  for (const Rank& rank : ranked_) {
    const OpenEscalation& r = *rows_.find(rank.id)->second;
    ++page.by_kind[std::string(KindName(r.kind))];
    ++page.by_level[r.level];
    if (query.kind && r.kind != *query.kind) continue;
    if (query.level && r.level != *query.level) continue;
    ++page.matching;
    if (page.rows.size() < query.limit) page.rows.push_back(r);
  }
  return page;
}

int64_t EscalationWorklist::size() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(ranked_.size());
}

std::pair<int, std::string> HandleEscalationsRequest(
    const EscalationWorklist& worklist,
    const std::map<std::string, std::string>& query) {
  const auto bad = [](std::string why) {
    return std::pair<int, std::string>(400, Json{{"error", std::move(why)}}.dump());
  };
  EscalationWorklist::Query q;
  for (const auto& [key, value] : query) {
    if (value.empty()) continue;
    if (key == "kind") {
      q.kind = KindByName(value);
      if (!q.kind) return bad(Cat("unknown kind '", value, "' (e.g. SHIP_DEADLINE_MISSED)"));
    } else if (key == "level") {
      const std::optional<int64_t> level = IntegerIn(value, 1, 3);
      if (!level) return bad(Cat("level '", value, "': expected 1, 2 or 3"));
      q.level = static_cast<int32_t>(*level);
    } else if (key == "limit") {
      const std::optional<int64_t> limit = IntegerIn(value, 1, 10'000);
      if (!limit) return bad(Cat("limit '", value, "': expected 1 to 10000"));
      q.limit = static_cast<size_t>(*limit);
    } else {
      return bad(Cat("unknown parameter '", key, "' (known: kind, level, limit)"));
    }
  }
  const EscalationWorklist::Page page = worklist.List(q);
  Json rows = Json::array();
  for (const OpenEscalation& r : page.rows) {
    Json row{{"escalationId", r.id},
             {"kind", KindName(r.kind)},
             {"level", r.level},
             {"orderId", r.order_id},
             {"detectedAt", FormatRfc3339(r.detected_at)},
             {"message", r.message}};
    if (!r.root_cause.empty()) row["rootCause"] = r.root_cause;
    rows.push_back(std::move(row));
  }
  Json by_kind = Json::object(), by_level = Json::object();
  for (const auto& [kind, n] : page.by_kind) by_kind[kind] = n;
  for (const auto& [level, n] : page.by_level) by_level[std::to_string(level)] = n;
  Json j{{"escalations", std::move(rows)},
         {"matching", page.matching},
         {"open", page.open},
         {"dropped", page.dropped},
         {"maxOpen", page.max_open},
         {"byKind", std::move(by_kind)},
         {"byLevel", std::move(by_level)}};
  return {200, j.dump()};
}

}  // namespace orderflow
