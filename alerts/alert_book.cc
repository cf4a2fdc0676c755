#include "alerts/alert_book.h"

#include <algorithm>
#include <utility>

#include "engine/escalations.h"

namespace orderflow {
namespace {

EpochMillis DetectedAt(const v1::Escalation& e) {
  return e.detected_at().seconds() * 1000 + e.detected_at().nanos() / 1'000'000;
}

}  // namespace

void AlertBook::Apply(const v1::Escalation& escalation, EpochMillis now,
                      nlohmann::json* alerts) {
  const std::string& id = escalation.escalation_id();
  if (escalation.state() == v1::ESCALATION_STATE_CLEARED) {
    const auto raised = firing_.find(id);
    if (alerts != nullptr) {
      // Ends when it was cleared, never before it started.
      const v1::Escalation& first =
          raised != firing_.end() ? raised->second : escalation;
      alerts->push_back(Alert(first, std::max(DetectedAt(escalation),
                                              DetectedAt(first))));
    }
    if (raised != firing_.end()) firing_.erase(raised);
    return;
  }
  auto [it, inserted] = firing_.try_emplace(id, escalation);
  if (!inserted) return;  // RAISED once (rule 7); a repeat changes nothing
  if (alerts != nullptr) {
    alerts->push_back(Alert(escalation, HeldUntil(DetectedAt(escalation), now)));
  }
}

void AlertBook::Firing(EpochMillis now, nlohmann::json* alerts) const {
  for (const auto& [id, raised] : firing_) {
    alerts->push_back(Alert(raised, HeldUntil(DetectedAt(raised), now)));
  }
}

EpochMillis AlertBook::HeldUntil(EpochMillis starts_at, EpochMillis now) const {
  return std::max(starts_at, now) + hold_;
}

nlohmann::json AlertBook::Alert(const v1::Escalation& raised,
                                EpochMillis ends_at) {
  const EpochMillis starts_at = DetectedAt(raised);
  return nlohmann::json{
      {"labels",
       {{"alertname", "OrderflowEscalation"},
        {"kind", std::string(KindName(raised.kind()))},
        {"level", std::to_string(raised.level())},
        {"order_id", raised.order_id()},
        {"escalation_id", raised.escalation_id()}}},
      {"annotations",
       {{"summary", raised.message()},
        {"detected_at", FormatRfc3339(starts_at)}}},
      {"startsAt", FormatRfc3339(starts_at)},
      {"endsAt", FormatRfc3339(ends_at)}};
}

}  // namespace orderflow
