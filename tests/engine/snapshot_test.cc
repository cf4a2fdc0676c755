// Snapshots: a pipeline whose shards are restored from snapshots taken
// mid-scenario (through their bytes, as a changelog would keep them) gives
// exactly the outputs the original gives from there on.
#include "tests/engine/engine_test.h"
#include "tests/engine/saved_shards.h"
#include "tests/engine/scenarios.h"
#include "engine/deterministic.h"
#include "engine/fingerprint.h"
#include "engine/order_wire.h"

namespace orderflow::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAreArray;

std::vector<std::string> BytesOf(const std::vector<Output>& outputs,
                                 size_t from = 0) {
  std::vector<std::string> bytes;
  for (size_t i = from; i < outputs.size(); ++i) bytes.push_back(Bytes(outputs[i]));
  return bytes;
}
std::vector<std::string> SummariesOf(const std::vector<Output>& outputs,
                                     size_t from = 0) {
  std::vector<std::string> lines;
  for (size_t i = from; i < outputs.size(); ++i) lines.push_back(Summary(outputs[i]));
  return lines;
}

class SnapshotTest : public EngineTest {
 protected:
  // Feeds `before` to the pipeline, restores a second one from its shards
  // as they are then (through their bytes), and feeds `after` to both.
  // Expects the same clock when restored, the same outputs from there on,
  // byte for byte, and the same state at the end; returns the summaries
  // of the restored pipeline's outputs.
  std::vector<std::string> RestoredMidWay(const std::vector<Input>& before,
                                          const std::vector<Input>& after) {
    for (size_t i = 0; i < before.size(); ++i) {
      Apply(pipeline(), before[i], static_cast<int64_t>(i + 1));
    }
    const SavedShards saved = SaveShards(pipeline());
    const size_t cut = out_.outputs().size();

    Recorder restored_out;
    Pipeline restored(config_, restored_out);
    LoadShards(saved, restored);
    EXPECT_EQ(restored.clock(), pipeline().clock());

    for (size_t i = 0; i < after.size(); ++i) {
      const int64_t offset = static_cast<int64_t>(before.size() + i + 1);
      Apply(pipeline(), after[i], offset);
      Apply(restored, after[i], offset);
    }
    EXPECT_THAT(SummariesOf(restored_out.outputs()),
                ElementsAreArray(SummariesOf(out_.outputs(), cut)));
    EXPECT_THAT(BytesOf(restored_out.outputs()),
                ElementsAreArray(BytesOf(out_.outputs(), cut)));

    ExpectSameShards(restored, pipeline());
    return SummariesOf(restored_out.outputs());
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(SnapshotTest);

TEST_P(SnapshotTest, RestoredPipelineContinuesLikeTheOriginal) {
  // Before the snapshot: an allocation, two backorders (one holding part
  // of its units), held records of three kinds, a raised escalation.
  const std::vector<Input> before = {
      {Receipt("SKU-A", 3, kT0), kT0},
      {Receipt("SKU-B", 1, kT0), kT0},
      {Order("O-1", {{"SKU-A", 2}}), kT0},
      {Order("O-2", {{"SKU-A", 2}, {"SKU-B", 1}}, kOvernight), kT0},
      {Order("O-3", {{"SKU-B", 2}}, kExpress), kT0},
      {Shipment("O-4", "S-4", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)), kT0 + Hours(1)},
      {Cancellation("O-5", kT0 + Hours(1)), kT0 + Hours(1)},
      {Shipment("O-6", "S-6", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)), kT0 + Hours(1)},
      {Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(2)), kT0 + Hours(2)},
      {Tick{}, kT0 + Hours(9)},
  };
  // After it: stock arriving for the backorders, the held records meeting
  // their orders or expiring, repeated records, deadlines falling due.
  const std::vector<Input> after = {
      {Receipt("SKU-A", 1, kT0 + Hours(10)), kT0 + Hours(10)},
      {Order("O-4", {{"SKU-C", 1}}, kStandard, kT0 + Hours(11)), kT0 + Hours(11)},
      {Order("O-5", {{"SKU-A", 1}}, kStandard, kT0 + Hours(11)), kT0 + Hours(11)},
      {Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_PICKED, kT0 + Hours(2)), kT0 + Hours(12)},
      {Cancellation("O-1", kT0 + Hours(12)), kT0 + Hours(12)},
      {Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(12)), kT0 + Hours(12)},
      {Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(12)), kT0 + Hours(13)},
      {Order("O-2", {{"SKU-A", 9}}), kT0 + Hours(13)},
      {Order("O-2", {{"SKU-A", 2}, {"SKU-B", 1}}, kOvernight), kT0 + Hours(13)},
      {Receipt("SKU-B", 2, kT0 + Hours(14)), kT0 + Hours(14)},
      {Tick{}, kT0 + Days(8)},
  };

  // Restored, it goes on alike; the part after the snapshot did exercise
  // what was saved.
  const std::vector<std::string> lines = RestoredMidWay(before, after);
  EXPECT_THAT(lines, Contains("status O-2 BACKORDERED -> ALLOCATED"));
  EXPECT_THAT(lines, Contains("status O-3 BACKORDERED -> ALLOCATED"));
  EXPECT_THAT(lines, Contains("status O-4 ACCEPTED -> SHIPPED"));
  EXPECT_THAT(lines, Contains("status O-5 ACCEPTED -> CANCELLED [CANCEL_REQUESTED]"));
  EXPECT_THAT(lines, Contains("dead-letter shipments/O-6 UNMATCHED_SHIPMENT"));
  EXPECT_THAT(lines, Contains("dead-letter orders/O-2 DUPLICATE_ORDER"));
  EXPECT_THAT(lines, Contains("CLEARED O-2/SHIP_DEADLINE_AT_RISK/1"));
}

