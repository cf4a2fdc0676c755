// Rule 9, preemption across the stages: the inventory stage learns of
// warehouse work on an order from the order stage (ACTION_PICKED), so
// when the two run apart it may preempt the line of an order picked a
// moment ago. The picked order refuses: it keeps its line, tasks and
// status; its units are taken back from the urgent order, which is
// BACKORDERED [PREEMPTED_ORDER_PICKED:<orderId>], has its task
// CANCELled, and asks again (other stock, another preemptible line, or
// waiting). The stage messages are held back and delivered by hand, in
// the orders two processes may see them in; a restore in the middle
// gives the same outputs.
#include <functional>
#include <string>
#include <vector>

#include "engine/stage_messages.h"
#include "tests/engine/engine_test.h"
#include "tests/engine/held_messages.h"
#include "tests/engine/saved_shards.h"
#include "tests/engine/sourcing_fixture.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class PreemptionRaceTest : public EngineTest {
 protected:
  void SetUp() override { Configure(SourcingConfig::Fulfilment::kShipComplete); }
  void Configure(SourcingConfig::Fulfilment fulfilment) {
    Reconfigure([&](EngineConfig& c) {
      c.sourcing.warehouses = {{"WH-A", 1, {}}, {"WH-B", 2, {}}};
      c.sourcing.fulfilment = fulfilment;
      c.sourcing.preempt = true;
    });
  }

  // Records that only one stage has read so far; what they send is held.
  void ReportedAtOrders(HeldMessages& held, const v1::ShipmentEvent& event) {
    const EpochMillis at = Ms(event.occurred_at());
    const std::string& order_id = event.order_id();
    const std::string payload = event.SerializeAsString();
    held.AtOrders(pipeline(), order_id, at, [&](OrderShard& s, Emitter& e) {
      s.OnShipment(event, SourceFor("shipments", order_id, payload, at, 0),
                   e);
    });
  }
  void PickedAtOrders(HeldMessages& held, std::string_view order_id,
                      EpochMillis at) {
    ReportedAtOrders(held,
                     Shipment(order_id, "S-PICK", v1::SHIPMENT_STATUS_PICKED, at));
  }
  void PlacedAtOrders(HeldMessages& held, const v1::OrderPlaced& order) {
    const EpochMillis at = Ms(order.placed_at());
    const std::string payload = order.SerializeAsString();
    held.AtOrders(pipeline(), order.order_id(), at, [&](OrderShard& s, Emitter& e) {
      s.OnOrderPlaced(
          order, SourceFor("orders", order.order_id(), payload, at, 0), e);
    });
  }
  void ReceivedAtInventory(HeldMessages& held, const v1::InventoryEvent& event) {
    const EpochMillis at = Ms(event.occurred_at());
    const std::string payload = event.SerializeAsString();
    held.AtInventory(pipeline(), event.sku(), at, [&](InventoryShard& s, Emitter& e) {
      s.OnInventoryEvent(
          event, SourceFor("inventory", event.sku(), payload, at, 0), e);
    });
  }

  // O-1, STANDARD, holds `units` of SKU-A at WH-A, all there are, in a
  // task created; what that emitted is taken.
  void AllocateO1(int64_t units) {
    Stock(ReceiptAt("WH-A", "SKU-A", units, kT0));
    Place(Standard("O-1", {{"SKU-A", units}}, 10));
    out_.Take();
  }
  // O-2, EXPRESS, orders `units` of SKU-A an hour in, and the inventory
  // stage reads its RESERVE: with nothing free it takes O-1's line. The
  // answers to O-1 and O-2 are held.
  void UrgentO2Asks(HeldMessages& held, int64_t units) {
    PlacedAtOrders(held,
                   Order("O-2", {{"SKU-A", units}}, kExpress, kT0 + Hours(1)));
    held.Deliver(pipeline(), held.Find("request RESERVE O-2"));
  }
  // The same, and both answers reach the order stage, O-2's first.
  void UrgentO2Preempts(HeldMessages& held, int64_t units) {
    UrgentO2Asks(held, units);
    held.Deliver(pipeline(), held.Find("result O-2"));
    held.Deliver(pipeline(), held.Find("result O-1"));
  }

  // The crash: every shard saved as it stands, the held messages still on
  // their topics. `rest` goes on here and in a pipeline restored from
  // what was saved, with the same messages held: both give the same
  // outputs and end in the same state. Returns the outputs here.
  using Rest = std::function<void(Pipeline&, HeldMessages&, int64_t& offset)>;
  std::vector<std::string> GoOnHereAndRestored(HeldMessages& held,
                                               const Rest& rest) {
    const SavedShards saved = SaveShards(pipeline());
    Recorder restored_out;
    Pipeline restored(config_, restored_out);
    LoadShards(saved, restored);
    HeldMessages restored_held(restored_out);
    restored_held.Hold(held.held());

    int64_t offset = next_offset_;
    rest(pipeline(), held, next_offset_);
    const std::vector<std::string> here = out_.Take();
    rest(restored, restored_held, offset);
    EXPECT_EQ(restored_out.Take(), here);
    ExpectSameShards(restored, pipeline());
    return here;
  }
};
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(PreemptionRaceTest);

