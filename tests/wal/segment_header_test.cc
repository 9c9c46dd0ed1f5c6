#include "wal/segment_header.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <string>

#include "base/endian_coding.h"
#include "tests/wal/wal_test_util.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

using testing::flip_bit;

// Sets a field of a header and recomputes the header checksum, so that only the field is wrong.
template <std::unsigned_integral T>
std::string header_with_field(uint64_t segment_id, size_t field_offset, T value) {
  std::string header = encode_segment_header(segment_id);
  store_little_endian(header.data() + field_offset, value);
  store_little_endian(header.data() + kSegmentChecksumOffset,
                      XXH3_64bits(header.data(), kSegmentHeaderChecksummedBytes));
  return header;
}

void expect_bad_header(const Status& status, std::string_view why) {
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("0000000007.log: bad segment header: "), std::string::npos)
      << status.to_string();
  EXPECT_NE(status.message().find(why), std::string::npos) << status.to_string();
}

TEST(SegmentHeaderTest, LayoutIsAsDocumented) {
  const std::string header = encode_segment_header(0x0102030405060708);
  ASSERT_EQ(header.size(), kSegmentHeaderBytes);
  EXPECT_EQ(header.substr(0, 24), std::string("LOGKVSEG"
                                              "\x01\x00\x00\x00"
                                              "\x00\x00\x00\x00"
                                              "\x08\x07\x06\x05\x04\x03\x02\x01",
                                              24));
  EXPECT_EQ(load_little_endian<uint64_t>(header.data() + 24), XXH3_64bits(header.data(), 24));
}

TEST(SegmentHeaderTest, AcceptsItsOwnEncoding) {
  EXPECT_TRUE(check_segment_header(encode_segment_header(7), 7, "0000000007.log").is_ok());
}

TEST(SegmentHeaderTest, IgnoresBytesAfterTheHeader) {
  const std::string contents = encode_segment_header(7) + "records follow";
  EXPECT_TRUE(check_segment_header(contents, 7, "0000000007.log").is_ok());
}

TEST(SegmentHeaderTest, ShortInputIsCorruption) {
  const std::string header = encode_segment_header(7);
  expect_bad_header(check_segment_header(header.substr(0, 31), 7, "0000000007.log"),
                    "the file holds 31 bytes");
  expect_bad_header(check_segment_header("", 7, "0000000007.log"), "the file holds 0 bytes");
}

TEST(SegmentHeaderTest, WrongMagicIsCorruption) {
  std::string header = encode_segment_header(7);
  header[0] = 'X';
  expect_bad_header(check_segment_header(header, 7, "0000000007.log"), "not a logkv segment");
}

TEST(SegmentHeaderTest, ChecksumMismatchIsCorruption) {
  std::string header = encode_segment_header(7);
  flip_bit(&header, kSegmentIdOffset + 3);
  expect_bad_header(check_segment_header(header, 7, "0000000007.log"), "checksum mismatch");
  header = encode_segment_header(7);
  flip_bit(&header, kSegmentChecksumOffset);
  expect_bad_header(check_segment_header(header, 7, "0000000007.log"), "checksum mismatch");
}

TEST(SegmentHeaderTest, UnknownFormatVersionIsCorruption) {
  const std::string header = header_with_field(7, kSegmentVersionOffset, uint32_t{2});
  expect_bad_header(check_segment_header(header, 7, "0000000007.log"),
                    "format version 2 is not supported");
}

TEST(SegmentHeaderTest, NonZeroReservedFieldIsCorruption) {
  const std::string header = header_with_field(7, kSegmentReservedOffset, uint32_t{1});
  expect_bad_header(check_segment_header(header, 7, "0000000007.log"), "reserved field");
}

TEST(SegmentHeaderTest, HeaderOfAnotherSegmentIsCorruption) {
  expect_bad_header(check_segment_header(encode_segment_header(8), 7, "0000000007.log"),
                    "it belongs to segment 8, but the file is named for segment 7");
}

}  // namespace
}  // namespace logkv
