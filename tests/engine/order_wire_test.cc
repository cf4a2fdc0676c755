// engine/order_wire.h: the hand-written encoding equals protobuf's, byte
// for byte, and reading it back equals protobuf's parse.
#include "engine/order_wire.h"

#include <string>

#include "engine/deterministic.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"

namespace orderflow {
namespace {

v1::OrderPlaced FullOrder() {
  v1::OrderPlaced o;
  o.set_order_id("SO-1234567");
  o.set_customer_id("C-42");
  o.mutable_placed_at()->set_seconds(1772409600);
  o.mutable_placed_at()->set_nanos(5000000);
  o.set_service_level(v1::SERVICE_LEVEL_EXPRESS);
  o.mutable_promised_delivery_at()->set_seconds(1772409600 + 86400);
  o.set_currency("EUR");
  v1::Address* a = o.mutable_ship_to();
  a->set_name("Ada Lovelace");
  a->set_line1("12 Main Street");
  a->set_line2("Flat 3");
  a->set_city("Berlin");
  a->set_postal_code("10115");
  a->set_country("DE");
  for (int i = 0; i < 3; ++i) {
    v1::OrderLine* l = o.add_lines();
    l->set_line_id("L" + std::to_string(i));
    l->set_sku("SKU-" + std::to_string(i));
    l->set_quantity(i + 1);
    l->set_unit_price_minor(1999 * i);  // 0 is present too
  }
  return o;
}

void ExpectSameEncoding(const v1::OrderPlaced& o) {
  std::string buffer = "left over from before";
  EXPECT_EQ(EncodeOrderPlaced(o, buffer), Deterministic(o));
  std::string address = "prefix";
  AppendAddress(o.ship_to(), address);
  EXPECT_EQ(address, "prefix" + o.ship_to().SerializeAsString());
  // With the address's place: AppendAddress's bytes, inside the encoding.
  std::string again = "left over";
  const OrderEncoding encoding = EncodeOrderPlacedWithShipTo(o, again);
  EXPECT_EQ(encoding.bytes, Deterministic(o));
  if (encoding.ship_to) {
    EXPECT_EQ(*encoding.ship_to, o.ship_to().SerializeAsString());
    EXPECT_GE(encoding.ship_to->data(), encoding.bytes.data());
    EXPECT_LE(encoding.ship_to->data() + encoding.ship_to->size(),
              encoding.bytes.data() + encoding.bytes.size());
  }
}

TEST(OrderWireTest, EncodesAFullOrderAsProtobufDoes) { ExpectSameEncoding(FullOrder()); }

// The buffer is not cut to the bytes: a short order after a long one in the
// same buffer is still its own bytes, and the buffer keeps its size.
TEST(OrderWireTest, AShortOrderAfterALongOneInTheSameBuffer) {
  v1::OrderPlaced short_order;
  short_order.set_order_id("O-2");
  short_order.set_customer_id("C-2");
  std::string buffer;
  const std::string_view long_bytes = EncodeOrderPlaced(FullOrder(), buffer);
  ASSERT_EQ(long_bytes, Deterministic(FullOrder()));
  const size_t grown = buffer.size();
  EXPECT_EQ(EncodeOrderPlaced(short_order, buffer), Deterministic(short_order));
  EXPECT_EQ(EncodeOrderPlacedWithShipTo(short_order, buffer).bytes,
            Deterministic(short_order));
  EXPECT_EQ(buffer.size(), grown);
}

TEST(OrderWireTest, EncodesMissingAndUnusualFieldsAsProtobufDoes) {
  ExpectSameEncoding(v1::OrderPlaced());
  v1::OrderPlaced o = FullOrder();
  o.clear_customer_id();
  o.clear_promised_delivery_at();
  o.mutable_ship_to()->clear_line2();
  o.mutable_placed_at()->set_seconds(-5);                    // ten-byte varint
  o.mutable_lines(0)->set_quantity(-3);                      // sign-extended
  o.mutable_lines(1)->clear_unit_price_minor();
  o.mutable_lines(1)->set_sku(std::string(300, 'x'));       // two-byte length
  o.mutable_lines(2)->set_unit_price_minor(-1);
  o.set_service_level(static_cast<v1::ServiceLevel>(-2));    // not a level
  o.mutable_ship_to()->set_city("M\xc3\xbcnchen");
  o.add_lines();
  ExpectSameEncoding(o);
  // Sub-messages whose length takes two and three bytes.
  o.mutable_ship_to()->set_line2(std::string(200, 'y'));
  ExpectSameEncoding(o);
  o.mutable_ship_to()->set_name(std::string(20000, 'n'));
  o.mutable_lines(2)->set_line_id(std::string(17000, 'l'));
  ExpectSameEncoding(o);
  o.mutable_ship_to()->Clear();
  ExpectSameEncoding(o);
}

TEST(OrderWireTest, KeepsUnknownFieldsAsProtobufDoes) {
  v1::OrderPlaced o = FullOrder();
  o.mutable_lines(1)->GetReflection()->MutableUnknownFields(o.mutable_lines(1))
      ->AddVarint(15, 7);
  ExpectSameEncoding(o);
  o.mutable_ship_to()->GetReflection()->MutableUnknownFields(o.mutable_ship_to())
      ->AddLengthDelimited(9, "extra");
  ExpectSameEncoding(o);

  std::string bytes;
  AppendAddress(o.ship_to(), bytes);
  v1::Address read;
  ParseAddress(bytes, &read);
  EXPECT_EQ(Deterministic(read), Deterministic(o.ship_to()));
}

// Each message's own unknown fields decide, whether the set is absent,
// made and left empty, or holds a field; and the order's encoding says
// where its address is only when every field is known.
TEST(OrderWireTest, ChecksEachMessagesUnknownFields) {
  v1::OrderPlaced o = FullOrder();
  std::string buffer;
  EXPECT_TRUE(EncodeOrderPlacedWithShipTo(o, buffer).ship_to.has_value());
  o.mutable_lines(0)->GetReflection()->MutableUnknownFields(o.mutable_lines(0));
  o.GetReflection()->MutableUnknownFields(&o);
  EXPECT_TRUE(EncodeOrderPlacedWithShipTo(o, buffer).ship_to.has_value());
  ExpectSameEncoding(o);
  o.mutable_placed_at()->GetReflection()->MutableUnknownFields(o.mutable_placed_at())
      ->AddFixed32(9, 1);
  EXPECT_FALSE(EncodeOrderPlacedWithShipTo(o, buffer).ship_to.has_value());
  ExpectSameEncoding(o);
  o.mutable_placed_at()->GetReflection()->MutableUnknownFields(o.mutable_placed_at())
      ->Clear();
  EXPECT_TRUE(EncodeOrderPlacedWithShipTo(o, buffer).ship_to.has_value());
  ExpectSameEncoding(o);
}

TEST(OrderWireTest, ReadsAddressesBackAsProtobufDoes) {
  v1::Address target;  // reused: nothing of the last address may stay
  target.set_line2("from an earlier address");
  for (v1::Address a : {FullOrder().ship_to(), v1::Address()}) {
    std::string bytes;
    AppendAddress(a, bytes);
    ParseAddress(bytes, &target);
    EXPECT_EQ(Deterministic(target), Deterministic(a));
  }
  v1::Address umlaut = FullOrder().ship_to();
  umlaut.set_city("M\xc3\xbcnchen");
  umlaut.set_name(std::string(200, 'n'));
  std::string bytes;
  AppendAddress(umlaut, bytes);
  ParseAddress(bytes, &target);
  EXPECT_EQ(Deterministic(target), Deterministic(umlaut));
}

}  // namespace
}  // namespace orderflow
