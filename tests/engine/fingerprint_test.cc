// engine/fingerprint.h: FNV-1a 64, byte for byte, and ContentFingerprint;
// both are saved in snapshots, so their values must never change.
#include "engine/fingerprint.h"

#include <set>
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

// Values computed when ContentFingerprint was written: any change to it
// fails here (and would make every saved order look changed).
TEST(ContentFingerprintTest, ValuesArePinned) {
  EXPECT_EQ(ContentFingerprint(""), 0x97eaa3baca70ba63ull);
  EXPECT_EQ(ContentFingerprint("a"), 0x358b5f0aeb8035c4ull);
  EXPECT_EQ(ContentFingerprint("foobar"), 0x8443d017a0ff141cull);
  EXPECT_EQ(ContentFingerprint("ORD-000123"), 0x605ac072f1e50c10ull);
  EXPECT_EQ(ContentFingerprint("a 17-byte string!"), 0xa8ec8312519174cbull);
  EXPECT_EQ(ContentFingerprint("order content of thirty-three by"),
            0x8cd000f9a509e30eull);
  std::string bytes;
  for (int i = 0; i < 200; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
  EXPECT_EQ(ContentFingerprint(bytes), 0x2cb6121b723c08f2ull);
}

// Every length up to 70 (each path of the function), and every single-bit
// change of each byte, gives a value of its own.
TEST(ContentFingerprintTest, EveryBitOfEveryLengthCounts) {
  std::set<uint64_t> seen;
  std::string bytes;
  for (int n = 0; n <= 70; ++n) {
    const uint64_t value = ContentFingerprint(bytes);
    EXPECT_TRUE(seen.insert(value).second) << n;
    for (int i = 0; i < n; ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string changed = bytes;
        changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
        EXPECT_NE(ContentFingerprint(changed), value) << n << " " << i << " " << bit;
      }
    }
    bytes.push_back(static_cast<char>(0x80 + n * 37));
  }
}

}  // namespace
}  // namespace orderflow
