// The backlog a host publishes (Pipeline::CountBacklog: open orders by
// status and age) against the one the status changes tell: each order's
// last status and placedAt, counted at the engine's clock, after every
// input of a busy run.
#include <map>
#include <string>

#include "tests/engine/engine_test.h"
#include "tests/engine/scenarios.h"

namespace orderflow::testing {
namespace {

struct LastStatus {
  v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
  EpochMillis placed_at = 0;
};

Backlog FromStatusChanges(const std::vector<Output>& outputs, EpochMillis now) {
  std::map<std::string, LastStatus> last;
  for (const Output& o : outputs) {
    if (const auto* s = std::get_if<v1::OrderStatusChanged>(&o)) {
      last[s->order_id()] = {s->status(),
                             s->has_placed_at() ? ToMillis(s->placed_at()) : 0};
    }
  }
  Backlog backlog;
  for (const auto& [id, l] : last) backlog.Add(l.status, now - l.placed_at);
  return backlog;
}

using BacklogCountTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(BacklogCountTest);

TEST_P(BacklogCountTest, MatchesTheStatusChangesAfterEveryInput) {
  for (uint32_t seed : {3u, 17u}) {
    const std::vector<Input> inputs = BusyDays(seed);
    Recorder out;
    Pipeline pipeline(config_, out);
    int64_t open_seen = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      Apply(pipeline, inputs[i], static_cast<int64_t>(i + 1));
      const Backlog counted = pipeline.CountBacklog();
      ASSERT_EQ(counted.orders, FromStatusChanges(out.outputs(), pipeline.clock()).orders)
          << "seed " << seed << ", after input " << i + 1;
      open_seen = std::max(open_seen, counted.total());
    }
    EXPECT_GT(open_seen, 10) << "seed " << seed;  // the run keeps orders open
  }
}

}  // namespace
}  // namespace orderflow::testing
