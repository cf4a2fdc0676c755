// Fuzzes the engine's input path: protobuf binary decoded for each input
// topic (engine/input_record.h), then applied, so that records of one run
// meet (orders, then their cancellations, shipments, stock, ...).
//
// Input: one byte of partition counts, then records, each
//   [op] [step] [length: 2 bytes, little-endian] [payload: length bytes]
// op % 8 picks the topic (InputTopic 0..6) or, for 7, moves the clock by
// step * 6 hours with no record. A record is stamped step * 30 minutes
// after the previous one. Public topics go to Pipeline::Apply; the
// stage-to-stage ones go to the shard of their key, as a Kafka host hands
// them over.
//
// What must hold: nothing crashes, every output serialises (status changes
// and tasks written from their plain values give ToProto's bytes), and the
// outputs are the same with one shard per stage as with the partition
// counts the first byte gives (engine/pipeline.h: outputs do not depend on
// them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config.h"
#include "engine/emitter.h"
#include "engine/input_record.h"
#include "engine/output_wire.h"
#include "engine/pipeline.h"
#include "engine/stage_messages.h"
#include "engine/time.h"

namespace orderflow {
namespace {

[[noreturn]] void Fail(std::string_view what) {
  std::cerr << "engine: " << what << "\n";
  std::abort();
}

std::string Serialised(const google::protobuf::Message& m) {
  std::string bytes;
  if (!m.SerializeToString(&bytes)) {
    Fail("an output does not serialise: " + m.ShortDebugString());
  }
  return bytes;
}

// Writes every output as it would go to Kafka, checking the plain values'
// wire form against protobuf's, and keeps the public ones in order.
class CheckingEmitter : public Emitter {
 public:
  std::vector<std::string> outputs;

  void SendStatus(const StatusOutput& s) override {
    ToProto(s, &status_);
    std::string direct;
    AppendStatus(s, direct);
    if (direct != Deterministic(status_)) {
      Fail("AppendStatus differs from ToProto: " + status_.ShortDebugString());
    }
    outputs.push_back("status " + direct);
  }
  void SendTask(const TaskOutput& t) override {
    ToProto(t, &task_);
    std::string direct;
    if (AppendTask(t, direct) && direct != Deterministic(task_)) {
      Fail("AppendTask differs from ToProto: " + task_.ShortDebugString());
    }
    outputs.push_back("task " + Deterministic(task_));
  }
  void Escalated(const v1::Escalation& m) override {
    outputs.push_back("escalation " + Serialised(m));
  }
  void DeadLettered(const v1::DeadLetter& m) override {
    outputs.push_back("dead letter " + Serialised(m));
  }
  void AmendmentDecided(const v1::AmendmentResult& m) override {
    outputs.push_back("amendment result " + Serialised(m));
  }
  // Stage-to-stage messages handed over outside a pipeline (the shards
  // called directly) go no further; they must still serialise.
  void SendToInventory(const StockRequest& m) override {
    ToProto(m, &request_);
    Serialised(request_);
  }
  void SendToOrders(const StockAnswer& m) override {
    ToProto(m, &answer_);
    Serialised(answer_);
  }

 private:
  static std::string Deterministic(const google::protobuf::Message& m) {
    std::string bytes;
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!m.SerializeToCodedStream(&coded)) {
      Fail("an output does not serialise: " + m.ShortDebugString());
    }
    coded.Trim();
    return bytes;
  }

  v1::OrderStatusChanged status_;
  v1::DeliveryTask task_;
  internal::v1::AllocationRequest request_;
  internal::v1::AllocationResult answer_;
};

// The key a producer gives a record: the id in its value.
std::string_view KeyOf(const InputRecord& record) {
  std::string_view key;
  record.Visit(Overloaded{
      [&](const v1::OrderPlaced& m) { key = m.order_id(); },
      [&](const v1::CancellationRequested& m) { key = m.order_id(); },
      [&](const v1::ShipmentEvent& m) { key = m.order_id(); },
      [&](const v1::InventoryEvent& m) { key = m.sku(); },
      [&](const v1::InvoiceIssued& m) { key = m.order_id(); },
      [&](const v1::CustomerContact& m) { key = m.order_id(); },
      [&](const v1::OrderAmended& m) { key = m.order_id(); },
      [&](const internal::v1::AllocationRequest& m) { key = m.sku(); },
      [&](const internal::v1::AllocationResult& m) { key = m.order_id(); },
      [&](const v1::HoldEvent& m) { key = m.order_id(); }});
  return key;
}

constexpr EpochMillis kStart = 1'772'409'600'000;  // 2026-03-02T00:00:00Z

std::vector<std::string> Run(const uint8_t* data, size_t size,
                             int32_t order_partitions,
                             int32_t inventory_partitions) {
  EngineConfig config;
  config.order_partitions = order_partitions;
  config.inventory_partitions = inventory_partitions;
  CheckingEmitter out;
  Pipeline pipeline(config, out);
  InputRecord record;
  EpochMillis time = kStart;
  int64_t offset = 0;
  size_t i = 0;
  while (i + 4 <= size) {
    const uint8_t op = data[i] % 8;
    const uint8_t step = data[i + 1];
    const size_t length =
        std::min<size_t>(data[i + 2] | (data[i + 3] << 8), size - i - 4);
    const std::string_view payload(reinterpret_cast<const char*>(data) + i + 4,
                                   length);
    i += 4 + length;
    if (op == 7) {
      time += Hours(6) * step;
      pipeline.AdvanceClock(time);
      continue;
    }
    time += Minutes(30) * step;
    const InputTopic topic = static_cast<InputTopic>(op);
    RecordSource source;
    source.topic = ShortName(topic);
    source.offset = ++offset;
    source.payload = payload;
    source.timestamp = time;
    if (!record.Decode(topic, payload)) {
      pipeline.AdvanceClock(time);
      DeadLetterUndecodable(topic, source, pipeline.clock(), out);
      continue;
    }
    source.key = KeyOf(record);
    record.Visit(Overloaded{
        [&](const internal::v1::AllocationRequest& m) {
          pipeline.AdvanceClock(time);
          pipeline.InventoryShardFor(m.sku()).OnAllocationRequest(m, out);
        },
        [&](const internal::v1::AllocationResult& m) {
          pipeline.AdvanceClock(time);
          pipeline.OrderShardFor(m.order_id()).OnAllocationResult(m, out);
        },
        [&](const auto&) { pipeline.Apply(record, source); }});
  }
  // Whatever is still pending fires, and the state can be summed up.
  pipeline.AdvanceClock(time + Days(60));
  (void)pipeline.Metrics();
  (void)pipeline.CountBacklog();
  return std::move(out.outputs);
}

}  // namespace
}  // namespace orderflow

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orderflow;
  if (size < 1) return 0;
  const int32_t order_partitions = 1 + (data[0] & 3);
  const int32_t inventory_partitions = 1 + ((data[0] >> 2) & 3);
  const std::vector<std::string> sharded =
      Run(data + 1, size - 1, order_partitions, inventory_partitions);
  if (order_partitions == 1 && inventory_partitions == 1) return 0;
  const std::vector<std::string> single = Run(data + 1, size - 1, 1, 1);
  if (sharded != single) {
    size_t k = 0;
    while (k < sharded.size() && k < single.size() && sharded[k] == single[k]) ++k;
    std::cerr << "engine: outputs depend on the partition counts ("
              << order_partitions << " x " << inventory_partitions << ": "
              << sharded.size() << " outputs, 1 x 1: " << single.size()
              << "), first difference at output " << k << "\n";
    std::abort();
  }
  return 0;
}
