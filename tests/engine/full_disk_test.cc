// A full disk: the store fills the volume instead of refusing writes with room left, and deletes
// plus compact() bring the disk back without growing the volume (docs/DESIGN.md, "A full disk").
//
// Two file systems: a real tmpfs of 8 MiB mounted for the test (root only; skipped with the
// reason otherwise), and the fault-injecting one, whose ENOSPC shows that compaction drops the
// segments that hold nothing needed before it writes anything.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "logkv/store.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/store_test_peer.h"
#include "tests/support/test_dir.h"
#include "wal/file_names.h"

namespace logkv {
namespace {

using Model = std::map<std::string, std::string>;
namespace fs = std::filesystem;

constexpr uint64_t kVolumeBytes = 8 << 20;
constexpr size_t kValueBytes = 100 << 10;

std::string random_value(std::mt19937_64& random) {
  std::string value(kValueBytes, '\0');
  for (char& byte : value) byte = static_cast<char>(random());
  return value;
}

uint64_t free_bytes(const std::string& path) {
  struct statvfs info {};
  if (::statvfs(path.c_str(), &info) != 0) return 0;
  return static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
}

// An 8 MiB tmpfs mounted on a fresh folder for the test, unmounted at the end.
class FullTmpfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a size-limited tmpfs";
    const std::string options = "size=" + std::to_string(kVolumeBytes);
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }

  std::string store_path() const { return dir_.file("store"); }

  testing::TestDir dir_;
  bool mounted_ = false;
};

Options roomy_options() {
  Options options;
  options.limits.keys_max = 100000;
  options.automatic_compaction = false;  // the test decides when compaction runs
  return options;
}

TEST_F(FullTmpfsTest, FillsTheVolumeThenDeletesAndCompactsBackUnderTwiceLive) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 random(seed);
  Model acknowledged;
  Status refusal;
  {
    Result<std::unique_ptr<Store>> opened = Store::open(store_path(), roomy_options());
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    std::unique_ptr<Store> store = std::move(opened).value();
    ASSERT_EQ(fs::file_size(fs::path(store_path()) / kReserveFileName), uint64_t{1} << 20)
        << "a store opened for writing keeps a space reserve";
    // Bounded: the volume holds at most 80 such values.
    for (int i = 0; i < 200 && refusal.is_ok(); ++i) {
      const std::string key = "k" + std::to_string(i);
      std::string value = random_value(random);
      refusal = store->set(key, value);
      if (refusal.is_ok()) acknowledged[key] = std::move(value);
    }
    ASSERT_FALSE(refusal.is_ok()) << "an 8 MiB volume never filled";
    static_cast<void>(store->close());
  }
  EXPECT_NE(refusal.message().find("No space left on device"), std::string::npos)
      << refusal.to_string();
  // Preallocation shrinks as space runs low, and sets never take the reserve: the store fills
  // what is left of the volume but the reserve (before: refused with 4.1 MB stored, a 4 MiB
  // preallocation chunk short).
  const uint64_t stored = acknowledged.size() * kValueBytes;
  EXPECT_GE(stored, kVolumeBytes - (1 << 20) - 4 * kValueBytes)
      << "writes were refused with " << free_bytes(store_path()) << " bytes free";

  Result<std::unique_ptr<Store>> reopened = Store::open(store_path(), roomy_options());
  ASSERT_TRUE(reopened.is_ok()) << "a full volume must still open: "
                                << reopened.status().to_string();
  std::unique_ptr<Store> store = std::move(reopened).value();
  Model recovered = testing::store_contents(*store);
  for (const auto& [key, value] : acknowledged) {
    ASSERT_EQ(recovered[key], value) << "acknowledged key " << key << " was lost";
  }
  // Keep five keys; every delete must work on the full volume (the reserve holds the tombstones).
  Model kept;
  for (const auto& [key, value] : recovered) {
    if (kept.size() < 5 && acknowledged.count(key) != 0) {
      kept[key] = value;
      continue;
    }
    const Status deleted = store->del(key);
    ASSERT_TRUE(deleted.is_ok()) << "delete of " << key
                                 << " on a full volume: " << deleted.to_string();
  }
  const Status compacted = store->compact();
  ASSERT_TRUE(compacted.is_ok()) << "compact on a full volume: " << compacted.to_string();
  const StoreStats stats = store->stats();
  EXPECT_LE(stats.disk_bytes, 2 * stats.live_bytes)
      << "compact left " << stats.disk_bytes << " bytes on disk for " << stats.live_bytes
      << " live";
  EXPECT_GE(free_bytes(store_path()), uint64_t{2} << 20) << "compaction freed no space";
  ASSERT_TRUE(store->set("after", "the disk has room again").is_ok());
  kept["after"] = "the disk has room again";
  ASSERT_TRUE(store->close().is_ok());

  Result<std::unique_ptr<Store>> final_open = Store::open(store_path(), roomy_options());
  ASSERT_TRUE(final_open.is_ok()) << final_open.status().to_string();
  EXPECT_EQ(testing::store_contents(**final_open), kept);
  EXPECT_TRUE(fs::exists(fs::path(store_path()) / kReserveFileName))
      << "the reserve was not made again once there was room";
}