TEST_P(PreemptionRaceTest, AnOrderPickedBeforeItsPreemptionCameKeepsItsLine) {
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}}, 10));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> ALLOCATED",
                          "task O-1/delivery/WH-A CREATE [L1 SKU-A x2]"));

  // O-1 is picked; its ACTION_PICKED is still on its way when the
  // inventory stage reads O-2's request and preempts O-1's line.
  HeldMessages held(out_);
  PickedAtOrders(held, "O-1", kT0 + Minutes(30));
  UrgentO2Asks(held, 2);
  EXPECT_THAT(held.Describe(),
              ElementsAre("request PICKED O-1 SKU-A L1",
                          "result O-2 SKU-A L1 2/2",
                          "result O-1 SKU-A L1 0/2 preempted_by O-2"));
  held.Deliver(pipeline(), held.Find("result O-2"));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-A CREATE [L1 SKU-A x2]"));

  // The preemption reaches O-1, picked: it refuses, and keeps its task.
  held.Deliver(pipeline(), held.Find("result O-1"));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
  EXPECT_THAT(held.Describe(),
              ElementsAre("request PICKED O-1 SKU-A L1",
                          "request REFUSE_PREEMPTION O-1 SKU-A L1"));

  // The inventory stage reads both; O-2 gives the units back and asks
  // again: nothing is free and no other line may be taken, so it waits
  // (its task cancelled) until stock comes, in a task of a new id.
  const std::vector<std::string> rest = GoOnHereAndRestored(
      held, [&](Pipeline& p, HeldMessages& h, int64_t& offset) {
        h.DeliverAll(p);
        Apply(p, {ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(2)), kT0 + Hours(2)},
              offset++);
        Apply(p,
              {Shipment("O-1", "S-SHIP", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(3)),
               kT0 + Hours(3)},
              offset++);
      });
  EXPECT_THAT(rest,
              ElementsAre("status O-2 ALLOCATED -> BACKORDERED "
                          "[PREEMPTED_ORDER_PICKED:O-1]",
                          "task O-2/delivery/WH-A CANCEL [L1 SKU-A x2]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-A/2 CREATE [L1 SKU-A x2]",
                          "status O-1 ALLOCATED -> SHIPPED"));
  // O-1 shipped its 2; O-2 holds the 2 received.
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2, .reserved = 2}));
  EXPECT_THAT(AtWarehouses(pipeline(), "SKU-A"),
              UnorderedElementsAre(Pair("WH-A", Pair(2, 2))));
  // The new task carries O-2's address, as the first did.
  const std::vector<v1::DeliveryTask> tasks = out_.Tasks("O-2");
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_TRUE(tasks[2].has_ship_to());
}

