// Throughput and memory of the engine core: input events a second through
// a Pipeline, without and with the protobuf codec, and heap bytes per open
// order and per order shipped or delivered.
//
//   orderflow_bench                          # everything
//   orderflow_bench --benchmark_filter=Core  # one family
//
// The stream has ORDERFLOW_BENCH_RECORDS records (default 1,000,000) of
// the default workload (bench/workload.h), seed 1; the *Mix families run
// as many of the v1.1 mix (warehouses, parcels, amendments, holds and
// customer contacts), same seed, with its warehouses configured, and the
// *HoldsContacts ones the v1 stream with only the holds and contacts.
#include <malloc.h>
#ifdef ORDERFLOW_BENCH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "bench/null_emitter.h"
#include "bench/workload.h"
#include "engine/pipeline.h"

namespace orderflow {
namespace {

using workload::EncodedRecord;
using workload::InputRecord;

// Encodes every output to protobuf binary, as a producer would.
class SerializingEmitter final : public Emitter {
 public:
  // Through one message of each kind, overwritten for every output.
  void SendStatus(const StatusOutput& s) override {
    ToProto(s, &status_);
    Write(status_);
  }
  void SendTask(const TaskOutput& t) override {
    ToProto(t, &task_);
    Write(task_);
  }
  void Escalated(const v1::Escalation& m) override { Write(m); }
  void DeadLettered(const v1::DeadLetter& m) override { Write(m); }
  void AmendmentDecided(const v1::AmendmentResult& m) override { Write(m); }
  void SendToInventory(const StockRequest&) override {}
  void SendToOrders(const StockAnswer&) override {}
  size_t outputs = 0;
  size_t bytes = 0;