// On the fault-injecting file system: compact() on a disk where no segment can be written still
// drops every segment that holds nothing needed, before it tries to write one, and loses nothing.
// The one write it makes first is the manifest that retires them (a few hundred bytes, which a
// real full disk's space reserve covers: FullTmpfsTest), so that a crash between the removals
// cannot leave the manifest listing a segment that is gone.
TEST(FullDiskFaultTest, CompactDropsNeedlessSegmentsBeforeWritingAnything) {
  auto mem = std::make_shared<MemFileSystem>();
  auto faults = std::make_shared<testing::FaultFileSystem>(mem);
  Options options;
  options.segment_bytes_max = 4096;
  options.automatic_compaction = false;
  options.limits.keys_max = 100000;
  Model model;
  {
    Result<std::unique_ptr<Store>> opened = open_store(faults, "/store", options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    std::unique_ptr<Store> store = std::move(opened).value();
    // Old keys fill the first segments; overwriting all of them leaves those segments needless.
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 40; ++i) {
        const std::string key = "k" + std::to_string(i);
        const std::string value = std::to_string(round) + std::string(200, 'v');
        ASSERT_TRUE(store->set(key, value).is_ok());
        model[key] = value;
      }
    }
    const std::vector<uint64_t> before = StoreTestPeer(*store).immutable_segment_ids();
    ASSERT_GE(before.size(), 4u);
    // From now on no segment can be created or appended to.
    uint64_t segment_appends = 0;
    testing::FaultFileSystem* raw = faults.get();
    faults->set_hook([&](testing::OperationKind kind, const std::string& path) {
      const bool segment = path.ends_with(".log") || path.ends_with(".log.tmp");
      if (!segment) return;
      if (kind == testing::OperationKind::kAppend) ++segment_appends;
      if (kind == testing::OperationKind::kOpenWritable ||
          kind == testing::OperationKind::kAppend) {
        raw->fail_operation(1, StatusCode::kIOError, "ENOSPC");
      }
    });
    const Status compacted = store->compact();
    faults->set_hook({});
    EXPECT_FALSE(compacted.is_ok()) << "sealing needs a new segment, which cannot be made";
    const std::vector<uint64_t> after = StoreTestPeer(*store).immutable_segment_ids();
    EXPECT_LT(after.size(), before.size())
        << "no needless segment was dropped before compaction tried to write";
    EXPECT_EQ(segment_appends, 0u)
        << "compaction wrote a segment before dropping the needless ones";
  }
  Result<std::unique_ptr<Store>> reopened = open_store(mem, "/store", options);
  ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
  EXPECT_EQ(testing::store_contents(**reopened), model);
}

}  // namespace
}  // namespace logkv