// Before the refusal reaches the inventory stage, stock comes at another
// warehouse and serves the line it took (first in line): that answer
// changes nothing for the picked order, and the refusal gives those
// units up, which O-2 then takes when it asks again.
TEST_P(PreemptionRaceTest, ALineServedWhileTheRefusalTravelledGivesThatBack) {
  Configure(SourcingConfig::Fulfilment::kShipAvailable);
  Stock(ReceiptAt("WH-A", "SKU-A", 2, kT0));
  Place(Standard("O-1", {{"SKU-A", 2}, {"SKU-B", 1}}, 10));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-B]",
                          "task O-1/delivery/WH-A CREATE [L1 SKU-A x2]"));

  HeldMessages held(out_);
  PickedAtOrders(held, "O-1", kT0 + Minutes(30));
  UrgentO2Preempts(held, 2);
  ReceivedAtInventory(held, ReceiptAt("WH-B", "SKU-A", 2, kT0 + Minutes(90)));
  EXPECT_THAT(held.Describe(),
              ElementsAre("request PICKED O-1 SKU-A L1",
                          "request PICKED O-1 SKU-B L2",
                          "request REFUSE_PREEMPTION O-1 SKU-A L1",
                          "result O-1 SKU-A L1 2/2"));
  held.Deliver(pipeline(), held.Find("result O-1"));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-A CREATE [L1 SKU-A x2]"));

  const std::vector<std::string> rest = GoOnHereAndRestored(
      held, [&](Pipeline& p, HeldMessages& h, int64_t& offset) {
        h.DeliverAll(p);
        Apply(p, {ReceiptAt("WH-A", "SKU-B", 1, kT0 + Hours(2)), kT0 + Hours(2)},
              offset++);
      });
  EXPECT_THAT(rest,
              ElementsAre("status O-2 ALLOCATED -> BACKORDERED "
                          "[PREEMPTED_ORDER_PICKED:O-1]",
                          "task O-2/delivery/WH-A CANCEL [L1 SKU-A x2]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-B/2 CREATE [L1 SKU-A x2]",
                          "status O-1 BACKORDERED -> ALLOCATED",
                          "task O-1/delivery/WH-A/2 CREATE [L2 SKU-B x1]"));
  // Each holds its 2 where its task is.
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 4, .reserved = 4}));
  EXPECT_THAT(AtWarehouses(pipeline(), "SKU-A"),
              UnorderedElementsAre(Pair("WH-A", Pair(2, 2)), Pair("WH-B", Pair(2, 2))));
}

// O-2 is cancelled before the refusal reaches the inventory stage: its
// units went back to O-1's line, first in line, so the refusal finds it
// whole where it was and has nothing to take back; O-1 stays picked (no
// later urgent order takes it).
TEST_P(PreemptionRaceTest, AnUrgentOrderCancelledMeanwhileHasNothingToGiveBack) {
  AllocateO1(2);
  HeldMessages held(out_);
  PickedAtOrders(held, "O-1", kT0 + Minutes(30));
  UrgentO2Preempts(held, 2);
  out_.Take();

  Cancel(Cancellation("O-2", kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-2/delivery/WH-A CANCEL [L1 SKU-A x2]"));
  held.DeliverAll(pipeline());
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2, .reserved = 2}));
  EXPECT_THAT(AtWarehouses(pipeline(), "SKU-A"),
              UnorderedElementsAre(Pair("WH-A", Pair(2, 2))));

  Place(Order("O-3", {{"SKU-A", 2}}, kExpress, kT0 + Hours(3)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-3 NEW -> ACCEPTED",
                          "status O-3 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_ALLOCATED);
}

// O-1's warehouse reports no PICKED: O-1 ships, and its news is on its
// way when the inventory stage preempts O-1's line for O-2. The units
// O-1 shipped are those O-2 was given, so O-1's CONSUME of its waiting
// line takes them off on-hand, and O-1, shipped, refuses the preemption
// with nothing left to hold: O-2 gives them back and waits for stock.
TEST_P(PreemptionRaceTest, AnOrderShippedBeforeItsPreemptionCameTookTheUnits) {
  AllocateO1(2);

  HeldMessages held(out_);
  ReportedAtOrders(held, Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED,
                                  kT0 + Minutes(30)));
  UrgentO2Asks(held, 2);
  held.Deliver(pipeline(), held.Find("result O-2"));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> SHIPPED",
                          "status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-A CREATE [L1 SKU-A x2]"));
  held.Deliver(pipeline(), held.Find("result O-1"));
  EXPECT_THAT(out_.Take(), IsEmpty());
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_SHIPPED);
  EXPECT_THAT(held.Describe(),
              ElementsAre("request PICKED O-1 SKU-A L1",
                          "request CONSUME O-1 SKU-A L1",
                          "request REFUSE_PREEMPTION O-1 SKU-A L1"));

  const std::vector<std::string> rest = GoOnHereAndRestored(
      held, [&](Pipeline& p, HeldMessages& h, int64_t& offset) {
        h.Deliver(p, h.Find("request PICKED O-1"));
        h.Deliver(p, h.Find("request CONSUME O-1"));
        // Between the CONSUME and the refusal: the 2 have left WH-A,
        // O-2 still holds them.
        EXPECT_THAT(AtWarehouses(p, "SKU-A"),
                    UnorderedElementsAre(Pair("WH-A", Pair(0, 2))));
        h.DeliverAll(p);
        EXPECT_THAT(AtWarehouses(p, "SKU-A"), IsEmpty());  // all 0
        Apply(p, {ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(2)), kT0 + Hours(2)},
              offset++);
      });
  EXPECT_THAT(rest,
              ElementsAre("status O-2 ALLOCATED -> BACKORDERED "
                          "[PREEMPTED_ORDER_PICKED:O-1]",
                          "task O-2/delivery/WH-A CANCEL [L1 SKU-A x2]",
                          "status O-2 BACKORDERED -> ALLOCATED",
                          "task O-2/delivery/WH-A/2 CREATE [L1 SKU-A x2]"));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2, .reserved = 2}));
  EXPECT_THAT(AtWarehouses(pipeline(), "SKU-A"),
              UnorderedElementsAre(Pair("WH-A", Pair(2, 2))));
}

