// Status changes and delivery tasks reach the Emitter as plain values
// (engine/outputs.h). ToProto into a message reused from output to output
// (as the digest and the codec bench do) gives the same messages, byte for
// byte, as into a fresh one each time (as Recorder does): a field left over
// from an earlier output would show.
#include <string>
#include <vector>

#include "engine/outputs.h"
#include "engine/pipeline.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/builders.h"
#include "tests/engine/recorder.h"

namespace orderflow::testing {
namespace {

class ReusingRecorder final : public Recorder {
 public:
  void SendStatus(const StatusOutput& s) override {
    ToProto(s, &status_);
    Keep(status_);
    ++reused;
  }
  void SendTask(const TaskOutput& t) override {
    ToProto(t, &task_);
    Keep(task_);
    ++reused;
  }
  int reused = 0;

 private:
  v1::OrderStatusChanged status_;
  v1::DeliveryTask task_;
};

// Every kind of status change and task: accepted, allocated with a task
// that carries the address, backordered with reasons, rejected without a
// placedAt, cancelled with a CANCEL task (no address), shipped, delivered,
// and the deadlines of a day later.
std::vector<std::string> Outputs(Recorder& out) {
  EngineConfig config;
  Pipeline pipeline(config, out);
  pipeline.OnInventoryEvent(Receipt("SKU-A", 3, kT0), At(kT0));
  pipeline.OnOrderPlaced(Order("O-1", {{"SKU-A", 2}, {"SKU-A", 1}}), At(kT0));
  pipeline.OnOrderPlaced(Order("O-2", {{"SKU-A", 2}, {"SKU-B", 1}}, kExpress),
                         At(kT0 + 1));
  v1::OrderPlaced undated = Order("O-3");
  undated.clear_placed_at();
  pipeline.OnOrderPlaced(undated, At(kT0 + 2));
  pipeline.OnOrderPlaced(Order("O-4", {{"SKU-C", 1}}), At(kT0 + 3));
  pipeline.OnCancellation(Cancellation("O-1", kT0 + 4), At(kT0 + 4));
  pipeline.OnInventoryEvent(Receipt("SKU-C", 5, kT0 + 5), At(kT0 + 5));
  pipeline.OnShipment(Shipment("O-4", "S-4", v1::SHIPMENT_STATUS_SHIPPED, kT0 + 6),
                      At(kT0 + 6));
  pipeline.OnShipment(
      Shipment("O-4", "S-4", v1::SHIPMENT_STATUS_DELIVERED, kT0 + 7), At(kT0 + 7));
  pipeline.AdvanceClock(kT0 + Days(3));

  std::vector<std::string> bytes;
  for (const Output& output : out.outputs()) bytes.push_back(Bytes(output));
  return bytes;
}

TEST(PlainOutputsTest, ConvertIntoAReusedMessageAsIntoAFreshOne) {
  Recorder fresh;
  ReusingRecorder reusing;
  const std::vector<std::string> expected = Outputs(fresh);
  EXPECT_THAT(Outputs(reusing), ::testing::ElementsAreArray(expected));
  EXPECT_GE(reusing.reused, 10);
}

}  // namespace
}  // namespace orderflow::testing
