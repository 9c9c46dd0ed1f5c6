// The io_uring write backend: the file-system contract, the linked write + fdatasync of
// append_and_sync, and how each kind of failure fails the call and poisons the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fs/posix_file_system.h"
#include "fs/unique_fd.h"
#include "fs/uring_writable_file.h"
#include "tests/fs/backend_util.h"
#include "tests/fs/child_process.h"
#include "tests/fs/file_system_contract.h"
#include "tests/support/test_dir.h"

namespace logkv::testing {
namespace {

using ::testing::HasSubstr;

using UringProvider = PosixBackendProvider<IoBackend::kIoUring, 0>;
using UringPreallocatingProvider = PosixBackendProvider<IoBackend::kIoUring, kTestChunkBytes>;
INSTANTIATE_TYPED_TEST_SUITE_P(IoUring, FileSystemContractTest, UringProvider);
INSTANTIATE_TYPED_TEST_SUITE_P(IoUringPreallocating, FileSystemContractTest,
                               UringPreallocatingProvider);

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class UringWritableFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BackendUnderTest made = make_backend(IoBackend::kIoUring, 0, dir_.path());
    if (made.fs == nullptr) GTEST_SKIP() << made.skip_reason;
    fs_ = std::move(made.fs);
  }

  std::unique_ptr<WritableFile> create(const std::string& path) {
    Result<std::unique_ptr<WritableFile>> file = fs_->open_writable(path, OpenMode::kCreateNew);
    EXPECT_TRUE(file.is_ok()) << file.status().to_string();
    return file.is_ok() ? std::move(*file) : nullptr;
  }

  TestDir dir_;
  std::shared_ptr<PosixFileSystem> fs_;
};

TEST_F(UringWritableFileTest, FileSystemNamesItsBackendAndOpensUringFiles) {
  EXPECT_EQ(fs_->io_backend_name(), "io_uring");
  std::unique_ptr<WritableFile> file = create(dir_.file("a"));
  ASSERT_NE(file, nullptr);
  EXPECT_NE(dynamic_cast<UringWritableFile*>(file.get()), nullptr);
}

TEST_F(UringWritableFileTest, AppendAndSyncRoundTrip) {
  std::unique_ptr<WritableFile> file = create(dir_.file("a"));
  ASSERT_NE(file, nullptr);
  std::string expected;
  for (int group = 0; group < 50; ++group) {
    const std::string records(100 * (group % 16 + 1), static_cast<char>('a' + group % 26));
    ASSERT_TRUE(file->append_and_sync(records).is_ok()) << "group " << group;
    expected += records;
    EXPECT_EQ(file->size(), expected.size());
  }
  // Reads see the bytes before close, through the mapping.
  Result<std::unique_ptr<RandomAccessFile>> reader = fs_->open_random_access(dir_.file("a"));
  ASSERT_TRUE(reader.is_ok());
  std::string scratch(expected.size(), '\0');
  Result<std::string_view> bytes = (*reader)->read(0, expected.size(), scratch.data());
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, expected);
  ASSERT_TRUE(file->close().is_ok());
  EXPECT_EQ(file_text(dir_.file("a")), expected);
}

TEST_F(UringWritableFileTest, AppendAndSyncOfNothingOnlySyncs) {
  std::unique_ptr<WritableFile> file = create(dir_.file("a"));
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->append("abc").is_ok());
  EXPECT_TRUE(file->append_and_sync("").is_ok());
  EXPECT_EQ(file->size(), 3u);
  EXPECT_EQ(file_text(dir_.file("a")), "abc");
}

TEST_F(UringWritableFileTest, SeparateAppendsAndSyncsWork) {
  std::unique_ptr<WritableFile> file = create(dir_.file("a"));
  ASSERT_NE(file, nullptr);
  const std::string big(3 << 20, 'b');
  ASSERT_TRUE(file->append("head,").is_ok());
  ASSERT_TRUE(file->append(big).is_ok());
  ASSERT_TRUE(file->sync().is_ok());
  ASSERT_TRUE(file->append(",tail").is_ok());
  ASSERT_TRUE(file->sync().is_ok());
  EXPECT_EQ(file->size(), 5 + big.size() + 5);
  ASSERT_TRUE(file->close().is_ok());
  EXPECT_EQ(file_text(dir_.file("a")), "head," + big + ",tail");
}

TEST_F(UringWritableFileTest, AppendExistingWritesAtTheEnd) {
  std::unique_ptr<WritableFile> first = create(dir_.file("a"));
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->append_and_sync("0123456789").is_ok());
  ASSERT_TRUE(first->close().is_ok());
  Result<std::unique_ptr<WritableFile>> again =
      fs_->open_writable(dir_.file("a"), OpenMode::kAppendExisting);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ((*again)->size(), 10u);
  ASSERT_TRUE((*again)->append_and_sync("abc").is_ok());
  EXPECT_EQ(file_text(dir_.file("a")), "0123456789abc");
}

