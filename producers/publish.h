// `orderflow publish`: JSON Lines onto an orderflow topic as protobuf.
//
// Every line is checked against the topic's schema before anything is
// sent. The lines that pass are published in one Kafka transaction, so
// after the command either all of them are on the topic or none is, and
// the summary says which: "published 98 of 100 lines; not published:
// line 7 (...)". Exit status is non-zero when any line failed.
//
// A line is either the replay envelope ({"topic":..,"key":..,
// "timestamp":..,"value":{..}}, its topic must be the one published to)
// or, with key_field set, the bare message value, keyed by that field.
#ifndef ORDERFLOW_PRODUCERS_PUBLISH_H_
#define ORDERFLOW_PRODUCERS_PUBLISH_H_

#include <istream>
#include <ostream>
#include <string>

#include "config/config_file.h"

namespace orderflow {

struct PublishOptions {
  std::string topic;      // short name: orders, cancellations, ...
  std::string key_field;  // bare values: the field that is the key
};

// Returns the process exit status.
int Publish(const Config& config, const PublishOptions& options,
            std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace orderflow

#endif  // ORDERFLOW_PRODUCERS_PUBLISH_H_
