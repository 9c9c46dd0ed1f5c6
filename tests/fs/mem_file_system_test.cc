#include "fs/mem_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/fs/file_system_contract.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/seed.h"

namespace logkv::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct MemProvider {
  MemProvider() { EXPECT_TRUE(fs->create_dirs(root).is_ok()); }
  std::shared_ptr<FileSystem> fs = std::make_shared<MemFileSystem>();
  std::string root = "/data";
};

INSTANTIATE_TYPED_TEST_SUITE_P(Mem, FileSystemContractTest, MemProvider);

constexpr size_t kSectorBytes = 512;

class MemFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs_.create_dirs("/db").is_ok()); }

  std::unique_ptr<WritableFile> create(const std::string& path) {
    Result<std::unique_ptr<WritableFile>> file = fs_.open_writable(path, OpenMode::kCreateNew);
    EXPECT_TRUE(file.is_ok()) << file.status().to_string();
    return file.is_ok() ? std::move(*file) : nullptr;
  }

  // Creates `path` with `synced` made durable (data and name) and `unsynced` appended after.
  void create_durable(const std::string& path, const std::string& synced,
                      const std::string& unsynced = "") {
    std::unique_ptr<WritableFile> file = create(path);
    ASSERT_NE(file, nullptr);
    ASSERT_TRUE(file->append(synced).is_ok());
    ASSERT_TRUE(file->sync().is_ok());
    ASSERT_TRUE(fs_.sync_dir("/db").is_ok());
    ASSERT_TRUE(file->append(unsynced).is_ok());
  }

  bool exists(const std::string& path) { return fs_.file_size(path).is_ok(); }

  std::string content(const std::string& path) {
    Result<std::string> bytes = fs_.read_file(path);
    EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
    return bytes.is_ok() ? *bytes : "";
  }

  MemFileSystem fs_;
};

TEST_F(MemFileSystemTest, UnsyncedAppendsAreLostOnPowerLoss) {
  create_durable("/db/log", "synced", "-unsynced");
  EXPECT_EQ(unsynced_bytes(fs_), 9u);
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(content("/db/log"), "synced");
  EXPECT_EQ(unsynced_bytes(fs_), 0u);
}

TEST_F(MemFileSystemTest, SyncedAppendsSurvivePowerLoss) {
  std::unique_ptr<WritableFile> file = create("/db/log");
  ASSERT_TRUE(fs_.sync_dir("/db").is_ok());
  ASSERT_TRUE(file->append("one,").is_ok());
  ASSERT_TRUE(file->sync().is_ok());
  ASSERT_TRUE(file->append("two").is_ok());
  ASSERT_TRUE(file->sync().is_ok());
  EXPECT_EQ(unsynced_bytes(fs_), 0u);
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(content("/db/log"), "one,two");
}

TEST_F(MemFileSystemTest, FileCreatedWithoutDirSyncVanishes) {
  std::unique_ptr<WritableFile> file = create("/db/new");
  ASSERT_TRUE(file->append("data").is_ok());
  ASSERT_TRUE(file->sync().is_ok());
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_FALSE(exists("/db/new"));
  Result<std::vector<std::string>> names = fs_.list_dir("/db");
  ASSERT_TRUE(names.is_ok());
  EXPECT_THAT(*names, IsEmpty());
}

TEST_F(MemFileSystemTest, RenameWithoutDirSyncIsUndone) {
  create_durable("/db/tmp", "new");
  create_durable("/db/current", "old");
  ASSERT_TRUE(fs_.rename("/db/tmp", "/db/current").is_ok());
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(content("/db/current"), "old");
  EXPECT_EQ(content("/db/tmp"), "new");
}

TEST_F(MemFileSystemTest, RenameFollowedByDirSyncSurvives) {
  create_durable("/db/tmp", "new");
  create_durable("/db/current", "old");
  ASSERT_TRUE(fs_.rename("/db/tmp", "/db/current").is_ok());
  ASSERT_TRUE(fs_.sync_dir("/db").is_ok());
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(content("/db/current"), "new");
  EXPECT_FALSE(exists("/db/tmp"));
}

