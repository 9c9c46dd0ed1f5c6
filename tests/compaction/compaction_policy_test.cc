// The compaction policy: each rule on its own, the floor that gates them, and the active segment
// never being chosen.
#include "compaction/compaction_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "wal/record_format.h"

namespace logkv {
namespace {

constexpr uint64_t kSegment = 1 << 20;

CompactionPolicy test_policy() {
  CompactionPolicy policy;
  policy.segment_bytes_max = kSegment;
  policy.dead_bytes_min = 0;
  return policy;
}

SegmentState segment(uint64_t id, uint64_t total, uint64_t live, bool active = false) {
  return SegmentState{.id = id, .total_bytes = total, .live_bytes = live, .active = active};
}

TEST(CompactionPolicyTest, DeadBytesExcludeTheHeaderOfASegmentThatKeepsAnything) {
  EXPECT_EQ(dead_bytes(segment(1, 1000, 400)), 1000 - 400 - kSegmentHeaderBytes);
  EXPECT_EQ(dead_bytes(segment(1, 1000, 0)), 1000u) << "an unneeded segment goes whole";
  EXPECT_EQ(dead_bytes(
                SegmentState{.id = 1, .total_bytes = 1000, .live_bytes = 500, .pinned_bytes = 400}),
            1000 - 900 - kSegmentHeaderBytes);
  EXPECT_EQ(dead_bytes(segment(1, 100, 90)), 0u);
}

TEST(CompactionPolicyTest, NothingToDoInAFullyLiveStore) {
  const std::vector<SegmentState> segments = {segment(1, kSegment, kSegment - 32),
                                              segment(2, kSegment, kSegment - 32),
                                              segment(3, 5000, 4000, true)};
  EXPECT_TRUE(choose_compaction_inputs(segments, test_policy()).empty());
}

TEST(CompactionPolicyTest, SegmentWithNothingLiveIsTaken) {
  const std::vector<SegmentState> segments = {segment(1, kSegment, kSegment - 32),
                                              segment(2, 4000, 0), segment(3, 100, 50, true)};
  EXPECT_EQ(choose_compaction_inputs(segments, test_policy()), (std::vector<uint64_t>{2}));
}

TEST(CompactionPolicyTest, SegmentPastTheDeadFractionIsTaken) {
  const std::vector<SegmentState> segments = {segment(1, kSegment, kSegment - 32),
                                              segment(2, kSegment, kSegment / 3),
                                              segment(3, 100, 50, true)};
  EXPECT_EQ(choose_compaction_inputs(segments, test_policy()), (std::vector<uint64_t>{2}));
}

TEST(CompactionPolicyTest, PinnedTombstonesAreNotDead) {
  // Two thirds of segment 2 are tombstones that the last compaction had to keep.
  const std::vector<SegmentState> segments = {SegmentState{.id = 2,
                                                           .total_bytes = kSegment,
                                                           .live_bytes = kSegment / 3,
                                                           .pinned_bytes = kSegment / 2},
                                              segment(3, 100, 50, true)};
  EXPECT_TRUE(choose_compaction_inputs(segments, test_policy()).empty());
}

TEST(CompactionPolicyTest, DiskRatioTakesTheDeadliestSegmentsUntilHalfwayToLive) {
  // Ten sealed segments, each 40% dead (under the 50% fraction), so only the ratio rule fires:
  // disk is about 1.6 x live. The policy must bring it to 1.25 x live, halfway to the live
  // bytes, taking the deadest segments first.
  CompactionPolicy policy = test_policy();
  std::vector<SegmentState> segments;
  for (uint64_t id = 1; id <= 10; ++id)
    segments.push_back(segment(id, kSegment, kSegment / 10 * 6));
  segments[6].live_bytes = kSegment / 10 * 7;  // segment 7 is less dead: taken last
  segments.push_back(segment(11, 32, 0, true));
  const std::vector<uint64_t> chosen = choose_compaction_inputs(segments, policy);
  ASSERT_FALSE(chosen.empty());
  uint64_t disk = 0;
  uint64_t live = 0;
  uint64_t reclaimed = 0;
  for (const SegmentState& s : segments) {
    disk += s.total_bytes;
    live += s.live_bytes;
  }
  for (uint64_t id : chosen) reclaimed += dead_bytes(segments[id - 1]);
  EXPECT_LE(static_cast<double>(disk - reclaimed), 1.25 * static_cast<double>(live));
  EXPECT_EQ(std::count(chosen.begin(), chosen.end(), 7u), 0) << "the least dead is spared";
}

TEST(CompactionPolicyTest, SmallSegmentsAreMergedOnceEnoughPileUp) {
  CompactionPolicy policy = test_policy();
  std::vector<SegmentState> segments;
  for (uint64_t id = 1; id <= 3; ++id) segments.push_back(segment(id, 10000, 9900));
  segments.push_back(segment(9, 100, 50, true));
  EXPECT_TRUE(choose_compaction_inputs(segments, policy).empty()) << "three are not enough";
  segments.insert(segments.begin() + 3, segment(4, 10000, 9900));
  EXPECT_EQ(choose_compaction_inputs(segments, policy), (std::vector<uint64_t>{1, 2, 3, 4}));
}

TEST(CompactionPolicyTest, DeadBytesFloorGatesEveryRule) {
  CompactionPolicy policy = test_policy();
  policy.dead_bytes_min = 2 * kSegment;
  const std::vector<SegmentState> segments = {segment(1, kSegment, 0), segment(2, kSegment, 10),
                                              segment(3, 100, 50, true)};
  EXPECT_TRUE(choose_compaction_inputs(segments, policy).empty());
  policy.dead_bytes_min = kSegment;
  EXPECT_EQ(choose_compaction_inputs(segments, policy), (std::vector<uint64_t>{1, 2}));
}

TEST(CompactionPolicyTest, ActiveSegmentIsNeverTaken) {
  // The active segment is all dead, but only sealed segments can be compacted.
  const std::vector<SegmentState> segments = {segment(1, kSegment, 0, true)};
  EXPECT_TRUE(choose_compaction_inputs(segments, test_policy()).empty());
  const std::vector<SegmentState> with_sealed = {segment(1, kSegment, 0),
                                                 segment(2, kSegment, 0, true)};
  EXPECT_EQ(choose_compaction_inputs(with_sealed, test_policy()), (std::vector<uint64_t>{1}));
}

TEST(CompactionPolicyTest, HintFilesCountAsDiskButAreNotReclaimable) {
  // Live 2 MiB in fully live segments, with hint files of 1 MiB: disk 3 MiB > 1.5 x live, but
  // compacting would only write the same bytes again.
  std::vector<SegmentState> segments = {segment(1, kSegment, kSegment - 32),
                                        segment(2, kSegment, kSegment - 32),
                                        segment(3, 100, 50, true)};
  segments[0].hint_bytes = segments[1].hint_bytes = kSegment / 2;
  EXPECT_TRUE(choose_compaction_inputs(segments, test_policy()).empty());
  // With some dead bytes the ratio rule fires, counting the hints as disk use: both segments
  // are taken although each is only 10% dead.
  segments[0].live_bytes = segments[1].live_bytes = kSegment / 10 * 9;
  EXPECT_EQ(choose_compaction_inputs(segments, test_policy()), (std::vector<uint64_t>{1, 2}));
}

TEST(CompactionPolicyTest, SegmentsFarBelowTheActiveIdAreRewritten) {
  CompactionPolicy policy = test_policy();
  policy.id_span_max = 100;
  const std::vector<SegmentState> segments = {segment(5, kSegment, kSegment - 32),
                                              segment(150, kSegment, kSegment / 4),
                                              segment(200, 100, 50, true)};
  const std::vector<uint64_t> chosen = choose_compaction_inputs(segments, policy);
  EXPECT_EQ(chosen, (std::vector<uint64_t>{5, 150}));
}

TEST(CompactionPolicyTest, InputBytesAreBoundedPerCompaction) {
  CompactionPolicy policy = test_policy();
  policy.input_bytes_max = 3 * kSegment;
  std::vector<SegmentState> segments;
  for (uint64_t id = 1; id <= 10; ++id) segments.push_back(segment(id, kSegment, kSegment / 10));
  segments.push_back(segment(11, 100, 50, true));
  EXPECT_EQ(choose_compaction_inputs(segments, policy).size(), 3u);
}

}  // namespace
}  // namespace logkv
