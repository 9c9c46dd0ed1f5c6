// Behaviour every FileSystem must share, as a typed test suite.
//
// A test file instantiates it with a "provider": a default-constructible type with members
// `std::shared_ptr<logkv::FileSystem> fs` and `std::string root` (an existing, empty folder
// that the test may fill). See posix_file_system_test.cc and mem_file_system_test.cc. A provider
// may also have `std::string skip_reason`: when it is not empty every test is skipped with it
// (a backend this machine cannot run, such as io_uring in a sandbox that forbids it).
#ifndef LOGKV_TESTS_FS_FILE_SYSTEM_CONTRACT_H_
#define LOGKV_TESTS_FS_FILE_SYSTEM_CONTRACT_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fs/file_system.h"
#include "tests/support/seed.h"

namespace logkv::testing {

template <typename Provider>
class FileSystemContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (requires { provider_.skip_reason; }) {
      if (!provider_.skip_reason.empty()) GTEST_SKIP() << provider_.skip_reason;
    }
  }

  FileSystem& fs() { return *provider_.fs; }
  std::string path(const std::string& name) const { return join_path(provider_.root, name); }

  // Creates `name` under the root holding `bytes`, synced.
  void write(const std::string& name, const std::string& bytes) {
    Result<std::unique_ptr<WritableFile>> file =
        fs().open_writable(path(name), OpenMode::kCreateNew);
    ASSERT_TRUE(file.is_ok()) << file.status().to_string();
    ASSERT_TRUE((*file)->append(bytes).is_ok());
    ASSERT_TRUE((*file)->sync().is_ok());
    ASSERT_TRUE((*file)->close().is_ok());
  }

  // The whole content of `name`, read through a RandomAccessFile.
  std::string read_all(const std::string& name) {
    Result<std::unique_ptr<RandomAccessFile>> file = fs().open_random_access(path(name));
    EXPECT_TRUE(file.is_ok()) << file.status().to_string();
    if (!file.is_ok()) return "";
    Result<uint64_t> size = (*file)->size();
    EXPECT_TRUE(size.is_ok());
    std::string scratch(*size, '\0');
    Result<std::string_view> bytes = (*file)->read(0, scratch.size(), scratch.data());
    EXPECT_TRUE(bytes.is_ok());
    return std::string(*bytes);
  }

  std::vector<std::string> sorted_listing(const std::string& dir) {
    Result<std::vector<std::string>> names = fs().list_dir(dir);
    EXPECT_TRUE(names.is_ok()) << names.status().to_string();
    if (!names.is_ok()) return {};
    std::sort(names->begin(), names->end());
    return *names;
  }

  Provider provider_;
};

TYPED_TEST_SUITE_P(FileSystemContractTest);

TYPED_TEST_P(FileSystemContractTest, AppendedBytesAreReadBack) {
  this->write("a", "hello world");
  EXPECT_EQ(this->read_all("a"), "hello world");
}

TYPED_TEST_P(FileSystemContractTest, AppendExistingContinuesAtTheEnd) {
  this->write("a", "first,");
  Result<std::unique_ptr<WritableFile>> file =
      this->fs().open_writable(this->path("a"), OpenMode::kAppendExisting);
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  EXPECT_EQ((*file)->size(), 6u);
  ASSERT_TRUE((*file)->append("second").is_ok());
  EXPECT_EQ((*file)->size(), 12u);
  ASSERT_TRUE((*file)->close().is_ok());
  EXPECT_EQ(this->read_all("a"), "first,second");
}

TYPED_TEST_P(FileSystemContractTest, CreateNewOnExistingFileFails) {
  this->write("a", "keep me");
  Result<std::unique_ptr<WritableFile>> file =
      this->fs().open_writable(this->path("a"), OpenMode::kCreateNew);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().code(), StatusCode::kIOError);
  EXPECT_THAT(file.status().message(), ::testing::HasSubstr("already exists"));
  EXPECT_EQ(this->read_all("a"), "keep me");
}

