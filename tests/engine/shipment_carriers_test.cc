// ShipmentCarriers against a model (a vector of copies per slot): the
// first note of a shipment wins, neither named is not noted, shipments
// keep the order they were noted in, Forget and Clear drop them, and
// names and ids of any length (lengths of one byte and of more) read back.
#include "engine/shipment_carriers.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace orderflow {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Row = std::tuple<std::string, std::string, std::string, EpochMillis>;

std::vector<Row> Rows(const ShipmentCarriers& carriers, ShipmentCarriers::Slot slot) {
  std::vector<Row> rows;
  carriers.ForEach(slot, [&](const ShipmentCarriers::Carried& c) {
    rows.emplace_back(std::string(c.shipment_id), std::string(c.carrier),
                      std::string(c.tracking_number), c.occurred_at);
  });
  return rows;
}

TEST(ShipmentCarriersTest, TheFirstNoteOfAShipmentWins) {
  ShipmentCarriers carriers;
  EXPECT_TRUE(carriers.Note(7, {"S-1", "DHL", "TR-1", 100}));
  EXPECT_FALSE(carriers.Note(7, {"S-1", "UPS", "TR-2", 200}));
  EXPECT_TRUE(carriers.Note(7, {"S-2", "UPS", "", 300}));
  EXPECT_TRUE(carriers.Note(7, {"S-3", "", "TR-3", 400}));
  EXPECT_THAT(Rows(carriers, 7),
              ElementsAre(Row{"S-1", "DHL", "TR-1", 100}, Row{"S-2", "UPS", "", 300},
                          Row{"S-3", "", "TR-3", 400}));
  EXPECT_THAT(Rows(carriers, 8), IsEmpty());
}

TEST(ShipmentCarriersTest, AShipmentNamingNeitherIsNotNoted) {
  ShipmentCarriers carriers;
  EXPECT_FALSE(carriers.Note(1, {"S-1", "", "", 100}));
  EXPECT_THAT(Rows(carriers, 1), IsEmpty());
  // Named later, it is noted then.
  EXPECT_TRUE(carriers.Note(1, {"S-1", "DHL", "", 200}));
  EXPECT_THAT(Rows(carriers, 1), ElementsAre(Row{"S-1", "DHL", "", 200}));
}

TEST(ShipmentCarriersTest, ForgetAndClearDropAnOrdersShipments) {
  ShipmentCarriers carriers;
  carriers.Note(1, {"S-1", "DHL", "TR-1", 100});
  carriers.Note(2, {"S-2", "UPS", "TR-2", 100});
  carriers.Forget(1);
  carriers.Forget(3);  // none: nothing happens
  EXPECT_THAT(Rows(carriers, 1), IsEmpty());
  EXPECT_THAT(Rows(carriers, 2), ElementsAre(Row{"S-2", "UPS", "TR-2", 100}));
  // The slot's next order starts with none; S-1 is new to it.
  EXPECT_TRUE(carriers.Note(1, {"S-1", "GLS", "TR-9", 500}));
  EXPECT_THAT(Rows(carriers, 1), ElementsAre(Row{"S-1", "GLS", "TR-9", 500}));
  carriers.Clear();
  EXPECT_THAT(Rows(carriers, 1), IsEmpty());
  EXPECT_THAT(Rows(carriers, 2), IsEmpty());
  EXPECT_TRUE(carriers.Note(2, {"S-2", "UPS", "TR-2", 100}));
  EXPECT_THAT(Rows(carriers, 2), ElementsAre(Row{"S-2", "UPS", "TR-2", 100}));
}

// Slots far apart, and slots past the last one noted, read and forgotten.
TEST(ShipmentCarriersTest, SlotsFarApartAndBeyondTheLastNoted) {
  ShipmentCarriers carriers;
  EXPECT_THAT(Rows(carriers, 0), IsEmpty());
  carriers.Forget(5);  // nothing noted yet: nothing happens
  EXPECT_TRUE(carriers.Note(1'000'000, {"S-1", "DHL", "TR-1", 100}));
  EXPECT_TRUE(carriers.Note(3, {"S-3", "UPS", "TR-3", 100}));
  EXPECT_THAT(Rows(carriers, 999'999), IsEmpty());
  EXPECT_THAT(Rows(carriers, 4'000'000'000u), IsEmpty());
  carriers.Forget(4'000'000'000u);
  EXPECT_THAT(Rows(carriers, 1'000'000), ElementsAre(Row{"S-1", "DHL", "TR-1", 100}));
  EXPECT_THAT(Rows(carriers, 3), ElementsAre(Row{"S-3", "UPS", "TR-3", 100}));
}

// Many orders with many shipments each, of lengths from none to beyond
// two length bytes (16,384), and negative times, against a model.
TEST(ShipmentCarriersTest, ManyOrdersReadBackWhatWasNoted) {
  ShipmentCarriers carriers;
  std::map<ShipmentCarriers::Slot, std::vector<Row>> model;
  const std::vector<std::string> names = {"DHL", "UPS", std::string(200, 'c'), ""};
  for (int i = 0; i < 3000; ++i) {
    const auto slot = static_cast<ShipmentCarriers::Slot>((i * 7919) % 1000);
    const std::string id = "S-" + std::string(i % 300, 'x') + std::to_string(i % 5);
    const std::string carrier = names[i % names.size()];
    const std::string tracking =
        i % 3 == 0 ? "" : std::string(i % 11 == 1 ? 17000 + i : i % 300, 't');
    const EpochMillis at = (i % 2 ? -1 : 1) * int64_t{1772409600000} + i;
    std::vector<Row>& rows = model[slot];
    bool known = false;
    for (const Row& r : rows) known = known || std::get<0>(r) == id;
    const bool noted = !known && !(carrier.empty() && tracking.empty());
    if (noted) rows.emplace_back(id, carrier, tracking, at);
    EXPECT_EQ(carriers.Note(slot, {id, carrier, tracking, at}), noted) << i;
    if (i % 97 == 0) {
      carriers.Forget(slot);
      model.erase(slot);
    }
  }
  for (const auto& [slot, rows] : model) {
    EXPECT_EQ(Rows(carriers, slot), rows) << slot;
  }
}

}  // namespace
}  // namespace orderflow
