// Rule 8, time: event time is the largest timestamp seen (or a clock
// line); a timer due at or before a record's timestamp fires before the
// record is applied; late records are applied at the clock and never move
// it back.
#include <cstdint>
#include <vector>

#include "google/protobuf/util/time_util.h"
#include "tests/engine/engine_test.h"

namespace orderflow::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using TimeTest = EngineTest;
ORDERFLOW_INSTANTIATE_FOR_SHARD_LAYOUTS(TimeTest);

TEST(DayNumberTest, CountsDaysFromTheEpochAndRollsMonthsOver) {
  EXPECT_EQ(DayNumber(1970, 1, 1), 0);
  EXPECT_EQ(Days(DayNumber(2026, 3, 2)), 1772409600000);  // Monday 2026-03-02
  EXPECT_EQ(DayNumber(2024, 3, 1) - DayNumber(2024, 2, 1), 29);  // leap year
  EXPECT_EQ(DayNumber(2026, 13, 1), DayNumber(2027, 1, 1));
}

// Protobuf's Timestamp counts whole seconds down and nanoseconds up from
// them, also before 1970; back to milliseconds it is the same time.
TEST(SplitMillisTest, RoundsSecondsDownAndKeepsNanosPositive) {
  EXPECT_EQ(SplitMillis(1772409600123).seconds, 1772409600);
  EXPECT_EQ(SplitMillis(1772409600123).nanos, 123000000);
  EXPECT_EQ(SplitMillis(0).seconds, 0);
  EXPECT_EQ(SplitMillis(0).nanos, 0);
  EXPECT_EQ(SplitMillis(-1).seconds, -1);
  EXPECT_EQ(SplitMillis(-1).nanos, 999000000);
  EXPECT_EQ(SplitMillis(-1000).seconds, -1);
  EXPECT_EQ(SplitMillis(-1000).nanos, 0);
  for (EpochMillis ms : {EpochMillis{-1500}, EpochMillis{-1}, EpochMillis{0},
                         EpochMillis{999}, EpochMillis{1772409600123}}) {
    google::protobuf::Timestamp t;
    SetTimestamp(ms, &t);
    EXPECT_EQ(ToMillis(t), ms);
  }
}