TYPED_TEST_P(FileSystemContractTest, AppendExistingOnMissingFileIsNotFound) {
  Result<std::unique_ptr<WritableFile>> file =
      this->fs().open_writable(this->path("missing"), OpenMode::kAppendExisting);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(file.status().message(), ::testing::HasSubstr(this->path("missing")));
}

TYPED_TEST_P(FileSystemContractTest, CreatingInMissingFolderIsNotFound) {
  Result<std::unique_ptr<WritableFile>> file =
      this->fs().open_writable(this->path("no-such-folder/a"), OpenMode::kCreateNew);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
}

TYPED_TEST_P(FileSystemContractTest, AppendAfterCloseFails) {
  Result<std::unique_ptr<WritableFile>> file =
      this->fs().open_writable(this->path("a"), OpenMode::kCreateNew);
  ASSERT_TRUE(file.is_ok());
  ASSERT_TRUE((*file)->close().is_ok());
  const Status status = (*file)->append("late");
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_THAT(status.message(), ::testing::HasSubstr("closed"));
}

TYPED_TEST_P(FileSystemContractTest, OpenRandomAccessOnMissingFileIsNotFound) {
  Result<std::unique_ptr<RandomAccessFile>> file =
      this->fs().open_random_access(this->path("missing"));
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
}

TYPED_TEST_P(FileSystemContractTest, ReadIsShortOnlyAtTheEnd) {
  this->write("a", "0123456789");
  Result<std::unique_ptr<RandomAccessFile>> file = this->fs().open_random_access(this->path("a"));
  ASSERT_TRUE(file.is_ok());
  char scratch[16];
  Result<std::string_view> middle = (*file)->read(2, 3, scratch);
  ASSERT_TRUE(middle.is_ok());
  EXPECT_EQ(*middle, "234");
  Result<std::string_view> tail = (*file)->read(7, 10, scratch);
  ASSERT_TRUE(tail.is_ok());
  EXPECT_EQ(*tail, "789");
  Result<std::string_view> past = (*file)->read(10, 4, scratch);
  ASSERT_TRUE(past.is_ok());
  EXPECT_TRUE(past->empty());
  Result<std::string_view> far = (*file)->read(1000, 4, scratch);
  ASSERT_TRUE(far.is_ok());
  EXPECT_TRUE(far->empty());
}

TYPED_TEST_P(FileSystemContractTest, ReaderSeesBytesAppendedAfterItOpened) {
  Result<std::unique_ptr<WritableFile>> writer =
      this->fs().open_writable(this->path("a"), OpenMode::kCreateNew);
  ASSERT_TRUE(writer.is_ok());
  ASSERT_TRUE((*writer)->append("old").is_ok());
  Result<std::unique_ptr<RandomAccessFile>> reader = this->fs().open_random_access(this->path("a"));
  ASSERT_TRUE(reader.is_ok());
  ASSERT_TRUE((*writer)->append("new").is_ok());
  char scratch[8];
  Result<std::string_view> bytes = (*reader)->read(0, 8, scratch);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, "oldnew");
  Result<uint64_t> size = (*reader)->size();
  ASSERT_TRUE(size.is_ok());
  EXPECT_EQ(*size, 6u);
}

TYPED_TEST_P(FileSystemContractTest, FileSizeCountsEveryAppendedByte) {
  this->write("a", std::string(1000, 'x'));
  Result<uint64_t> size = this->fs().file_size(this->path("a"));
  ASSERT_TRUE(size.is_ok());
  EXPECT_EQ(*size, 1000u);
}