// The same with a parcel: O-1 ships 1 of its 3 before the preemption
// reaches it. Its refusal holds the 2 not shipped at WH-A again; O-2
// gives its 3 back and waits; the second parcel consumes the 2.
TEST_P(PreemptionRaceTest, AParcelShippedBeforeThePreemptionCameKeepsTheRest) {
  AllocateO1(3);

  HeldMessages held(out_);
  v1::ShipmentEvent first = Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED,
                                     kT0 + Minutes(30));
  v1::ShipmentLine* part = first.add_lines();
  part->set_line_id("L1");
  part->set_quantity(1);
  ReportedAtOrders(held, first);
  UrgentO2Preempts(held, 3);
  EXPECT_EQ(StatusOf("O-1"), v1::ORDER_STATUS_PARTIALLY_SHIPPED);
  EXPECT_EQ(StatusOf("O-2"), v1::ORDER_STATUS_ALLOCATED);
  out_.Take();

  const std::vector<std::string> rest = GoOnHereAndRestored(
      held, [&](Pipeline& p, HeldMessages& h, int64_t& offset) {
        h.DeliverAll(p);
        // O-1 holds the 2 it has not shipped; O-2 holds nothing.
        EXPECT_THAT(AtWarehouses(p, "SKU-A"),
                    UnorderedElementsAre(Pair("WH-A", Pair(2, 2))));
        v1::ShipmentEvent second = Shipment(
            "O-1", "S-2", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(2));
        v1::ShipmentLine* rest_of_it = second.add_lines();
        rest_of_it->set_line_id("L1");
        rest_of_it->set_quantity(2);
        Apply(p, {second, kT0 + Hours(2)}, offset++);
      });
  EXPECT_THAT(rest,
              ElementsAre("status O-2 ALLOCATED -> BACKORDERED "
                          "[PREEMPTED_ORDER_PICKED:O-1]",
                          "task O-2/delivery/WH-A CANCEL [L1 SKU-A x3]",
                          "status O-1 PARTIALLY_SHIPPED -> SHIPPED"));
  EXPECT_EQ(LedgerOf("SKU-A"),
            (Ledger{.on_hand = 0, .reserved = 0, .waiting_orders = 1}));  // O-2
  EXPECT_EQ(StatusOf("O-2"), v1::ORDER_STATUS_BACKORDERED);
}

