// wal/synced_marker.h: the marker round-trips and any damage decodes to nothing; the writer makes
// it, rewrites it in place and keeps a failure to itself; after a power loss a rewritten marker
// names one of the values written or nothing, never another; known_synced_prefix applies the
// shared rule.
#include "wal/synced_marker.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "fs/mem_file_system.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/seed.h"
#include "wal/close_marker.h"
#include "wal/file_names.h"

namespace logkv {
namespace {

using testing::FaultFileSystem;
using testing::OperationKind;

constexpr char kDir[] = "/store";

std::string marker_path() { return std::string(kDir) + "/" + kSyncedMarkerFileName; }

TEST(SyncedMarkerTest, RoundTripsAndAnyDamageIsNoMarker) {
  const std::string bytes = encode_synced_marker({42, 123456789});
  ASSERT_EQ(bytes.size(), kSegmentLengthFileBytes);
  const std::optional<SegmentLength> decoded = decode_synced_marker(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->segment_id, 42u);
  EXPECT_EQ(decoded->segment_bytes, 123456789u);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      EXPECT_FALSE(decode_synced_marker(damaged).has_value()) << "byte " << i << " bit " << bit;
    }
  }
  for (size_t length = 0; length < bytes.size(); ++length) {
    EXPECT_FALSE(decode_synced_marker(bytes.substr(0, length)).has_value()) << length;
  }
  EXPECT_FALSE(decode_synced_marker(encode_close_marker({42, 123456789})).has_value())
      << "a close marker is not a synced-point marker";
}

TEST(SyncedMarkerTest, TheWriterMakesTheFileAndRewritesItInPlace) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.create_dirs(kDir).is_ok());
  EXPECT_EQ(recorded_synced_bytes(fs, kDir, 1).value(), std::nullopt) << "no marker yet";
  auto writer = SyncedMarkerWriter::open(fs, kDir, {1, 32});
  ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
  EXPECT_EQ(recorded_synced_bytes(fs, kDir, 1).value(), std::optional<uint64_t>(32));
  (*writer)->record({1, 500});
  EXPECT_EQ(recorded_synced_bytes(fs, kDir, 1).value(), std::optional<uint64_t>(500));
  EXPECT_EQ(recorded_synced_bytes(fs, kDir, 2).value(), std::nullopt) << "another segment";
  (*writer)->record({2, 32});
  EXPECT_EQ(recorded_synced_bytes(fs, kDir, 1).value(), std::nullopt);
  EXPECT_EQ(recorded_synced_bytes(fs, kDir, 2).value(), std::optional<uint64_t>(32));
  EXPECT_EQ(fs.read_file(marker_path())->size(), kSegmentLengthFileBytes);
  EXPECT_TRUE((*writer)->failure().is_ok());

  // A later writer's open rewrites an intact file, and makes a damaged or short one anew.
  writer->reset();
  ASSERT_TRUE(fs.write_file(marker_path(), "short").is_ok());
  writer = SyncedMarkerWriter::open(fs, kDir, {2, 64});
  ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
  EXPECT_EQ(recorded_synced_bytes(fs, kDir, 2).value(), std::optional<uint64_t>(64));
}

TEST(SyncedMarkerTest, AFailedWriteEndsTheUpdatesWithoutFailingTheCaller) {
  auto mem = std::make_shared<MemFileSystem>();
  ASSERT_TRUE(mem->create_dirs(kDir).is_ok());
  FaultFileSystem faults(mem);
  auto writer = SyncedMarkerWriter::open(faults, kDir, {1, 32});
  ASSERT_TRUE(writer.is_ok());
  faults.fail_next(OperationKind::kWriteAt);
  (*writer)->record({1, 100});
  EXPECT_FALSE((*writer)->failure().is_ok());
  EXPECT_NE((*writer)->failure().message().find(kSyncedMarkerFileName), std::string::npos)
      << (*writer)->failure().to_string();
  const uint64_t writes = faults.operation_count(OperationKind::kWriteAt);
  (*writer)->record({1, 200});
  EXPECT_EQ(faults.operation_count(OperationKind::kWriteAt), writes) << "written after a failure";
  EXPECT_EQ(recorded_synced_bytes(*mem, kDir, 1).value(), std::optional<uint64_t>(32))
      << "the last intact value stays";
}

// The marker is never synced: whatever a power loss leaves of a rewrite is the old value, the new
// one, or nothing that decodes (a torn sector fails the checksum).
TEST(SyncedMarkerTest, APowerLossLeavesTheOldValueTheNewOneOrNoMarker) {
  const uint64_t seed = testing::test_seed();
  std::set<std::optional<uint64_t>> seen;
  for (uint64_t round = 0; round < 200; ++round) {
    MemFileSystem fs;
    ASSERT_TRUE(fs.create_dirs(kDir).is_ok());
    ASSERT_TRUE(fs.write_file(marker_path(), encode_synced_marker({1, 100})).is_ok());
    auto writer = SyncedMarkerWriter::open(fs, kDir, {1, 200});
    ASSERT_TRUE(writer.is_ok());
    simulate_power_loss(fs, seed + round, PowerLossMode::kRandom);
    const std::optional<uint64_t> left = recorded_synced_bytes(fs, kDir, 1).value();
    EXPECT_TRUE(left == std::nullopt || left == 100u || left == 200u)
        << "round " << round << " left " << *left;
    seen.insert(left);
  }
  EXPECT_EQ(seen.size(), 3u) << "the power-loss model should keep, undo and garble rewrites";
  MemFileSystem fs;
  ASSERT_TRUE(fs.create_dirs(kDir).is_ok());
  ASSERT_TRUE(fs.write_file(marker_path(), encode_synced_marker({1, 100})).is_ok());
  ASSERT_TRUE(SyncedMarkerWriter::open(fs, kDir, {1, 200}).is_ok());
  EXPECT_GT(unsynced_bytes(fs), 0u) << "a rewrite is unsynced";
  simulate_power_loss(fs, seed, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(recorded_synced_bytes(fs, kDir, 1).value(), std::optional<uint64_t>(100))
      << "dropping what was not synced undoes the rewrite";
}

TEST(SyncedMarkerTest, KnownSyncedPrefixAppliesTheSharedRule) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.create_dirs(kDir).is_ok());
  EXPECT_TRUE(known_synced_prefix(fs, kDir, 3, 100, false, std::nullopt)->is_whole());
  EXPECT_EQ(known_synced_prefix(fs, kDir, 3, 100, true, std::nullopt)->bytes, 0u);
  EXPECT_EQ(known_synced_prefix(fs, kDir, 3, 100, true, 64)->bytes, 64u);
  ASSERT_TRUE(write_close_marker(fs, kDir, {3, 100}).is_ok());
  EXPECT_TRUE(known_synced_prefix(fs, kDir, 3, 100, true, 64)->is_whole()) << "closed cleanly";
  EXPECT_EQ(known_synced_prefix(fs, kDir, 3, 120, true, 64)->bytes, 64u) << "appended since";
}

}  // namespace
}  // namespace logkv