TYPED_TEST_P(FileSystemContractTest, FileSizeOfMissingFileIsNotFound) {
  Result<uint64_t> size = this->fs().file_size(this->path("missing"));
  ASSERT_FALSE(size.is_ok());
  EXPECT_EQ(size.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(size.status().message(), ::testing::HasSubstr(this->path("missing")));
}

TYPED_TEST_P(FileSystemContractTest, ListDirNamesFilesAndFolders) {
  this->write("b", "");
  this->write("a", "x");
  ASSERT_TRUE(this->fs().create_dirs(this->path("sub")).is_ok());
  EXPECT_THAT(this->sorted_listing(this->provider_.root), ::testing::ElementsAre("a", "b", "sub"));
  EXPECT_THAT(this->sorted_listing(this->path("sub")), ::testing::IsEmpty());
}

TYPED_TEST_P(FileSystemContractTest, ListDirOfMissingFolderIsNotFound) {
  Result<std::vector<std::string>> names = this->fs().list_dir(this->path("missing"));
  ASSERT_FALSE(names.is_ok());
  EXPECT_EQ(names.status().code(), StatusCode::kNotFound);
}

TYPED_TEST_P(FileSystemContractTest, CreateDirsMakesParentsAndAcceptsExisting) {
  ASSERT_TRUE(this->fs().create_dirs(this->path("x/y/z")).is_ok());
  ASSERT_TRUE(this->fs().create_dirs(this->path("x/y/z")).is_ok());
  ASSERT_TRUE(this->fs().create_dirs(this->path("x/y/z/")).is_ok());
  EXPECT_THAT(this->sorted_listing(this->path("x")), ::testing::ElementsAre("y"));
  EXPECT_THAT(this->sorted_listing(this->path("x/y")), ::testing::ElementsAre("z"));
  Result<std::unique_ptr<WritableFile>> file =
      this->fs().open_writable(this->path("x/y/z/f"), OpenMode::kCreateNew);
  EXPECT_TRUE(file.is_ok()) << file.status().to_string();
}

TYPED_TEST_P(FileSystemContractTest, CreateDirsThroughAFileFails) {
  this->write("plain", "x");
  const Status status = this->fs().create_dirs(this->path("plain/sub"));
  EXPECT_FALSE(status.is_ok());
  EXPECT_THAT(status.message(), ::testing::HasSubstr("plain"));
}

TYPED_TEST_P(FileSystemContractTest, SyncDirSucceedsOnExistingFolderOnly) {
  EXPECT_TRUE(this->fs().sync_dir(this->provider_.root).is_ok());
  EXPECT_EQ(this->fs().sync_dir(this->path("missing")).code(), StatusCode::kNotFound);
}

TYPED_TEST_P(FileSystemContractTest, RenameReplacesTheTarget) {
  this->write("from", "new");
  this->write("to", "old");
  ASSERT_TRUE(this->fs().rename(this->path("from"), this->path("to")).is_ok());
  EXPECT_EQ(this->read_all("to"), "new");
  EXPECT_EQ(this->fs().file_size(this->path("from")).status().code(), StatusCode::kNotFound);
  EXPECT_THAT(this->sorted_listing(this->provider_.root), ::testing::ElementsAre("to"));
}

TYPED_TEST_P(FileSystemContractTest, RenameOfMissingFileIsNotFound) {
  const Status status = this->fs().rename(this->path("missing"), this->path("to"));
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_THAT(status.message(), ::testing::HasSubstr("missing"));
}

TYPED_TEST_P(FileSystemContractTest, RemoveDeletesTheFile) {
  this->write("a", "x");
  ASSERT_TRUE(this->fs().remove(this->path("a")).is_ok());
  EXPECT_EQ(this->fs().file_size(this->path("a")).status().code(), StatusCode::kNotFound);
  EXPECT_THAT(this->sorted_listing(this->provider_.root), ::testing::IsEmpty());
}

TYPED_TEST_P(FileSystemContractTest, RemoveOfMissingFileIsNotFound) {
  EXPECT_EQ(this->fs().remove(this->path("missing")).code(), StatusCode::kNotFound);
}

TYPED_TEST_P(FileSystemContractTest, TruncateCutsTheFile) {
  this->write("a", "0123456789");
  ASSERT_TRUE(this->fs().truncate(this->path("a"), 4).is_ok());
  EXPECT_EQ(this->read_all("a"), "0123");
  Result<std::unique_ptr<WritableFile>> file =
      this->fs().open_writable(this->path("a"), OpenMode::kAppendExisting);
  ASSERT_TRUE(file.is_ok());
  ASSERT_TRUE((*file)->append("xy").is_ok());
  EXPECT_EQ(this->read_all("a"), "0123xy");
}

TYPED_TEST_P(FileSystemContractTest, TruncateOfMissingFileIsNotFound) {
  EXPECT_EQ(this->fs().truncate(this->path("missing"), 0).code(), StatusCode::kNotFound);
}

TYPED_TEST_P(FileSystemContractTest, SecondLockOfSamePathIsLockedAndNamesThisProcess) {
  Result<std::unique_ptr<FileLock>> first = this->fs().lock(this->path("LOCK"));
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  Result<std::unique_ptr<FileLock>> second = this->fs().lock(this->path("LOCK"));
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), StatusCode::kLocked);
  EXPECT_THAT(second.status().message(), ::testing::HasSubstr("pid " + std::to_string(::getpid())));
  EXPECT_THAT(second.status().message(), ::testing::HasSubstr(this->provider_.root));
}

