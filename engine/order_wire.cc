#include "engine/order_wire.h"

#include <cstdint>
#include <cstring>

#include "engine/wire.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"

namespace orderflow {
namespace {

using namespace wire;

uint8_t* WriteContent(const google::protobuf::Timestamp& t, uint8_t* p) {
  return WriteTimestamp(t.seconds(), t.nanos(), p);
}

size_t ContentSize(const v1::Address& a) {
  return TextSize(a.name()) + TextSize(a.line1()) + TextSize(a.line2()) +
         TextSize(a.city()) + TextSize(a.postal_code()) + TextSize(a.country());
}
uint8_t* WriteContent(const v1::Address& a, uint8_t* p) {
  p = WriteText(1, a.name(), p);
  p = WriteText(2, a.line1(), p);
  p = WriteText(3, a.line2(), p);
  p = WriteText(4, a.city(), p);
  p = WriteText(5, a.postal_code(), p);
  return WriteText(6, a.country(), p);
}

uint8_t* WriteContent(const v1::OrderLine& l, uint8_t* p) {
  p = WriteText(1, l.line_id(), p);
  p = WriteText(2, l.sku(), p);
  p = WriteNumber(3, AsVarint(l.quantity()), p);
  if (l.has_unit_price_minor()) {
    *p++ = Tag(4, kVarint);
    p = WriteVarint(AsVarint(l.unit_price_minor()), p);
  }
  return p;
}

// Whether protobuf ever made `m` a set of unknown fields: every message
// keeps one tagged pointer for them (MessageLite's _internal_metadata_,
// reachable through a member pointer named from a derived class), so
// this is one load where the reflection's GetUnknownFields is two calls
// into the library. The set, once made, may be empty.
class UnknownFieldsPeek : public google::protobuf::MessageLite {
 public:
  static bool MayHaveUnknownFields(const google::protobuf::MessageLite& m) {
    constexpr auto kMetadata = &UnknownFieldsPeek::_internal_metadata_;
    return (m.*kMetadata).have_unknown_fields();
  }
};

// True when `m` carries no fields this code does not know (read from a
// newer schema).
template <typename M>
bool NoUnknownFields(const M& m) {
  if (!UnknownFieldsPeek::MayHaveUnknownFields(m)) return true;
  static const google::protobuf::Reflection* const reflection =
      M::GetReflection();
  return reflection->GetUnknownFields(m).empty();
}
bool AllFieldsKnown(const v1::OrderPlaced& o) {
  if (!NoUnknownFields(o)) return false;
  if (o.has_placed_at() && !NoUnknownFields(o.placed_at())) return false;
  if (o.has_promised_delivery_at() && !NoUnknownFields(o.promised_delivery_at())) {
    return false;
  }
  if (o.has_ship_to() && !NoUnknownFields(o.ship_to())) return false;
  for (const v1::OrderLine& l : o.lines()) {
    if (!NoUnknownFields(l)) return false;
  }
  return true;
}

std::string_view ProtobufEncoding(const v1::OrderPlaced& order,
                                  std::string& buffer) {
  const size_t size = order.ByteSizeLong();
  buffer.resize(size);
  uint8_t* start = reinterpret_cast<uint8_t*>(buffer.data());
  google::protobuf::io::ArrayOutputStream stream(start, static_cast<int>(size));
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  order.SerializeWithCachedSizes(&coded);
  coded.Trim();
  return std::string_view(buffer.data(), size);
}

bool IsAscii(const char* p, size_t n) {
  uint64_t bits = 0;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    bits |= word;
  }
  for (; n > 0; --n, ++p) bits |= static_cast<unsigned char>(*p);
  return (bits & 0x8080808080808080ull) == 0;
}

// Reads what AppendAddress writes for an address of known fields and
// ASCII text (so every byte is below 0x80: one-byte tags and lengths);
// false on anything else.
bool ParseAsciiAddress(std::string_view bytes, v1::Address* address) {
  if (!IsAscii(bytes.data(), bytes.size())) return false;
  address->Clear();
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  while (p < end) {
    const int tag = *p++;
    if ((tag & 7) != kLengthDelimited || tag < Tag(1, 2) || tag > Tag(6, 2) ||
        p == end || *p > end - p - 1) {
      return false;
    }
    const size_t length = static_cast<size_t>(*p++);
    std::string* field = nullptr;
    switch (tag >> 3) {
      case 1: field = address->mutable_name(); break;
      case 2: field = address->mutable_line1(); break;
      case 3: field = address->mutable_line2(); break;
      case 4: field = address->mutable_city(); break;
      case 5: field = address->mutable_postal_code(); break;
      default: field = address->mutable_country(); break;
    }
    field->assign(p, length);
    p += length;
  }
  return true;
}

}  // namespace

