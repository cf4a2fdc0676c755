#include "consumers/transaction_loop.h"

#include <chrono>
#include <utility>

#include "engine/text.h"
#include "kafka/kafka_errors.h"

namespace orderflow {
namespace {

int64_t MicrosBetween(KafkaEnv::Clock::time_point from,
                      KafkaEnv::Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

}  // namespace

TransactionLoop::TransactionLoop(KafkaEnv& env, Options options,
                                 HostTelemetry& telemetry, std::ostream& log)
    : env_(env),
      options_(std::move(options)),
      telemetry_(telemetry),
      log_(log) {}

template <typename Op>
absl::Status TransactionLoop::WithRetries(Op op) {
  for (int attempt = 0;; ++attempt) {
    absl::Status s = op();
    if (!IsRetriable(s) || attempt >= 50 || stopping()) return s;
    env_.SleepFor(std::chrono::milliseconds(100));
  }
}

absl::Status TransactionLoop::MakeProducer() {
  producer_.reset();  // the one being replaced
  absl::StatusOr<std::unique_ptr<TransactionalProducer>> made =
      env_.NewProducer(options_.transactional_id);
  if (!made.ok()) return made.status();
  producer_ = *std::move(made);
  absl::Status s = WithRetries([&] { return producer_->InitTransactions(); });
  if (!s.ok()) {
    return absl::UnavailableError(
        Cat("initialising transactions as '", options_.transactional_id,
            "' at ", options_.bootstrap_servers, ": ", MessageOf(s)));
  }
  return producer_->LookUpTopics(options_.topics);
}

absl::Status TransactionLoop::RebuildProducer() {
  in_transaction_ = false;
  internal_in_transaction_ = false;
  produce_failed_ = false;
  ++telemetry_.counters().producer_rebuilds;
  return MakeProducer();
}

absl::Status TransactionLoop::Begin() {
  absl::Status s = WithRetries([&] { return producer_->BeginTransaction(); });
  if (!s.ok()) {
    return absl::InternalError(Cat("beginning a transaction: ", MessageOf(s)));
  }
  in_transaction_ = true;
  refused_ = false;
  return absl::OkStatus();
}

void TransactionLoop::ProduceFailed(const std::string& topic,
                                    const absl::Status& s) {
  log_ << "run: producing to " << topic << " failed: " << s.message()
       << "; the transaction will be aborted\n";
  produce_failed_ = true;
  if (IsRefused(s)) refused_ = true;
}

absl::StatusOr<TransactionLoop::Ended> TransactionLoop::Commit(
    absl::FunctionRef<void()> write_state,
    absl::FunctionRef<std::vector<GroupOffsets>()> offsets) {
  if (!in_transaction_) return Ended::kCommitted;
  last_commit_started_ = env_.Now();
  if (options_.abort_every > 0 &&
      ++commit_attempts_ % options_.abort_every == 0) {
    // Fault injection for tests: this transaction is aborted as if the
    // broker had refused it.
    log_ << "run: aborting this transaction on purpose (fault injection)\n";
    if (absl::Status s = Abort(); !s.ok()) return s;
    return Ended::kAborted;
  }
  write_state();
  if (produce_failed_) {
    if (absl::Status s = Abort(); !s.ok()) return s;
    return Ended::kAborted;
  }
  const Clock::time_point wait_started = env_.Now();
  absl::Status error = absl::OkStatus();
  for (const GroupOffsets& group : offsets()) {
    if (group.offsets.empty()) continue;
    std::unique_ptr<GroupMetadata> metadata = group.consumer->group_metadata();
    error = WithRetries(
        [&] { return producer_->SendOffsets(group.offsets, *metadata); });
    if (!error.ok()) break;
  }
  if (error.ok()) {
    error = WithRetries([&] { return producer_->CommitTransaction(); });
  }
  const Clock::time_point ended = env_.Now();
  telemetry_.counters().commit_wait_us += MicrosBetween(wait_started, ended);
  if (error.ok()) {
    in_transaction_ = false;
    internal_in_transaction_ = false;
    telemetry_.OnCommitted(MicrosBetween(last_commit_started_, ended));
    return Ended::kCommitted;
  }
  log_ << "run: committing failed: " << error.message() << "\n";
  if (IsRefused(error)) refused_ = true;
  // Stopping, no new producer is made: the transaction is aborted if it
  // can be, and left to the broker if not.
  if (IsAbortable(error) || stopping()) {
    if (absl::Status s = Abort(); !s.ok()) return s;
    return Ended::kAborted;
  }
  // Fatal, or nothing librdkafka says can be recovered: a new producer.
  telemetry_.DropUncommitted();
  if (absl::Status s = RebuildProducer(); !s.ok()) return s;
  return Ended::kAborted;
}

absl::Status TransactionLoop::Abort() {
  ++telemetry_.counters().aborts;
  internal_in_transaction_ = false;
  telemetry_.DropUncommitted();
  in_transaction_ = false;
  produce_failed_ = false;
  absl::Status s = WithRetries([&] { return producer_->AbortTransaction(); });
  if (!s.ok() && stopping()) {
    // The broker ends the transaction when it times out, or when the
    // next process with this transactional id fences this one.
    log_ << "run: aborting failed while stopping: " << s.message()
         << "; the broker ends the transaction\n";
    return absl::OkStatus();
  }
  if (!s.ok()) {
    log_ << "run: aborting failed: " << s.message()
         << "; rebuilding the producer\n";
    return RebuildProducer();
  }
  return absl::OkStatus();
}

}  // namespace orderflow
