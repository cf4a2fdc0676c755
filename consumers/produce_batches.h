// Records of the open transaction, gathered per topic and partition and
// handed to librdkafka a batch at a time (rd_kafka_produce_batch): one
// partition lock and one wake-up of librdkafka's broker thread per batch
// instead of per record, which the host's loop otherwise spends a fifth
// of its time on, much of it waiting for locks that thread holds.
//
// Records of one partition keep the order they were added in; records of
// different partitions have no order to keep. Nothing reaches librdkafka
// before Send, so Send must come before the transaction commits, and an
// aborted transaction's records are dropped with Clear.
//
//   batches.Add(topic, partition, key, value);   // copies key and value
//   if (!batches.Send(rk, &error)) { /* abort the transaction */ }
#ifndef ORDERFLOW_CONSUMERS_PRODUCE_BATCHES_H_
#define ORDERFLOW_CONSUMERS_PRODUCE_BATCHES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "librdkafka/rdkafka.h"

namespace orderflow {

class ProduceBatches {
 public:
  // A record for `partition` of `topic`; nullopt value: a tombstone.
  void Add(rd_kafka_topic_t* topic, int32_t partition, std::string_view key,
           std::optional<std::string_view> value);

  // Produces every record added since the last Send or Clear. When
  // librdkafka's queue is full it serves `rk` (delivery reports) and
  // tries again from the first record refused. False, with *error set,
  // when a record could not be produced (or one could only have been
  // produced after a later one of its partition): the transaction must be
  // aborted; what was not produced is dropped.
  bool Send(rd_kafka_t* rk, std::string* error);

  // Drops what was added and not sent.
  void Clear();
  // Clear, and forget the topic handles too (their producer is going).
  void Reset();

  size_t pending() const { return pending_; }

 private:
  struct Entry {
    uint32_t key_offset, key_size;
    uint32_t value_offset;
    int64_t value_size;  // -1: a tombstone
  };
  struct Batch {
    rd_kafka_topic_t* topic;
    int32_t partition;
    std::string bytes;  // keys and values back to back
    std::vector<Entry> entries;
  };
  // Produces `batch`; see Send.
  bool SendBatch(rd_kafka_t* rk, Batch& batch, std::string* error);

  std::vector<Batch> batches_;  // kept with their memory between sends
  absl::flat_hash_map<std::pair<rd_kafka_topic_t*, int32_t>, size_t> index_;
  std::vector<rd_kafka_message_t> messages_;  // reused by SendBatch
  size_t pending_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_PRODUCE_BATCHES_H_
