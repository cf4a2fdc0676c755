#include "tests/engine/engine_test.h"

#include "tests/engine/saved_shards.h"

namespace orderflow::testing {

RecordSource SourceFor(std::string_view topic, std::string_view key,
                       const std::string& payload, EpochMillis at,
                       int64_t offset) {
  RecordSource source;
  source.topic = topic;
  source.partition = kInputPartition;
  source.offset = offset;
  source.key = key;
  source.payload = payload;
  source.timestamp = at;
  return source;
}

void Apply(Pipeline& pipeline, const Input& input, int64_t offset) {
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, Tick>) {
          pipeline.AdvanceClock(input.at);
        } else {
          const std::string payload = m.SerializeAsString();
          if constexpr (std::is_same_v<M, v1::OrderPlaced>) {
            pipeline.OnOrderPlaced(
                m, SourceFor("orders", m.order_id(), payload, input.at, offset));
          } else if constexpr (std::is_same_v<M, v1::CancellationRequested>) {
            pipeline.OnCancellation(
                m, SourceFor("cancellations", m.order_id(), payload, input.at,
                                offset));
          } else if constexpr (std::is_same_v<M, v1::ShipmentEvent>) {
            pipeline.OnShipment(
                m, SourceFor("shipments", m.order_id(), payload, input.at, offset));
          } else if constexpr (std::is_same_v<M, v1::CustomerContact>) {
            pipeline.OnCustomerContact(
                m, SourceFor("customer-contacts", m.order_id(), payload,
                             input.at, offset));
          } else if constexpr (std::is_same_v<M, v1::OrderAmended>) {
            pipeline.OnAmendment(
                m, SourceFor("amendments", m.order_id(), payload, input.at, offset));
          } else if constexpr (std::is_same_v<M, v1::InvoiceIssued>) {
            pipeline.OnInvoice(
                m, SourceFor("invoices", m.order_id(), payload, input.at, offset));
          } else if constexpr (std::is_same_v<M, v1::HoldEvent>) {
            pipeline.OnHold(
                m, SourceFor("holds", m.order_id(), payload, input.at, offset));
          } else {
            pipeline.OnInventoryEvent(
                m, SourceFor("inventory", m.sku(), payload, input.at, offset));
          }
        }
      },
      input.value);
}

void PrintTo(const Ledger& l, std::ostream* os) {
  *os << "{on_hand " << l.on_hand << ", reserved " << l.reserved
      << ", waiting_orders " << l.waiting_orders << "}";
}

Ledger LedgerOf(Pipeline& pipeline, std::string_view sku) {
  const auto stock = pipeline.InventoryShardFor(sku).Stock(sku);
  if (!stock) return Ledger{};
  return Ledger{stock->on_hand, stock->reserved, stock->waiting_orders};
}

void PrintTo(const ShardLayout& layout, std::ostream* os) {
  *os << layout.order_partitions << "x" << layout.inventory_partitions;
}

std::string LayoutName(const ::testing::TestParamInfo<ShardLayout>& info) {
  return "orders" + std::to_string(info.param.order_partitions) + "_inventory" +
         std::to_string(info.param.inventory_partitions);
}

EngineTest::EngineTest() {
  config_.order_partitions = GetParam().order_partitions;
  config_.inventory_partitions = GetParam().inventory_partitions;
  pipeline_ = std::make_unique<Pipeline>(config_, out_);
}

void EngineTest::TearDown() {
  for (const std::string& problem : out_.ContractViolations()) {
    ADD_FAILURE() << "contract violated by " << problem;
  }
}

void EngineTest::Reconfigure(const std::function<void(EngineConfig&)>& change) {
  pipeline_.reset();
  change(config_);
  pipeline_ = std::make_unique<Pipeline>(config_, out_);
}

void EngineTest::Feed(Input input) { Apply(*pipeline_, input, next_offset_++); }