TEST_F(MemFileSystemTest, RemoveWithoutDirSyncIsUndone) {
  create_durable("/db/old", "still here");
  ASSERT_TRUE(fs_.remove("/db/old").is_ok());
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(content("/db/old"), "still here");
}

TEST_F(MemFileSystemTest, TruncateIsDurableAtOnce) {
  create_durable("/db/log", "0123456789");
  ASSERT_TRUE(fs_.truncate("/db/log", 4).is_ok());
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(content("/db/log"), "0123");
}

TEST_F(MemFileSystemTest, DirSyncDoesNotMakeFileDataDurable) {
  std::unique_ptr<WritableFile> file = create("/db/log");
  ASSERT_TRUE(file->append("unsynced").is_ok());
  ASSERT_TRUE(fs_.sync_dir("/db").is_ok());
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(content("/db/log"), "");
}

TEST_F(MemFileSystemTest, HandlesOpenedBeforePowerLossAreDead) {
  create_durable("/db/log", "abc");
  std::unique_ptr<WritableFile> writer = create("/db/other");
  Result<std::unique_ptr<RandomAccessFile>> reader = fs_.open_random_access("/db/log");
  ASSERT_TRUE(reader.is_ok());
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);

  const Status append = writer->append("x");
  EXPECT_EQ(append.code(), StatusCode::kIOError);
  EXPECT_THAT(append.message(), HasSubstr("file system crashed"));
  EXPECT_EQ(writer->sync().code(), StatusCode::kIOError);
  char scratch[4];
  Result<std::string_view> read = (*reader)->read(0, 3, scratch);
  EXPECT_EQ(read.status().code(), StatusCode::kIOError);
  EXPECT_THAT(read.status().message(), HasSubstr("file system crashed"));
  EXPECT_EQ((*reader)->size().status().code(), StatusCode::kIOError);

  Result<std::unique_ptr<RandomAccessFile>> reopened = fs_.open_random_access("/db/log");
  ASSERT_TRUE(reopened.is_ok());
  Result<std::string_view> fresh = (*reopened)->read(0, 3, scratch);
  ASSERT_TRUE(fresh.is_ok());
  EXPECT_EQ(*fresh, "abc");
}

TEST_F(MemFileSystemTest, PowerLossReleasesLocksAndOldLockObjectsStayHarmless) {
  Result<std::unique_ptr<FileLock>> before = fs_.lock("/db/LOCK");
  ASSERT_TRUE(before.is_ok());
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  Result<std::unique_ptr<FileLock>> after = fs_.lock("/db/LOCK");
  ASSERT_TRUE(after.is_ok()) << after.status().to_string();
  before->reset();  // must not release the lock taken after the crash
  Result<std::unique_ptr<FileLock>> third = fs_.lock("/db/LOCK");
  ASSERT_FALSE(third.is_ok());
  EXPECT_EQ(third.status().code(), StatusCode::kLocked);
  EXPECT_THAT(third.status().message(), HasSubstr("this process"));
}

TEST_F(MemFileSystemTest, WriteFileIsDurableAndReadFileSeesIt) {
  ASSERT_TRUE(fs_.write_file("/db/raw", std::string("\0\1\2", 3)).is_ok());
  EXPECT_EQ(unsynced_bytes(fs_), 0u);
  simulate_power_loss(fs_, 0, PowerLossMode::kDropUnsynced);
  EXPECT_EQ(content("/db/raw"), std::string("\0\1\2", 3));
  ASSERT_TRUE(fs_.write_file("/db/raw", "replaced").is_ok());
  EXPECT_EQ(content("/db/raw"), "replaced");
}