// /dev/full accepts opens and fails every write with ENOSPC: the linked write fails and the
// linked sync is cancelled.
TEST_F(UringWritableFileTest, FailedLinkedWriteFailsTheCallAndPoisonsTheFile) {
  Result<std::unique_ptr<WritableFile>> file =
      fs_->open_writable("/dev/full", OpenMode::kAppendExisting);
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  const Status status = (*file)->append_and_sync("record");
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_THAT(status.message(), HasSubstr("cannot append 6 bytes to '/dev/full' at offset 0"));
  EXPECT_THAT(status.message(), HasSubstr("No space left on device"));
  EXPECT_EQ((*file)->size(), 0u);

  const Status append_again = (*file)->append("more");
  EXPECT_EQ(append_again.code(), StatusCode::kIOError);
  EXPECT_THAT(append_again.message(), HasSubstr("after an earlier failure"));
  const Status sync_again = (*file)->sync();
  EXPECT_EQ(sync_again.code(), StatusCode::kIOError);
  EXPECT_THAT(sync_again.message(), HasSubstr("No space left on device"));
}

TEST_F(UringWritableFileTest, FailedPlainAppendPoisonsTheFile) {
  Result<std::unique_ptr<WritableFile>> file =
      fs_->open_writable("/dev/full", OpenMode::kAppendExisting);
  ASSERT_TRUE(file.is_ok());
  const Status status = (*file)->append("record");
  EXPECT_THAT(status.message(), HasSubstr("No space left on device"));
  EXPECT_THAT((*file)->append_and_sync("x").message(), HasSubstr("after an earlier failure"));
}

// A pipe takes the write but cannot be synced (EINVAL): the sync half of the chain fails after
// its write completed.
TEST_F(UringWritableFileTest, FailedLinkedSyncFailsTheCallAndPoisonsTheFile) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const UniqueFd read_end(pipe_fds[0]);
  const UniqueFd write_end(pipe_fds[1]);
  const std::string path = "/proc/self/fd/" + std::to_string(write_end.get());
  Result<std::unique_ptr<WritableFile>> file = fs_->open_writable(path, OpenMode::kAppendExisting);
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();

  const Status status = (*file)->append_and_sync("abc");
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_THAT(status.message(), HasSubstr("cannot sync '" + path + "': Invalid argument"));
  char written[8] = {};
  ASSERT_EQ(::read(read_end.get(), written, sizeof(written)), 3);
  EXPECT_EQ(std::string(written, 3), "abc");

  const Status sync_again = (*file)->sync();
  EXPECT_THAT(sync_again.message(), HasSubstr("after an earlier failure"));
  EXPECT_THAT((*file)->append("x").message(), HasSubstr("after an earlier failure"));
}

// RLIMIT_FSIZE cuts a write that crosses the limit short (and fails writes at the limit with
// EFBIG). In a child process, so that the limit does not touch the test process.
TEST_F(UringWritableFileTest, ShortLinkedWriteFailsTheCallAndPoisonsTheFile) {
  const std::string path = dir_.file("limited");
  const ChildOutcome child = run_in_child([&]() -> std::string {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{8192, 8192};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return "setrlimit failed";
    Result<std::unique_ptr<WritableFile>> file = fs_->open_writable(path, OpenMode::kCreateNew);
    if (!file.is_ok()) return "open failed: " + file.status().to_string();
    if (!(*file)->append_and_sync(std::string(4096, 'a')).is_ok()) return "first group failed";
    const Status short_write = (*file)->append_and_sync(std::string(8192, 'b'));
    const Status after = (*file)->append("c");
    return short_write.to_string() + "\n" + after.to_string() +
           "\nsize=" + std::to_string((*file)->size());
  });
  ASSERT_TRUE(child.exited_cleanly) << child.output;
  // The short write breaks the link; the rest is written on its own, and that write reports
  // the real reason (for a full disk: ENOSPC, which may release the space reserve).
  EXPECT_THAT(child.output, HasSubstr("cannot append 4096 bytes to '" + path +
                                      "' at offset 8192: File too large"));
  EXPECT_THAT(child.output, HasSubstr("after an earlier failure"));
  EXPECT_THAT(child.output, HasSubstr("size=4096"));
}

TEST_F(UringWritableFileTest, CloseThenAppendFailsNamingTheFile) {
  std::unique_ptr<WritableFile> file = create(dir_.file("a"));
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->close().is_ok());
  const Status status = file->append_and_sync("late");
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_THAT(status.message(), HasSubstr("'" + dir_.file("a") + "': the file was closed"));
}

TEST_F(UringWritableFileTest, ManyOpenFilesEachHaveAWorkingRing) {
  std::vector<std::unique_ptr<WritableFile>> files;
  for (int i = 0; i < 16; ++i) {
    files.push_back(create(dir_.file("f" + std::to_string(i))));
    ASSERT_NE(files.back(), nullptr);
  }
  for (size_t i = 0; i < files.size(); ++i) {
    ASSERT_TRUE(files[i]->append_and_sync(std::to_string(i)).is_ok());
  }
  for (auto& file : files) ASSERT_TRUE(file->close().is_ok());
  EXPECT_EQ(file_text(dir_.file("f15")), "15");
}

}  // namespace
}  // namespace logkv::testing