 private:
  void Write(const google::protobuf::MessageLite& m) {
    m.SerializeToString(&buffer_);
    bytes += buffer_.size();
    ++outputs;
  }
  std::string buffer_;
  v1::OrderStatusChanged status_;
  v1::DeliveryTask task_;
};

// Tallies what the engine decided, for the context block.
class OutcomeEmitter final : public Emitter {
 public:
  void SendStatus(const StatusOutput& s) override {
    ++status[s.status % status.size()];
  }
  void SendTask(const TaskOutput&) override { ++tasks; }
  void Escalated(const v1::Escalation& m) override {
    ++(m.state() == v1::ESCALATION_STATE_RAISED ? raised : cleared);
  }
  void DeadLettered(const v1::DeadLetter&) override { ++dead_letters; }
  void AmendmentDecided(const v1::AmendmentResult&) override {}
  void SendToInventory(const StockRequest&) override {}
  void SendToOrders(const StockAnswer&) override {}
  std::array<size_t, 9> status{};
  size_t tasks = 0, raised = 0, cleared = 0, dead_letters = 0;
};

size_t StreamRecords() {
  const char* env = std::getenv("ORDERFLOW_BENCH_RECORDS");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 1000000;
}

const std::vector<InputRecord>& Stream() {
  static const std::vector<InputRecord> stream = [] {
    workload::WorkloadOptions options;
    options.records = StreamRecords();
    return workload::GenerateWorkload(options);
  }();
  return stream;
}

const std::vector<InputRecord>& MixStream() {
  static const std::vector<InputRecord> stream = [] {
    workload::WorkloadOptions options;
    options.records = StreamRecords();
    options.v11 = true;
    return workload::GenerateWorkload(options);
  }();
  return stream;
}

const std::vector<InputRecord>& HoldsContactsStream() {
  static const std::vector<InputRecord> stream = [] {
    workload::WorkloadOptions options;
    options.records = StreamRecords();
    options.holds_and_contacts = true;
    return workload::GenerateWorkload(options);
  }();
  return stream;
}

const std::vector<EncodedRecord>& EncodedStream() {
  static const std::vector<EncodedRecord> encoded = [] {
    std::vector<EncodedRecord> out;
    out.reserve(Stream().size());
    for (const InputRecord& r : Stream()) out.push_back(workload::Encode(r));
    return out;
  }();
  return encoded;
}

EngineConfig Partitions(int64_t orders, int64_t inventory) {
  EngineConfig config;
  config.order_partitions = static_cast<int32_t>(orders);
  config.inventory_partitions = static_cast<int32_t>(inventory);
  return config;
}

// Heap in use. With jemalloc (what `orderflow` runs with): the bytes of
// every live allocation, each rounded up to its size class. With glibc's
// malloc: small chunks (uordblks) and mmapped large ones (hblkhd), such as
// the backing arrays of big hash tables.
size_t HeapInUse() {
#ifdef ORDERFLOW_BENCH_JEMALLOC
  uint64_t epoch = 1;
  size_t size = sizeof epoch;
  mallctl("epoch", &epoch, &size, &epoch, size);  // refreshes the statistics
  size_t allocated = 0;
  size = sizeof allocated;
  if (mallctl("stats.allocated", &allocated, &size, nullptr, 0) != 0) return 0;
  return allocated;
#else
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

// ------------------------------------------------------------ throughput

// Decoded records of `stream` straight into a pipeline of `config` (made
// and dropped outside the timing); outputs dropped.
void FeedCore(benchmark::State& state, const std::vector<InputRecord>& stream,
              const EngineConfig& config) {
  NullEmitter out;
  for (auto _ : state) {
    state.PauseTiming();
    auto pipeline = std::make_unique<Pipeline>(config, out);
    state.ResumeTiming();
    for (size_t i = 0; i < stream.size(); ++i) {
      workload::Feed(stream[i], *pipeline, static_cast<int64_t>(i + 1));
    }
    state.PauseTiming();
    pipeline.reset();
    state.ResumeTiming();
  }
  const double inputs = static_cast<double>(state.iterations() * stream.size());
  state.SetItemsProcessed(static_cast<int64_t>(inputs));
  state.counters["outputs_per_input"] = static_cast<double>(out.outputs) / inputs;
}

void BM_CoreOnly(benchmark::State& state) {
  FeedCore(state, Stream(), Partitions(state.range(0), state.range(1)));
}
BENCHMARK(BM_CoreOnly)
    ->ArgNames({"order_parts", "inventory_parts"})
    ->Args({1, 1})
    ->Args({4, 4})
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

// The same over the v1 stream with holds and contacts: what rule 12's
// holds and rule 13's contacts cost the core where no warehouse is
// configured.
void BM_CoreOnlyHoldsContacts(benchmark::State& state) {
  FeedCore(state, HoldsContactsStream(),
           Partitions(state.range(0), state.range(1)));
}
BENCHMARK(BM_CoreOnlyHoldsContacts)
    ->ArgNames({"order_parts", "inventory_parts"})
    ->Args({1, 1})
    ->Args({4, 4})
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

// The same over the v1.1 mix.
void BM_CoreOnlyMix(benchmark::State& state) {
  EngineConfig config = Partitions(state.range(0), state.range(1));
  config.sourcing = workload::MixSourcing();
  FeedCore(state, MixStream(), config);
}
BENCHMARK(BM_CoreOnlyMix)
    ->ArgNames({"order_parts", "inventory_parts"})
    ->Args({1, 1})
    ->Args({4, 4})
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

// Each input parsed from protobuf binary (its bytes are also the payload a
// dead letter would carry); each output serialized to protobuf binary.
void BM_WithCodec(benchmark::State& state) {
  const std::vector<EncodedRecord>& stream = EncodedStream();
  const EngineConfig config = Partitions(state.range(0), state.range(1));
  SerializingEmitter out;
  workload::Decoder decoder;
  size_t undecodable = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto pipeline = std::make_unique<Pipeline>(config, out);
    state.ResumeTiming();
    for (size_t i = 0; i < stream.size(); ++i) {
      undecodable += !decoder.Feed(stream[i], *pipeline, static_cast<int64_t>(i + 1));
    }
    state.PauseTiming();
    pipeline.reset();
    state.ResumeTiming();
  }
  if (undecodable != 0) state.SkipWithError("an input did not decode");
  const double inputs = static_cast<double>(state.iterations() * stream.size());
  state.SetItemsProcessed(static_cast<int64_t>(inputs));
  state.counters["outputs_per_input"] = static_cast<double>(out.outputs) / inputs;
  state.counters["output_bytes_per_input"] = static_cast<double>(out.bytes) / inputs;
}
BENCHMARK(BM_WithCodec)
    ->ArgNames({"order_parts", "inventory_parts"})
    ->Args({1, 1})
    ->Args({4, 4})
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------- memory

// A pipeline of `config` with 1,000 SKUs in ample stock, their names
// interned by one order each, placing valid STANDARD two-line orders: the
// setup of the memory benchmarks, so that each measures only what it adds.
class MemoryBench {
 public:
  static constexpr int kSkus = 1000;
  static constexpr EpochMillis kStart = 1772409600000;  // 2026-03-02T00:00:00Z

