#include "consumers/poison_records.h"

#include <algorithm>

namespace orderflow {

void PoisonRecords::OnRecord(std::string_view topic, int32_t partition,
                             int64_t offset) {
  // Only needed to tell a record alone in its transaction.
  if (isolating()) in_transaction_.insert({std::string(topic), partition, offset});
}

void PoisonRecords::OnCommitted(const Offsets& read) {
  refusals_ = 0;
  in_transaction_.clear();
  for (const auto& [tp, next] : read) {
    const auto until = until_.find(tp);
    if (until != until_.end() && next >= until->second) until_.erase(until);
    // Dead letters committed: nothing before `next` is read again.
    for (auto it = given_up_.begin(); it != given_up_.end();) {
      if (it->topic == tp.first && it->partition == tp.second &&
          it->offset < next) {
        attempts_alone_.erase(*it);
        it = given_up_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

std::optional<PoisonRecords::Position> PoisonRecords::OnAborted(
    const Offsets& read, bool refused) {
  std::optional<Position> given_up;
  if (!refused) {
    in_transaction_.clear();
    return given_up;
  }
  if (!isolating()) {
    if (++refusals_ >= kRefusalsBeforeIsolating) {
      for (const auto& [tp, next] : read) {
        int64_t& until = until_[tp];
        until = std::max(until, next);
      }
    }
  } else if (in_transaction_.size() == 1) {
    const Position& alone = *in_transaction_.begin();
    if (++attempts_alone_[alone] >= kAttemptsAlone &&
        given_up_.insert(alone).second) {
      ++given_up_total_;
      given_up = alone;
    }
  }
  in_transaction_.clear();
  return given_up;
}

void PoisonRecords::Reset() {
  refusals_ = 0;
  until_.clear();
  in_transaction_.clear();
  attempts_alone_.clear();
  given_up_.clear();
}

bool PoisonRecords::GivenUp(std::string_view topic, int32_t partition,
                            int64_t offset) const {
  return given_up_.count({std::string(topic), partition, offset}) > 0;
}

}  // namespace orderflow
