// ReadKafka (sources.h): the three topics read to their end offsets.
#include "kafka/kafka_io.h"
#include "reconcile/sources.h"

namespace orderflow {

absl::Status ReadKafka(const Config& config, ReconcileRecords* records,
                       ReadCounts* counts) {
  auto add = [&](Topic topic, const RdKafka::Message& m) {
    const void* data = m.payload();
    const int size = static_cast<int>(m.len());
    bool used = false;
    switch (topic) {
      case Topic::kOrders: {
        v1::OrderPlaced order;
        if ((used = data != nullptr && order.ParseFromArray(data, size))) {
          records->AddOrder(order);
        }
        break;
      }
      case Topic::kInvoices: {
        v1::InvoiceIssued invoice;
        if ((used = data != nullptr && invoice.ParseFromArray(data, size))) {
          records->AddInvoice(invoice, m.key() ? *m.key() : std::string());
        }
        break;
      }
      default: {
        v1::OrderStatusChanged change;
        if ((used = data != nullptr && change.ParseFromArray(data, size))) {
          records->AddStatus(change);
        }
        break;
      }
    }
    if (used) {
      ++counts->records;
    } else {
      ++counts->unusable_input_lines;
    }
  };
  return ReadTopicsToEnd(config, {Topic::kOrders, Topic::kInvoices, Topic::kOrderStatus},
                         add, {.group_suffix = ".reconcile"})
      .status();
}

}  // namespace orderflow