  explicit MemoryBench(const EngineConfig& config)
      : pipeline_(std::make_unique<Pipeline>(config, out_)) {
    for (int i = 0; i < kSkus; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "SKU-%06d", i);
      skus_.emplace_back(name);
      v1::InventoryEvent e;
      e.set_sku(name);
      e.set_kind(v1::INVENTORY_KIND_SNAPSHOT);
      e.set_quantity(int64_t{1} << 30);  // ample, and within kMaxStockQuantity
      SetTimestamp(kStart, e.mutable_occurred_at());
      pipeline_->OnInventoryEvent(e, RecordSource{"inventory", 0, i + 1, name, {}, kStart});
    }
    order_.set_customer_id("C-0000001");
    order_.set_service_level(v1::SERVICE_LEVEL_STANDARD);
    order_.set_currency("EUR");
    v1::Address* a = order_.mutable_ship_to();
    a->set_name("Ada Lovelace");
    a->set_line1("12 Main Street");
    a->set_city("Berlin");
    a->set_postal_code("10115");
    a->set_country("DE");
    for (int l = 0; l < 2; ++l) {
      v1::OrderLine* line = order_.add_lines();
      line->set_line_id(l == 0 ? "L1" : "L2");
      line->set_quantity(1 + l);
      line->set_unit_price_minor(1999);
    }
    // Every SKU once, so that the order stage has interned its name.
    for (int i = 0; i < kSkus; ++i) Place(i, (i + 1) % kSkus);
    open_before_ = OpenOrders();
    placed_before_ = seq_;
  }
  ~MemoryBench() { pipeline_.reset(); }

  // The next order, "O-<seq>", of two SKUs, placed at t_.
  void Place(int sku1, int sku2) {
    char id[24];
    std::snprintf(id, sizeof id, "O-%08lld", static_cast<long long>(++seq_));
    order_.set_order_id(id);
    SetTimestamp(t_, order_.mutable_placed_at());
    order_.mutable_lines(0)->set_sku(skus_[sku1]);
    order_.mutable_lines(1)->set_sku(skus_[sku2]);
    pipeline_->OnOrderPlaced(order_, RecordSource{"orders", 0, seq_, id, {}, t_});
  }
  // The i-th order placed after the setup, of SKUs spread over all, a
  // millisecond after the last one: a thousand orders a second, so no
  // deadline falls due.
  void PlaceNext(int64_t i) {
    t_ += 1;
    const int sku1 = static_cast<int>((i * 7) % kSkus);
    Place(sku1, (sku1 + 1 + static_cast<int>((i * 13) % (kSkus - 1))) % kSkus);
  }
  // The i-th order placed after the setup is shipped whole (`status`
  // SHIPPED) or delivered, by one of three carriers under a tracking
  // number of its own, as a carrier reports it.
  void Ship(int64_t i, v1::ShipmentStatus status) {
    static constexpr const char* kCarriers[] = {"DHL", "UPS", "GLS"};
    const long long n = static_cast<long long>(placed_before_ + i + 1);
    char id[32], shipment[32], tracking[32];  // room for any long long
    std::snprintf(id, sizeof id, "O-%08lld", n);
    std::snprintf(shipment, sizeof shipment, "SHP-%08lld", n);
    std::snprintf(tracking, sizeof tracking, "1Z%012lld",
                  static_cast<long long>(n * 2654435761ll % 1000000000000ll));
    v1::ShipmentEvent e;
    e.set_order_id(id);
    e.set_shipment_id(shipment);
    e.set_status(status);
    e.set_carrier(kCarriers[n % 3]);
    e.set_tracking_number(tracking);
    t_ += 1;
    SetTimestamp(t_, e.mutable_occurred_at());
    pipeline_->OnShipment(e, RecordSource{"shipments", 0, ++shipments_, id, {}, t_});
  }
  // Orders open now that were not at the end of the setup.
  size_t OpenSinceSetup() const { return OpenOrders() - open_before_; }

 private:
  size_t OpenOrders() const {
    size_t open = 0;
    for (int s = 0; s < pipeline_->order_shard_count(); ++s) {
      open += pipeline_->order_shard(s).open_orders();
    }
    return open;
  }

