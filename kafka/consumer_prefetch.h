// How much a consumer of the host reads ahead: librdkafka properties that
// `orderflow run` sets on its stage consumers (unless kafka.properties
// names them) and the end-to-end benchmark's passthrough sets on its own,
// so that both read ahead alike.
//
// With librdkafka's defaults (1 MB a partition a fetch, 100,000 records
// queued) the host's loop waited for records about a third of the time at
// full rate on a local broker; with these, not at all. What is queued stays
// bounded by queued.max.messages.kbytes (64 MB by default).
#ifndef ORDERFLOW_KAFKA_CONSUMER_PREFETCH_H_
#define ORDERFLOW_KAFKA_CONSUMER_PREFETCH_H_

#include <string>
#include <utility>

namespace orderflow {

inline const std::pair<std::string, std::string> kConsumerPrefetch[] = {
    {"fetch.message.max.bytes", "8388608"},  // a partition a fetch: 8 MB
    {"queued.min.messages", "1000000"},
};

}  // namespace orderflow

#endif  // ORDERFLOW_KAFKA_CONSUMER_PREFETCH_H_
