// SpaceReserve: made whole or not at all, released only under a permit, and made again.
#include "fs/space_reserve.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "fs/posix_file_system.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

namespace stdfs = std::filesystem;

TEST(SpaceReserveTest, RestoreMakesTheWholeFileAndNoTemporary) {
  testing::TestDir dir;
  SpaceReserve reserve(dir.file("RESERVE"), 256 << 10);
  ASSERT_TRUE(reserve.restore().is_ok());
  EXPECT_EQ(stdfs::file_size(dir.file("RESERVE")), uintmax_t{256} << 10);
  EXPECT_FALSE(stdfs::exists(dir.file("RESERVE.tmp")));
  // Restoring an existing reserve changes nothing.
  ASSERT_TRUE(reserve.restore().is_ok());
  EXPECT_EQ(stdfs::file_size(dir.file("RESERVE")), uintmax_t{256} << 10);
}

TEST(SpaceReserveTest, ReleasedOnlyWhileAPermitIsHeld) {
  testing::TestDir dir;
  SpaceReserve reserve(dir.file("RESERVE"), 4096);
  ASSERT_TRUE(reserve.restore().is_ok());
  EXPECT_FALSE(reserve.release()) << "released without a permit";
  EXPECT_TRUE(stdfs::exists(dir.file("RESERVE")));
  {
    const std::unique_ptr<ReservePermit> permit = reserve.permit();
    EXPECT_TRUE(reserve.release());
    EXPECT_FALSE(stdfs::exists(dir.file("RESERVE")));
    EXPECT_FALSE(reserve.release()) << "nothing left to release";
  }
  ASSERT_TRUE(reserve.restore().is_ok());
  EXPECT_FALSE(reserve.release()) << "the permit outlived its object";
}

TEST(SpaceReserveTest, RestoreFailsCleanlyWhenTheFolderIsMissing) {
  testing::TestDir dir;
  SpaceReserve reserve(dir.file("missing/RESERVE"), 4096);
  const Status status = reserve.restore();
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.to_string();
  EXPECT_NE(status.message().find("space reserve"), std::string::npos) << status.to_string();
}

TEST(SpaceReserveTest, PosixFileSystemRemakesTheReserveWhenARemovalFreesSpace) {
  testing::TestDir dir;
  PosixFileSystemOptions options;
  options.backend = IoBackend::kPwrite;
  options.reserve_path = dir.file("RESERVE");
  options.reserve_bytes = 8192;
  Result<std::shared_ptr<PosixFileSystem>> fs = PosixFileSystem::create(options);
  ASSERT_TRUE(fs.is_ok()) << fs.status().to_string();
  EXPECT_FALSE(stdfs::exists(dir.file("RESERVE"))) << "made before the store asked for it";
  (*fs)->restore_reserve();
  ASSERT_EQ(stdfs::file_size(dir.file("RESERVE")), 8192u);
  {
    const std::unique_ptr<ReservePermit> permit = (*fs)->permit_reserve();
    ASSERT_NE(permit, nullptr);
  }
  stdfs::remove(dir.file("RESERVE"));
  Result<std::unique_ptr<WritableFile>> file =
      (*fs)->open_writable(dir.file("scratch"), OpenMode::kCreateNew);
  ASSERT_TRUE(file.is_ok());
  ASSERT_TRUE((*file)->close().is_ok());
  ASSERT_TRUE((*fs)->remove(dir.file("scratch")).is_ok());
  EXPECT_EQ(stdfs::file_size(dir.file("RESERVE")), 8192u) << "not made again after a removal";
}

}  // namespace
}  // namespace logkv