// As protobuf JSON writes a Timestamp: milliseconds only when there are
// some, and whole seconds rounded down (also before 1970).
TEST(FormatRfc3339Test, WritesUtcWithMillisecondsOnlyWhenThereAreSome) {
  EXPECT_EQ(FormatRfc3339(1772409600000), "2026-03-02T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1772445723250), "2026-03-02T10:02:03.250Z");
  EXPECT_EQ(FormatRfc3339(1772445723001), "2026-03-02T10:02:03.001Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(Days(DayNumber(2024, 2, 29)) + Hours(23)),
            "2024-02-29T23:00:00Z");
  for (EpochMillis ms : {EpochMillis{-1500}, EpochMillis{0}, EpochMillis{999},
                         EpochMillis{1772445723250}, EpochMillis{253402300799999}}) {
    google::protobuf::Timestamp t;
    SetTimestamp(ms, &t);
    EXPECT_EQ(FormatRfc3339(ms), google::protobuf::util::TimeUtil::ToString(t));
  }
}

// The digits are written directly for years 0-9999 and through snprintf
// beyond: protobuf's own formatting agrees over 20,000 times spread over
// the years it can write (1-9999), and the years either side are written
// as snprintf's "%04d" would.
TEST(FormatRfc3339Test, WritesWhatProtobufWouldForEveryYear) {
  const EpochMillis first = -62135596800000;  // 0001-01-01T00:00:00Z
  const EpochMillis end = 253402300800000;    // 10000-01-01T00:00:00Z
  std::vector<EpochMillis> times = {first, end - 1, -1, 0, 1, kTimeLimit - 1,
                                    Days(DayNumber(2000, 2, 29)) + 86399999,
                                    Days(DayNumber(2100, 3, 1))};
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift
    times.push_back(first + static_cast<EpochMillis>(x % static_cast<uint64_t>(end - first)));
  }
  for (EpochMillis ms : times) {
    google::protobuf::Timestamp t;
    SetTimestamp(ms, &t);
    ASSERT_EQ(FormatRfc3339(ms), google::protobuf::util::TimeUtil::ToString(t)) << ms;
  }
  EXPECT_EQ(FormatRfc3339(first - 1), "0000-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(-62167219200000), "0000-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(-62167219200001), "-001-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(end), "10000-01-01T00:00:00Z");
}

TEST(FormatTimeTest, DropsTheMilliseconds) {
  EXPECT_EQ(FormatTime(1772445723250), "2026-03-02T10:02:03Z");
  EXPECT_EQ(FormatTime(-1), "1969-12-31T23:59:59Z");
}

TEST_P(TimeTest, ClockIsTheLargestTimestampSeen) {
  Stock(Receipt("SKU-A", 1, kT0 + Hours(5)));
  Stock(Receipt("SKU-A", 1, kT0 + Hours(2)));
  EXPECT_EQ(pipeline().clock(), kT0 + Hours(5));

  AdvanceTo(kT0 + Hours(7));
  AdvanceTo(kT0 + Hours(6));
  EXPECT_EQ(pipeline().clock(), kT0 + Hours(7));
}

TEST_P(TimeTest, LateRecordIsAppliedAtTheClockWithoutMovingItBack) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 2}}));
  Place(Order("O-2", {{"SKU-A", 1}}, kStandard, kT0 + Hours(10)));
  out_.Take();

  Cancel(Cancellation("O-1", kT0 + Hours(1)));  // an hour late, by 9 hours
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 ALLOCATED -> CANCELLED [CANCEL_REQUESTED]",
                          "task O-1/delivery CANCEL [L1 SKU-A x2]"));
  EXPECT_EQ(pipeline().clock(), kT0 + Hours(10));
  EXPECT_EQ(Ms(out_.Statuses("O-1").back().occurred_at()), kT0 + Hours(10));
  EXPECT_EQ(LedgerOf("SKU-A"), (Ledger{.on_hand = 5, .reserved = 1}));
}

TEST_P(TimeTest, LateOrderEscalatesItsPassedDeadlinesAfterItsOwnOutputs) {
  Stock(Receipt("SKU-A", 1, kT0));
  AdvanceTo(kT0 + Days(2));

  // OVERNIGHT placed at kT0: at risk at +8h, missed at +12h, delivery
  // missed at +1d, level 3 at +3d.
  Place(Order("O-1", {{"SKU-A", 1}}, kOvernight), kT0);
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 NEW -> ACCEPTED",
                                       "status O-1 ACCEPTED -> ALLOCATED",
                                       "task O-1/delivery CREATE [L1 SKU-A x1]",
                                       "RAISED O-1/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-1/SHIP_DEADLINE_MISSED/2",
                                       "RAISED O-1/DELIVERY_DEADLINE_MISSED/2"));
  EXPECT_EQ(pipeline().clock(), kT0 + Days(2));

  ExpectNothingUntilThen(kT0 + Days(3), {"RAISED O-1/DELIVERY_DEADLINE_MISSED/3"});
}

TEST_P(TimeTest, TimerDueBeforeARecordFiresBeforeIt) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}, kOvernight));  // at risk at kT0+8h
  out_.Take();

  Place(Order("O-2", {{"SKU-A", 1}}, kStandard, kT0 + Hours(9)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/SHIP_DEADLINE_AT_RISK/1",
                                       "status O-2 NEW -> ACCEPTED",
                                       "status O-2 ACCEPTED -> ALLOCATED",
                                       "task O-2/delivery CREATE [L1 SKU-A x1]"));
}

TEST_P(TimeTest, TimerDueExactlyAtARecordsTimestampFiresBeforeIt) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}, kOvernight));
  out_.Take();

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(8)));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-1/SHIP_DEADLINE_AT_RISK/1",
                                       "status O-1 ALLOCATED -> SHIPPED",
                                       "CLEARED O-1/SHIP_DEADLINE_AT_RISK/1"));
}