std::vector<std::string> EngineTest::FeedHereAndRestored(
    const std::vector<Input>& rest) {
  const SavedShards saved = SaveShards(pipeline());
  const int64_t offset = next_offset_;
  for (const Input& input : rest) Apply(pipeline(), input, next_offset_++);
  const std::vector<std::string> here = out_.Take();

  restored_ = std::make_unique<Pipeline>(config_, restored_out_);
  LoadShards(saved, *restored_);
  if (::testing::Test::HasFatalFailure()) return here;
  const SavedShards again = SaveShards(*restored_);
  EXPECT_EQ(again.orders, saved.orders);  // the same bytes
  EXPECT_EQ(again.inventory, saved.inventory);
  for (size_t i = 0; i < rest.size(); ++i) {
    Apply(*restored_, rest[i], offset + static_cast<int64_t>(i));
  }
  EXPECT_EQ(restored_out_.Take(), here);
  return here;
}

void EngineTest::Place(const v1::OrderPlaced& order) {
  Place(order, Ms(order.placed_at()));
}
void EngineTest::Place(const v1::OrderPlaced& order, EpochMillis at) {
  Feed({order, at});
}
void EngineTest::Cancel(const v1::CancellationRequested& cancellation) {
  Cancel(cancellation, Ms(cancellation.requested_at()));
}
void EngineTest::Cancel(const v1::CancellationRequested& cancellation,
                        EpochMillis at) {
  Feed({cancellation, at});
}
void EngineTest::Ship(const v1::ShipmentEvent& shipment) {
  Ship(shipment, Ms(shipment.occurred_at()));
}
void EngineTest::Ship(const v1::ShipmentEvent& shipment, EpochMillis at) {
  Feed({shipment, at});
}
void EngineTest::Stock(const v1::InventoryEvent& event) {
  Stock(event, Ms(event.occurred_at()));
}
void EngineTest::Stock(const v1::InventoryEvent& event, EpochMillis at) {
  Feed({event, at});
}
void EngineTest::Bill(const v1::InvoiceIssued& invoice) {
  Bill(invoice, Ms(invoice.issued_at()));
}
void EngineTest::Bill(const v1::InvoiceIssued& invoice, EpochMillis at) {
  Feed({invoice, at});
}
void EngineTest::Contact(const v1::CustomerContact& contact) {
  Contact(contact, contact.has_resolved_at() ? Ms(contact.resolved_at())
                                             : Ms(contact.received_at()));
}
void EngineTest::Contact(const v1::CustomerContact& contact, EpochMillis at) {
  Feed({contact, at});
}
void EngineTest::Hold(const v1::HoldEvent& hold) {
  Hold(hold, Ms(hold.occurred_at()));
}
void EngineTest::Hold(const v1::HoldEvent& hold, EpochMillis at) {
  Feed({hold, at});
}
void EngineTest::Amend(const v1::OrderAmended& amendment) {
  Amend(amendment, Ms(amendment.requested_at()));
}
void EngineTest::Amend(const v1::OrderAmended& amendment, EpochMillis at) {
  Feed({amendment, at});
}
void EngineTest::AdvanceTo(EpochMillis t) { Feed({Tick{}, t}); }

void EngineTest::ExpectNothingUntilThen(EpochMillis due,
                                        const std::vector<std::string>& expected) {
  AdvanceTo(due - Seconds(1));
  EXPECT_THAT(out_.Take(), ::testing::IsEmpty())
      << "one second before " << FormatTime(due);
  AdvanceTo(due);
  EXPECT_THAT(out_.Take(), ::testing::ElementsAreArray(expected))
      << "at " << FormatTime(due);
}

Ledger EngineTest::LedgerOf(std::string_view sku) {
  return testing::LedgerOf(*pipeline_, sku);
}

std::optional<v1::OrderStatus> EngineTest::StatusOf(std::string_view order_id) {
  return pipeline_->OrderShardFor(order_id).StatusOf(order_id);
}

}  // namespace orderflow::testing
