#include "fs/posix_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "fs/posix_mapped_file.h"
#include "tests/fs/file_system_contract.h"
#include "tests/support/test_dir.h"

namespace logkv::testing {
namespace {

using ::testing::HasSubstr;

struct PosixProvider {
  TestDir dir;
  std::shared_ptr<FileSystem> fs = posix_file_system();
  std::string root = dir.path();
};

INSTANTIATE_TYPED_TEST_SUITE_P(Posix, FileSystemContractTest, PosixProvider);

class PosixFileSystemTest : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& bytes) {
    Result<std::unique_ptr<WritableFile>> file =
        fs_.open_writable(dir_.file(name), OpenMode::kCreateNew);
    ASSERT_TRUE(file.is_ok()) << file.status().to_string();
    ASSERT_TRUE((*file)->append(bytes).is_ok());
    ASSERT_TRUE((*file)->close().is_ok());
  }

  std::string file_text(const std::string& name) {
    std::ifstream in(dir_.file(name), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  TestDir dir_;
  PosixFileSystem fs_;
};

TEST_F(PosixFileSystemTest, ReadsOfKnownBytesPointIntoTheMappingNotScratch) {
  write("a", std::string(10000, 'm'));
  Result<std::unique_ptr<RandomAccessFile>> file = fs_.open_random_access(dir_.file("a"));
  ASSERT_TRUE(file.is_ok());
  std::string scratch(100, '\0');
  Result<std::string_view> bytes = (*file)->read(5000, 100, scratch.data());
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, std::string(100, 'm'));
  EXPECT_NE(bytes->data(), scratch.data());
}

TEST_F(PosixFileSystemTest, MappingGrowsWhenReadsReachBytesAppendedBeyondTheOriginalSize) {
  write("a", "small");
  Result<std::unique_ptr<RandomAccessFile>> file = fs_.open_random_access(dir_.file("a"));
  ASSERT_TRUE(file.is_ok());
  const auto& mapped = dynamic_cast<const PosixMappedFile&>(**file);
  const uint64_t mapped_at_open = mapped.mapped_bytes();

  Result<std::unique_ptr<WritableFile>> writer =
      fs_.open_writable(dir_.file("a"), OpenMode::kAppendExisting);
  ASSERT_TRUE(writer.is_ok());
  const std::string big(3 << 20, 'b');
  ASSERT_TRUE((*writer)->append(big).is_ok());
  ASSERT_TRUE((*writer)->append("end").is_ok());

  std::string scratch(8, '\0');
  Result<std::string_view> tail = (*file)->read(5 + big.size(), 8, scratch.data());
  ASSERT_TRUE(tail.is_ok());
  EXPECT_EQ(*tail, "end");
  EXPECT_GT(mapped.mapped_bytes(), mapped_at_open);
  EXPECT_GE(mapped.mapped_bytes(), 5 + big.size() + 3);
  // Once the size is known, reads deep in the appended range come from the mapping.
  Result<std::string_view> middle = (*file)->read(2 << 20, 8, scratch.data());
  ASSERT_TRUE(middle.is_ok());
  EXPECT_EQ(*middle, "bbbbbbbb");
  EXPECT_NE(middle->data(), scratch.data());
}

TEST_F(PosixFileSystemTest, ViewsReturnedBeforeTheMappingGrewStayValid) {
  write("a", "stable bytes");
  Result<std::unique_ptr<RandomAccessFile>> file = fs_.open_random_access(dir_.file("a"));
  ASSERT_TRUE(file.is_ok());
  char scratch[16];
  Result<std::string_view> early = (*file)->read(0, 12, scratch);
  ASSERT_TRUE(early.is_ok());
  const std::string_view early_view = *early;

  Result<std::unique_ptr<WritableFile>> writer =
      fs_.open_writable(dir_.file("a"), OpenMode::kAppendExisting);
  ASSERT_TRUE(writer.is_ok());
  ASSERT_TRUE((*writer)->append(std::string(4 << 20, 'g')).is_ok());
  std::string big_scratch(16, '\0');
  ASSERT_TRUE((*file)->read((4 << 20) + 4, 8, big_scratch.data()).is_ok());

  EXPECT_EQ(early_view, "stable bytes");
}

TEST_F(PosixFileSystemTest, OpenMappedMapsAtLeastTheRequestedCapacity) {
  write("a", "x");
  Result<std::unique_ptr<RandomAccessFile>> file = PosixMappedFile::open(dir_.file("a"), 8 << 20);
  ASSERT_TRUE(file.is_ok());
  EXPECT_GE(dynamic_cast<const PosixMappedFile&>(**file).mapped_bytes(), 8u << 20);
}

TEST_F(PosixFileSystemTest, EmptyFileCanBeOpenedAndReadAfterAppends) {
  write("a", "");
  Result<std::unique_ptr<RandomAccessFile>> file = fs_.open_random_access(dir_.file("a"));
  ASSERT_TRUE(file.is_ok());
  char scratch[4];
  Result<std::string_view> nothing = (*file)->read(0, 4, scratch);
  ASSERT_TRUE(nothing.is_ok());
  EXPECT_TRUE(nothing->empty());
  Result<std::unique_ptr<WritableFile>> writer =
      fs_.open_writable(dir_.file("a"), OpenMode::kAppendExisting);
  ASSERT_TRUE(writer.is_ok());
  ASSERT_TRUE((*writer)->append("abcd").is_ok());
  Result<std::string_view> bytes = (*file)->read(0, 4, scratch);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, "abcd");
}

