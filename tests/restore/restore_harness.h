// Crash and restore over the pure core, the machinery of tests/restore: a
// run that is stopped after k records, saved, and rebuilt into a fresh
// Pipeline must emit, before and after the cut together, exactly the
// records of a run that never stopped, byte for byte. Saved two ways:
// whole-shard snapshots (Snapshot/Restore), and a compacted per-key
// changelog as the Kafka host writes it (TakeChangedKeys/KeyState, then
// RestoreKey/RestoreClock). A restored shard must also save to the very
// bytes it was restored from.
//
//   const Outputs straight = RunStraight(Partitions(4, 4), stream);
//   EXPECT_TRUE(SameOutputs(straight, RunWithCrashes(Partitions(4, 4), stream,
//                                                    Cuts(7, 3, stream.size()))));
#ifndef ORDERFLOW_TESTS_RESTORE_RESTORE_HARNESS_H_
#define ORDERFLOW_TESTS_RESTORE_RESTORE_HARNESS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/workload.h"
#include "engine/config.h"
#include "engine/deterministic.h"
#include "engine/pipeline.h"
#include "gtest/gtest.h"

namespace orderflow::restore {

using Stream = std::vector<workload::InputRecord>;

// Every public output as one line: topic, tab, deterministic protobuf
// binary. Remembers which input caused each, for failure messages.
class RecordingEmitter final : public Emitter {
 public:
  void SendStatus(const StatusOutput& s) override {
    v1::OrderStatusChanged m;
    ToProto(s, &m);
    Add("order-status", m);
  }
  void SendTask(const TaskOutput& t) override {
    v1::DeliveryTask m;
    ToProto(t, &m);
    Add("delivery-tasks", m);
  }
  void Escalated(const v1::Escalation& m) override { Add("escalations", m); }
  void DeadLettered(const v1::DeadLetter& m) override {
    Add("dead-letter", m);
  }
  void AmendmentDecided(const v1::AmendmentResult& m) override {
    Add("amendment-results", m);
  }
  void SendToInventory(const StockRequest&) override {}
  void SendToOrders(const StockAnswer&) override {}

  std::vector<std::string> lines;
  std::vector<size_t> caused_by;  // index of the input record
  size_t current_input = 0;

 private:
  void Add(std::string_view topic, const google::protobuf::Message& m) {
    std::string line(topic);
    line.push_back('\t');
    AppendDeterministic(m, line);
    lines.push_back(std::move(line));
    caused_by.push_back(current_input);
  }
};


// "escalations {...json...}" for a recorded line.
std::string Readable(const std::string& line);
// "escalations RAISED SHIP_DEADLINE_AT_RISK": what kind of output it is
// ("dead-letter <reason>", "amendment-results APPLIED", ...).
std::string KindOf(const std::string& line);

struct Outputs {
  std::vector<std::string> lines;
  std::vector<size_t> caused_by;
};

// How long the streams of tests/restore are: a little over two days of
// traffic, so that deadlines and ageing fall due, some of them across a
// cut. Sanitized code runs several times slower: the harness built with
// ORDERFLOW_RESTORE_SMALL_STREAM (and every test with it) takes a shorter
// stream.
#ifdef ORDERFLOW_RESTORE_SMALL_STREAM
inline constexpr size_t kStreamRecords = 40000;
inline constexpr double kStreamOrdersPerMinute = 5;
#else
inline constexpr size_t kStreamRecords = 150000;
inline constexpr double kStreamOrdersPerMinute = 15;
#endif

// bench/workload.h's stream of kStreamRecords drawn from `seed` (the v1.1
// mix if `v11`).
Stream TwoDaysOfTraffic(uint64_t seed, bool v11);

// A configuration with `orders` order shards and `inventory` inventory
// shards, every other setting its default.
EngineConfig Partitions(int32_t orders, int32_t inventory);

// `config` with short retentions, so that closed orders are forgotten and
// early records expire many times within a stream.
EngineConfig WithShortRetention(EngineConfig config);

// The whole stream through one pipeline.
Outputs RunStraight(const EngineConfig& config, const Stream& stream);

// The stream with a crash after each of `cuts` records (ascending): save
// every shard's snapshot, throw the pipeline away, rebuild from the saved
// bytes, go on.
Outputs RunWithCrashes(const EngineConfig& config, const Stream& stream,
                       const std::vector<size_t>& cuts);

// The same, each time rebuilt key by key from the changelog written since
// the start (what the Kafka host does).
Outputs RunWithChangelogCrashes(const EngineConfig& config,
                                const Stream& stream,
                                const std::vector<size_t>& cuts);

// Equal, or a message naming the first output that differs.
testing::AssertionResult SameOutputs(const Outputs& expected,
                                     const Outputs& actual);

// The comparisons mean something only if the stream drives the engine
// through its rules: prints the stream and the kinds of its outputs (as
// KindOf names them) and expects at least one output of each of `kinds`.
void ExpectEveryKind(const Stream& stream, const Outputs& outputs,
                     const std::vector<std::string>& kinds);

// `count` crash points in [1, records), ascending, drawn from `seed`.
std::vector<size_t> Cuts(uint64_t seed, size_t count, size_t records);

}  // namespace orderflow::restore

#endif  // ORDERFLOW_TESTS_RESTORE_RESTORE_HARNESS_H_
