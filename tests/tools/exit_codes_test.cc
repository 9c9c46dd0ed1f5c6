// Tests of the tool's Status -> exit code mapping (tools/exit_codes.h).
#include "tools/exit_codes.h"

#include <gtest/gtest.h>

namespace logkv::tool {
namespace {

TEST(ExitCodesTest, OkIsSuccess) {
  EXPECT_EQ(exit_code_for(Status::ok()), ExitCode::kSuccess);
  EXPECT_EQ(to_int(ExitCode::kSuccess), 0);
}

TEST(ExitCodesTest, InvalidArgumentIsRefusedInput) {
  EXPECT_EQ(exit_code_for(Status::invalid_argument("key is not UTF-8")), ExitCode::kRefusedInput);
}

TEST(ExitCodesTest, LimitExceededIsRefusedInput) {
  EXPECT_EQ(exit_code_for(Status::limit_exceeded("key longer than key_bytes_max")),
            ExitCode::kRefusedInput);
}

TEST(ExitCodesTest, LockedIsStoreError) {
  EXPECT_EQ(exit_code_for(Status::locked("held by pid 1")), ExitCode::kStoreError);
}

TEST(ExitCodesTest, CorruptionIsStoreError) {
  EXPECT_EQ(exit_code_for(Status::corruption("bad checksum")), ExitCode::kStoreError);
}

TEST(ExitCodesTest, IoErrorIsStoreError) {
  EXPECT_EQ(exit_code_for(Status::io_error("fdatasync failed")), ExitCode::kStoreError);
}

TEST(ExitCodesTest, WritesStoppedIsStoreError) {
  EXPECT_EQ(exit_code_for(Status::writes_stopped("earlier sync failed")), ExitCode::kStoreError);
}

TEST(ExitCodesTest, NotSupportedIsStoreError) {
  EXPECT_EQ(exit_code_for(Status::not_supported("no io_uring")), ExitCode::kStoreError);
}

// StatusCode::kNotFound is a missing store folder, not a missing key: a store error, never 1.
TEST(ExitCodesTest, NotFoundStatusIsStoreErrorNotMissingKey) {
  EXPECT_EQ(exit_code_for(Status::not_found("no store folder")), ExitCode::kStoreError);
}

TEST(ExitCodesTest, DocumentedNumbersAreStable) {
  EXPECT_EQ(to_int(ExitCode::kNotFoundOrFalse), 1);
  EXPECT_EQ(to_int(ExitCode::kUsage), 2);
  EXPECT_EQ(to_int(ExitCode::kRefusedInput), 3);
  EXPECT_EQ(to_int(ExitCode::kStoreError), 4);
}

}  // namespace
}  // namespace logkv::tool