// O-2 ships before the give-back reaches it: the inventory stage reads
// O-1's refusal before O-2's CONSUME, and takes back the 2 O-2 holds. The
// answer finds O-2 SHIPPED, which gives nothing back: it keeps its status
// and task and asks for nothing again, so no second task is made for what
// has shipped and no units are reserved for a line that is gone. O-2's
// CONSUME then finds nothing held, so WH-A counts the 2 O-2 shipped as on
// hand until stock is counted (a SNAPSHOT): here, 2 more than are there.
TEST_P(PreemptionRaceTest, AnUrgentOrderShippedDuringTheGiveBackKeepsItsTask) {
  AllocateO1(2);
  HeldMessages held(out_);
  PickedAtOrders(held, "O-1", kT0 + Minutes(30));
  UrgentO2Preempts(held, 2);
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-2 NEW -> ACCEPTED",
                          "status O-2 ACCEPTED -> ALLOCATED",
                          "task O-2/delivery/WH-A CREATE [L1 SKU-A x2]"));
  ReportedAtOrders(held, Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_SHIPPED,
                                  kT0 + Hours(2)));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-2 ALLOCATED -> SHIPPED"));
  EXPECT_THAT(held.Describe(),
              ElementsAre("request PICKED O-1 SKU-A L1",
                          "request REFUSE_PREEMPTION O-1 SKU-A L1",
                          "request CONSUME O-2 SKU-A L1"));

  const std::vector<std::string> rest = GoOnHereAndRestored(
      held, [&](Pipeline& p, HeldMessages& h, int64_t& offset) {
        h.Deliver(p, h.Find("request PICKED O-1"));
        h.Deliver(p, h.Find("request REFUSE_PREEMPTION O-1"));
        h.DeliverAll(p);
        Apply(p, {ReceiptAt("WH-A", "SKU-A", 2, kT0 + Hours(3)), kT0 + Hours(3)},
              offset++);
        Apply(p,
              {Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(4)),
               kT0 + Hours(4)},
              offset++);
      });
  EXPECT_THAT(rest, ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
  EXPECT_EQ(StatusOf("O-2"), v1::ORDER_STATUS_SHIPPED);
  // O-1 held its 2 again and shipped them; the receipt's 2 are free.
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 2, .reserved = 0}));
}

// The messages of a refusal keep every field through their protobuf
// form; a preemption answered before preempted_by_line existed still
// reads, without it.
TEST(PreemptionMessagesTest, RefusalFieldsSurviveTheTopic) {
  StockRequest refusal;
  refusal.action = internal::v1::AllocationRequest::ACTION_REFUSE_PREEMPTION;
  refusal.order_id = "O-1";
  refusal.sku = "SKU-A";
  refusal.quantity = 2;
  refusal.line = 0;
  refusal.warehouse_id = "WH-A";
  refusal.preempted_by = "O-2";
  refusal.preempted_by_line = 3;
  internal::v1::AllocationRequest request;
  ToProto(refusal, &request);
  const StockRequest read = FromProto(request);
  EXPECT_EQ(read.action, refusal.action);
  EXPECT_EQ(read.preempted_by, "O-2");
  EXPECT_EQ(read.preempted_by_line, 3u);
  EXPECT_EQ(read.warehouse_id, "WH-A");

  StockAnswer preempted;
  preempted.order_id = "O-1";
  preempted.line = 0;
  preempted.preempted_by = "O-2";
  preempted.preempted_by_line = 3;
  StockAnswer taken_back;
  taken_back.order_id = "O-2";
  taken_back.line = 3;
  taken_back.taken_back_by = "O-1";
  for (const StockAnswer& answer : {preempted, taken_back}) {
    internal::v1::AllocationResult result;
    ToProto(answer, &result);
    const StockAnswer again = FromProto(result);
    EXPECT_EQ(again.preempted_by, answer.preempted_by);
    EXPECT_EQ(again.preempted_by_line, answer.preempted_by_line);
    EXPECT_EQ(again.taken_back_by, answer.taken_back_by);
  }

  internal::v1::AllocationResult old;
  old.set_order_id("O-1");
  old.set_line(0);
  old.set_preempted_by("O-2");
  EXPECT_EQ(FromProto(old).preempted_by_line, std::nullopt);
  StockRequest plain;
  plain.action = internal::v1::AllocationRequest::ACTION_RESERVE;
  internal::v1::AllocationRequest unchanged;
  ToProto(plain, &unchanged);
  EXPECT_FALSE(unchanged.has_preempted_by_line());
  EXPECT_TRUE(unchanged.preempted_by().empty());
}

}  // namespace
}  // namespace orderflow::testing
