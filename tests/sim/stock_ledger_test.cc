// The stock ledger the simulators keep: rules 2 and 3 as the engine
// applies them, so that a simulator ships only what the engine allocated.
#include "sim/stock_ledger.h"

#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace orderflow {
namespace {

class Allocations : public StockLedger::Listener {
 public:
  void Allocated(uint32_t order, EpochMillis t) override { seen.emplace_back(order, t); }
  std::vector<std::pair<uint32_t, EpochMillis>> seen;
};

uint32_t AddOrder(StockLedger& ledger, v1::ServiceLevel level, EpochMillis placed,
                  std::vector<LedgerLine> lines) {
  const uint32_t index = ledger.AddOrder();
  LedgerOrder& order = ledger.order(index);
  order.id = "O-" + std::to_string(index);
  order.level = level;
  order.placed_at = placed;
  order.ship_by = placed + Days(1);
  order.lines = std::move(lines);
  return index;
}

TEST(StockLedger, AnOrderWithStockIsAllocatedAtOnce) {
  Allocations allocations;
  StockLedger ledger(2, allocations);
  ledger.Count(0, 5);
  const uint32_t order = AddOrder(ledger, v1::SERVICE_LEVEL_STANDARD, 0, {{0, 3}});
  ledger.Reserve(order, 100);
  ASSERT_EQ(allocations.seen.size(), 1u);
  EXPECT_EQ(allocations.seen[0], std::make_pair(order, EpochMillis{100}));
  EXPECT_EQ(ledger.sku(0).reserved, 3);
  EXPECT_EQ(ledger.sku(0).backlog, 0);
}

TEST(StockLedger, ShortLinesWaitAndAreServedByLevelThenShipBy) {
  Allocations allocations;
  StockLedger ledger(1, allocations);
  ledger.Count(0, 1);
  const uint32_t standard = AddOrder(ledger, v1::SERVICE_LEVEL_STANDARD, 0, {{0, 2}});
  const uint32_t overnight = AddOrder(ledger, v1::SERVICE_LEVEL_OVERNIGHT, 10, {{0, 2}});
  ledger.Reserve(standard, 0);
  ledger.Reserve(overnight, 10);
  EXPECT_TRUE(allocations.seen.empty());
  EXPECT_EQ(ledger.sku(0).backlog, 3);  // 1 of 2 held by the first, 0 of 2
  ledger.Receive(0, 2);
  ledger.Serve(0, 20);
  // The overnight order is first in line although it came later.
  ASSERT_EQ(allocations.seen.size(), 1u);
  EXPECT_EQ(allocations.seen[0].first, overnight);
  ledger.Receive(0, 1);
  ledger.Serve(0, 30);
  ASSERT_EQ(allocations.seen.size(), 2u);
  EXPECT_EQ(allocations.seen[1].first, standard);
  EXPECT_EQ(ledger.sku(0).backlog, 0);
  EXPECT_EQ(ledger.sku(0).reserved, 4);
}

TEST(StockLedger, ACancellationReleasesAndServesTheNextInLine) {
  Allocations allocations;
  StockLedger ledger(1, allocations);
  ledger.Count(0, 2);
  const uint32_t first = AddOrder(ledger, v1::SERVICE_LEVEL_STANDARD, 0, {{0, 2}});
  const uint32_t second = AddOrder(ledger, v1::SERVICE_LEVEL_STANDARD, 10, {{0, 2}});
  ledger.Reserve(first, 0);
  ledger.Reserve(second, 10);
  ASSERT_EQ(allocations.seen.size(), 1u);
  EXPECT_TRUE(ledger.Cancel(first, 50));
  ASSERT_EQ(allocations.seen.size(), 2u);
  EXPECT_EQ(allocations.seen[1], std::make_pair(second, EpochMillis{50}));
  EXPECT_FALSE(ledger.Cancel(first, 60));  // once only
  EXPECT_TRUE(ledger.Ship(second));
  EXPECT_FALSE(ledger.Cancel(second, 70));  // too late: it shipped
  EXPECT_EQ(ledger.sku(0).on_hand, 0);
  EXPECT_EQ(ledger.sku(0).reserved, 0);
}

TEST(StockLedger, ReordersBelowTheReorderPointOnceAtATime) {
  Allocations allocations;
  StockLedger ledger(1, allocations);
  ledger.Count(0, 1);
  const uint32_t order = AddOrder(ledger, v1::SERVICE_LEVEL_STANDARD, 0, {{0, 4}});
  ledger.Reserve(order, 0);
  EXPECT_EQ(ledger.BelowReorderPoint(0, 10), 3);  // the backlog to cover
  ledger.Ordered(0, 20);
  EXPECT_EQ(ledger.BelowReorderPoint(0, 10), std::nullopt);  // on its way
  ledger.Receive(0, 20);
  EXPECT_EQ(ledger.BelowReorderPoint(0, 10), std::nullopt);  // position 17
  EXPECT_EQ(ledger.BelowReorderPoint(0, 18), 0);
}

}  // namespace
}  // namespace orderflow
