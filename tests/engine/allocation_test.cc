// Rule 2, allocation: an accepted order reserves available stock line by
// line; complete means ALLOCATED and one CREATE task, short means
// BACKORDERED keeping what it got.
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using AllocationTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(AllocationTest);

TEST_P(AllocationTest, EveryLineReservedAllocatesWithOneTaskForAllLines) {
  Stock(Receipt("SKU-A", 5, kT0));
  Stock(Receipt("SKU-B", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 3}}));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery CREATE [L1 SKU-A x2, L2 SKU-B x3]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 2}));
  EXPECT_EQ(LedgerOf("SKU-B"), (Ledger{.on_hand = 5, .reserved = 3}));
}

TEST_P(AllocationTest, TaskCarriesPriorityDeadlinesAndCreationTime) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}, kExpress), kT0 + Minutes(5));

  const std::vector<v1::DeliveryTask> tasks = out_.Tasks("O-1");
  ASSERT_EQ(tasks.size(), 1u);
  const v1::DeliveryTask& task = tasks[0];
  EXPECT_EQ(task.task_id(), "O-1/delivery");
  EXPECT_EQ(task.action(), v1::TASK_ACTION_CREATE);
  EXPECT_EQ(task.priority(), kExpress);
  EXPECT_EQ(Ms(task.ship_by()), kT0 + Days(1));      // promise - 1 day transit
  EXPECT_EQ(Ms(task.deliver_by()), kT0 + Days(2));   // placedAt + 2 days
  EXPECT_EQ(Ms(task.created_at()), kT0 + Minutes(5));
}

// Not a rule of the contract: the project added DeliveryTask.shipTo ("where
// the parcel goes") to the public contract.
TEST_P(AllocationTest, TaskCarriesTheShipToAddress) {
  Stock(Receipt("SKU-A", 5, kT0));
  const v1::OrderPlaced order = Order("O-1", {{"SKU-A", 1}});
  Place(order);

  const std::vector<v1::DeliveryTask> tasks = out_.Tasks("O-1");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].ship_to().SerializeAsString(),
            order.ship_to().SerializeAsString())
      << "task ship_to: {" << tasks[0].ship_to().ShortDebugString() << "}";
}

// The address of an order that waits for stock is still its own when its
// task is created, after other orders (with addresses of their own) came.
TEST_P(AllocationTest, BackorderedTaskCarriesItsOwnAddressAfterLaterOrders) {
  v1::OrderPlaced first = Order("O-1", {{"SKU-A", 1}});
  first.mutable_ship_to()->set_name("First Customer");
  v1::OrderPlaced second = Order("O-2", {{"SKU-B", 1}});
  second.mutable_ship_to()->set_name("Second Customer");
  Place(first);  // no stock yet: backordered
  Place(second);
  Stock(Receipt("SKU-A", 1, kT0 + Minutes(1)));

  const std::vector<v1::DeliveryTask> tasks = out_.Tasks("O-1");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].ship_to().SerializeAsString(),
            first.ship_to().SerializeAsString())
      << "task ship_to: {" << tasks[0].ship_to().ShortDebugString() << "}";
}

TEST_P(AllocationTest, ShortLineBackordersAndKeepsWhatWasReserved) {
  Stock(Receipt("SKU-A", 5, kT0));
  Stock(Receipt("SKU-B", 1, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-B", 3}}));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-B]"));
  EXPECT_THAT(out_.Tasks(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 2}));
  EXPECT_EQ(LedgerOf("SKU-B"),
            (Ledger{.on_hand = 1, .reserved = 1, .waiting_orders = 1}));
}

TEST_P(AllocationTest, EveryShortSkuIsAReason) {
  Stock(Receipt("SKU-B", 9, kT0));
  Place(Order("O-1", {{"SKU-A", 1}, {"SKU-B", 2}, {"SKU-C", 1}}));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED "
                          "[SHORT_STOCK:SKU-A, SHORT_STOCK:SKU-C]"));
}

TEST_P(AllocationTest, UnknownSkuHasZeroStock) {
  Place(Order("O-1", {{"SKU-NEVER-SEEN", 1}}));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-NEVER-SEEN]"));
  EXPECT_EQ(LedgerOf("SKU-NEVER-SEEN"),
            (Ledger{.on_hand = 0, .reserved = 0, .waiting_orders = 1}));
}

TEST_P(AllocationTest, TwoLinesOfOneSkuAreReservedTogether) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-A", 3}}));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery CREATE [L1 SKU-A x2, L2 SKU-A x3]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 5}));
}

// A large order's short SKUs are named once each too, in line order.
TEST_P(AllocationTest, ManyLinesOfFewSkusShortGiveOneReasonPerSku) {
  Stock(Receipt("SKU-A", 1, kT0));
  std::vector<LineSpec> lines;
  for (int i = 0; i < 12; ++i) lines.push_back({i % 3 == 1 ? "SKU-B" : "SKU-A", 1});
  Place(Order("O-1", lines));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED "
                          "[SHORT_STOCK:SKU-A, SHORT_STOCK:SKU-B]"));
}

TEST_P(AllocationTest, TwoLinesOfOneSkuShortGiveOneReason) {
  Stock(Receipt("SKU-A", 4, kT0));
  Place(Order("O-1", {{"SKU-A", 2}, {"SKU-A", 3}}));

  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 4, .reserved = 4, .waiting_orders = 1}));
}

TEST_P(AllocationTest, AvailableIsOnHandMinusReserved) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 4}}));
  out_.Take();

  Place(Order("O-2", {{"SKU-A", 2}}, kStandard, kT0 + Hours(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 5, .reserved = 5, .waiting_orders = 1}));
}

TEST_P(AllocationTest, NewOrderDoesNotJumpTheBackorderQueue) {
  Place(Order("O-1", {{"SKU-A", 5}}, kOvernight));
  Stock(Receipt("SKU-A", 3, kT0 + Hours(1)));  // all three held for O-1
  out_.Take();

  Place(Order("O-2", {{"SKU-A", 1}}, kOvernight, kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 3, .reserved = 3, .waiting_orders = 2}));
}

}  // namespace
}  // namespace orderflow::testing
