// Hint files: names, encoding round trip, and every kind of damage being refused with a message
// that names the file.
#include "wal/hint_file.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <string>
#include <vector>

#include "base/endian_coding.h"
#include "fs/mem_file_system.h"
#include "tests/support/mem_power_loss.h"
#include "wal/file_names.h"
#include "wal/hint_io.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

constexpr uint64_t kSegmentId = 42;
constexpr char kName[] = "0000000042.hint";

// Three records laid out as a segment would hold them: "alpha" = 5 bytes, "beta" deleted,
// "gamma" = 300 bytes.
std::vector<HintEntry> sample_entries() {
  std::vector<HintEntry> entries;
  uint32_t offset = kSegmentHeaderBytes;
  auto add = [&](std::string_view key, uint64_t sequence, size_t value_bytes, RecordType type) {
    const auto bytes = static_cast<uint32_t>(encoded_record_bytes(key.size(), value_bytes));
    entries.push_back(HintEntry{key, sequence, offset, bytes, type});
    offset += bytes;
  };
  add("alpha", 3, 5, RecordType::kSet);
  add("beta", 7, 0, RecordType::kDelete);
  add("gamma", 9, 300, RecordType::kSet);
  return entries;
}

uint64_t sample_segment_bytes() {
  const std::vector<HintEntry> entries = sample_entries();
  return entries.back().offset + entries.back().record_bytes;
}

std::string sample_file() {
  return encode_hint_file(kSegmentId, sample_segment_bytes(), sample_entries());
}

// Rewrites the trailing checksum so that only the deliberate damage remains.
void fix_checksum(std::string& bytes) {
  const size_t checked = bytes.size() - kHintTrailerBytes;
  store_little_endian(bytes.data() + checked, XXH3_64bits(bytes.data(), checked));
}

TEST(HintFileNameTest, NamesFollowTheSegmentId) {
  EXPECT_EQ(hint_file_name(42), kName);
  EXPECT_EQ(parse_hint_file_name(kName), 42u);
  EXPECT_EQ(parse_hint_file_name("0000000042.log"), std::nullopt);
  EXPECT_EQ(parse_hint_file_name("42.hint"), std::nullopt);
  EXPECT_EQ(parse_hint_file_name("00000000x2.hint"), std::nullopt);
  EXPECT_EQ(temp_file_name(kName), "0000000042.hint.tmp");
}

TEST(HintFileNameTest, OnlyTemporaryNamesOfSegmentsAndHintsAreTemporary) {
  EXPECT_TRUE(is_temp_file_name("0000000042.hint.tmp"));
  EXPECT_TRUE(is_temp_file_name("0000000042.log.tmp"));
  EXPECT_FALSE(is_temp_file_name("0000000042.log"));
  EXPECT_FALSE(is_temp_file_name("notes.txt.tmp"));
  EXPECT_FALSE(is_temp_file_name(".tmp"));
  EXPECT_FALSE(is_temp_file_name("0000000042.tmp"));
}

TEST(HintFileTest, RoundTripKeepsEveryEntry) {
  const std::string bytes = sample_file();
  Result<DecodedHintFile> decoded = decode_hint_file(bytes, kSegmentId, kName);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->segment_bytes, sample_segment_bytes());
  EXPECT_EQ(decoded->last_sequence, 9u);
  const std::vector<HintEntry> expected = sample_entries();
  ASSERT_EQ(decoded->entries.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(decoded->entries[i].key, expected[i].key);
    EXPECT_EQ(decoded->entries[i].sequence, expected[i].sequence);
    EXPECT_EQ(decoded->entries[i].offset, expected[i].offset);
    EXPECT_EQ(decoded->entries[i].record_bytes, expected[i].record_bytes);
    EXPECT_EQ(decoded->entries[i].type, expected[i].type);
  }
}

TEST(HintFileTest, LayoutMatchesFormatDocument) {
  const std::string bytes = sample_file();
  EXPECT_EQ(bytes.substr(0, 8), "LOGKVHNT");
  EXPECT_EQ(load_little_endian<uint32_t>(bytes.data() + 8), 1u);
  EXPECT_EQ(load_little_endian<uint64_t>(bytes.data() + 16), kSegmentId);
  EXPECT_EQ(load_little_endian<uint64_t>(bytes.data() + 24), sample_segment_bytes());
  EXPECT_EQ(load_little_endian<uint64_t>(bytes.data() + 32), 3u);
  // First entry: sequence 3, offset 32, key "alpha".
  EXPECT_EQ(load_little_endian<uint64_t>(bytes.data() + 40), 3u);
  EXPECT_EQ(load_little_endian<uint32_t>(bytes.data() + 48), kSegmentHeaderBytes);
  EXPECT_EQ(load_little_endian<uint16_t>(bytes.data() + 56), 5u);
  EXPECT_EQ(static_cast<uint8_t>(bytes[58]), kRecordTypeSetByte);
  EXPECT_EQ(bytes.substr(60, 5), "alpha");
  EXPECT_EQ(bytes.size(), 40 + (20 + 5) + (20 + 4) + (20 + 5) + 8u);
}

