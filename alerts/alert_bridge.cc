#include "alerts/alert_bridge.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "alerts/alert_book.h"
#include "alerts/alertmanager_client.h"
#include "engine/text.h"
#include "kafka/kafka_client.h"
#include "kafka/topic_names.h"
#include "platform/wall_clock.h"

namespace orderflow {
namespace {

// Sleeps `ms` in short steps; false when `stop` came first.
bool Wait(Millis ms, const std::atomic<bool>& stop) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (stop.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !stop.load();
}

// Posts `alerts` until Alertmanager has taken them (see alert_bridge.h);
// false only when `stop` came first.
bool Deliver(AlertmanagerClient& am, const nlohmann::json& alerts,
             const std::atomic<bool>& stop, std::ostream& log) {
  Millis backoff = Seconds(1);
  auto post_until_answered = [&](const nlohmann::json& batch)
      -> std::optional<AlertmanagerClient::Answer> {
    while (true) {
      AlertmanagerClient::Answer answer = am.Post(batch);
      if (answer.outcome != AlertmanagerClient::Outcome::kRetry) {
        backoff = Seconds(1);
        return answer;
      }
      log << "alerts: " << answer.detail << "; posting " << batch.size()
          << " alerts again in " << backoff / 1000 << " s" << std::endl;
      if (!Wait(backoff, stop)) return std::nullopt;
      backoff = std::min<Millis>(backoff * 2, Seconds(30));
    }
  };
  const auto answer = post_until_answered(alerts);
  if (!answer) return false;
  if (answer->outcome == AlertmanagerClient::Outcome::kAccepted) return true;
  log << "alerts: " << answer->detail << "; posting the " << alerts.size()
      << " alerts one by one" << std::endl;
  for (const nlohmann::json& alert : alerts) {
    const auto alone = post_until_answered(nlohmann::json::array({alert}));
    if (!alone) return false;
    if (alone->outcome == AlertmanagerClient::Outcome::kRefused) {
      log << "alerts: refused, left behind: escalation "
          << alert["labels"].value("escalation_id", "?") << ": " << alone->detail
          << std::endl;
    }
  }
  return true;
}

}  // namespace

int RunAlertBridge(const Config& config, const AlertBridgeOptions& options,
                   const std::atomic<bool>& stop, std::ostream& log) {
  auto am = AlertmanagerClient::Create(options.alertmanager_url);
  if (!am.ok()) {
    log << "orderflow: " << am.status().message() << std::endl;
    return 1;
  }
  const std::string topic = KafkaTopic(config.kafka.topic_prefix, "escalations");
  const std::string group = Cat(config.kafka.group_prefix, ".alerts");
  auto made = MakeKafkaConsumer(config.kafka,
                                {{"group.id", group},
                                 {"enable.auto.commit", "false"},
                                 {"isolation.level", "read_committed"},
                                 {"enable.partition.eof", "true"}});
  if (!made.ok()) {
    log << "orderflow: " << made.status().message() << std::endl;
    return 1;
  }
  const std::unique_ptr<RdKafka::KafkaConsumer> consumer = *std::move(made);

  int partitions = 0;
  for (int tries = 0; partitions == 0; ++tries) {
    partitions = TopicPartitionCount(*consumer, topic, 5000);
    if (partitions > 0) break;
    if (tries == 6) {
      log << "orderflow: topic " << topic << " not found at "
          << config.kafka.bootstrap_servers
          << " (orderflow topics create makes it)" << std::endl;
      return 1;
    }
    if (!Wait(Seconds(5), stop)) return 0;
  }

  // Where the last run stopped: records before it were posted already.
  std::vector<int64_t> resume(partitions, 0);
  for (Millis backoff = 500;;) {
    std::vector<RdKafka::TopicPartition*> parts;
    for (int p = 0; p < partitions; ++p) {
      parts.push_back(RdKafka::TopicPartition::create(topic, p));
    }
    const RdKafka::ErrorCode code = consumer->committed(parts, 10000);
    for (RdKafka::TopicPartition* tp : parts) {
      resume[tp->partition()] = std::max<int64_t>(tp->offset(), 0);
    }
    RdKafka::TopicPartition::destroy(parts);
    if (code == RdKafka::ERR_NO_ERROR) break;
    log << "alerts: cannot fetch the committed offsets of group " << group << " ("
        << Describe(code) << "); asking again" << std::endl;
    if (!Wait(backoff, stop)) return 0;
    backoff = std::min<Millis>(backoff * 2, Seconds(10));
  }
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int p = 0; p < partitions; ++p) {
    assignment.push_back(
        RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  log << "alerts: " << topic << " (" << partitions << " partitions) to "
      << (*am)->url() << ", resending firing alerts every "
      << options.resend_every / 1000 << " s" << std::endl;

  AlertBook book(options.hold);
  // Partitions still short of where the last run stopped: until every one
  // has caught up, what is firing is not known in full.
  std::vector<bool> behind(partitions);
  for (int p = 0; p < partitions; ++p) behind[p] = resume[p] > 0;
  size_t catching_up = std::count(behind.begin(), behind.end(), true);
  std::vector<int64_t> next(partitions, -1);  // offsets to commit
  bool uncommitted = false;
  nlohmann::json pending = nlohmann::json::array();
  EpochMillis pending_since = 0;
  EpochMillis next_resend = catching_up == 0 ? WallClockMillis() + options.resend_every : 0;
  EpochMillis next_report = WallClockMillis() + Seconds(10);
  int64_t read = 0, posted = 0, undecodable = 0;

  auto commit = [&] {
    std::vector<RdKafka::TopicPartition*> offsets;
    for (int p = 0; p < partitions; ++p) {
      if (next[p] >= 0) offsets.push_back(RdKafka::TopicPartition::create(topic, p, next[p]));
    }
    const RdKafka::ErrorCode code = consumer->commitSync(offsets);
    RdKafka::TopicPartition::destroy(offsets);
    if (code != RdKafka::ERR_NO_ERROR) {
      // The alerts were taken; a restart before the next commit posts
      // them again, which Alertmanager absorbs.
      log << "alerts: commit failed (" << Describe(code) << "); the next one covers it"
          << std::endl;
      return;
    }
    uncommitted = false;
  };

  while (!stop.load()) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    const EpochMillis now = WallClockMillis();
    if (m->err() == RdKafka::ERR_NO_ERROR) {
      ++read;
      const int p = m->partition();
      const bool new_record = m->offset() >= resume[p];
      v1::Escalation escalation;
      if (m->payload() == nullptr ||
          !escalation.ParseFromArray(m->payload(), static_cast<int>(m->len()))) {
        ++undecodable;
        log << "alerts: " << topic << " [" << p << "] offset " << m->offset()
            << " is not an Escalation; skipped" << std::endl;
      } else {
        if (new_record && pending.empty()) pending_since = now;
        book.Apply(escalation, now, new_record ? &pending : nullptr);
      }
      if (new_record) {
        next[p] = m->offset() + 1;
        uncommitted = true;
      }
      if (behind[p] && m->offset() + 1 >= resume[p]) {
        behind[p] = false;
        --catching_up;
      }
    } else if (m->err() == RdKafka::ERR__PARTITION_EOF) {
      const int p = m->partition();
      if (behind[p]) {
        behind[p] = false;
        --catching_up;
      }
    } else if (m->err() != RdKafka::ERR__TIMED_OUT) {
      log << "alerts: " << m->errstr() << std::endl;
    }
    if (catching_up == 0 && next_resend == 0) {
      log << "alerts: caught up with the last run: " << book.firing()
          << " escalations firing" << std::endl;
      next_resend = now;  // what was firing is sent again at once
    }

    const bool full = static_cast<int>(pending.size()) >= options.max_batch;
    const bool waited = !pending.empty() && now - pending_since >= options.max_batch_wait;
    if (full || waited || (pending.empty() && uncommitted)) {
      if (!pending.empty()) {
        if (!Deliver(**am, pending, stop, log)) break;
        posted += pending.size();
        pending = nlohmann::json::array();
      }
      commit();
    }
    if (next_resend != 0 && now >= next_resend && pending.empty()) {
      nlohmann::json firing = nlohmann::json::array();
      book.Firing(now, &firing);
      for (size_t i = 0; i < firing.size(); i += options.max_batch) {
        nlohmann::json batch = nlohmann::json::array();
        for (size_t j = i; j < std::min(firing.size(), i + options.max_batch); ++j) {
          batch.push_back(std::move(firing[j]));
        }
        if (!Deliver(**am, batch, stop, log)) break;
      }
      next_resend = WallClockMillis() + options.resend_every;
    }
    if (now >= next_report) {
      log << "alerts: " << read << " records read, " << posted << " alerts posted, "
          << book.firing() << " firing"
          << (undecodable > 0 ? Cat(", ", undecodable, " undecodable") : "")
          << std::endl;
      next_report = now + Seconds(10);
    }
  }
  consumer->close();
  log << "alerts: stopped: " << read << " records read, " << posted
      << " alerts posted, " << book.firing() << " firing" << std::endl;
  return 0;
}

}  // namespace orderflow
