#include "tests/support/fault_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fs/mem_file_system.h"
#include "tests/support/mem_power_loss.h"

namespace logkv::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FaultFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(mem_->create_dirs("/db").is_ok()); }

  std::unique_ptr<WritableFile> create(const std::string& path) {
    Result<std::unique_ptr<WritableFile>> file = fault_.open_writable(path, OpenMode::kCreateNew);
    EXPECT_TRUE(file.is_ok()) << file.status().to_string();
    return file.is_ok() ? std::move(*file) : nullptr;
  }

  std::shared_ptr<MemFileSystem> mem_ = std::make_shared<MemFileSystem>();
  FaultFileSystem fault_{mem_};
};

TEST_F(FaultFileSystemTest, NthOperationFailsWithTheChosenCodeAndMessage) {
  std::unique_ptr<WritableFile> file = create("/db/log");  // operation 1
  fault_.fail_operation(2, StatusCode::kIOError, "EIO");
  EXPECT_TRUE(file->append("a").is_ok());  // 1st from now
  const Status failed = file->sync();      // 2nd from now
  EXPECT_EQ(failed.code(), StatusCode::kIOError);
  EXPECT_THAT(failed.message(), HasSubstr("injected fault: EIO (sync '/db/log', operation #3)"));
  EXPECT_TRUE(file->append("b").is_ok());  // the fault is used up
  EXPECT_EQ(fault_.faults_injected(), 1u);
}

TEST_F(FaultFileSystemTest, InjectedFailureDoesNotReachTheWrappedFileSystem) {
  fault_.fail_operation(1, StatusCode::kIOError, "ENOSPC");
  Result<std::unique_ptr<WritableFile>> file =
      fault_.open_writable("/db/never", OpenMode::kCreateNew);
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(mem_->file_size("/db/never").status().code(), StatusCode::kNotFound);
}

TEST_F(FaultFileSystemTest, FailureCarriesTheRequestedStatusCode) {
  fault_.fail_operation(1, StatusCode::kNotFound, "ENOENT");
  EXPECT_EQ(fault_.list_dir("/db").status().code(), StatusCode::kNotFound);
}

TEST_F(FaultFileSystemTest, KindFilterCountsOnlyOperationsOfThatKind) {
  std::unique_ptr<WritableFile> file = create("/db/log");
  fault_.fail_next(OperationKind::kSync, StatusCode::kIOError, "EIO", 2);
  EXPECT_TRUE(file->append("a").is_ok());
  EXPECT_TRUE(file->sync().is_ok());
  EXPECT_TRUE(file->append("b").is_ok());
  EXPECT_TRUE(fault_.sync_dir("/db").is_ok());  // a different kind
  const Status second_sync = file->sync();
  EXPECT_EQ(second_sync.code(), StatusCode::kIOError);
  EXPECT_THAT(second_sync.message(), HasSubstr("sync '/db/log'"));
}

TEST_F(FaultFileSystemTest, ShortWriteHandsOnlyAPrefixToTheWrappedFile) {
  std::unique_ptr<WritableFile> file = create("/db/log");
  fault_.short_write_next(3);
  const Status status = file->append("abcdefgh");
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_THAT(status.message(), HasSubstr("injected fault: ENOSPC (append '/db/log'"));
  Result<std::string> stored = mem_->read_file("/db/log");
  ASSERT_TRUE(stored.is_ok());
  EXPECT_EQ(*stored, "abc");
}

TEST_F(FaultFileSystemTest, ShortWriteAppliesToAppendsOnly) {
  std::unique_ptr<WritableFile> file = create("/db/log");
  fault_.short_write_next(1, "ENOSPC", 2);
  EXPECT_TRUE(file->sync().is_ok());
  EXPECT_TRUE(file->append("first").is_ok());
  EXPECT_FALSE(file->append("second").is_ok());
  EXPECT_EQ(*mem_->read_file("/db/log"), "firsts");
}

TEST_F(FaultFileSystemTest, ReadsCanBeMadeToFail) {
  ASSERT_TRUE(mem_->write_file("/db/data", "bytes").is_ok());
  Result<std::unique_ptr<RandomAccessFile>> file = fault_.open_random_access("/db/data");
  ASSERT_TRUE(file.is_ok());
  fault_.fail_next(OperationKind::kRead);
  char scratch[8];
  EXPECT_EQ((*file)->read(0, 5, scratch).status().code(), StatusCode::kIOError);
  Result<std::string_view> retry = (*file)->read(0, 5, scratch);
  ASSERT_TRUE(retry.is_ok());
  EXPECT_EQ(*retry, "bytes");
}