TEST_P(TimeTest, RecordAMillisecondBeforeATimerPreemptsIt) {
  Stock(Receipt("SKU-A", 5, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}, kOvernight));
  out_.Take();

  Ship(Shipment("O-1", "S-1", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(8) - 1));
  EXPECT_THAT(out_.Take(), ElementsAre("status O-1 ALLOCATED -> SHIPPED"));
  AdvanceTo(kT0 + Hours(23));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(TimeTest, TimersOfAllOrdersFireInDueThenOrderIdOrder) {
  Stock(Receipt("SKU-A", 9, kT0));
  Place(Order("O-1", {{"SKU-A", 1}}, kExpress));    // at risk +20h
  Place(Order("O-3", {{"SKU-A", 1}}, kOvernight));  // at risk +8h, missed +12h
  Place(Order("O-2", {{"SKU-A", 1}}, kOvernight));  // the same
  out_.Take();

  AdvanceTo(kT0 + Hours(21));
  EXPECT_THAT(out_.Take(), ElementsAre("RAISED O-2/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-3/SHIP_DEADLINE_AT_RISK/1",
                                       "RAISED O-2/SHIP_DEADLINE_MISSED/2",
                                       "RAISED O-3/SHIP_DEADLINE_MISSED/2",
                                       "RAISED O-1/SHIP_DEADLINE_AT_RISK/1"));
}

TEST_P(TimeTest, TimersDueExactlyAtTheNewTimeFireInOrderIdOrder) {
  // Twelve orders on (with several shards) different shards, all at risk
  // at kT0 + 8h: the clock reaching exactly that time raises them by id.
  Stock(Receipt("SKU-A", 12, kT0));
  std::vector<std::string> expected;
  for (int i = 12; i >= 1; --i) {
    const std::string id = (i < 10 ? "O-0" : "O-") + std::to_string(i);
    Place(Order(id, {{"SKU-A", 1}}, kOvernight));
    expected.insert(expected.begin(), "RAISED " + id + "/SHIP_DEADLINE_AT_RISK/1");
  }
  out_.Take();

  ExpectNothingUntilThen(kT0 + Hours(8), expected);
}

TEST_P(TimeTest, HeldRecordExpiringAtAnOrdersTimestampExpiresFirst) {
  Cancel(Cancellation("O-1", kT0));

  Place(Order("O-1", {{"SKU-A", 1}}, kStandard, kT0 + Days(7)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter cancellations/O-1 UNMATCHED_CANCELLATION",
                          "status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> BACKORDERED [SHORT_STOCK:SKU-A]"));
}

TEST_P(TimeTest, HeldRecordStillWaitingASecondBeforeExpiryIsApplied) {
  Cancel(Cancellation("O-1", kT0));

  Place(Order("O-1", {{"SKU-A", 1}}, kStandard, kT0 + Days(7) - Seconds(1)));
  EXPECT_THAT(out_.Take(),
              ElementsAre("status O-1 NEW -> ACCEPTED",
                          "status O-1 ACCEPTED -> CANCELLED [CANCEL_REQUESTED]"));
  AdvanceTo(kT0 + Days(8));
  EXPECT_THAT(out_.Take(), IsEmpty());
}

TEST_P(TimeTest, HeldRecordsOfDifferentOrdersExpireInTimeOrder) {
  Ship(Shipment("O-2", "S-2", v1::SHIPMENT_STATUS_SHIPPED, kT0));
  Cancel(Cancellation("O-1", kT0 + Hours(1)));
  Ship(Shipment("O-3", "S-3", v1::SHIPMENT_STATUS_SHIPPED, kT0 + Hours(1)));

  AdvanceTo(kT0 + Days(8));
  EXPECT_THAT(out_.Take(),
              ElementsAre("dead-letter shipments/O-2 UNMATCHED_SHIPMENT",
                          "dead-letter cancellations/O-1 UNMATCHED_CANCELLATION",
                          "dead-letter shipments/O-3 UNMATCHED_SHIPMENT"));
}

}  // namespace
}  // namespace orderflow::testing
