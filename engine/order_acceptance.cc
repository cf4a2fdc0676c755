// Rule 1, review: an order placed is REJECTED with its reasons and a
// level-1 VALIDATION_FAILED, or ACCEPTED and its stock asked for. The same
// order again is a no-op; the same id with other content goes to
// dead-letter (DUPLICATE_ORDER) and the first version stands.
#include <algorithm>

#include "engine/dead_letter.h"
#include "engine/fingerprint.h"
#include "engine/order_shard.h"
#include "engine/order_status.h"
#include "engine/review.h"
#include "engine/text.h"
#include "engine/utf8.h"

namespace orderflow {

using internal::v1::AllocationRequest;
using internal::v1::EarlyRecord;

void OrderShard::OnOrderPlaced(const v1::OrderPlaced& placed,
                               const RecordSource& source, Emitter& out) {
  // Each line's SKU is interned once the order is encoded, checked and
  // created: its lookup starts now, so that its cache miss overlaps that.
  for (const v1::OrderLine& line : placed.lines()) store_.PrefetchIntern(line.sku());
  std::string_view id = placed.order_id();
  if (id.empty()) id = source.key;
  if (id.empty()) {
    DeadLetter(source, "MISSING_FIELD", "orderId missing and no record key", clock_, out);
    return;
  }
  // An id taken from the key becomes a string in every output: a key that
  // is not UTF-8 cannot name the order.
  if (placed.order_id().empty() && !IsValidUtf8(id)) {
    DeadLetter(source, "MISSING_FIELD",
               "orderId missing and the record key is not valid UTF-8", clock_,
               out);
    return;
  }
  if (!KeyMatches(source, id, "orderId", clock_, out)) return;
  // The content fingerprint is of the order's deterministic protobuf
  // encoding (saved in snapshots, so it must not change); the encoding
  // also holds the address's bytes that Accept keeps.
  const OrderEncoding encoding = ship_to().Encode(placed);
  const uint64_t hash = ContentFingerprint(encoding.bytes);
  if (Order* existing = Find(id)) {
    if (SameContent(*existing, hash, encoding.bytes)) return;  // the same order again
    Changed(id);
    DeadLetter(source, "DUPLICATE_ORDER",
               Cat("order ", id,
                            " was already received with different content"), clock_, out);
    Raise(*existing, Rung::kValidationFailed1, clock_,
          Cat("Order ", id,
                       " was sent again with different content; the first "
                       "version stands and the new one is in dead-letter."),
          out);
    Reschedule(*existing);
    return;
  }

  Order& order = Create(id);
  order.content_hash = hash;
  order.level = placed.service_level();
  order.placed_at = ToMillis(placed.placed_at());
  order.currency = store_.InternCurrency(placed.currency());
  const ReviewFindings findings = Review(placed, config_);
  if (!findings.ok()) {
    SetStatus(order, v1::ORDER_STATUS_REJECTED, findings.codes, out);
    Raise(order, Rung::kValidationFailed1, clock_, findings.Sentence(id), out);
    Reschedule(order);
    ReplayEarly(order, out);
    return;
  }
  Accept(order, placed, out);
}

void OrderShard::Accept(Order& order, const v1::OrderPlaced& placed,
                        Emitter& out) {
  order.promise = PromiseFor(placed, config_);
  order.lines.reserve(placed.lines_size());
  for (const v1::OrderLine& line : placed.lines()) {
    const SkuId sku = store_.Intern(line.sku());
    store_.PrefetchName(sku);
    order.AddLine(line.line_id(), sku, static_cast<int32_t>(line.quantity()),
                  line.unit_price_minor(), false);
  }
  ship_to().KeepEncoded(order, placed.ship_to());
  SetStatus(order, v1::ORDER_STATUS_ACCEPTED, {}, out);

  auto early = early_.find(order.id);
  const bool cancelled_early =
      early != early_.end() &&
      std::any_of(early->second.begin(), early->second.end(),
                  [](const EarlyRecord& r) {
                    return r.kind() == EarlyRecord::KIND_CANCELLATION;
                  });
  if (cancelled_early) {
    // Rule 4: cancelled at once, without reserving stock.
    SetStatus(order, v1::ORDER_STATUS_CANCELLED, {"CANCEL_REQUESTED"}, out);
  } else if (config_.sourcing.sourced() && !order.lines.empty()) {
    // Rule 9: one answer per line, sourced by its ship-to country.
    StartSourcing(order);
    store_.SetSourcingCountry(order, store_.InternCountry(placed.ship_to().country()));
    order.awaiting_answers = static_cast<uint16_t>(order.lines.size());
    for (uint32_t i = 0; i < order.lines.size(); ++i) {
      AskLine(order, i, AllocationRequest::ACTION_RESERVE,
              placed.ship_to().country(), out, 0, LineSourcing::kNowhere,
              placed.lines(static_cast<int>(i)).sku());
    }
  } else {
    // One answer per distinct SKU (AskInventory's requests).
    order.awaiting_answers =
        AskInventory(order, AllocationRequest::ACTION_RESERVE, out);
  }
  Reschedule(order);
  ReplayEarly(order, out);
}

}  // namespace orderflow
