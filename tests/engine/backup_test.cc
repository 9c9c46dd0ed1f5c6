// backup_store (logkv/backup.h): a copy made while a writer keeps writing opens, checks ok, and
// holds every key acknowledged before the backup began, as a prefix of the writes.
#include "logkv/backup.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "fs/posix_file_system.h"
#include "logkv/check.h"
#include "logkv/store.h"
#include "tests/engine/varied_store.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"
#include "wal/record_format.h"
#include "wal/store_folder.h"

namespace logkv {
namespace {

namespace fs = std::filesystem;

std::string value_of(int i) { return "value-" + std::to_string(i) + std::string(300, 'v'); }

TEST(BackupTest, ACopyMadeDuringWritesHoldsEveryAcknowledgedKey) {
  testing::TestDir dir;
  const std::string store_dir = dir.file("store");
  Options options;
  options.sync_mode = SyncMode::kNever;
  options.segment_bytes_max = 64 << 10;  // many sealed segments, rolled during the backup
  options.compaction_dead_bytes_min = 0;
  options.hint_segment_bytes_min = 16 << 10;
  options.limits.keys_max = 100000;
  Result<std::unique_ptr<Store>> writer = Store::open(store_dir, options);
  ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();

  constexpr int kKeys = 20000;
  std::atomic<int> acknowledged{0};
  std::atomic<bool> failed{false};
  std::thread writes([&] {
    for (int i = 0; i < kKeys; ++i) {
      // Overwrites make dead bytes, so that compaction runs beside the backup.
      if (!(*writer)->set("k" + std::to_string(i), value_of(i)).is_ok() ||
          !(*writer)->set("hot" + std::to_string(i % 10), value_of(i)).is_ok()) {
        failed = true;
        return;
      }
      acknowledged.store(i + 1);
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (acknowledged.load() < 2000 && !failed && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  const int before = acknowledged.load();
  const std::string dest = dir.file("copy");
  Result<BackupReport> report = backup_store(store_dir, dest);
  const int after_backup = acknowledged.load();
  writes.join();
  ASSERT_FALSE(failed) << "the writer failed";
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  ASSERT_GE(before, 2000) << "the writer did not get going within 60 s";
  std::cout << "backup after " << before << " acknowledged keys, done by " << after_backup << "; "
            << report->segments << " segments (" << report->bytes_linked << " bytes linked, "
            << report->bytes_copied << " copied), " << report->hint_files << " hint files"
            << std::endl;
  EXPECT_GT(report->segments, 1u);

  Result<CheckReport> checked = check_store(dest);
  ASSERT_TRUE(checked.is_ok()) << checked.status().to_string();
  EXPECT_TRUE(checked->ok()) << (checked->problems.empty() ? "" : checked->problems[0].what);

  Options read_only;
  read_only.read_only = true;
  Result<std::unique_ptr<Store>> copy = Store::open(dest, read_only);
  ASSERT_TRUE(copy.is_ok()) << copy.status().to_string();
  // Every key acknowledged before the backup began; after it, a prefix of the rest at most.
  int present = 0;
  for (int i = 0; i < kKeys; ++i) {
    Result<std::optional<std::string>> got = (*copy)->get("k" + std::to_string(i));
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    if (!got->has_value()) break;
    ASSERT_EQ(**got, value_of(i)) << "k" << i;
    ++present;
  }
  EXPECT_GE(present, before);
  // The one write in flight when the backup returned may be in it, acknowledged a moment later.
  EXPECT_LE(present, after_backup + 1) << "the copy holds writes made after the backup";
  for (int i = present; i < kKeys; ++i) {
    Result<std::optional<std::string>> got = (*copy)->get("k" + std::to_string(i));
    ASSERT_TRUE(got.is_ok());
    ASSERT_FALSE(got->has_value()) << "k" << i << " is there but k" << present
                                   << " is not: the copy is not a prefix of the writes";
  }
  ASSERT_TRUE((*writer)->close().is_ok());
  // Nothing but DEST was created beside it.
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 2) << "a temporary folder was left behind";
}

TEST(BackupTest, RefusesADestinationThatHoldsFiles) {
  testing::TestDir dir;
  {
    Result<std::unique_ptr<Store>> store = Store::open(dir.file("store"));
    ASSERT_TRUE(store.is_ok());
    ASSERT_TRUE((*store)->set("k", "v").is_ok());
  }
  fs::create_directory(dir.file("full"));
  { std::ofstream(dir.file("full") + "/precious") << "keep me"; }
  Result<BackupReport> report = backup_store(dir.file("store"), dir.file("full"));
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find("not an empty folder"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir.file("full") + "/precious"));

  // An empty folder is fine, and the copy has the key.
  fs::create_directory(dir.file("empty"));
  ASSERT_TRUE(backup_store(dir.file("store"), dir.file("empty")).is_ok());
  Result<std::unique_ptr<Store>> copy = Store::open(dir.file("empty"));
  ASSERT_TRUE(copy.is_ok());
  EXPECT_EQ((*copy)->get("k")->value_or("<absent>"), "v");
}

// A backup of a damaged store must not hide the damage: a sealed segment cut short is copied with
// the hint file that shows it, so that the copy checks with the same problem.
TEST(BackupTest, ACutShortSegmentStaysVisibleInTheCopy) {
  testing::TestDir dir;
  const std::string store_dir = dir.file("store");
  std::mt19937_64 random(testing::test_seed());
  testing::write_varied_store(store_dir, random);
  Result<StoreFolderListing> listing = list_store_folder(*posix_file_system(), store_dir);
  ASSERT_TRUE(listing.is_ok());
  ASSERT_FALSE(listing->hint_ids.empty());
  const uint64_t id = listing->hint_ids.front();
  ASSERT_NE(id, listing->segment_ids.back());
  const std::string segment = segment_file_name(id);
  fs::resize_file(store_dir + "/" + segment, kSegmentHeaderBytes);  // every record cut off

  ASSERT_TRUE(backup_store(store_dir, dir.file("copy")).is_ok());
  Result<CheckReport> checked = check_store(dir.file("copy"));
  ASSERT_TRUE(checked.is_ok()) << checked.status().to_string();
  bool named = false;
  for (const CheckProblem& problem : checked->problems) {
    named =
        named || (problem.file == segment && problem.what.find("cut short") != std::string::npos);
  }
  EXPECT_TRUE(named) << "the copy hides the cut of " << segment;
}

// After a crash, damage to the newest segment's synced bytes is corruption (the synced-point
// marker, docs/FORMAT.md rule 0b), as open and check find it: a backup must not drop it as a torn
// tail and hand out a copy that checks ok without the acknowledged write.
TEST(BackupTest, DamageToSyncedBytesOfTheNewestSegmentIsRefused) {
  testing::TestDir dir;
  testing::TestDir parent;
  {
    Result<std::unique_ptr<Store>> store = Store::open(dir.path());
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    ASSERT_TRUE((*store)->set("a", "1").is_ok());
    ASSERT_TRUE((*store)->set("b", "2").is_ok());
  }
  // As a kill right after the last write would leave it: no close marker.
  std::filesystem::remove(dir.file(kCloseMarkerFileName));
  const std::string segment = dir.file(segment_file_name(1));
  std::string bytes;
  {
    std::ifstream in(segment, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes.back() = static_cast<char>(bytes.back() ^ 0x5a);
  std::ofstream(segment, std::ios::binary | std::ios::trunc) << bytes;
  Result<BackupReport> backup = backup_store(dir.path(), parent.file("copy"));
  ASSERT_FALSE(backup.is_ok()) << "backup dropped damage to synced bytes as a torn tail";
  EXPECT_EQ(backup.status().code(), StatusCode::kCorruption) << backup.status().to_string();
  EXPECT_FALSE(std::filesystem::exists(parent.file("copy")));
}

}  // namespace
}  // namespace logkv
