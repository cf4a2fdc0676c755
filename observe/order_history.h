// An order's history as Kafka keeps it: what GET /api/orders/<id> answers
// when this process has not seen the whole of it itself (the order's
// partition is another process's, or it came to this one by a restart or a
// rebalance after the order began).
//
// Every record about an order is keyed by its id, so it lies in one
// partition of each order-keyed topic: the inputs but `inventory`, and the
// outputs. Reading those partitions (read_committed, from the start to
// where they end when the read starts) and keeping the records with the
// order's key gives the same entries the process that handled the order
// recorded, within the topics' retention: that is the durable copy of
// every order's timeline, and it costs nothing to write.
#ifndef ORDERFLOW_OBSERVE_ORDER_HISTORY_H_
#define ORDERFLOW_OBSERVE_ORDER_HISTORY_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/config_file.h"
#include "nlohmann/json.hpp"

namespace orderflow {

// The order as OrderTimelines::OrderJson gives it, built from its records
// on Kafka, or nullopt when Kafka holds none. Entries come in time order
// (an input's record timestamp, an output's engine time: the times
// OrderTimelines are given by a host); at the same time inputs come
// before outputs, each side in the order of the topics in engine/topics.h,
// and one topic's records in offset order. The timeline bounds of
// `config.observe` apply. Fails when Kafka cannot be reached or a
// partition cannot be read to its end within `idle_timeout_ms`: a
// transaction left open holds read_committed readers back, as one of a
// process killed in the middle of it does until the broker aborts it
// after the transaction timeout (60 s).
absl::StatusOr<std::optional<nlohmann::ordered_json>> ReadOrderHistory(
    const Config& config, std::string_view order_id, int idle_timeout_ms = 5000);

}  // namespace orderflow

#endif  // ORDERFLOW_OBSERVE_ORDER_HISTORY_H_