// /dev/full accepts opens and fails every write with ENOSPC.
TEST_F(PosixFileSystemTest, AppendFailureNamesThePathAndTheSystemError) {
  Result<std::unique_ptr<WritableFile>> file =
      fs_.open_writable("/dev/full", OpenMode::kAppendExisting);
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  const Status status = (*file)->append("data");
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_THAT(status.message(), HasSubstr("cannot append to '/dev/full': No space left on device"));
}

TEST_F(PosixFileSystemTest, WritesAfterAFailedAppendAreRefused) {
  Result<std::unique_ptr<WritableFile>> file =
      fs_.open_writable("/dev/full", OpenMode::kAppendExisting);
  ASSERT_TRUE(file.is_ok());
  ASSERT_FALSE((*file)->append("data").is_ok());
  const Status append_again = (*file)->append("more");
  EXPECT_EQ(append_again.code(), StatusCode::kIOError);
  EXPECT_THAT(append_again.message(), HasSubstr("after an earlier failure"));
  const Status sync = (*file)->sync();
  EXPECT_EQ(sync.code(), StatusCode::kIOError);
  EXPECT_THAT(sync.message(), HasSubstr("No space left on device"));
}

TEST_F(PosixFileSystemTest, CreateDirsOfEmptyPathIsInvalid) {
  EXPECT_EQ(fs_.create_dirs("").code(), StatusCode::kInvalidArgument);
}

// Each new folder's parent is synced, so a relative path's first folder syncs the working
// directory ("."): the path forms with and without a parent component all work.
TEST_F(PosixFileSystemTest, CreateDirsOfRelativeNestedPathsSyncsTheirParents) {
  char previous[4096];
  ASSERT_NE(::getcwd(previous, sizeof(previous)), nullptr);
  ASSERT_EQ(::chdir(dir_.path().c_str()), 0);
  const Status single = fs_.create_dirs("top");
  const Status nested = fs_.create_dirs("top/a/b");
  ASSERT_EQ(::chdir(previous), 0);
  EXPECT_TRUE(single.is_ok()) << single.to_string();
  EXPECT_TRUE(nested.is_ok()) << nested.to_string();
  EXPECT_TRUE(fs_.list_dir(dir_.file("top/a/b")).is_ok());
}

TEST_F(PosixFileSystemTest, LockFileHoldsTheHolderPid) {
  Result<std::unique_ptr<FileLock>> lock = fs_.lock(dir_.file("LOCK"));
  ASSERT_TRUE(lock.is_ok());
  EXPECT_EQ(file_text("LOCK"), std::to_string(::getpid()) + "\n");
}

TEST_F(PosixFileSystemTest, SharedInstanceIsAPosixFileSystem) {
  EXPECT_NE(dynamic_cast<PosixFileSystem*>(posix_file_system().get()), nullptr);
  EXPECT_EQ(posix_file_system(), posix_file_system());
}

// A child process that takes a lock and holds it until told to exit through a pipe.
class LockHoldingChild {
 public:
  explicit LockHoldingChild(const std::string& lock_path) {
    int to_child[2];
    int from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(to_child[1]);
      ::close(from_child[0]);
      PosixFileSystem fs;
      Result<std::unique_ptr<FileLock>> lock = fs.lock(lock_path);
      const char report = lock.is_ok() ? 'L' : 'F';
      if (::write(from_child[1], &report, 1) != 1) ::_exit(2);
      char ignored;
      // Returns when the parent writes or closes its end.
      static_cast<void>(::read(to_child[0], &ignored, 1));
      ::_exit(0);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_child_ = to_child[1];
    char report = 0;
    if (::read(from_child[0], &report, 1) == 1) locked_ = report == 'L';
    ::close(from_child[0]);
  }
  ~LockHoldingChild() { exit_and_wait(); }

  pid_t pid() const { return pid_; }
  bool locked() const { return locked_; }

  // Ends the child (releasing its lock as the kernel closes its files) and reaps it.
  void exit_and_wait() {
    if (pid_ <= 0) return;
    ::close(to_child_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  bool locked_ = false;
};

TEST_F(PosixFileSystemTest, LockHeldByAnotherProcessIsLockedAndNamesItsPid) {
  LockHoldingChild child(dir_.file("LOCK"));
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(child.locked());
  Result<std::unique_ptr<FileLock>> lock = fs_.lock(dir_.file("LOCK"));
  ASSERT_FALSE(lock.is_ok());
  EXPECT_EQ(lock.status().code(), StatusCode::kLocked);
  EXPECT_THAT(lock.status().message(),
              HasSubstr("store folder '" + dir_.path() + "' is in use by process " +
                        std::to_string(child.pid())));
  EXPECT_THAT(lock.status().message(), HasSubstr("close the store there first"));
}

TEST_F(PosixFileSystemTest, StaleLockOfAnExitedProcessIsReacquired) {
  LockHoldingChild child(dir_.file("LOCK"));
  ASSERT_TRUE(child.locked());
  child.exit_and_wait();
  Result<std::unique_ptr<FileLock>> lock = fs_.lock(dir_.file("LOCK"));
  ASSERT_TRUE(lock.is_ok()) << lock.status().to_string();
  EXPECT_EQ(file_text("LOCK"), std::to_string(::getpid()) + "\n");
}

}  // namespace
}  // namespace logkv::testing