TEST(HintFileTest, EmptySegmentHasAnEmptyHint) {
  const std::string bytes = encode_hint_file(kSegmentId, kSegmentHeaderBytes, {});
  Result<DecodedHintFile> decoded = decode_hint_file(bytes, kSegmentId, kName);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_TRUE(decoded->entries.empty());
  EXPECT_EQ(decoded->last_sequence, 0u);
}

TEST(HintFileTest, EveryFlippedByteIsCaught) {
  const std::string good = sample_file();
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x10;
    Result<DecodedHintFile> decoded = decode_hint_file(bad, kSegmentId, kName);
    ASSERT_FALSE(decoded.is_ok()) << "flipped byte " << i;
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
    EXPECT_NE(decoded.status().message().find(kName), std::string::npos);
  }
}

TEST(HintFileTest, EveryTruncationIsCaught) {
  const std::string good = sample_file();
  for (size_t size = 0; size < good.size(); ++size) {
    Result<DecodedHintFile> decoded = decode_hint_file(good.substr(0, size), kSegmentId, kName);
    ASSERT_FALSE(decoded.is_ok()) << "cut to " << size;
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  }
}

TEST(HintFileTest, HintOfAnotherSegmentIsRefused) {
  Result<DecodedHintFile> decoded = decode_hint_file(sample_file(), kSegmentId + 1, kName);
  ASSERT_FALSE(decoded.is_ok());
  EXPECT_NE(decoded.status().message().find("segment 42"), std::string::npos)
      << decoded.status().message();
}

TEST(HintFileTest, UnknownVersionIsRefusedEvenWithAGoodChecksum) {
  std::string bytes = sample_file();
  store_little_endian(bytes.data() + kHintVersionOffset, uint32_t{2});
  fix_checksum(bytes);
  Result<DecodedHintFile> decoded = decode_hint_file(bytes, kSegmentId, kName);
  ASSERT_FALSE(decoded.is_ok());
  EXPECT_NE(decoded.status().message().find("version 2"), std::string::npos);
}

TEST(HintFileTest, EntriesOutsideTheSegmentAreRefusedEvenWithAGoodChecksum) {
  // A well-formed file that claims a shorter segment than its last record needs.
  std::string bytes = sample_file();
  store_little_endian(bytes.data() + kHintSegmentBytesOffset, sample_segment_bytes() - 1);
  fix_checksum(bytes);
  Result<DecodedHintFile> decoded = decode_hint_file(bytes, kSegmentId, kName);
  ASSERT_FALSE(decoded.is_ok());
  EXPECT_NE(decoded.status().message().find("past the end of the segment"), std::string::npos)
      << decoded.status().message();
}

TEST(HintFileTest, DeleteWithAValueIsRefused) {
  std::string bytes = sample_file();
  // The second entry (the delete of "beta") starts after the header and the first entry.
  const size_t second = kHintHeaderBytes + kHintEntryHeaderBytes + 5;
  const uint32_t record_bytes =
      load_little_endian<uint32_t>(bytes.data() + second + kHintEntryRecordBytesOffset);
  store_little_endian(bytes.data() + second + kHintEntryRecordBytesOffset, record_bytes + 1);
  fix_checksum(bytes);
  Result<DecodedHintFile> decoded = decode_hint_file(bytes, kSegmentId, kName);
  ASSERT_FALSE(decoded.is_ok());
  EXPECT_NE(decoded.status().message().find("delete"), std::string::npos);
}

TEST(HintFileTest, LoadRefusesAHintOfAnotherSegmentLength) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/s").is_ok());
  ASSERT_TRUE(fs.write_file(std::string("/s/") + kName, sample_file()).is_ok());
  EXPECT_TRUE(load_hint_file(fs, "/s", kSegmentId, sample_segment_bytes()).is_ok());
  Result<LoadedHint> stale = load_hint_file(fs, "/s", kSegmentId, sample_segment_bytes() + 28);
  ASSERT_FALSE(stale.is_ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kCorruption);
  Result<LoadedHint> missing = load_hint_file(fs, "/s", kSegmentId + 1, 100);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(HintFileTest, WriteHintFilePublishesDurablyAndLeavesNoTemporaryFile) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.create_dirs("/s").is_ok());
  Result<uint64_t> written =
      write_hint_file(fs, "/s", kSegmentId, sample_segment_bytes(), sample_entries());
  ASSERT_TRUE(written.is_ok()) << written.status().to_string();
  EXPECT_EQ(*written, sample_file().size());
  simulate_power_loss(fs, 1, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(fs.read_file(std::string("/s/") + kName).value(), sample_file());
  EXPECT_EQ(fs.list_dir("/s").value(), std::vector<std::string>{kName});
}

}  // namespace
}  // namespace logkv
