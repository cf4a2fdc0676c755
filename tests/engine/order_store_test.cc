// OrderStore against a model: a std::map by id of where each order is
// (its address and slot) and what its backlog entry holds. Orders are
// created, found, forgotten and created again in freed slots, over many
// chunks; names are interned; the backlog is counted. Then the ship-to
// addresses (ShipToAddresses, owned by the store) against a map of the
// bytes each order should give, through encodings that leave the address
// of the order placed last waiting in the buffer.
#include "engine/order_store.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/order_wire.h"
#include "gtest/gtest.h"
#include "tests/engine/builders.h"

namespace orderflow {
namespace {

struct Rng {
  uint64_t state = 1;
  uint64_t Next() {
    return state = state * 6364136223846793005ull + 1442695040888963407ull;
  }
  size_t Pick(size_t n) { return (Next() >> 33) % n; }
};

struct Kept {
  Order* order;
  OrderSlot slot;
  uint32_t generation;
  v1::OrderStatus status;
  EpochMillis placed_at;
};

TEST(OrderStoreTest, AgreesWithAMapThroughForgettingAndSlotReuse) {
  OrderStore store;
  std::map<std::string, Kept> model;
  std::map<OrderSlot, uint32_t> generations;  // of every slot handed out
  std::vector<OrderSlot> freed;               // last freed last
  Rng rng;
  constexpr EpochMillis kNow = 1'700'000'000'000;
  auto check_all = [&] {
    ASSERT_EQ(store.size(), model.size());
    size_t seen = 0;
    store.ForEach([&](const Order& order) {
      ++seen;
      const auto it = model.find(std::string(order.id.view()));
      ASSERT_NE(it, model.end()) << order.id.view();
      EXPECT_EQ(&order, it->second.order);
    });
    EXPECT_EQ(seen, model.size());
    Backlog counted, expected;
    store.CountBacklog(kNow, counted);
    for (const auto& [id, kept] : model) {
      expected.Add(kept.status, kNow - kept.placed_at);
    }
    EXPECT_EQ(counted.orders, expected.orders);
  };
  const v1::OrderStatus kStatuses[] = {
      v1::ORDER_STATUS_ACCEPTED, v1::ORDER_STATUS_BACKORDERED,
      v1::ORDER_STATUS_SHIPPED, v1::ORDER_STATUS_DELIVERED,
      v1::ORDER_STATUS_REJECTED};
  for (int step = 0; step < 60000; ++step) {
    // Up to 6,000 ids: more orders than one chunk holds.
    const std::string id = "SO-" + std::to_string(rng.Pick(6000));
    auto it = model.find(id);
    Order* found = store.Find(id);
    ASSERT_EQ(found != nullptr, it != model.end()) << id;
    if (it == model.end()) {
      Order& order = store.Create(id);
      EXPECT_EQ(order.id.view(), id);
      EXPECT_EQ(order.status, v1::ORDER_STATUS_UNSPECIFIED);
      if (!freed.empty()) {  // a freed slot first, the last freed
        EXPECT_EQ(order.slot, freed.back());
        freed.pop_back();
      } else {
        EXPECT_EQ(generations.count(order.slot), 0u);  // never used
      }
      EXPECT_EQ(order.generation, generations[order.slot]);
      EXPECT_EQ(&store.At(order.slot), &order);
      order.status = kStatuses[rng.Pick(5)];
      order.placed_at = kNow - static_cast<EpochMillis>(rng.Pick(10 * 86'400'000));
      store.NoteBacklogEntry(order);
      model.emplace(id, Kept{&order, order.slot, order.generation,
                             order.status, order.placed_at});
      continue;
    }
    const Kept& kept = it->second;
    ASSERT_EQ(found, kept.order);  // a stable address
    EXPECT_EQ(found->slot, kept.slot);
    EXPECT_EQ(found->generation, kept.generation);
    if (rng.Pick(2) == 0) {
      store.Forget(*found);
      EXPECT_EQ(found->generation, kept.generation + 1);
      EXPECT_TRUE(found->id.view().empty());
      generations[kept.slot] = kept.generation + 1;
      freed.push_back(kept.slot);
      model.erase(it);
      EXPECT_EQ(store.Find(id), nullptr);
    }
    if (step % 5000 == 0) {
      ASSERT_NO_FATAL_FAILURE(check_all());
    }
  }
  ASSERT_NO_FATAL_FAILURE(check_all());

  store.Clear();
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.Find(model.begin()->first), nullptr);
  Backlog none;
  store.CountBacklog(kNow, none);
  EXPECT_EQ(none.total(), 0);
}

// Find tries the order found or created last before the index: it must
// find it again only while the order is there, never a freed slot's
// empty order, nor the slot's next order under the old id.
TEST(OrderStoreTest, FindsTheOrderFoundLastOnlyWhileItIsThere) {
  OrderStore store;
  Order& a = store.Create("SO-A");
  EXPECT_EQ(store.Find("SO-A"), &a);
  EXPECT_EQ(store.Find("SO-A"), &a);
  EXPECT_EQ(store.Find("SO-B"), nullptr);
  EXPECT_EQ(store.Find("SO-A"), &a);
  Order& b = store.Create("SO-B");
  EXPECT_EQ(store.Find("SO-A"), &a);
  EXPECT_EQ(store.Find("SO-B"), &b);

  const OrderSlot a_slot = a.slot;
  ASSERT_EQ(store.Find("SO-A"), &a);  // the one found last
  store.Forget(a);
  EXPECT_EQ(store.Find("SO-A"), nullptr);
  EXPECT_EQ(store.Find(""), nullptr);  // the freed slot's id is empty
  Order& c = store.Create("SO-C");     // in the freed slot
  ASSERT_EQ(c.slot, a_slot);
  EXPECT_EQ(store.Find("SO-A"), nullptr);
  EXPECT_EQ(store.Find("SO-C"), &c);
  EXPECT_EQ(store.Find("SO-B"), &b);

  store.Clear();
  EXPECT_EQ(store.Find("SO-B"), nullptr);
  EXPECT_EQ(store.Find(""), nullptr);
  Order& d = store.Create("SO-D");
  EXPECT_EQ(store.Find("SO-D"), &d);
  EXPECT_EQ(store.Find("SO-B"), nullptr);
}

TEST(OrderStoreTest, InternsEachNameOnce) {
  OrderStore store;
  EXPECT_EQ(store.Intern(""), 0u);
  std::map<std::string, SkuId> model{{"", 0}};
  Rng rng;
  for (int step = 0; step < 20000; ++step) {
    const std::string name = "SKU-" + std::to_string(rng.Pick(3000));
    const auto it = model.find(name);
    ASSERT_EQ(store.InternedId(name).has_value(), it != model.end()) << name;
    const SkuId id = store.Intern(name);
    if (it == model.end()) {
      EXPECT_EQ(id, model.size());
      model.emplace(name, id);
    } else {
      EXPECT_EQ(id, it->second);
    }
    EXPECT_EQ(store.Name(id), name);
  }
  store.Clear();  // names stay
  for (const auto& [name, id] : model) EXPECT_EQ(store.InternedId(name), id);
}

// Each order's address as Of gives it, through orders placed one after
// another (each Encode copies the waiting address into its order), kept
// from the encoding (also by a second order, which leaves the first with
// a copy) or from a message, dropped, and orders forgotten.
TEST(ShipToAddressesTest, EveryOrderReadsTheAddressItKept) {
  OrderStore store;
  ShipToAddresses& addresses = store.ship_to();
  std::map<Order*, std::optional<std::string>> model;
  std::vector<Order*> orders;
  v1::Address last_encoded;
  Rng rng;
  auto check_all = [&] {
    for (const auto& [order, bytes] : model) {
      ASSERT_EQ(order->has_ship_to(), bytes.has_value()) << order->id.view();
      EXPECT_EQ(addresses.Of(*order), bytes.value_or("")) << order->id.view();
    }
  };
  for (int step = 0; step < 20000; ++step) {
    // Up to 200 orders at a time: each step reads every one.
    size_t op = rng.Pick(10);
    if (op < 4 && orders.size() >= 200) op = 7;
    if (op < 4 || orders.empty()) {
      // A new order, its lines first, then its address from its encoding.
      v1::OrderPlaced placed = testing::Order("SO-" + std::to_string(step),
                                              {{"SKU-A", 1}, {"SKU-B", 2}});
      placed.mutable_ship_to()->set_line1("Street " + std::to_string(step) +
                                          std::string(rng.Pick(40), 'x'));
      const OrderEncoding encoding = addresses.Encode(placed);
      Order& order = store.Create(placed.order_id());
      for (const v1::OrderLine& line : placed.lines()) {
        order.AddLine(line.line_id(), store.Intern(line.sku()),
                      static_cast<int32_t>(line.quantity()), 0, false);
      }
      ASSERT_TRUE(encoding.ship_to.has_value());
      addresses.KeepEncoded(order, placed.ship_to());
      std::string bytes;
      AppendAddress(placed.ship_to(), bytes);
      model[&order] = bytes;
      orders.push_back(&order);
      last_encoded = placed.ship_to();
      EXPECT_EQ(order.LineId(1), placed.lines(1).line_id());
    } else if (op < 6) {
      Order& order = *orders[rng.Pick(orders.size())];
      addresses.Drop(order);
      model[&order] = std::nullopt;
    } else if (op < 7) {
      Order& order = *orders[rng.Pick(orders.size())];
      v1::Address address;
      address.set_line1("Restored " + std::to_string(step));
      addresses.Keep(order, address);
      std::string bytes;
      AppendAddress(address, bytes);
      model[&order] = bytes;
    } else if (op < 8 && rng.Pick(2) == 0) {
      Order& order = *orders[rng.Pick(orders.size())];
      addresses.KeepEncoded(order, last_encoded);
      std::string bytes;
      AppendAddress(last_encoded, bytes);
      model[&order] = bytes;
    } else if (op < 8) {
      const size_t i = rng.Pick(orders.size());
      Order& order = *orders[i];
      store.Forget(order);
      EXPECT_FALSE(order.has_ship_to());
      model.erase(&order);
      orders.erase(orders.begin() + static_cast<std::ptrdiff_t>(i));
    }
    // Every other step only reads.
    ASSERT_NO_FATAL_FAILURE(check_all()) << "step " << step;
  }
}

}  // namespace
}  // namespace orderflow
