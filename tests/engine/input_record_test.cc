// The one decode of an input record: a topic name maps to its InputTopic,
// protobuf bytes decode into the topic's message and a visit hands it to
// the handler of its type; bytes that do not decode are dead-lettered as
// UNDECODABLE with the message type they are not.
#include "engine/input_record.h"

#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;

constexpr InputTopic kAll[] = {
    InputTopic::kOrders,    InputTopic::kCancellations,
    InputTopic::kShipments, InputTopic::kInventory,
    InputTopic::kInvoices,  InputTopic::kAllocationRequests,
    InputTopic::kAllocationResults};

TEST(InputTopicTest, ShortNamesMapBackAndPublicOnesAreTheInputTopics) {
  for (InputTopic t : kAll) {
    EXPECT_EQ(InputTopicByShortName(ShortName(t)), t) << ShortName(t);
    if (const std::optional<Topic> public_topic = PublicTopic(t)) {
      EXPECT_EQ(ShortName(*public_topic), ShortName(t));
      EXPECT_EQ(AsInput(*public_topic), t);
      EXPECT_EQ(MessageTypeOf(t).GetDescriptor(),
                MessageTypeOf(*public_topic).GetDescriptor());
    }
  }
  EXPECT_EQ(PublicTopic(InputTopic::kAllocationResults), std::nullopt);
  EXPECT_EQ(ShortName(InputTopic::kAllocationRequests), "allocation-requests");
  EXPECT_EQ(InputTopicByShortName("order-status"), std::nullopt);
  EXPECT_EQ(AsInput(Topic::kDeadLetter), std::nullopt);
}

// Which handler a visit called, and the id it saw.
struct Seen {
  std::string handler;
  std::string id;
};

Seen VisitOf(const InputRecord& record) {
  Seen seen;
  record.Visit(Overloaded{
      [&](const v1::OrderPlaced& m) { seen = {"order", m.order_id()}; },
      [&](const v1::InventoryEvent& m) { seen = {"inventory", m.sku()}; },
      [&](const internal::v1::AllocationResult& m) {
        seen = {"result", m.order_id()};
      },
      [&](const auto&) { seen = {"other", ""}; }});
  return seen;
}

TEST(InputRecordTest, DecodesBinaryAndVisitsTheHandlerOfItsType) {
  InputRecord record;
  ASSERT_TRUE(record.Decode(InputTopic::kOrders,
                            Order("O-1", {{"SKU-A", 2}}).SerializeAsString()));
  EXPECT_EQ(record.topic(), InputTopic::kOrders);
  EXPECT_EQ(VisitOf(record).handler, "order");
  EXPECT_EQ(VisitOf(record).id, "O-1");

  // The same record, reused for another topic.
  ASSERT_TRUE(record.Decode(InputTopic::kInventory,
                            Receipt("SKU-B", 5, kT0).SerializeAsString()));
  EXPECT_EQ(VisitOf(record).handler, "inventory");
  EXPECT_EQ(VisitOf(record).id, "SKU-B");
  EXPECT_EQ(record.message().GetDescriptor()->name(), "InventoryEvent");

  internal::v1::AllocationResult result;
  result.set_order_id("O-2");
  ASSERT_TRUE(record.Decode(InputTopic::kAllocationResults,
                            result.SerializeAsString()));
  EXPECT_EQ(VisitOf(record).id, "O-2");
}

TEST(InputRecordTest, ResetHandsOutTheTopicsMessageCleared) {
  InputRecord record;
  ASSERT_TRUE(record.Decode(InputTopic::kOrders,
                            Order("O-1", {{"SKU-A", 2}}).SerializeAsString()));
  google::protobuf::Message& m = record.Reset(InputTopic::kOrders);
  EXPECT_EQ(m.ByteSizeLong(), 0u);
  static_cast<v1::OrderPlaced&>(m).set_order_id("O-3");
  EXPECT_EQ(VisitOf(record).id, "O-3");
}

TEST(InputRecordTest, BytesThatDoNotDecodeAreDeadLetteredAsUndecodable) {
  InputRecord record;
  const std::string garbage = "\xff\xff\xff";
  EXPECT_FALSE(record.Decode(InputTopic::kShipments, garbage));

  Recorder out;
  RecordSource source;
  source.topic = "orderflow.shipments.v1";
  source.partition = 3;
  source.offset = 17;
  source.key = "O-1";
  source.payload = garbage;
  DeadLetterUndecodable(InputTopic::kShipments, source, kT0, out);
  EXPECT_THAT(out.Take(),
              ElementsAre("dead-letter orderflow.shipments.v1/O-1 UNDECODABLE"));
  const v1::DeadLetter dead = out.DeadLetters().at(0);
  EXPECT_EQ(dead.detail(), "value is not a protobuf ShipmentEvent");
  EXPECT_EQ(dead.partition(), 3);
  EXPECT_EQ(dead.offset(), 17);
  EXPECT_EQ(dead.payload(), garbage);
}

// Pipeline::Apply is the On... call of the record's type.
TEST(InputRecordTest, PipelineAppliesARecordAsItsOwnCall) {
  EngineConfig config;
  Recorder by_record, by_call;
  Pipeline through_record(config, by_record), through_call(config, by_call);
  const v1::InventoryEvent stock = Receipt("SKU-A", 5, kT0);
  const v1::OrderPlaced order = Order("O-1", {{"SKU-A", 2}});
  InputRecord record;
  int64_t offset = 0;
  for (const google::protobuf::Message* m :
       {static_cast<const google::protobuf::Message*>(&stock),
        static_cast<const google::protobuf::Message*>(&order)}) {
    const InputTopic topic =
        m == &stock ? InputTopic::kInventory : InputTopic::kOrders;
    const std::string payload = m->SerializeAsString();
    RecordSource source;
    source.topic = ShortName(topic);
    source.offset = ++offset;
    source.payload = payload;
    source.timestamp = kT0;
    ASSERT_TRUE(record.Decode(topic, payload));
    through_record.Apply(record, source);
    if (m == &stock) {
      through_call.OnInventoryEvent(stock, source);
    } else {
      through_call.OnOrderPlaced(order, source);
    }
  }
  EXPECT_FALSE(by_record.Lines().empty());
  EXPECT_EQ(by_record.Lines(), by_call.Lines());
}

}  // namespace
}  // namespace orderflow::testing
