#include "index/key_arena.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace logkv {
namespace {

TEST(KeyArenaTest, AppendedKeysReadBackUnchanged) {
  KeyArena arena;
  std::vector<std::pair<uint32_t, std::string>> stored;
  for (int i = 0; i < 1000; ++i) {
    std::string key = "key-" + std::to_string(i) + std::string(i % 50, static_cast<char>(i));
    const std::optional<uint32_t> ref = arena.append(key);
    ASSERT_TRUE(ref.has_value());
    stored.emplace_back(*ref, std::move(key));
  }
  for (const auto& [ref, key] : stored) EXPECT_EQ(arena.view(ref, key.size()), key);
}

TEST(KeyArenaTest, EmptyKeyTakesNoSpace) {
  KeyArena arena;
  const std::optional<uint32_t> ref = arena.append("");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(arena.view(*ref, 0), "");
  EXPECT_EQ(arena.live_bytes(), 0u);
  EXPECT_EQ(arena.allocated_bytes(), 0u);
}

TEST(KeyArenaTest, SmallArenaAllocatesLessThanAPage) {
  KeyArena arena;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(arena.append("0123456789abcdef").has_value());
  EXPECT_EQ(arena.live_bytes(), 1600u);
  EXPECT_LE(arena.allocated_bytes(), KeyArena::kFirstPageBytes + 64);
}

// Past the doubling steps the last page grows by a quarter, so its unused end stays under a
// fifth of it; trim_last_page() gives that back, and appends grow the page again.
TEST(KeyArenaTest, LastPageSlackIsBoundedAndTrimmable) {
  KeyArena arena;
  const std::string key(10, 'k');
  std::vector<uint32_t> refs;
  size_t worst_slack = 0;
  while (arena.live_bytes() + key.size() <= KeyArena::kPageBytes) {
    const std::optional<uint32_t> ref = arena.append(key);
    ASSERT_TRUE(ref.has_value());
    refs.push_back(*ref);
    if (arena.live_bytes() >= KeyArena::kGrowthStepMin) {
      const size_t page = arena.allocated_bytes() - sizeof(std::unique_ptr<char[]>);
      worst_slack = std::max(worst_slack, page - arena.live_bytes());
      ASSERT_LE(page - arena.live_bytes(), page / 5 + KeyArena::kFirstPageBytes)
          << "at " << arena.live_bytes() << " bytes";
    }
  }
  EXPECT_GT(worst_slack, 0u);

  const size_t live = arena.live_bytes();
  arena.trim_last_page();
  EXPECT_EQ(arena.allocated_bytes(), live + sizeof(std::unique_ptr<char[]>));
  for (uint32_t ref : refs) ASSERT_EQ(arena.view(ref, key.size()), key);

  const std::optional<uint32_t> after = arena.append("after-trim");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(arena.view(*after, 10), "after-trim");
  EXPECT_EQ(arena.view(refs.front(), key.size()), key);
}

TEST(KeyArenaTest, KeyThatDoesNotFitStartsNewPageAndCountsTailAsGarbage) {
  KeyArena arena;
  const std::string big(KeyArena::kKeyBytesMax, 'b');
  std::vector<uint32_t> refs;
  // 16 keys of 65,535 bytes leave 16 bytes of the first page; the 17th starts page 1.
  for (int i = 0; i < 17; ++i) refs.push_back(*arena.append(big));
  EXPECT_EQ(refs[16] >> KeyArena::kPageBytesLog2, 1u);
  EXPECT_EQ(refs[16] & (KeyArena::kPageBytes - 1), 0u);
  EXPECT_EQ(arena.garbage_bytes(), KeyArena::kPageBytes - 16 * big.size());
  EXPECT_EQ(arena.live_bytes(), 17 * big.size());
  for (uint32_t ref : refs) EXPECT_EQ(arena.view(ref, big.size()), big);
}

TEST(KeyArenaTest, ReleaseCountsGarbageAndKeepsBytesReadable) {
  KeyArena arena;
  const uint32_t first = *arena.append("first");
  arena.append("second");
  arena.release(5);
  EXPECT_EQ(arena.garbage_bytes(), 5u);
  EXPECT_EQ(arena.live_bytes(), 6u);
  EXPECT_EQ(arena.view(first, 5), "first");
}

TEST(KeyArenaTest, ClearFreesEverything) {
  KeyArena arena;
  for (int i = 0; i < 1000; ++i) arena.append("some key bytes");
  arena.release(14);
  arena.clear();
  EXPECT_EQ(arena.allocated_bytes(), 0u);
  EXPECT_EQ(arena.live_bytes(), 0u);
  EXPECT_EQ(arena.garbage_bytes(), 0u);
  const uint32_t ref = *arena.append("again");
  EXPECT_EQ(arena.view(ref, 5), "again");
}

}  // namespace
}  // namespace logkv
