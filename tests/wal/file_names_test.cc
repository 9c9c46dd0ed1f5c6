#include "wal/file_names.h"

#include <gtest/gtest.h>

namespace logkv {
namespace {

TEST(SegmentFileNameTest, IsTenZeroPaddedDigitsAndLogSuffix) {
  EXPECT_EQ(segment_file_name(1), "0000000001.log");
  EXPECT_EQ(segment_file_name(0), "0000000000.log");
  EXPECT_EQ(segment_file_name(1234567890), "1234567890.log");
  EXPECT_EQ(segment_file_name(kSegmentIdMax), "9999999999.log");
}

TEST(SegmentFileNameTest, ParsesWhatItFormats) {
  for (uint64_t id :
       {uint64_t{0}, uint64_t{1}, uint64_t{42}, uint64_t{1000000007}, kSegmentIdMax}) {
    EXPECT_EQ(parse_segment_file_name(segment_file_name(id)), id);
  }
}

TEST(SegmentFileNameTest, RejectsEveryOtherName) {
  for (std::string_view name :
       {"", ".log", "1.log", "000000001.log", "00000000001.log", "0000000001.hint",
        "0000000001.log.tmp", "0000000001.LOG", "0000000001log", "000000000a.log", "+000000001.log",
        " 000000001.log", "-000000001.log", "dir/0000000001.log", "LOCK", "0000000001.lo"}) {
    EXPECT_EQ(parse_segment_file_name(name), std::nullopt) << '"' << name << '"';
  }
}

}  // namespace
}  // namespace logkv
