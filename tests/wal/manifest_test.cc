// wal/manifest.h: a manifest decodes to what was encoded; any flipped bit, another length or
// another kind of file is refused as damage naming the file; publishing replaces the old one
// and leaves no temporary file.
#include "wal/manifest.h"

#include <gtest/gtest.h>

#include "fs/mem_file_system.h"
#include "wal/close_marker.h"
#include "wal/file_names.h"

namespace logkv {
namespace {

Manifest sample() {
  Manifest manifest;
  manifest.newest_id = 12;
  manifest.sealed = {{3, 4096}, {7, 1234567}, {9, 32}};
  manifest.pending_first = 10;
  manifest.pending_count = 2;
  manifest.retired = {4, 5};
  return manifest;
}

TEST(ManifestTest, RoundTrips) {
  for (const Manifest& manifest : {sample(), Manifest{1, {}, 0, 0, {}}}) {
    Result<Manifest> decoded = decode_manifest(encode_manifest(manifest), "MANIFEST");
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
    EXPECT_EQ(*decoded, manifest);
  }
  EXPECT_TRUE(sample().is_pending(10));
  EXPECT_TRUE(sample().is_pending(11));
  EXPECT_FALSE(sample().is_pending(12));
  EXPECT_FALSE(sample().is_pending(9));
}

TEST(ManifestTest, EveryFlippedBitAndEveryOtherLengthIsDamageNamingTheFile) {
  const std::string bytes = encode_manifest(sample());
  const auto refused = [](const std::string& damaged) {
    Result<Manifest> decoded = decode_manifest(damaged, "/store/MANIFEST");
    return !decoded.is_ok() && decoded.status().code() == StatusCode::kCorruption &&
           decoded.status().message().starts_with("'/store/MANIFEST' is damaged: ");
  };
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      EXPECT_TRUE(refused(damaged)) << "byte " << i << " bit " << bit;
    }
  }
  for (size_t length = 0; length < bytes.size(); ++length) {
    EXPECT_TRUE(refused(bytes.substr(0, length))) << length;
  }
  EXPECT_TRUE(refused(bytes + '\0'));
  EXPECT_TRUE(refused(encode_close_marker({12, 4096})));
}

TEST(ManifestTest, ListsOutOfOrderNamingTheNewestAsSealedOrIdsOutOfRangeAreRefused) {
  Manifest unordered = sample();
  std::swap(unordered.sealed[0], unordered.sealed[1]);
  EXPECT_FALSE(decode_manifest(encode_manifest(unordered), "MANIFEST").is_ok());
  Manifest twice = sample();
  twice.sealed[1].id = twice.sealed[0].id;
  EXPECT_FALSE(decode_manifest(encode_manifest(twice), "MANIFEST").is_ok());
  // Ids without a file name (above kSegmentIdMax) would stop a reader at segment_file_name().
  for (int field = 0; field < 4; ++field) {
    Manifest huge = sample();
    if (field == 0) huge.newest_id = kSegmentIdMax + 1;
    if (field == 1) huge.sealed.push_back({kSegmentIdMax + 1, 64});
    if (field == 2) huge.retired.push_back(kSegmentIdMax + 1);
    if (field == 3) huge.pending_count = kSegmentIdMax;
    Result<Manifest> decoded = decode_manifest(encode_manifest(huge), "MANIFEST");
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption) << "field " << field;
  }
  Manifest newest_sealed = sample();
  newest_sealed.sealed.push_back({newest_sealed.newest_id, 64});
  EXPECT_FALSE(decode_manifest(encode_manifest(newest_sealed), "MANIFEST").is_ok());
}

TEST(ManifestTest, PublishingReplacesTheOldOneAndReadSaysWhenThereIsNone) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/store").is_ok());
  Result<std::optional<Manifest>> none = read_manifest(fs, "/store");
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(write_manifest(fs, "/store", sample()).is_ok());
  Manifest newer = sample();
  newer.newest_id = 13;
  newer.sealed.push_back({12, 999});
  ASSERT_TRUE(write_manifest(fs, "/store", newer).is_ok());
  Result<std::optional<Manifest>> read = read_manifest(fs, "/store");
  ASSERT_TRUE(read.is_ok() && read->has_value());
  EXPECT_EQ(**read, newer);
  EXPECT_FALSE(fs.file_size(std::string("/store/") + temp_file_name(kManifestFileName)).is_ok())
      << "the temporary file was left behind";
  ASSERT_TRUE(fs.write_file(std::string("/store/") + kManifestFileName, "garbage").is_ok());
  EXPECT_EQ(read_manifest(fs, "/store").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace logkv
