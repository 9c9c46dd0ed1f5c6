#include "index/entry_pages.h"

#include <gtest/gtest.h>

namespace logkv {
namespace {

PackedEntry entry_for(uint32_t n) {
  return PackedEntry::pack(
      n, static_cast<uint16_t>(n),
      IndexEntry{
          .segment_id = n % 1000, .offset = n * 16, .record_bytes = n + 1, .sequence = n * 3});
}

bool same(const PackedEntry& a, const PackedEntry& b) {
  return a.key_ref == b.key_ref && a.key_bytes() == b.key_bytes() && a.unpack() == b.unpack();
}

TEST(EntryPagesTest, PushedEntriesReadBackAcrossPages) {
  EntryPages pages;
  const uint32_t count = 3 * EntryPages::kEntriesPerPage + 17;
  for (uint32_t n = 0; n < count; ++n) pages.push_back(entry_for(n));
  ASSERT_EQ(pages.size(), count);
  for (uint32_t n = 0; n < count; ++n) ASSERT_TRUE(same(pages[n], entry_for(n))) << n;
}

TEST(EntryPagesTest, SlackIsAtMostOnePage) {
  EntryPages pages;
  for (uint32_t n = 0; n < 5 * EntryPages::kEntriesPerPage + 1; ++n) {
    pages.push_back(entry_for(n));
    const size_t used = pages.size() * sizeof(PackedEntry);
    ASSERT_LE(pages.allocated_bytes(), used + EntryPages::kEntriesPerPage * sizeof(PackedEntry))
        << n;
  }
}

TEST(EntryPagesTest, SmallArrayAllocatesLessThanAPage) {
  EntryPages pages;
  for (uint32_t n = 0; n < 100; ++n) pages.push_back(entry_for(n));
  EXPECT_LE(pages.allocated_bytes(), 128 * sizeof(PackedEntry) + 64);
}

TEST(EntryPagesTest, ReleaseUnusedPagesFreesMemoryAfterPops) {
  EntryPages pages;
  const uint32_t count = 4 * EntryPages::kEntriesPerPage;
  for (uint32_t n = 0; n < count; ++n) pages.push_back(entry_for(n));
  const size_t full = pages.allocated_bytes();
  while (pages.size() > 10) pages.pop_back();
  EXPECT_EQ(pages.allocated_bytes(), full);  // pop_back keeps pages
  pages.release_unused_pages();
  EXPECT_LE(pages.allocated_bytes(), 64 * sizeof(PackedEntry) + 64);
  for (uint32_t n = 0; n < 10; ++n) EXPECT_TRUE(same(pages[n], entry_for(n))) << n;
  for (uint32_t n = 10; n < 2 * EntryPages::kEntriesPerPage; ++n) pages.push_back(entry_for(n));
  for (uint32_t n = 0; n < pages.size(); ++n) ASSERT_TRUE(same(pages[n], entry_for(n))) << n;
}

TEST(EntryPagesTest, ClearFreesEverything) {
  EntryPages pages;
  for (uint32_t n = 0; n < 1000; ++n) pages.push_back(entry_for(n));
  pages.clear();
  EXPECT_EQ(pages.size(), 0u);
  EXPECT_EQ(pages.allocated_bytes(), 0u);
}

}  // namespace
}  // namespace logkv
