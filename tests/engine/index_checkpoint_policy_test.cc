// engine/index_checkpoint_policy.h: each numbered rule, and the cases between them.
#include "engine/index_checkpoint_policy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace logkv {
namespace {

using Lengths = std::vector<std::pair<uint64_t, uint64_t>>;
constexpr uint64_t kMin = 1000;

// A checkpoint of segments 2 (500 bytes, sealed) and 3 (400 bytes, the newest then).
CheckpointPoint point_2_3() {
  CheckpointPoint point;
  point.newest_segment_id = 3;
  point.newest_segment_bytes = 400;
  point.segments = {{2, 500, 0, 0}, {3, 400, 0, 0}};
  return point;
}

TEST(IndexCheckpointPolicyTest, Rule0NeverWhenTurnedOff) {
  EXPECT_FALSE(index_checkpoint_due(std::nullopt, Lengths{{1, 1u << 30}},
                                    std::numeric_limits<uint64_t>::max()));
  EXPECT_FALSE(
      index_checkpoint_due(point_2_3(), Lengths{{9, 10}}, std::numeric_limits<uint64_t>::max()))
      << "not even a stale one is replaced";
}

TEST(IndexCheckpointPolicyTest, Rule1WithoutOneOnlyForALogWorthIt) {
  EXPECT_FALSE(index_checkpoint_due(std::nullopt, Lengths{{1, 400}, {2, 599}}, kMin));
  EXPECT_TRUE(index_checkpoint_due(std::nullopt, Lengths{{1, 400}, {2, 600}}, kMin));
  EXPECT_TRUE(index_checkpoint_due(std::nullopt, Lengths{{1, 30}}, 0)) << "0: every close";
}

TEST(IndexCheckpointPolicyTest, Rule2AStaleOneIsAlwaysReplaced) {
  EXPECT_TRUE(index_checkpoint_due(point_2_3(), Lengths{{3, 400}}, kMin)) << "segment 2 gone";
  EXPECT_TRUE(index_checkpoint_due(point_2_3(), Lengths{{2, 501}, {3, 400}}, kMin))
      << "a sealed segment changed length";
  EXPECT_TRUE(index_checkpoint_due(point_2_3(), Lengths{{2, 500}, {3, 399}}, kMin))
      << "its newest is shorter";
  EXPECT_TRUE(index_checkpoint_due(point_2_3(), Lengths{{1, 10}, {2, 500}, {3, 400}}, kMin))
      << "a segment it does not list below its newest (a compaction's output)";
}

TEST(IndexCheckpointPolicyTest, Rule3OtherwiseOnceTheLogAfterItIsWorthIt) {
  EXPECT_FALSE(index_checkpoint_due(point_2_3(), Lengths{{2, 500}, {3, 400}}, kMin))
      << "nothing after it";
  EXPECT_FALSE(index_checkpoint_due(point_2_3(), Lengths{{2, 500}, {3, 1399}}, kMin));
  EXPECT_TRUE(index_checkpoint_due(point_2_3(), Lengths{{2, 500}, {3, 1400}}, kMin));
  EXPECT_FALSE(index_checkpoint_due(point_2_3(), Lengths{{2, 500}, {3, 900}, {4, 499}}, kMin))
      << "500 bytes of its newest segment and 499 of the next";
  EXPECT_TRUE(index_checkpoint_due(point_2_3(), Lengths{{2, 500}, {3, 900}, {4, 500}}, kMin));
}

}  // namespace
}  // namespace logkv
