// A digest of everything the engine says about a workload stream: every
// public output in protobuf binary (deterministic), in order, and the final
// snapshot of every shard. Two builds that print the same digests behave
// the same on that stream, byte for byte; a change meant only to make the
// core faster must not change them.
//
//   orderflow_output_digest [mix] [RECORDS [ORDER_PARTS INVENTORY_PARTS [ORDERS_PER_MINUTE]]]
//
// Defaults: 1,000,000 records of the default workload (seed 1), one shard
// per stage; with `mix`, of the v1.1 mix (WorkloadOptions::v11), the
// engine configured for its warehouses (MixSourcing). A lower
// ORDERS_PER_MINUTE spreads the stream over more days, so that more
// deadlines, retentions and expiries come due.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/workload.h"
#include "engine/deterministic.h"
#include "engine/fingerprint.h"
#include "engine/pipeline.h"

namespace orderflow {
namespace {

// Folds each output's topic and bytes into one fingerprint.
class DigestEmitter final : public Emitter {
 public:
  // Through one message of each kind, overwritten for every output.
  void SendStatus(const StatusOutput& s) override {
    ToProto(s, &status_);
    Add('S', status_);
  }
  void SendTask(const TaskOutput& t) override {
    ToProto(t, &task_);
    Add('T', task_);
  }
  void Escalated(const v1::Escalation& m) override { Add('E', m); }
  void DeadLettered(const v1::DeadLetter& m) override { Add('D', m); }
  void AmendmentDecided(const v1::AmendmentResult& m) override { Add('A', m); }
  void SendToInventory(const StockRequest&) override {}
  void SendToOrders(const StockAnswer&) override {}

  void Add(char topic, const google::protobuf::MessageLite& m) {
    buffer_.assign(1, topic);
    m.AppendToString(&buffer_);
    digest = Fingerprint(buffer_, digest);
    bytes += buffer_.size();
    ++outputs;
  }
  uint64_t digest = Fingerprint("");
  size_t outputs = 0, bytes = 0;

 private:
  std::string buffer_;
  v1::OrderStatusChanged status_;
  v1::DeliveryTask task_;
};

}  // namespace
}  // namespace orderflow

int main(int argc, char** argv) {
  using namespace orderflow;
  workload::WorkloadOptions options;
  EngineConfig config;
  if (argc > 1 && std::string_view(argv[1]) == "mix") {
    options.v11 = true;
    config.sourcing = workload::MixSourcing();
    --argc;
    ++argv;
  }
  options.records = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  config.order_partitions = argc > 3 ? std::atoi(argv[2]) : 1;
  config.inventory_partitions = argc > 3 ? std::atoi(argv[3]) : 1;
  if (argc > 4) options.orders_per_minute = std::strtod(argv[4], nullptr);

  const auto stream = workload::GenerateWorkload(options);
  DigestEmitter out;
  Pipeline pipeline(config, out);
  for (size_t i = 0; i < stream.size(); ++i) {
    workload::Feed(stream[i], pipeline, static_cast<int64_t>(i + 1));
  }
  uint64_t state = Fingerprint("");
  for (int i = 0; i < pipeline.order_shard_count(); ++i) {
    state = Fingerprint(Deterministic(pipeline.order_shard(i).Snapshot()), state);
  }
  for (int i = 0; i < pipeline.inventory_shard_count(); ++i) {
    state =
        Fingerprint(Deterministic(pipeline.inventory_shard(i).Snapshot()), state);
  }
  std::printf("records %zu outputs %zu bytes %zu outputs %016llx state %016llx\n",
              stream.size(), out.outputs, out.bytes,
              static_cast<unsigned long long>(out.digest),
              static_cast<unsigned long long>(state));
  return 0;
}
