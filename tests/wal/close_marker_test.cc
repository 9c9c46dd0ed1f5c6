// wal/close_marker.h: a marker decodes to what was encoded; any damage, another length or another
// kind of file decodes to nothing; closed_cleanly_at matches only the segment and length named.
#include "wal/close_marker.h"

#include <gtest/gtest.h>

#include "fs/mem_file_system.h"
#include "wal/file_names.h"
#include "wal/hint_file.h"

namespace logkv {
namespace {

TEST(CloseMarkerTest, RoundTrips) {
  const CloseMarker marker{42, 123456789};
  const std::string bytes = encode_close_marker(marker);
  ASSERT_EQ(bytes.size(), kCloseMarkerBytes);
  const std::optional<CloseMarker> decoded = decode_close_marker(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->segment_id, 42u);
  EXPECT_EQ(decoded->segment_bytes, 123456789u);
}

TEST(CloseMarkerTest, EveryFlippedBitAndEveryOtherLengthIsNoMarker) {
  const std::string bytes = encode_close_marker({7, 4096});
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      EXPECT_FALSE(decode_close_marker(damaged).has_value()) << "byte " << i << " bit " << bit;
    }
  }
  for (size_t length = 0; length < bytes.size(); ++length) {
    EXPECT_FALSE(decode_close_marker(bytes.substr(0, length)).has_value()) << length;
  }
  EXPECT_FALSE(decode_close_marker(bytes + '\0').has_value());
  EXPECT_FALSE(decode_close_marker(encode_hint_file(7, 4096, {})).has_value());
}

TEST(CloseMarkerTest, MatchesOnlyTheSegmentAndLengthItNames) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/store").is_ok());
  EXPECT_FALSE(closed_cleanly_at(fs, "/store", 3, 100).value()) << "no marker yet";
  ASSERT_TRUE(write_close_marker(fs, "/store", {3, 100}).is_ok());
  EXPECT_TRUE(closed_cleanly_at(fs, "/store", 3, 100).value());
  EXPECT_FALSE(closed_cleanly_at(fs, "/store", 3, 101).value()) << "appended since";
  EXPECT_FALSE(closed_cleanly_at(fs, "/store", 4, 100).value()) << "another segment";
  // A newer close replaces it.
  ASSERT_TRUE(write_close_marker(fs, "/store", {4, 64}).is_ok());
  EXPECT_TRUE(closed_cleanly_at(fs, "/store", 4, 64).value());
  EXPECT_FALSE(closed_cleanly_at(fs, "/store", 3, 100).value());
  EXPECT_FALSE(fs.file_size(std::string("/store/") + temp_file_name(kCloseMarkerFileName)).is_ok())
      << "the temporary file was left behind";
}

}  // namespace
}  // namespace logkv
