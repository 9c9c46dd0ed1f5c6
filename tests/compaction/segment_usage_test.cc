// SegmentUsageTable: live-byte bookkeeping, the active segment, and pinned tombstones that are
// released when a segment blocking them goes away.
#include "compaction/segment_usage.h"

#include <gtest/gtest.h>

#include <vector>

namespace logkv {
namespace {

TEST(SegmentUsageTest, DeltasMoveLiveBytesAndNeverGoNegative) {
  SegmentUsageTable table;
  table.add(1, 100, 0, 0);
  table.add(2, 0, 1, 0);
  const std::vector<LiveBytesDelta> deltas = {{1, -30}, {2, 30}, {1, -500}, {7, 10}};
  table.apply(deltas);
  EXPECT_EQ(table.find(1)->live_bytes, 0u);
  EXPECT_EQ(table.find(2)->live_bytes, 30u);
  EXPECT_FALSE(table.find(7).has_value()) << "deltas for unknown segments are ignored";
}

TEST(SegmentUsageTest, AddActiveMakesTheNewSegmentActiveInTheSameSnapshot) {
  SegmentUsageTable table;
  table.add(1, 10, 0, 0);
  table.add_active(1);
  table.add_active(2);
  uint64_t active = 0;
  const std::vector<SegmentUsage> usages = table.snapshot(&active);
  EXPECT_EQ(active, 2u);
  ASSERT_EQ(usages.size(), 2u);
  EXPECT_EQ(usages[0].id, 1u);
  EXPECT_EQ(usages[0].live_bytes, 10u) << "re-adding keeps the counts";
  EXPECT_EQ(usages[1].id, 2u);
}

TEST(SegmentUsageTest, PinnedBytesLastUntilABlockerIsRemoved) {
  SegmentUsageTable table;
  for (uint64_t id : {1, 2, 3, 4}) table.add(id, 0, 0, 0);
  table.pin(4, 64, {2, 1});
  EXPECT_EQ(table.find(4)->pinned_bytes, 64u);
  const uint64_t unrelated[] = {3};
  table.remove(unrelated);
  EXPECT_EQ(table.find(4)->pinned_bytes, 64u);
  const uint64_t blocker[] = {2};
  table.remove(blocker);
  EXPECT_EQ(table.find(4)->pinned_bytes, 0u) << "its tombstones may be droppable now";
}

TEST(SegmentUsageTest, PinWithOnlyMissingBlockersPinsNothing) {
  SegmentUsageTable table;
  table.add(5, 0, 0, 0);
  table.pin(5, 64, {9});
  EXPECT_EQ(table.find(5)->pinned_bytes, 0u);
}

}  // namespace
}  // namespace logkv
