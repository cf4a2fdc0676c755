// TextKey's three states and its text (empty unless full), in place and
// on the heap, through assignment, moves and erasure.
#include "engine/text_key.h"

#include <string>
#include <string_view>
#include <utility>

#include "gtest/gtest.h"

namespace orderflow {
namespace {

TEST(TextKeyTest, IsFreeThenFullThenErased) {
  for (size_t length : {0, 1, 14, 15, 16, 40}) {
    const std::string text(length, 'k');
    TextKey key;
    EXPECT_TRUE(key.free());
    EXPECT_FALSE(key.full());
    EXPECT_FALSE(key.erased());
    EXPECT_EQ(key.view(), "");
    key.Assign(text);
    EXPECT_TRUE(key.full()) << length;
    EXPECT_FALSE(key.free());
    EXPECT_FALSE(key.erased());
    EXPECT_EQ(key.view(), text);
    const std::string_view as_text = key;  // converts to its text
    EXPECT_EQ(as_text, text);
    key.Erase();
    EXPECT_TRUE(key.erased()) << length;
    EXPECT_FALSE(key.full());
    EXPECT_FALSE(key.free());
    EXPECT_EQ(key.view(), "");
    key.Assign(text + "x");  // a tombstone is used again
    EXPECT_TRUE(key.full());
    EXPECT_EQ(key.view(), text + "x");
  }
}

TEST(TextKeyTest, MovingTakesTheTextAndLeavesTheSourceFree) {
  for (size_t length : {3, 15, 16, 100}) {
    const std::string text(length, 'm');
    TextKey from;
    from.Assign(text);
    TextKey to(std::move(from));
    EXPECT_TRUE(from.free());  // NOLINT: moved-from state is specified
    EXPECT_EQ(to.view(), text);
    TextKey other;
    other.Assign(std::string(length + 20, 'o'));  // freed by the move below
    other = std::move(to);
    EXPECT_TRUE(to.free());  // NOLINT
    EXPECT_EQ(other.view(), text);
    other.Assign("short");  // a heap text is freed
    EXPECT_EQ(other.view(), "short");
  }
}

}  // namespace
}  // namespace orderflow