TYPED_TEST_P(FileSystemContractTest, LockIsFreeAgainOnceReleased) {
  Result<std::unique_ptr<FileLock>> first = this->fs().lock(this->path("LOCK"));
  ASSERT_TRUE(first.is_ok());
  first->reset();
  Result<std::unique_ptr<FileLock>> again = this->fs().lock(this->path("LOCK"));
  EXPECT_TRUE(again.is_ok()) << again.status().to_string();
}

TYPED_TEST_P(FileSystemContractTest, LockCreatesTheLockFile) {
  Result<std::unique_ptr<FileLock>> lock = this->fs().lock(this->path("LOCK"));
  ASSERT_TRUE(lock.is_ok());
  EXPECT_THAT(this->sorted_listing(this->provider_.root), ::testing::ElementsAre("LOCK"));
}

// Readers check every byte they read against the writer's pattern while the file grows.
TYPED_TEST_P(FileSystemContractTest, ConcurrentReadersSeeEveryAppendedByte) {
  const uint64_t seed = test_seed();
  constexpr size_t kChunkBytes = 1000;
  constexpr size_t kChunks = 3000;
  constexpr int kReaders = 3;
  auto pattern_byte = [](uint64_t offset) { return static_cast<char>('a' + offset * 7 % 26); };

  Result<std::unique_ptr<WritableFile>> writer =
      this->fs().open_writable(this->path("log"), OpenMode::kCreateNew);
  ASSERT_TRUE(writer.is_ok());
  Result<std::unique_ptr<RandomAccessFile>> reader =
      this->fs().open_random_access(this->path("log"));
  ASSERT_TRUE(reader.is_ok());
  std::atomic<uint64_t> appended_bytes{0};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> mismatches{0};
  std::atomic<uint64_t> reads{0};

  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937_64 random(seed + r);
      std::string scratch(kChunkBytes, '\0');
      // Every reader reads at least once more after the writer finished.
      for (bool last = false; !last;) {
        last = done.load(std::memory_order_acquire);
        const uint64_t visible = appended_bytes.load(std::memory_order_acquire);
        if (visible == 0) continue;
        const uint64_t offset = random() % visible;
        const size_t n = std::min<uint64_t>(kChunkBytes, visible - offset);
        Result<std::string_view> bytes = (*reader)->read(offset, n, scratch.data());
        reads.fetch_add(1);
        if (!bytes.is_ok() || bytes->size() != n) {
          mismatches.fetch_add(1);
          continue;
        }
        for (size_t i = 0; i < n; ++i) {
          if ((*bytes)[i] != pattern_byte(offset + i)) {
            mismatches.fetch_add(1);
            break;
          }
        }
      }
    });
  }
  std::string chunk(kChunkBytes, '\0');
  for (size_t c = 0; c < kChunks; ++c) {
    for (size_t i = 0; i < kChunkBytes; ++i) chunk[i] = pattern_byte(c * kChunkBytes + i);
    ASSERT_TRUE((*writer)->append(chunk).is_ok());
    appended_bytes.store((c + 1) * kChunkBytes, std::memory_order_release);
  }
  done.store(true, std::memory_order_release);
  for (std::thread& thread : readers) thread.join();
  EXPECT_EQ(mismatches.load(), 0u);
  EXPECT_GE(reads.load(), static_cast<uint64_t>(kReaders));
}

