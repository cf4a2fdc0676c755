// A recording Emitter for the engine tests: every public output of a
// Pipeline, in the order it was emitted, with one-line summaries that tests
// compare against the records a rule says must come out.
//
//   Recorder out;
//   Pipeline pipeline(config, out);
//   pipeline.OnOrderPlaced(order, At(kT0));
//   EXPECT_THAT(out.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
//                                       "status O-1 ACCEPTED -> ALLOCATED",
//                                       "task O-1/delivery CREATE [L1 SKU-A x2]"));
//
// Summary lines, one per output:
//   status <orderId> <previousStatus|NEW> -> <status> [<reasons>]
//   task <taskId> <CREATE|CANCEL> [<lineId> <sku> x<quantity>, ...]
//   RAISED <orderId>/<KIND>/<level>      (an escalation, its id without
//                                         the placedAt; CLEARED likewise)
//   dead-letter <sourceTopic>/<key> <reason>
// Enum prefixes are dropped, as a client matching on suffixes would. An
// escalation whose escalationId is not "<orderId>/<KIND>/<level>/<placedAt>" shows
// its id too (" id=..."), so such a record never matches an expectation.
#ifndef ORDERFLOW_TESTS_ENGINE_RECORDER_H_
#define ORDERFLOW_TESTS_ENGINE_RECORDER_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/emitter.h"

namespace orderflow::testing {

using Output = std::variant<v1::OrderStatusChanged, v1::DeliveryTask,
                            v1::Escalation, v1::DeadLetter,
                            v1::AmendmentResult>;

// "ORDER_STATUS_SHIPPED" -> "SHIPPED".
std::string StatusName(v1::OrderStatus s);
std::string KindName(v1::EscalationKind k);
std::string Summary(const Output& output);
// The output's kind and protobuf bytes: equal outputs give equal strings.
std::string Bytes(const Output& output);

class Recorder : public Emitter {
 public:
  // Status changes and tasks are kept as messages, each made afresh by
  // ToProto.
  void SendStatus(const StatusOutput& s) override;
  void SendTask(const TaskOutput& t) override;
  void Escalated(const v1::Escalation& m) override;
  void DeadLettered(const v1::DeadLetter& m) override;
  void AmendmentDecided(const v1::AmendmentResult& m) override;
  // Internal messages never reach the Pipeline's Emitter.
  void SendToInventory(const StockRequest& m) override;
  void SendToOrders(const StockAnswer& m) override;

  // Summaries of the outputs emitted since the last Take.
  std::vector<std::string> Take();
  // Summaries of every output so far.
  std::vector<std::string> Lines() const;
  const std::vector<Output>& outputs() const { return outputs_; }

  // Every output of one type, optionally only those of one order.
  std::vector<v1::OrderStatusChanged> Statuses(std::string_view order_id = {}) const;
  std::vector<v1::DeliveryTask> Tasks(std::string_view order_id = {}) const;
  std::vector<v1::Escalation> Escalations(std::string_view order_id = {}) const;
  std::vector<v1::DeadLetter> DeadLetters() const;
  std::vector<v1::AmendmentResult> AmendmentResults(
      std::string_view order_id = {}) const;

  // The last escalation emitted with this id and state (RAISED/CLEARED);
  // fails the test when there is none. The id may be written without its
  // placedAt ("O-1/SHIP_DEADLINE_MISSED/2").
  v1::Escalation Escalation(std::string_view escalation_id,
                            v1::EscalationState state) const;

  // Contract checks over the whole stream, as human sentences; empty when
  // all hold.
  //  - rule 7: an escalation id is RAISED at most once, CLEARED at most
  //    once and only after it was RAISED;
  //  - each status change's previousStatus is the order's last status;
  //  - nothing changes the status of a DELIVERED order (rule 5);
  //  - a CANCEL task follows a CREATE with the same task id (rule 4).
  std::vector<std::string> ContractViolations() const;

 protected:
  // Records `output` (a copy) as emitted.
  void Keep(Output output) { outputs_.push_back(std::move(output)); }

 private:
  std::vector<Output> outputs_;
  size_t taken_ = 0;
};

}  // namespace orderflow::testing

#endif  // ORDERFLOW_TESTS_ENGINE_RECORDER_H_