  NullEmitter out_;
  std::unique_ptr<Pipeline> pipeline_;
  std::vector<std::string> skus_;
  v1::OrderPlaced order_;
  EpochMillis t_ = kStart;
  int64_t seq_ = 0, placed_before_ = 0, shipments_ = 0;
  size_t open_before_ = 0;
};

// Heap growth per open two-line order: N valid STANDARD orders on 1,000
// SKUs with ample stock, so every one is ALLOCATED and stays open (no
// timer is due within the minutes they span). The SKUs' own state is
// built before the first measurement.
void BM_BytesPerOpenOrder(benchmark::State& state) {
  const int64_t orders = state.range(0);
  const EngineConfig config = Partitions(state.range(1), state.range(1));
  for (auto _ : state) {
    auto bench = std::make_unique<MemoryBench>(config);
    const size_t heap_before = HeapInUse();
    for (int64_t i = 0; i < orders; ++i) bench->PlaceNext(i);
    const size_t heap_after = HeapInUse();
    const size_t open = bench->OpenSinceSetup();
    if (open != static_cast<size_t>(orders)) {
      state.SkipWithError("not every order stayed open");
    }
    state.counters["open_orders"] = static_cast<double>(open);
    state.counters["bytes_per_open_order"] =
        static_cast<double>(heap_after - heap_before) / static_cast<double>(open);
    state.PauseTiming();
    bench.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_BytesPerOpenOrder)
    ->ArgNames({"orders", "partitions"})
    ->Args({100000, 1})
    ->Args({1000000, 1})
    ->Args({1000000, 4})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Heap growth per order that shipped (delivered:0, still open) or was
// delivered (delivered:1, closed and retained): the orders of
// BM_BytesPerOpenOrder, each then shipped whole by a carrier with a
// tracking number (and delivered), minutes after it was placed. What
// shipping adds is bytes_per_order minus BM_BytesPerOpenOrder's.
void BM_BytesPerShippedOrder(benchmark::State& state) {
  const int64_t orders = state.range(0);
  const EngineConfig config = Partitions(state.range(1), state.range(1));
  const bool delivered = state.range(2) != 0;
  for (auto _ : state) {
    auto bench = std::make_unique<MemoryBench>(config);
    const size_t heap_before = HeapInUse();
    for (int64_t i = 0; i < orders; ++i) bench->PlaceNext(i);
    for (int64_t i = 0; i < orders; ++i) bench->Ship(i, v1::SHIPMENT_STATUS_SHIPPED);
    if (delivered) {
      for (int64_t i = 0; i < orders; ++i) {
        bench->Ship(i, v1::SHIPMENT_STATUS_DELIVERED);
      }
    }
    const size_t heap_after = HeapInUse();
    const size_t open = bench->OpenSinceSetup();
    if (open != (delivered ? 0 : static_cast<size_t>(orders))) {
      state.SkipWithError(delivered ? "an order was not delivered"
                                    : "an order did not stay open");
    }
    state.counters["open_orders"] = static_cast<double>(open);
    state.counters["bytes_per_order"] =
        static_cast<double>(heap_after - heap_before) / static_cast<double>(orders);
    state.PauseTiming();
    bench.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_BytesPerShippedOrder)
    ->ArgNames({"orders", "partitions", "delivered"})
    ->Args({1000000, 1, 0})
    ->Args({1000000, 1, 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// What the engine made of the stream, once, for the context block.
std::string Outcomes() {
  const EngineConfig config = Partitions(1, 1);
  OutcomeEmitter out;
  Pipeline pipeline(config, out);
  const std::vector<InputRecord>& stream = Stream();
  for (size_t i = 0; i < stream.size(); ++i) {
    workload::Feed(stream[i], pipeline, static_cast<int64_t>(i + 1));
  }
  std::string s;
  for (size_t i = 1; i < out.status.size(); ++i) {
    s += v1::OrderStatus_Name(static_cast<v1::OrderStatus>(i)).substr(13);
    s += ' ' + std::to_string(out.status[i]) + ", ";
  }
  s += "tasks " + std::to_string(out.tasks) + ", escalations raised " +
       std::to_string(out.raised) + " cleared " + std::to_string(out.cleared) +
       ", dead letters " + std::to_string(out.dead_letters);
  return s;
}

// The allocator the core ran on, and whether it had huge pages: jemalloc's
// thp option and how many objects of a size a thread caches
// (commands/allocator_options.cc, or MALLOC_CONF) and what the kernel
// allows ("always [madvise] never").
std::string AllocatorContext() {
#ifdef ORDERFLOW_BENCH_JEMALLOC
  const char* thp = "?";
  size_t size = sizeof thp;
  mallctl("opt.thp", &thp, &size, nullptr, 0);
  unsigned cached = 0;
  size = sizeof cached;
  mallctl("opt.tcache_nslots_small_max", &cached, &size, nullptr, 0);
  std::string s = std::string("jemalloc, thp:") + thp +
                  ", tcache_nslots_small_max:" + std::to_string(cached);
#else
  std::string s = "glibc malloc";
#endif
  if (std::FILE* f =
          std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r")) {
    char line[64] = {};
    if (std::fgets(line, sizeof line, f) != nullptr) {
      std::string kernel(line);
      while (!kernel.empty() && kernel.back() == '\n') kernel.pop_back();
      s += "; kernel: " + kernel;
    }
    std::fclose(f);
  }
  return s;
}

}  // namespace
}  // namespace orderflow

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("workload",
                              orderflow::workload::Describe(orderflow::Stream()));
  benchmark::AddCustomContext("engine outcomes", orderflow::Outcomes());
  benchmark::AddCustomContext("allocator", orderflow::AllocatorContext());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
