#include "sim/world.h"

#include <algorithm>

namespace orderflow {
namespace {

ShippingOptions Shipping(const WorldOptions& o) {
  ShippingOptions options;
  options.seed = o.seed;
  options.parcels = o.extensions;
  return options;
}

}  // namespace

SimulatedWorld::SimulatedWorld(const WorldOptions& o, RecordSink out)
    : out_(std::move(out)),
      extensions_(o.extensions),
      erp_(ErpOptions{o.seed, o.orders_per_day, o.start, o.extensions}, Buffer()),
      shipping_(Shipping(o), Buffer()),
      help_desk_(o.seed, out_) {}

RecordSink SimulatedWorld::Buffer() {
  return [this](Topic topic, const std::string& key, const google::protobuf::Message& value,
                EpochMillis at) {
    std::unique_ptr<google::protobuf::Message> copy(value.New());
    copy->CopyFrom(value);
    sent_.push_back(Sent{topic, key, std::move(copy), at});
  };
}

void SimulatedWorld::Flush() {
  std::stable_sort(sent_.begin(), sent_.end(),
                   [](const Sent& a, const Sent& b) { return a.at < b.at; });
  for (const Sent& s : sent_) {
    if (extensions_) help_desk_.Observe(s.topic, *s.value, s.at);
    out_(s.topic, s.key, *s.value, s.at);
  }
  sent_.clear();
}

void SimulatedWorld::Step(EpochMillis now) {
  erp_.Step(now);
  shipping_.Step(now);
  Flush();
  if (extensions_) help_desk_.Step(now);
}

void SimulatedWorld::OnTask(const v1::DeliveryTask& task) {
  shipping_.OnTask(task, ToMillis(task.created_at()));
  if (extensions_) help_desk_.OnTask(task);
}

void SimulatedWorld::Finish() {
  erp_.Finish();
  Flush();
}

}  // namespace orderflow
