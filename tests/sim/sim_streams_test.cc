// The simulators' streams are pinned: the same seed and options give the
// same records, byte for byte, as when these digests were taken. The
// output digest (bench/output_digest.cc), the benchmarks and the demo's
// seeded week all rest on that; a change to a simulator that moves one
// random draw, one field or one record shows here first.
//
// Each digest folds every record's topic, key, time and value (protobuf
// binary, deterministic) in the order the simulator produced them.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/workload.h"
#include "engine/deterministic.h"
#include "engine/fingerprint.h"
#include "engine/text.h"
#include "gtest/gtest.h"
#include "sim/erp.h"
#include "sim/shipping.h"
#include "sim/week.h"

namespace orderflow {
namespace {

class StreamDigest {
 public:
  void Add(std::string_view topic, std::string_view key, EpochMillis at,
           const google::protobuf::MessageLite& value) {
    buffer_.assign(topic);
    buffer_ += '\0';
    buffer_ += key;
    buffer_ += '\0';
    buffer_ += std::to_string(at);
    buffer_ += '\0';
    AppendDeterministic(value, buffer_);
    digest_ = Fingerprint(buffer_, digest_);
    ++records_;
  }
  std::string Hex() const {
    char text[40];
    std::snprintf(text, sizeof text, "%zu:%016llx", records_,
                  static_cast<unsigned long long>(digest_));
    return text;
  }

 private:
  std::string buffer_;
  uint64_t digest_ = Fingerprint("");
  size_t records_ = 0;
};

// A week of the ERP, told of shipments a day after each order (every
// third order), so that invoices are drawn too.
std::string ErpWeek(uint64_t seed, int orders_per_day, bool extensions = false) {
  StreamDigest digest;
  std::vector<std::pair<std::string, EpochMillis>> placed;
  const EpochMillis start = kSimulatedMonday;
  ErpSimulator erp({seed, orders_per_day, start, extensions},
                   [&](Topic topic, const std::string& key,
                       const google::protobuf::Message& value, EpochMillis at) {
                     digest.Add(ShortName(topic), key, at, value);
                     if (topic == Topic::kOrders) placed.emplace_back(key, at);
                   });
  size_t told = 0;
  for (EpochMillis now = start; now <= start + Days(7); now += Hours(1)) {
    erp.Step(now);
    for (; told < placed.size() && placed[told].second + Days(1) <= now; ++told) {
      if (told % 3 == 0) erp.OnShipped(placed[told].first, placed[told].second + Days(1));
    }
  }
  erp.Finish();
  EXPECT_GT(erp.orders_sent(), 0);
  return digest.Hex();
}

// The warehouse given 3,000 delivery tasks, some repeated, some cancelled.
std::string Warehouse(uint64_t seed) {
  StreamDigest digest;
  ShippingOptions options;
  options.seed = seed;
  ShippingSimulator shipping(options, [&](Topic topic, const std::string& key,
                                          const google::protobuf::Message& value,
                                          EpochMillis at) {
    digest.Add(ShortName(topic), key, at, value);
  });
  const EpochMillis start = kSimulatedMonday;
  for (int i = 0; i < 3000; ++i) {
    const EpochMillis now = start + i * Minutes(3);
    v1::DeliveryTask task;
    task.set_order_id(Cat("SO-", 100000 + i));
    task.set_action(v1::TASK_ACTION_CREATE);
    SetTimestamp(now, task.mutable_created_at());
    SetTimestamp(now + Hours(4 + i % 30), task.mutable_ship_by());
    SetTimestamp(now + Hours(30 + i % 50), task.mutable_deliver_by());
    shipping.OnTask(task, now);
    if (i % 17 == 0) shipping.OnTask(task, now);  // the same task again
    if (i % 23 == 5) {
      v1::DeliveryTask cancel;
      cancel.set_order_id(Cat("SO-", 100000 + i - 5));
      cancel.set_action(v1::TASK_ACTION_CANCEL);
      shipping.OnTask(cancel, now);
    }
    shipping.Step(now);
  }
  shipping.Step(start + Days(30));
  return digest.Hex();
}

std::string Workload(const workload::WorkloadOptions& options) {
  StreamDigest digest;
  for (const workload::InputRecord& r : workload::GenerateWorkload(options)) {
    std::visit(
        [&](const auto& m) {
          digest.Add(ShortName(r.topic), r.key, r.timestamp, m);
        },
        r.value);
  }
  return digest.Hex();
}

TEST(SimStreams, ErpWeekIsPinned) {
  EXPECT_EQ(ErpWeek(1, 1500), "14084:02476c7d38533633");
  EXPECT_EQ(ErpWeek(7, 300), "3931:bfd839e8736c7ae3");
}

// v1.1 (warehouses, destinations, amendments, holds): pinned as well.
TEST(SimStreams, ErpWeekWithExtensionsIsPinned) {
  EXPECT_EQ(ErpWeek(1, 1500, true), "18635:887ff9b21d8dd886");
  EXPECT_EQ(ErpWeek(7, 300, true), "6694:7a8556e65c75566f");
}

TEST(SimStreams, WarehouseIsPinned) {
  EXPECT_EQ(Warehouse(1), "11542:bf6e257dcb8eb0ac");
  EXPECT_EQ(Warehouse(9), "11567:0da263ffe8128dcf");
}

TEST(SimStreams, WorkloadIsPinned) {
  workload::WorkloadOptions options;
  options.records = 200000;
  EXPECT_EQ(Workload(options), "200000:6fe40af23a7a9110");
  // Days of a slow shop over few SKUs: receipts, backorders, expiries.
  options.seed = 3;
  options.records = 100000;
  options.orders_per_minute = 20;
  options.sku_count = 300;
  EXPECT_EQ(Workload(options), "100000:e6c66b360ffd549b");
  // A tiny SKU universe: orders with fewer lines than drawn.
  options.seed = 4;
  options.records = 20000;
  options.sku_count = 3;
  EXPECT_EQ(Workload(options), "20000:18969ecc54ad7138");
}

}  // namespace
}  // namespace orderflow