// A shipment event carrying `lines` (lineId, units): a parcel (rule 10).
v1::ShipmentEvent WithLines(v1::ShipmentEvent e,
                            std::vector<std::pair<std::string, int32_t>> lines) {
  for (const auto& [id, units] : lines) {
    v1::ShipmentLine* l = e.add_lines();
    l->set_line_id(id);
    l->set_quantity(units);
  }
  return e;
}

TEST_P(SnapshotTest, ParcelsMidWayAreRestored) {
  // Before the snapshot: O-1 partly shipped and partly delivered with one
  // parcel failed, O-2 partly shipped, O-3 shipped whole before a parcel
  // delivered part of it.
  const std::vector<Input> before = {
      {Receipt("SKU-A", 20, kT0), kT0},
      {Receipt("SKU-B", 20, kT0), kT0},
      {Order("O-1", {{"SKU-A", 3}, {"SKU-B", 5}}), kT0},
      {Order("O-2", {{"SKU-A", 2}, {"SKU-B", 2}}, kExpress), kT0},
      {Order("O-3", {{"SKU-A", 2}}), kT0},
      {WithLines(Shipment("O-1", "P-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)),
                 {{"L1", 3}, {"L2", 1}}), kT0 + Hours(1)},
      {WithLines(Shipment("O-1", "P-2", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)),
                 {{"L2", 2}}), kT0 + Hours(1)},
      {Shipment("O-1", "P-1", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(5)), kT0 + Hours(5)},
      {Shipment("O-1", "P-2", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Hours(6)), kT0 + Hours(6)},
      {WithLines(Shipment("O-2", "Q-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2)),
                 {{"L2", 1}}), kT0 + Hours(2)},
      {Shipment("O-3", "R-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2)), kT0 + Hours(2)},
      {WithLines(Shipment("O-3", "R-2", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Hours(7)),
                 {{"L1", 1}}), kT0 + Hours(7)},
  };
  // After it: repeats, the rest shipping, a cancellation of the rest,
  // deadlines naming what is missing.
  const std::vector<Input> after = {
      {Shipment("O-1", "P-2", v1::SHIPMENT_STATUS_DELIVERY_FAILED, kT0 + Hours(6)), kT0 + Hours(8)},
      {WithLines(Shipment("O-1", "P-3", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(9)),
                 {{"L2", 2}}), kT0 + Hours(9)},
      {Cancellation("O-2", kT0 + Hours(10)), kT0 + Hours(10)},
      {Tick{}, kT0 + Days(3)},
      {Shipment("O-1", "P-2", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(3)), kT0 + Days(3)},
      {Shipment("O-1", "P-3", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(3)), kT0 + Days(3)},
      {WithLines(Shipment("O-3", "R-3", v1::SHIPMENT_STATUS_DELIVERED, kT0 + Days(3)),
                 {{"L1", 1}}), kT0 + Days(3)},
      {Tick{}, kT0 + Days(8)},
  };

  const std::vector<std::string> lines = RestoredMidWay(before, after);
  EXPECT_THAT(lines, Contains("status O-1 PARTIALLY_DELIVERED -> DELIVERED"));
  EXPECT_THAT(lines, Contains("CLEARED O-1/DELIVERY_FAILED/2"));
  EXPECT_THAT(lines, Contains("status O-2 PARTIALLY_SHIPPED -> SHIPPED [CANCEL_REQUESTED]"));
  EXPECT_THAT(lines, Contains("status O-3 PARTIALLY_DELIVERED -> DELIVERED"));
}

TEST_P(SnapshotTest, RestoringAtAnyPointOfABusyRunChangesNothing) {
  const std::vector<Input> inputs = BusyDays(7);
  const std::vector<Output> reference = RunScript(config_, inputs);

  for (size_t cut = 0; cut <= inputs.size(); cut += 13) {
    SCOPED_TRACE("snapshot after input " + std::to_string(cut));
    Recorder first_out;
    Pipeline first(config_, first_out);
    for (size_t i = 0; i < cut; ++i) {
      Apply(first, inputs[i], static_cast<int64_t>(i + 1));
    }
    Recorder rest_out;
    Pipeline rest(config_, rest_out);
    LoadShards(SaveShards(first), rest);
    // The open orders a host counts for /metrics come back too.
    ASSERT_EQ(rest.CountBacklog().orders, first.CountBacklog().orders);
    for (size_t i = cut; i < inputs.size(); ++i) {
      Apply(rest, inputs[i], static_cast<int64_t>(i + 1));
    }
    std::vector<Output> joined = first_out.outputs();
    joined.insert(joined.end(), rest_out.outputs().begin(), rest_out.outputs().end());
    ASSERT_THAT(SummariesOf(joined), ElementsAreArray(SummariesOf(reference)));
    ASSERT_THAT(BytesOf(joined), ElementsAreArray(BytesOf(reference)));
  }
}

TEST_P(SnapshotTest, EqualStatesGiveEqualBytes) {
  const std::vector<Input> inputs = BusyDays(11);
  Recorder out_a, out_b;
  Pipeline a(config_, out_a), b(config_, out_b);
  for (size_t i = 0; i < inputs.size() / 2; ++i) {
    Apply(a, inputs[i], static_cast<int64_t>(i + 1));
    Apply(b, inputs[i], static_cast<int64_t>(i + 1));
  }
  const SavedShards saved_a = SaveShards(a);
  EXPECT_EQ(saved_a.orders, SaveShards(b).orders);
  EXPECT_EQ(saved_a.inventory, SaveShards(b).inventory);

  // A restored pipeline saves exactly what it was restored from.
  Recorder out_c;
  Pipeline c(config_, out_c);
  LoadShards(saved_a, c);
  EXPECT_EQ(SaveShards(c).orders, saved_a.orders);
  EXPECT_EQ(SaveShards(c).inventory, saved_a.inventory);
}

// One message reused for every key (what a host writing its changelog
// does) holds, each time, exactly what a fresh KeyState holds: a larger
// state before a smaller one leaves nothing behind.
TEST_P(SnapshotTest, AReusedKeyStateMessageHoldsWhatAFreshOneDoes) {
  Stock(Receipt("SKU-A", 2, kT0));
  Stock(Receipt("SKU-B", 50, kT0));
  Place(Order("O-BIG", {{"SKU-A", 3}, {"SKU-B", 2}, {"SKU-C", 1}}, kExpress));
  Place(Order("O-SMALL", {{"SKU-B", 1}}));
  Place(Order("O-WAITING", {{"SKU-A", 4}}));
  Cancel(Cancellation("O-EARLY", kT0));  // before its order: kept early
  const std::vector<std::string> ids = {"O-BIG", "O-EARLY", "O-SMALL",
                                        "O-WAITING", "O-NONE", "O-BIG"};
  for (int i = 0; i < pipeline().order_shard_count(); ++i) {
    const OrderShard& shard = pipeline().order_shard(i);
    internal::v1::OrderKeyState reused;
    for (const std::string& id : ids) {
      shard.FillKeyState(id, &reused);
      EXPECT_EQ(Deterministic(reused), Deterministic(shard.KeyState(id))) << id;
    }
  }
  for (int i = 0; i < pipeline().inventory_shard_count(); ++i) {
    const InventoryShard& shard = pipeline().inventory_shard(i);
    internal::v1::StockState reused;
    for (const char* sku : {"SKU-A", "SKU-B", "SKU-NONE", "SKU-A"}) {
      shard.FillKeyState(sku, &reused);
      EXPECT_EQ(Deterministic(reused), Deterministic(shard.KeyState(sku))) << sku;
    }
  }
}

// States saved before ContentFingerprint hold the FNV-1a fingerprint of
// the order's encoding: restored, the order still knows a repeat of itself
// from an order id reused with different content.
TEST_P(SnapshotTest, AnOrderSavedWithTheEarlierFingerprintKnowsItsRepeat) {
  Stock(Receipt("SKU-A", 5, kT0));
  const v1::OrderPlaced order = Order("O-1", {{"SKU-A", 2}});
  Place(order);
  out_.Take();

  SavedShards saved = SaveShards(pipeline());
  std::string buffer;
  const std::string_view encoding = EncodeOrderPlaced(order, buffer);
  const uint64_t earlier = Fingerprint(encoding);
  bool found = false;
  for (std::string& bytes : saved.orders) {
    internal::v1::OrderShardSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(bytes));
    for (internal::v1::OrderState& state : *snapshot.mutable_orders()) {
      if (state.order_id() != "O-1") continue;
      ASSERT_EQ(state.content_hash(), ContentFingerprint(encoding));
      state.set_content_hash(earlier);
      found = true;
    }
    bytes = snapshot.SerializeAsString();
  }
  ASSERT_TRUE(found);

  Recorder restored_out;
  Pipeline restored(config_, restored_out);
  LoadShards(saved, restored);
  Apply(restored, {order, kT0 + Hours(1)}, 10);
  EXPECT_THAT(SummariesOf(restored_out.outputs()), ::testing::IsEmpty());
  Apply(restored, {Order("O-1", {{"SKU-A", 3}}), kT0 + Hours(1)}, 11);
  EXPECT_THAT(SummariesOf(restored_out.outputs()),
              Contains("dead-letter orders/O-1 DUPLICATE_ORDER"));
}

// An order keeps its service level in a byte (ByteEnum): a level no enum
// value has, which review rejects, is saved as 255 (out of range) and
// restored as that, and the order it stands for still knows its repeat.
TEST_P(SnapshotTest, AServiceLevelPastAByteIsSavedAsOutOfRange) {
  v1::OrderPlaced odd = Order("O-1", {{"SKU-A", 2}});
  odd.set_service_level(static_cast<v1::ServiceLevel>(300));
  const std::vector<std::string> lines = RestoredMidWay(
      {{odd, kT0}}, {{odd, kT0 + Hours(1)},
                     {Order("O-1", {{"SKU-A", 3}}), kT0 + Hours(1)}});
  EXPECT_THAT(lines, Contains("dead-letter orders/O-1 DUPLICATE_ORDER"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_REJECTED);
  bool found = false;
  for (const std::string& bytes : SaveShards(pipeline()).orders) {
    internal::v1::OrderShardSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(bytes));
    for (const internal::v1::OrderState& state : snapshot.orders()) {
      if (state.order_id() != "O-1") continue;
      EXPECT_EQ(static_cast<int>(state.service_level()), 255);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(ByteEnumTest, KeepsEveryValueOfAByteAndMarksTheRest) {
  for (int v : {0, 1, 3, 254}) {
    const ByteEnum<v1::ServiceLevel> level = static_cast<v1::ServiceLevel>(v);
    EXPECT_EQ(static_cast<int>(v1::ServiceLevel{level}), v);
  }
  for (int v : {255, 256, 300, -1, INT32_MIN, INT32_MAX}) {
    const ByteEnum<v1::ServiceLevel> level = static_cast<v1::ServiceLevel>(v);
    EXPECT_EQ(static_cast<int>(v1::ServiceLevel{level}), 255) << v;
  }
  static_assert(sizeof(ByteEnum<v1::OrderStatus>) == 1);
}

TEST(RungSetTest, KeepsEveryRungAndDropsBitsOfNone) {
  RungSet all;
  for (int r = 0; r < static_cast<int>(Rung::kCount); ++r) {
    all.insert(static_cast<Rung>(r));
  }
  EXPECT_EQ(RungSet(all.bits()).bits(), all.bits());
  EXPECT_EQ(RungSet(0xFFFFFFFFu).bits(), all.bits());
  EXPECT_TRUE(RungSet(all.bits()).contains(Rung::kAmendmentRejected1));
  EXPECT_EQ(RungSet(1u << 20).bits(), 0u);
}

}  // namespace
}  // namespace orderflow::testing