TYPED_TEST_P(FileSystemContractTest, OverwriteReplacesBytesInPlaceAndCanGrowTheFile) {
  this->write("marker", "0123456789");
  Result<std::unique_ptr<OverwritableFile>> file =
      this->fs().open_overwritable(this->path("marker"));
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  Result<std::unique_ptr<RandomAccessFile>> reader =
      this->fs().open_random_access(this->path("marker"));
  ASSERT_TRUE(reader.is_ok());
  ASSERT_TRUE((*file)->write_at(2, "ab").is_ok());
  EXPECT_EQ(this->read_all("marker"), "01ab456789");
  ASSERT_TRUE((*file)->write_at(0, "XY").is_ok());
  EXPECT_EQ(this->read_all("marker"), "XYab456789") << "rewritten again at another offset";
  ASSERT_TRUE((*file)->write_at(8, "end!").is_ok());
  EXPECT_EQ(this->read_all("marker"), "XYab4567end!");
  EXPECT_EQ(this->fs().file_size(this->path("marker")).value(), 12u);
  char scratch[4];
  Result<std::string_view> bytes = (*reader)->read_copy(0, 4, scratch);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, "XYab") << "a reader opened before sees the rewrite";
}

TYPED_TEST_P(FileSystemContractTest, OverwriteOfMissingFileIsNotFound) {
  EXPECT_EQ(this->fs().open_overwritable(this->path("absent")).status().code(),
            StatusCode::kNotFound);
}

REGISTER_TYPED_TEST_SUITE_P(
    FileSystemContractTest, AppendedBytesAreReadBack, AppendExistingContinuesAtTheEnd,
    CreateNewOnExistingFileFails, AppendExistingOnMissingFileIsNotFound,
    CreatingInMissingFolderIsNotFound, AppendAfterCloseFails,
    OpenRandomAccessOnMissingFileIsNotFound, ReadIsShortOnlyAtTheEnd,
    ReaderSeesBytesAppendedAfterItOpened, FileSizeCountsEveryAppendedByte,
    FileSizeOfMissingFileIsNotFound, ListDirNamesFilesAndFolders, ListDirOfMissingFolderIsNotFound,
    CreateDirsMakesParentsAndAcceptsExisting, CreateDirsThroughAFileFails,
    SyncDirSucceedsOnExistingFolderOnly, RenameReplacesTheTarget, RenameOfMissingFileIsNotFound,
    RemoveDeletesTheFile, RemoveOfMissingFileIsNotFound, TruncateCutsTheFile,
    TruncateOfMissingFileIsNotFound, SecondLockOfSamePathIsLockedAndNamesThisProcess,
    LockIsFreeAgainOnceReleased, LockCreatesTheLockFile, ConcurrentReadersSeeEveryAppendedByte,
    OverwriteReplacesBytesInPlaceAndCanGrowTheFile, OverwriteOfMissingFileIsNotFound);

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_FS_FILE_SYSTEM_CONTRACT_H_
