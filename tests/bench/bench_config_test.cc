// Tests of logkv-bench's flags (bench/bench_config.h) where they choose what a run measures: the
// store sizes of the scaling workload.
#include "bench/bench_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace logkv::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ScalingSizes, PowersOfTenFromOneThousandUpToTheMaximum) {
  EXPECT_THAT(scaling_sizes_up_to(10'000'000),
              ElementsAre(1'000, 10'000, 100'000, 1'000'000, 10'000'000));
  EXPECT_THAT(scaling_sizes_up_to(1'000), ElementsAre(1'000));
}

TEST(ScalingSizes, AMaximumBetweenPowersOfTenIsTheLastSize) {
  EXPECT_THAT(scaling_sizes_up_to(250'000), ElementsAre(1'000, 10'000, 100'000, 250'000));
}

TEST(ScalingSizes, FullRunGoesToTenMillionAndQuickRunStaysTiny) {
  EXPECT_EQ(full_sizes().scaling_keys.back(), 10'000'000u);
  EXPECT_LE(quick_sizes().scaling_keys.back(), 10'000u);
}

TEST(ScalingMaxKeysFlag, SetsTheSizes) {
  Result<BenchConfig> config = parse_flags({"--quick", "--scaling-max-keys", "100000"});
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_THAT(config->sizes.scaling_keys, ElementsAre(1'000, 10'000, 100'000));
}

TEST(ScalingMaxKeysFlag, RefusesSizesOutsideTheKeyRange) {
  for (const std::string value : {"999", "100000001", "ten"}) {
    Result<BenchConfig> config = parse_flags({"--scaling-max-keys", value});
    ASSERT_FALSE(config.is_ok()) << value;
    EXPECT_THAT(config.status().message(), HasSubstr("--scaling-max-keys")) << value;
  }
}

}  // namespace
}  // namespace logkv::bench
