// What the report readers (read_records.h, kafka_source.h) give their
// records to: the output records every report reads (amendment results
// only for a report that counts them), and for a report that
// asks for them, the input records (orders, holds, customer contacts) the
// engine was given. Each record's event time is filled in before it comes.
#ifndef ORDERFLOW_REPORT_RECORD_SINK_H_
#define ORDERFLOW_REPORT_RECORD_SINK_H_

#include "orderflow/v1/orderflow.pb.h"

namespace orderflow {

class RecordSink {
 public:
  virtual ~RecordSink() = default;

  virtual void Add(const v1::OrderStatusChanged& change) = 0;
  virtual void Add(const v1::Escalation& escalation) = 0;
  virtual void Add(const v1::DeadLetter& dead_letter) = 0;
  virtual void Add(const v1::AmendmentResult&) {}

  // Whether the input records below are read. When false, an input record
  // in a replay file is a mistake (a replay input given for its output)
  // and named as such.
  virtual bool ReadsInputs() const { return false; }
  virtual void Add(const v1::OrderPlaced&) {}
  virtual void Add(const v1::HoldEvent&) {}
  virtual void Add(const v1::CustomerContact&) {}
};

}  // namespace orderflow

#endif  // ORDERFLOW_REPORT_RECORD_SINK_H_
