// VerifiedRecords: one bit per large record, told apart by offset / kRecordBytesMin.
#include "wal/verified_records.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace logkv {
namespace {

constexpr uint64_t kMin = VerifiedRecords::kRecordBytesMin;

TEST(VerifiedRecordsTest, OnlyLargeRecordsAreRemembered) {
  EXPECT_FALSE(VerifiedRecords::remembers(kMin - 1));
  EXPECT_TRUE(VerifiedRecords::remembers(kMin));
}

TEST(VerifiedRecordsTest, EmptyUntilInserted) {
  VerifiedRecords verified;
  EXPECT_FALSE(verified.contains(32));
  EXPECT_FALSE(verified.contains(kSegmentBytesMax - kMin));
}

// Two large records start at least kMin apart, however they fall across the bit boundaries.
TEST(VerifiedRecordsTest, NeighbouringLargeRecordsAreToldApart) {
  for (const uint64_t first : {uint64_t{32}, kMin - 1, kMin, 63 * kMin + 5}) {
    VerifiedRecords verified;
    verified.insert(first);
    EXPECT_TRUE(verified.contains(first)) << first;
    EXPECT_FALSE(verified.contains(first + kMin)) << first;
    if (first >= kMin) {
      EXPECT_FALSE(verified.contains(first - kMin)) << first;
    }
  }
}

TEST(VerifiedRecordsTest, ReachesTheLargestSegment) {
  VerifiedRecords verified;
  const uint64_t last = kSegmentBytesMax - kMin + 1;  // the last place a large record can start
  verified.insert(last);
  EXPECT_TRUE(verified.contains(last));
  EXPECT_FALSE(verified.contains(last - kMin));
}

// Concurrent first inserts allocate once and lose no bit (run under ThreadSanitizer too).
TEST(VerifiedRecordsTest, ConcurrentInsertsAreAllKept) {
  VerifiedRecords verified;
  constexpr int kThreads = 4;
  constexpr uint64_t kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&verified, t] {
      for (uint64_t i = 0; i < kPerThread; ++i) verified.insert((i * kThreads + t) * kMin);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (uint64_t i = 0; i < kPerThread * kThreads; ++i) {
    ASSERT_TRUE(verified.contains(i * kMin)) << i;
  }
  EXPECT_FALSE(verified.contains(kPerThread * kThreads * kMin));
}

}  // namespace
}  // namespace logkv
