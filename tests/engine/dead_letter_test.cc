// Dead letters are bounded: whatever record they tell of, they fit in one
// Kafka record, keep a prefix of what came and say what was cut.
#include <string>

#include "engine/dead_letter.h"
#include "engine/sha256.h"
#include "engine/utf8.h"
#include "gtest/gtest.h"
#include "tests/engine/builders.h"
#include "tests/engine/recorder.h"

namespace orderflow {
namespace {

using testing::kT0;
using testing::Recorder;

// librdkafka's default message.max.bytes; a dead letter and its key must
// fit below it with room for the record's own overhead.
constexpr size_t kProducerLimit = 1'000'000;

v1::DeadLetter OneDeadLetter(const RecordSource& source,
                             std::string_view detail = "not JSON") {
  Recorder out;
  DeadLetter(source, "MALFORMED_JSON", detail, kT0, out);
  EXPECT_EQ(out.DeadLetters().size(), 1u);
  return out.DeadLetters().at(0);
}

RecordSource Source(const std::string& key, const std::string& payload) {
  RecordSource source;
  source.topic = "orderflow.orders.v1";
  source.partition = 3;
  source.offset = 17;
  source.key = key;
  source.payload = payload;
  return source;
}

TEST(DeadLetterBoundTest, AValueNearTheProducersLimitIsCutToAPrefix) {
  for (size_t size : {kDeadLetterMaxPayload + 1, size_t{999'950},
                      size_t{1'000'000}, size_t{1'048'588}, size_t{1'100'000}}) {
    const std::string payload(size, '\x9c');
    const v1::DeadLetter d = OneDeadLetter(Source("O-1", payload));
    EXPECT_LT(d.ByteSizeLong() + d.key().size(), kProducerLimit / 2) << size;
    EXPECT_EQ(d.payload(), payload.substr(0, kDeadLetterMaxPayload));
    EXPECT_TRUE(d.truncated());
    EXPECT_EQ(d.original_payload_size(), static_cast<int64_t>(size));
    EXPECT_EQ(d.payload_sha256(), Sha256Hex(payload));
    EXPECT_EQ(d.key(), "O-1");
    EXPECT_EQ(d.original_key_size(), 0);  // the key was not cut
    EXPECT_TRUE(d.key_sha256().empty());
  }
}

TEST(DeadLetterBoundTest, AValueAtTheBoundIsKeptWholeWithTheBytesItAlwaysHad) {
  const std::string payload(kDeadLetterMaxPayload, 'x');
  const v1::DeadLetter d = OneDeadLetter(Source("O-1", payload));
  EXPECT_EQ(d.payload(), payload);
  EXPECT_FALSE(d.truncated());
  EXPECT_EQ(d.original_payload_size(), 0);
  EXPECT_TRUE(d.payload_sha256().empty());
  // None of the new fields is on the wire: the same bytes as before.
  v1::DeadLetter before = d;
  before.clear_truncated();
  EXPECT_EQ(d.SerializeAsString(), before.SerializeAsString());
}

TEST(DeadLetterBoundTest, AHugeKeyIsCutOnACharacterBoundary) {
  // 'é' is two bytes: the bound falls inside one.
  std::string key = "O-";
  while (key.size() < 3 * kDeadLetterMaxKey) key += "\u00e9";
  const v1::DeadLetter d = OneDeadLetter(Source(key, "{}"));
  EXPECT_TRUE(IsValidUtf8(d.key()));
  EXPECT_LE(d.key().size(), kDeadLetterMaxKey);
  EXPECT_GE(d.key().size(), kDeadLetterMaxKey - 1);
  EXPECT_EQ(key.compare(0, d.key().size(), d.key()), 0);
  EXPECT_TRUE(d.key_bytes().empty());
  EXPECT_TRUE(d.truncated());
  EXPECT_EQ(d.original_key_size(), static_cast<int64_t>(key.size()));
  EXPECT_EQ(d.key_sha256(), Sha256Hex(key));
  EXPECT_EQ(d.payload(), "{}");
  EXPECT_EQ(d.original_payload_size(), 0);
}

TEST(DeadLetterBoundTest, AHugeKeyThatIsNotUtf8KeepsABoundedPrefixOfItsBytes) {
  const std::string key(2 * kDeadLetterMaxKey, '\xff');
  const v1::DeadLetter d = OneDeadLetter(Source(key, "{}"));
  EXPECT_EQ(d.key_bytes(), key.substr(0, kDeadLetterMaxKey));
  EXPECT_TRUE(IsValidUtf8(d.key()));
  EXPECT_EQ(d.original_key_size(), static_cast<int64_t>(key.size()));
  v1::DeadLetter read;
  EXPECT_TRUE(read.ParseFromString(d.SerializeAsString()));
}

TEST(DeadLetterBoundTest, AHugeDetailIsCutAndSaysSo) {
  const std::string detail(3 * kDeadLetterMaxDetail, 'd');
  const v1::DeadLetter d = OneDeadLetter(Source("O-1", "{}"), detail);
  EXPECT_EQ(d.detail(), detail.substr(0, kDeadLetterMaxDetail));
  EXPECT_TRUE(d.truncated());
  EXPECT_EQ(d.original_payload_size(), 0);
}

TEST(DeadLetterBoundTest, TheDigestIsWhatSha256sumPrints) {
  // printf 'abc' | sha256sum
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace orderflow
