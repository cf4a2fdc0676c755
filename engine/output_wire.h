// Protobuf binary of the order stage's two most frequent outputs, written
// from their plain values (engine/outputs.h) without building messages:
// what a host produces for every status change and delivery task.
//
// The bytes are those of ToProto followed by protobuf's deterministic
// serialization. A task whose ship-to bytes are not in the form protobuf
// writes (fields 1-6 in order, each once, not empty: what AppendAddress
// writes for an address of known fields) is left to ToProto and protobuf,
// which may write such an address differently.
//
//   std::string value;
//   AppendStatus(status, value);
//   if (!AppendTask(task, value)) { ToProto(task, &m); m.AppendToString(&value); }
#ifndef ORDERFLOW_ENGINE_OUTPUT_WIRE_H_
#define ORDERFLOW_ENGINE_OUTPUT_WIRE_H_

#include <string>

#include "engine/outputs.h"

namespace orderflow {

// Appends the OrderStatusChanged of `s` to `out`.
void AppendStatus(const StatusOutput& s, std::string& out);

// Appends the DeliveryTask of `t` to `out` and returns true; or returns
// false, and leaves `out` as it was, when t.ship_to is not in protobuf's
// own form.
bool AppendTask(const TaskOutput& t, std::string& out);

}  // namespace orderflow

#endif  // ORDERFLOW_ENGINE_OUTPUT_WIRE_H_
