// Keeps one record from stalling the Kafka host.
//
// A record whose outputs the producer or the broker refuses for what they
// are (too large, invalid: kafka_errors.h, IsRefused) makes every
// transaction that holds it abort, and after the rewind the same records
// come again: left alone the host would abort and rewind forever, commits
// stopped on every partition. So:
//
//   1. after kRefusalsBeforeIsolating refused transactions in a row, the
//      host isolates: from the committed offsets up to where the last
//      refused transaction had read (`until`), each transaction holds one
//      input record and commits at once;
//   2. a record whose transaction is refused kAttemptsAlone times while it
//      is alone in it is given up on: read again, it is not applied but
//      dead-lettered (reason UNCOMMITTABLE), and its offset commits with
//      the dead letter;
//   3. once the commits pass `until` on every partition (or the
//      assignment changes), transactions hold many records again.
//
// Exactly once holds throughout: every transaction, one record or many,
// commits its outputs with its offsets or neither; a given-up record is
// skipped only by a committed transaction that holds its dead letter. Only
// refusals count: an abort for any other reason (a broker restarting, a
// rebalance) neither starts isolation nor gives up on a record.
#ifndef ORDERFLOW_CONSUMERS_POISON_RECORDS_H_
#define ORDERFLOW_CONSUMERS_POISON_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace orderflow {

class PoisonRecords {
 public:
  static constexpr int kRefusalsBeforeIsolating = 3;
  static constexpr int kAttemptsAlone = 2;

  // Per partition (Kafka topic name, partition): the next offset to read,
  // i.e. a transaction holds the records before it.
  using Offsets = std::map<std::pair<std::string, int32_t>, int64_t>;
  struct Position {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    bool operator<(const Position& o) const {
      return std::tie(topic, partition, offset) <
             std::tie(o.topic, o.partition, o.offset);
    }
  };

  // Each input record applied (or dead-lettered) in the open transaction.
  void OnRecord(std::string_view topic, int32_t partition, int64_t offset);
  // The open transaction committed with `read` (the offsets it held).
  void OnCommitted(const Offsets& read);
  // The open transaction aborted, having read up to `read`; `refused`:
  // a record it produced was refused (TransactionLoop::refused).
  // Returns the record given up on by this abort, if any.
  std::optional<Position> OnAborted(const Offsets& read, bool refused);
  // The assignment changed: what was learned of offsets may not apply.
  void Reset();

  // Whether each transaction must hold one input record.
  bool isolating() const { return !until_.empty(); }
  // Whether the record must be dead-lettered instead of applied.
  bool GivenUp(std::string_view topic, int32_t partition, int64_t offset) const;
  int64_t given_up() const { return given_up_total_; }

 private:
  int refusals_ = 0;  // refused transactions in a row
  Offsets until_;     // isolating until commits pass these
  std::set<Position> in_transaction_;
  std::map<Position, int> attempts_alone_;
  std::set<Position> given_up_;
  int64_t given_up_total_ = 0;
};

}  // namespace orderflow

#endif  // ORDERFLOW_CONSUMERS_POISON_RECORDS_H_
