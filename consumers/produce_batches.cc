#include "consumers/produce_batches.h"

#include <cstring>

namespace orderflow {

void ProduceBatches::Add(rd_kafka_topic_t* topic, int32_t partition,
                         std::string_view key,
                         std::optional<std::string_view> value) {
  const auto [it, added] = index_.try_emplace({topic, partition}, batches_.size());
  if (added) batches_.push_back(Batch{topic, partition, {}, {}});
  Batch& batch = batches_[it->second];
  Entry e;
  e.key_offset = static_cast<uint32_t>(batch.bytes.size());
  e.key_size = static_cast<uint32_t>(key.size());
  batch.bytes.append(key);
  e.value_offset = static_cast<uint32_t>(batch.bytes.size());
  e.value_size = value ? static_cast<int64_t>(value->size()) : -1;
  if (value) batch.bytes.append(*value);
  batch.entries.push_back(e);
  ++pending_;
}

bool ProduceBatches::Send(rd_kafka_t* rk, std::string* error) {
  bool ok = true;
  for (Batch& batch : batches_) {
    if (ok && !batch.entries.empty()) ok = SendBatch(rk, batch, error);
  }
  Clear();  // sent, or dropped with the transaction they fail
  return ok;
}

bool ProduceBatches::SendBatch(rd_kafka_t* rk, Batch& batch, std::string* error) {
  const size_t n = batch.entries.size();
  messages_.assign(n, rd_kafka_message_t{});
  char* base = batch.bytes.data();
  for (size_t i = 0; i < n; ++i) {
    const Entry& e = batch.entries[i];
    rd_kafka_message_t& m = messages_[i];
    m.key = base + e.key_offset;
    m.key_len = e.key_size;
    m.payload = e.value_size < 0 ? nullptr : base + e.value_offset;
    m.len = e.value_size < 0 ? 0 : static_cast<size_t>(e.value_size);
  }
  size_t from = 0;
  while (from < n) {
    const int count = static_cast<int>(n - from);
    const int produced = rd_kafka_produce_batch(
        batch.topic, batch.partition, RD_KAFKA_MSG_F_COPY, &messages_[from], count);
    if (produced == count) return true;
    // The first record refused; none after it may have been taken, or the
    // partition's order would be broken.
    size_t refused = from;
    while (messages_[refused].err == RD_KAFKA_RESP_ERR_NO_ERROR) ++refused;
    const rd_kafka_resp_err_t err = messages_[refused].err;
    for (size_t i = refused + 1; i < n; ++i) {
      if (messages_[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        *error = std::string("a record to ") + rd_kafka_topic_name(batch.topic) +
                 " was taken after an earlier one was refused (" +
                 rd_kafka_err2str(err) + ")";
        return false;
      }
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      *error = std::string("producing to ") + rd_kafka_topic_name(batch.topic) +
               ": " + rd_kafka_err2str(err);
      return false;
    }
    rd_kafka_poll(rk, 50);  // room comes as records are delivered
    for (size_t i = refused; i < n; ++i) messages_[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
    from = refused;
  }
  return true;
}

void ProduceBatches::Clear() {
  for (Batch& batch : batches_) {
    batch.bytes.clear();
    batch.entries.clear();
  }
  pending_ = 0;
}

void ProduceBatches::Reset() {
  batches_.clear();
  index_.clear();
  pending_ = 0;
}

}  // namespace orderflow
