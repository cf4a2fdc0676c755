// engine/fingerprint.h: FNV-1a 64, byte for byte; saved in snapshots, so
// its values must never change.
#include "engine/fingerprint.h"

#include <string>

#include "gtest/gtest.h"

namespace orderflow {
namespace {

uint64_t OneByteAtATime(std::string_view bytes, uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

TEST(FingerprintTest, IsFnv1a64) {
  EXPECT_EQ(Fingerprint(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fingerprint("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fingerprint("foobar"), 0x85944171f73967e8ull);
}

TEST(FingerprintTest, EveryLengthAndSeedGivesTheByteByByteValue) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(Fingerprint(bytes), OneByteAtATime(bytes, 14695981039346656037ull))
        << bytes.size();
    EXPECT_EQ(Fingerprint(bytes, 42), OneByteAtATime(bytes, 42)) << bytes.size();
    bytes.push_back(static_cast<char>(0x80 + i * 37));  // high bytes too
  }
}

}  // namespace
}  // namespace orderflow