TEST_F(MemFileSystemTest, WriteFileIntoMissingFolderIsNotFound) {
  EXPECT_EQ(fs_.write_file("/nowhere/raw", "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(fs_.read_file("/db/missing").status().code(), StatusCode::kNotFound);
}

TEST_F(MemFileSystemTest, PathsAreNormalized) {
  ASSERT_TRUE(fs_.write_file("/db//a", "x").is_ok());
  EXPECT_EQ(content("/db/./a"), "x");
  EXPECT_EQ(content("/db/sub/../a"), "x");
  ASSERT_TRUE(fs_.write_file("relative", "y").is_ok());
  EXPECT_EQ(content("./relative"), "y");
}

TEST_F(MemFileSystemTest, FilesStayUsableAfterTheFileSystemIsDestroyed) {
  std::unique_ptr<WritableFile> writer;
  {
    MemFileSystem scoped;
    Result<std::unique_ptr<WritableFile>> file = scoped.open_writable("f", OpenMode::kCreateNew);
    ASSERT_TRUE(file.is_ok());
    writer = std::move(*file);
  }
  EXPECT_TRUE(writer->append("still works").is_ok());
  EXPECT_EQ(writer->size(), 11u);
}

TEST_F(MemFileSystemTest, RenamingAFolderIsNotSupported) {
  ASSERT_TRUE(fs_.create_dirs("/db/sub").is_ok());
  EXPECT_EQ(fs_.rename("/db/sub", "/db/other").code(), StatusCode::kNotSupported);
  EXPECT_EQ(fs_.remove("/db/sub").code(), StatusCode::kIOError);
}

// Everything a test can observe of a MemFileSystem under /db, for comparing two outcomes.
std::map<std::string, std::string> snapshot(MemFileSystem& fs) {
  std::map<std::string, std::string> files;
  Result<std::vector<std::string>> names = fs.list_dir("/db");
  EXPECT_TRUE(names.is_ok());
  for (const std::string& name : *names) files[name] = *fs.read_file("/db/" + name);
  return files;
}

// Builds a history with every kind of unsynced change on `fs`.
void build_unsynced_history(MemFileSystem& fs) {
  ASSERT_TRUE(fs.create_dirs("/db").is_ok());
  for (int i = 0; i < 8; ++i) {
    const std::string name = "/db/f" + std::to_string(i);
    Result<std::unique_ptr<WritableFile>> file = fs.open_writable(name, OpenMode::kCreateNew);
    ASSERT_TRUE(file.is_ok());
    ASSERT_TRUE((*file)->append(std::string(700, static_cast<char>('a' + i))).is_ok());
    ASSERT_TRUE((*file)->sync().is_ok());
    if (i % 2 == 0) {
      ASSERT_TRUE(fs.sync_dir("/db").is_ok());
    }
    ASSERT_TRUE((*file)->append(std::string(3000, static_cast<char>('A' + i))).is_ok());
  }
  ASSERT_TRUE(fs.rename("/db/f0", "/db/renamed").is_ok());
  ASSERT_TRUE(fs.remove("/db/f2").is_ok());
}

TEST(MemFileSystemRandomPowerLossTest, OutcomeIsDeterministicPerSeed) {
  const uint64_t seed = test_seed();
  MemFileSystem first;
  MemFileSystem second;
  build_unsynced_history(first);
  build_unsynced_history(second);
  simulate_power_loss(first, seed, PowerLossMode::kRandom);
  simulate_power_loss(second, seed, PowerLossMode::kRandom);
  EXPECT_EQ(snapshot(first), snapshot(second));
  EXPECT_EQ(unsynced_bytes(first), 0u);
}

TEST(MemFileSystemRandomPowerLossTest, SyncedBytesSurviveAndUnsyncedOnesEndAtSectorBoundaries) {
  const uint64_t seed = test_seed();
  for (uint64_t round = 0; round < 200; ++round) {
    MemFileSystem fs;
    ASSERT_TRUE(fs.create_dirs("/db").is_ok());
    const std::string synced(700, 's');
    std::string unsynced;
    for (int i = 0; i < 3000; ++i) unsynced.push_back(static_cast<char>('0' + i % 10));
    Result<std::unique_ptr<WritableFile>> file = fs.open_writable("/db/log", OpenMode::kCreateNew);
    ASSERT_TRUE(file.is_ok());
    ASSERT_TRUE((*file)->append(synced).is_ok());
    ASSERT_TRUE((*file)->sync().is_ok());
    ASSERT_TRUE(fs.sync_dir("/db").is_ok());
    ASSERT_TRUE((*file)->append(unsynced).is_ok());

    simulate_power_loss(fs, seed + round, PowerLossMode::kRandom);
    Result<std::string> after = fs.read_file("/db/log");
    ASSERT_TRUE(after.is_ok());
    SCOPED_TRACE("power-loss seed " + std::to_string(seed + round));
    ASSERT_GE(after->size(), synced.size());
    EXPECT_EQ(after->substr(0, synced.size()), synced);
    const size_t end = after->size();
    // The file ends where it was synced, where it was written, or at a dropped sector.
    EXPECT_TRUE(end == synced.size() || end == synced.size() + unsynced.size() ||
                end % kSectorBytes == 0)
        << end;
  }
}

TEST(MemFileSystemRandomPowerLossTest, RenameIsKeptOrUndoneWhole) {
  const uint64_t seed = test_seed();
  bool saw_kept = false;
  bool saw_undone = false;
  for (uint64_t round = 0; round < 64; ++round) {
    MemFileSystem fs;
    ASSERT_TRUE(fs.create_dirs("/db").is_ok());
    ASSERT_TRUE(fs.write_file("/db/tmp", "new").is_ok());
    ASSERT_TRUE(fs.write_file("/db/current", "old").is_ok());
    ASSERT_TRUE(fs.rename("/db/tmp", "/db/current").is_ok());
    simulate_power_loss(fs, seed + round, PowerLossMode::kRandom);
    const std::map<std::string, std::string> files = snapshot(fs);
    SCOPED_TRACE("power-loss seed " + std::to_string(seed + round));
    if (files.size() == 1) {
      EXPECT_EQ(files.at("current"), "new");
      saw_kept = true;
    } else {
      EXPECT_EQ(files, (std::map<std::string, std::string>{{"current", "old"}, {"tmp", "new"}}));
      saw_undone = true;
    }
  }
  // Each outcome has probability 1/2 per round; missing one in 64 rounds is a 2^-63 event.
  EXPECT_TRUE(saw_kept);
  EXPECT_TRUE(saw_undone);
}

TEST(MemFileSystemRandomPowerLossTest, UnsyncedCreationIsSometimesKeptSometimesLost) {
  const uint64_t seed = test_seed();
  int kept = 0;
  constexpr int kRounds = 64;
  for (int round = 0; round < kRounds; ++round) {
    MemFileSystem fs;
    ASSERT_TRUE(fs.create_dirs("/db").is_ok());
    Result<std::unique_ptr<WritableFile>> file = fs.open_writable("/db/new", OpenMode::kCreateNew);
    ASSERT_TRUE(file.is_ok());
    ASSERT_TRUE((*file)->append("x").is_ok());
    ASSERT_TRUE((*file)->sync().is_ok());
    simulate_power_loss(fs, seed + round, PowerLossMode::kRandom);
    if (fs.file_size("/db/new").is_ok()) {
      ++kept;
      EXPECT_EQ(*fs.read_file("/db/new"), "x");
    }
  }
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, kRounds);
}

TEST(MemFileSystemRandomPowerLossTest, SomeUnsyncedSectorsComeBackGarbled) {
  const uint64_t seed = test_seed();
  bool saw_garbled = false;
  for (uint64_t round = 0; round < 200 && !saw_garbled; ++round) {
    MemFileSystem fs;
    const std::string written(4 * kSectorBytes, 'w');
    Result<std::unique_ptr<WritableFile>> file = fs.open_writable("log", OpenMode::kCreateNew);
    ASSERT_TRUE(file.is_ok());
    ASSERT_TRUE(fs.sync_dir("").is_ok());
    ASSERT_TRUE((*file)->append(written).is_ok());
    simulate_power_loss(fs, seed + round, PowerLossMode::kRandom);
    const std::string after = *fs.read_file("log");
    ASSERT_EQ(after.size() % kSectorBytes, 0u);
    for (size_t sector = 0; sector < after.size() / kSectorBytes; ++sector) {
      const std::string piece = after.substr(sector * kSectorBytes, kSectorBytes);
      if (piece != std::string(kSectorBytes, 'w')) saw_garbled = true;
    }
  }
  // A garbled sector has probability 1/4 per sector; 200 rounds make missing it impossible.
  EXPECT_TRUE(saw_garbled);
}

}  // namespace
}  // namespace logkv::testing
