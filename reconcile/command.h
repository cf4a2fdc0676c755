// `orderflow reconcile`: the command's glue. Reads the records (files or
// Kafka), builds the month's report (reconcile.h) and writes it.
//
//   orderflow reconcile --month 2026-10 --input INPUT.jsonl --outputs OUTPUT.jsonl
//   orderflow reconcile --month 2026-10 --config orderflow.yaml
//   ... [--json FILE]     also write the report as JSON to FILE
//   ... [--json -]        JSON on stdout instead of the text
//
// Exit status: 0 when the report was written, whether or not it found
// differences; 2 for bad arguments, 1 when a source cannot be read; in
// both cases one line on `err` says why.
#ifndef ORDERFLOW_RECONCILE_COMMAND_H_
#define ORDERFLOW_RECONCILE_COMMAND_H_

#include <ostream>
#include <string>

namespace orderflow {

struct ReconcileOptions {
  std::string month;         // "2026-10"
  std::string input_path;    // a replay input: orders and invoices
  std::string outputs_path;  // that replay's output: order-status
  std::string config_path;   // read the topics of this configuration instead
  std::string json_path;     // also write JSON here ("-": instead of text)
};

int RunReconcile(const ReconcileOptions& options, std::ostream& out,
                 std::ostream& err);

}  // namespace orderflow

#endif  // ORDERFLOW_RECONCILE_COMMAND_H_