std::string_view EncodeOrderPlaced(const v1::OrderPlaced& order,
                                   std::string& buffer) {
  return EncodeOrderPlacedWithShipTo(order, buffer).bytes;
}

OrderEncoding EncodeOrderPlacedWithShipTo(const v1::OrderPlaced& o,
                                          std::string& buffer) {
  if (!AllFieldsKnown(o)) return {ProtobufEncoding(o, buffer), std::nullopt};
  // One pass: the buffer is made large enough for any encoding of these
  // texts (every length and number at its longest), each sub-message is
  // written after a one-byte length, moved up in the rare case its
  // content needs a longer one (128 bytes or more), and the buffer is cut
  // to what was written.
  size_t bound = kMaxText * 3 + o.order_id().size() + o.customer_id().size() +
                 o.currency().size() + kMaxNumber + 2 * kMaxTimestamp;
  if (o.has_ship_to()) {
    const v1::Address& a = o.ship_to();
    bound += kMaxText * 7 + a.name().size() + a.line1().size() +
             a.line2().size() + a.city().size() + a.postal_code().size() +
             a.country().size();
  }
  for (const v1::OrderLine& l : o.lines()) {
    bound += kMaxText * 3 + l.line_id().size() + l.sku().size() + 2 * kMaxNumber;
  }
  // Grown, never shrunk: zero-filling what a resize adds costs more than
  // writing the order, and the view returned says where the bytes end.
  if (buffer.size() < bound) buffer.resize(bound);
  uint8_t* const begin = reinterpret_cast<uint8_t*>(buffer.data());
  uint8_t* p = begin;
  p = WriteText(1, o.order_id(), p);
  p = WriteText(2, o.customer_id(), p);
  if (o.has_placed_at()) {
    p = WriteMessage(3, p, [&](uint8_t* q) { return WriteContent(o.placed_at(), q); });
  }
  p = WriteNumber(4, AsVarint(o.service_level()), p);
  if (o.has_promised_delivery_at()) {
    p = WriteMessage(5, p, [&](uint8_t* q) {
      return WriteContent(o.promised_delivery_at(), q);
    });
  }
  p = WriteText(6, o.currency(), p);
  size_t ship_to_begin = 0, ship_to_size = 0;  // no address: empty bytes
  if (o.has_ship_to()) {
    // The same bytes as AppendAddress: its fields are known, checked above.
    p = WriteMessage(
        7, p, [&](uint8_t* q) { return WriteContent(o.ship_to(), q); },
        &ship_to_size);
    ship_to_begin = static_cast<size_t>(p - begin) - ship_to_size;
  }
  for (const v1::OrderLine& l : o.lines()) {
    p = WriteMessage(8, p, [&](uint8_t* q) { return WriteContent(l, q); });
  }
  const size_t size = static_cast<size_t>(p - begin);
  const std::string_view bytes(buffer.data(), size);
  return {bytes, bytes.substr(ship_to_begin, ship_to_size)};
}

void AppendAddress(const v1::Address& address, std::string& out) {
  if (!NoUnknownFields(address)) {
    address.AppendToString(&out);
    return;
  }
  const size_t begin = out.size();
  out.resize(begin + ContentSize(address));
  WriteContent(address, reinterpret_cast<uint8_t*>(out.data() + begin));
}

void ParseAddress(std::string_view bytes, v1::Address* address) {
  if (!ParseAsciiAddress(bytes, address)) {
    address->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  }
}

}  // namespace orderflow
