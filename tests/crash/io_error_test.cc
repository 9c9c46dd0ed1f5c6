// Injected I/O errors at every file-system operation of a 2,000-operation workload (sets,
// deletes, overwrites, batches, reads, reopens): EIO at every operation, ENOSPC at every append,
// and a short write (a prefix of the bytes written, then ENOSPC) at every append. For each one
// the failing call returns a clear error, a failed write stops later writes, a failed read does
// not, and a reopen after a power loss holds exactly the acknowledged data
// (tests/crash/io_error_sweep.h says how each case runs in a forked child).
//
// LOGKV_IO_ERROR_OPERATIONS sets the workload's length (default 2,000); LOGKV_TEST_SEED and
// LOGKV_FAULT_POINT replay one case in-process.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "tests/crash/crash_env.h"
#include "tests/crash/io_error_sweep.h"
#include "tests/support/seed.h"

namespace logkv::crash {
namespace {

void sweep(InjectedFault fault) {
  const uint64_t seed = testing::test_seed();
  const uint64_t replay = env_count("LOGKV_FAULT_POINT", 0);
  const auto operations = static_cast<uint32_t>(env_count("LOGKV_IO_ERROR_OPERATIONS", 2000));
  const IoErrorSweepResult result = run_io_error_sweep(seed, operations, fault, replay);
  std::cout << "workload file-system operations: " << result.operations
            << ", faults injected: " << result.cases << ", failed cases: " << result.failed_cases
            << std::endl;
  ::testing::Test::RecordProperty("faults_injected", std::to_string(result.cases));
  for (const std::string& failure : result.failures) ADD_FAILURE() << failure;
  EXPECT_EQ(result.failed_cases, 0u);
  if (replay == 0) {
    EXPECT_GT(result.cases, operations / 2u) << "the sweep should fail many operations";
  } else {
    EXPECT_EQ(result.cases, 1u) << "LOGKV_FAULT_POINT is past the workload's operations";
  }
}

TEST(IoErrorTest, EioAtEveryOperation) { sweep(InjectedFault::kEio); }

TEST(IoErrorTest, EnospcAtEveryAppend) { sweep(InjectedFault::kEnospc); }

TEST(IoErrorTest, ShortWriteAtEveryAppend) { sweep(InjectedFault::kShortWrite); }

}  // namespace
}  // namespace logkv::crash