TEST_F(FaultFileSystemTest, CountsEveryOperationIncludingCallsOnFiles) {
  std::unique_ptr<WritableFile> file = create("/db/log");
  ASSERT_TRUE(file->append("a").is_ok());
  ASSERT_TRUE(file->append("b").is_ok());
  ASSERT_TRUE(file->sync().is_ok());
  static_cast<void>(file->size());  // cannot fail, not counted
  Result<std::unique_ptr<RandomAccessFile>> reader = fault_.open_random_access("/db/log");
  ASSERT_TRUE(reader.is_ok());
  char scratch[2];
  ASSERT_TRUE((*reader)->read(0, 2, scratch).is_ok());
  ASSERT_TRUE((*reader)->size().is_ok());
  ASSERT_TRUE(file->close().is_ok());
  EXPECT_EQ(fault_.operation_count(), 8u);
  EXPECT_EQ(fault_.operation_count(OperationKind::kAppend), 2u);
  EXPECT_EQ(fault_.operation_count(OperationKind::kSync), 1u);
  EXPECT_EQ(fault_.operation_count(OperationKind::kRead), 1u);
  EXPECT_EQ(fault_.operation_count(OperationKind::kRename), 0u);
}

TEST_F(FaultFileSystemTest, FailedOperationsAreCountedToo) {
  fault_.fail_operation(1, StatusCode::kIOError, "EIO");
  EXPECT_FALSE(fault_.sync_dir("/db").is_ok());
  EXPECT_EQ(fault_.operation_count(), 1u);
}

TEST_F(FaultFileSystemTest, ClearFaultsCancelsPendingFaults) {
  fault_.fail_operation(1, StatusCode::kIOError, "EIO");
  fault_.fail_next(OperationKind::kSyncDir);
  fault_.clear_faults();
  EXPECT_TRUE(fault_.sync_dir("/db").is_ok());
  EXPECT_EQ(fault_.faults_injected(), 0u);
}

TEST_F(FaultFileSystemTest, HookSeesEachOperationKindAndPathFirst) {
  std::vector<std::string> seen;
  fault_.set_hook([&](OperationKind kind, const std::string& path) {
    seen.push_back(std::string(operation_kind_name(kind)) + " " + path);
  });
  std::unique_ptr<WritableFile> file = create("/db/log");
  ASSERT_TRUE(file->append("x").is_ok());
  ASSERT_TRUE(fault_.rename("/db/log", "/db/moved").is_ok());
  ASSERT_TRUE(fault_.sync_dir("/db").is_ok());
  EXPECT_THAT(seen, ElementsAre("open_writable /db/log", "append /db/log", "rename /db/log",
                                "sync_dir /db"));
}

// The way crash tests use the hook: cut the power just before the 3rd sync.
TEST_F(FaultFileSystemTest, HookCanSimulatePowerLossBeforeTheThirdSync) {
  int syncs = 0;
  fault_.set_hook([&](OperationKind kind, const std::string&) {
    if (kind == OperationKind::kSync && ++syncs == 3) {
      simulate_power_loss(*mem_, 0, PowerLossMode::kDropUnsynced);
    }
  });
  std::unique_ptr<WritableFile> file = create("/db/log");
  ASSERT_TRUE(fault_.sync_dir("/db").is_ok());
  for (const char* record : {"one,", "two,"}) {
    ASSERT_TRUE(file->append(record).is_ok());
    ASSERT_TRUE(file->sync().is_ok());
  }
  ASSERT_TRUE(file->append("three").is_ok());
  const Status third = file->sync();
  EXPECT_EQ(third.code(), StatusCode::kIOError);
  EXPECT_THAT(third.message(), HasSubstr("file system crashed"));
  EXPECT_EQ(*mem_->read_file("/db/log"), "one,two,");
}

TEST_F(FaultFileSystemTest, OperationKindNamesAreDistinct) {
  EXPECT_EQ(operation_kind_name(OperationKind::kOpenWritable), "open_writable");
  EXPECT_EQ(operation_kind_name(OperationKind::kReadSize), "read_size");
  EXPECT_EQ(operation_kind_name(OperationKind::kSyncDir), "sync_dir");
}

}  // namespace
}  // namespace logkv::testing
