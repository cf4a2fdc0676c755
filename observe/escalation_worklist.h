// The team lead's worklist: the escalations this process raised and has
// not cleared, highest level first, then oldest first. What GET
// /api/escalations serves and the dashboard's worklist shows.
//
//   EscalationWorklist worklist;
//   timelines.SetListener(&worklist);  // fed with the committed outputs
//   EscalationWorklist::Page page = worklist.List({.level = 2, .limit = 50});
//
// Kept from the `escalations` records the process emits, as they are
// committed: a RAISED adds its escalation (or replaces one with the same
// id), a CLEARED removes it. One row per escalation id, so an order with
// BACKORDER_AGED at levels 1 and 2 open shows both, as its order page does.
// With several processes each lists the escalations of its own order
// partitions, and forgets those of partitions that go elsewhere (KeepOnly,
// which OrderTimelines forwards when the host tells it of a rebalance).
// What was raised before this process took a partition (before a restart
// or a rebalance) comes from the partition's restored state instead
// (AddRestored, which `orderflow run` has the host call for every
// escalation open in it: HostOptions::on_restored_escalation): its row
// says it was found open, with the order's facts at the restore, until a
// RAISED of the same id replaces it or a CLEARED removes it.
//
// Memory is bounded: at most `max_open` rows (`http.worklist_limit`,
// default 10,000). Beyond it the row that sorts last (the lowest level,
// the newest) is dropped and counted (`dropped`), so the rows kept are
// always the most pressing ones.
//
// Thread-safe: one mutex. The timelines' recording thread adds while an
// HTTP thread lists.
#ifndef ORDERFLOW_OBSERVE_ESCALATION_WORKLIST_H_
#define ORDERFLOW_OBSERVE_ESCALATION_WORKLIST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/time.h"
#include "observe/order_timeline.h"
#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

struct OpenEscalation {
  std::string id;
  std::string order_id;
  v1::EscalationKind kind = v1::ESCALATION_KIND_UNSPECIFIED;
  int32_t level = 0;
  EpochMillis detected_at = 0;  // detectedAt, else the record's time
  std::string message;
  std::string root_cause;  // rule 13's, on CUSTOMER_CONTACT; else empty
};

class EscalationWorklist : public TimelineListener {
 public:
  static constexpr size_t kDefaultMaxOpen = 10'000;
  explicit EscalationWorklist(size_t max_open = kDefaultMaxOpen);

  // A RAISED adds (or replaces) its row, a CLEARED removes it; other
  // states and records without an id are ignored, as are orders KeepOnly
  // left out. `time` stands in for a missing detectedAt.
  void Apply(const v1::Escalation& escalation, EpochMillis time);
  // A RAISED found open in restored state: added as Apply adds it unless
  // a row of its id is kept already (one from the escalations records
  // tells more). Other states are ignored.
  void AddRestored(const v1::Escalation& escalation);
  // Keeps only the rows of orders for which `keep` is true, now and from
  // now on; null keeps every order.
  void KeepOnly(std::function<bool(std::string_view order_id)> keep);

  // TimelineListener: escalations records are parsed and applied.
  void OnRecorded(Topic topic, std::string_view order_id, EpochMillis time,
                  std::string_view payload) override;
  void OnKeepOnly(const std::function<bool(std::string_view)>& keep) override {
    KeepOnly(keep);
  }

  struct Query {
    std::optional<v1::EscalationKind> kind;  // nullopt: every kind
    std::optional<int32_t> level;            // nullopt: every level
    size_t limit = 100;
  };
  struct Page {
    std::vector<OpenEscalation> rows;  // at most limit, in worklist order
    int64_t matching = 0;  // rows the filters match, before the limit
    int64_t open = 0;      // rows kept, unfiltered
    int64_t dropped = 0;   // rows dropped for the bound, since the start
    size_t max_open = 0;
    // Rows kept, unfiltered, by kind name and by level: for the filters.
    std::map<std::string, int64_t> by_kind;
    std::map<int32_t, int64_t> by_level;
  };
  Page List(const Query& query) const;

  int64_t size() const;

 private:
  // The worklist order: higher level first, then older, then by id.
  struct Rank {
    int32_t level;
    EpochMillis detected_at;
    std::string_view id;
    bool operator<(const Rank& o) const {
      if (level != o.level) return level > o.level;
      if (detected_at != o.detected_at) return detected_at < o.detected_at;
      return id < o.id;
    }
  };
  void EraseLocked(std::string_view id);
  // Adds the row of a RAISED `e` (none of its id kept) within the bound.
  void AddLocked(const v1::Escalation& e, EpochMillis time);

  const size_t max_open_;
  mutable std::mutex mu_;
  std::function<bool(std::string_view)> keep_;
  // Rows by a view of their own id, which stays put while the row lives,
  // as do the views in `ranked_`.
  absl::flat_hash_map<std::string_view, std::unique_ptr<OpenEscalation>> rows_;
  std::set<Rank> ranked_;
  int64_t dropped_ = 0;
};

// GET /api/escalations?kind=&level=&limit=: 200 and
//   {"escalations": [{"escalationId", "kind", "level", "orderId",
//                     "detectedAt", "message", "rootCause"?}, ...],
//    "matching": n, "open": n, "dropped": n, "maxOpen": n,
//    "byKind": {"SHIP_DEADLINE_MISSED": n, ...}, "byLevel": {"2": n, ...}}
// `kind` is a kind name without its prefix (SHIP_DEADLINE_MISSED, any
// case), `level` 1 to 3, `limit` 1 to 10000 (default 100); empty means
// unset. Anything else is 400 and {"error": "..."}.
std::pair<int, std::string> HandleEscalationsRequest(
    const EscalationWorklist& worklist,
    const std::map<std::string, std::string>& query);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_ESCALATION_WORKLIST_H_
