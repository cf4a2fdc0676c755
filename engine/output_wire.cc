#include "engine/output_wire.h"

#include "engine/time.h"
#include "engine/wire.h"

namespace orderflow {
namespace {

using namespace wire;

constexpr std::string_view kTaskIdSuffix = "/delivery";

// The Timestamp SetTimestamp (engine/time.h) makes of `ms`, as a
// sub-message's content.
uint8_t* WriteMillis(EpochMillis ms, uint8_t* p) {
  const SecondsAndNanos split = SplitMillis(ms);
  return WriteTimestamp(split.seconds, split.nanos, p);
}

// Whether `bytes` are an Address as protobuf writes it: length-delimited
// fields 1 to 6, in order, each at most once and not empty, with lengths
// of the fewest bytes. Parsing and serializing such bytes gives them back.
bool InProtobufForm(std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto* end = p + bytes.size();
  int last_field = 0;
  while (p < end) {
    const uint8_t tag = *p++;
    const int field = tag >> 3;
    if ((tag & 7) != kLengthDelimited || field <= last_field || field > 6) {
      return false;
    }
    last_field = field;
    uint64_t length = 0;
    int shift = 0;
    const uint8_t* length_begin = p;
    for (;;) {
      if (p == end || shift > 28) return false;
      const uint8_t b = *p++;
      length |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
    }
    if (length == 0 || VarintSize(length) != static_cast<size_t>(p - length_begin) ||
        length > static_cast<uint64_t>(end - p)) {
      return false;
    }
    p += length;
  }
  return true;
}

}  // namespace

void AppendStatus(const StatusOutput& s, std::string& out) {
  size_t bound = kMaxText + s.order_id.size() + 2 * kMaxNumber + 3 * kMaxTimestamp;
  for (const std::string& r : s.reasons) bound += kMaxText + r.size();
  const size_t begin = out.size();
  out.resize(begin + bound);
  uint8_t* const start = reinterpret_cast<uint8_t*>(out.data() + begin);
  uint8_t* p = start;
  p = WriteText(1, s.order_id, p);
  p = WriteNumber(2, AsVarint(s.status), p);
  p = WriteNumber(3, AsVarint(s.previous_status), p);
  for (const std::string& r : s.reasons) {  // repeated: empty ones too
    *p++ = Tag(4, kLengthDelimited);
    p = WriteVarint(r.size(), p);
    p = WriteBytes(r, p);
  }
  p = WriteMessage(5, p, [&](uint8_t* q) { return WriteMillis(s.occurred_at, q); });
  if (s.placed_at != 0) {
    p = WriteMessage(6, p, [&](uint8_t* q) { return WriteMillis(s.placed_at, q); });
  }
  if (s.promised_delivery_at != 0) {
    p = WriteMessage(7, p, [&](uint8_t* q) {
      return WriteMillis(s.promised_delivery_at, q);
    });
  }
  out.resize(begin + static_cast<size_t>(p - start));
}

bool AppendTask(const TaskOutput& t, std::string& out) {
  if (t.ship_to && !InProtobufForm(*t.ship_to)) return false;
  size_t bound = 2 * kMaxText + 2 * t.order_id.size() + kTaskIdSuffix.size() +
                 2 * kMaxNumber + 3 * kMaxTimestamp;
  for (const TaskOutputLine& l : t.lines) {
    bound += 3 * kMaxText + l.line_id.size() + l.sku.size() + kMaxNumber;
  }
  if (t.ship_to) bound += kMaxText + t.ship_to->size();
  std::string sourced_id;  // a task of a warehouse (rule 9): the long form
  if (!t.warehouse_id.empty()) {
    AppendTaskId(t, &sourced_id);
    bound += 2 * kMaxText + sourced_id.size() + t.warehouse_id.size();
  }
  const size_t begin = out.size();
  out.resize(begin + bound);
  uint8_t* const start = reinterpret_cast<uint8_t*>(out.data() + begin);
  uint8_t* p = start;
  // taskId: the order id and "/delivery".
  if (sourced_id.empty()) {
    *p++ = Tag(1, kLengthDelimited);
    p = WriteVarint(t.order_id.size() + kTaskIdSuffix.size(), p);
    p = WriteBytes(t.order_id, p);
    p = WriteBytes(kTaskIdSuffix, p);
  } else {
    p = WriteText(1, sourced_id, p);
  }
  p = WriteText(2, t.order_id, p);
  p = WriteNumber(3, AsVarint(t.action), p);
  for (const TaskOutputLine& l : t.lines) {
    p = WriteMessage(4, p, [&](uint8_t* q) {
      q = WriteText(1, l.line_id, q);
      q = WriteText(2, l.sku, q);
      return WriteNumber(3, AsVarint(l.quantity), q);
    });
  }
  p = WriteNumber(5, AsVarint(t.priority), p);
  p = WriteMessage(6, p, [&](uint8_t* q) { return WriteMillis(t.ship_by, q); });
  p = WriteMessage(7, p, [&](uint8_t* q) { return WriteMillis(t.deliver_by, q); });
  p = WriteMessage(8, p, [&](uint8_t* q) { return WriteMillis(t.created_at, q); });
  if (t.ship_to) {
    *p++ = Tag(9, kLengthDelimited);
    p = WriteVarint(t.ship_to->size(), p);
    p = WriteBytes(*t.ship_to, p);
  }
  p = WriteText(10, t.warehouse_id, p);
  out.resize(begin + static_cast<size_t>(p - start));
  return true;
}

}  // namespace orderflow
