// One simulated power loss: a seeded workload runs on an in-memory file system until the power
// fails at a chosen crash point (see power_cut.h), optionally fails again at a crash point of
// the open that recovers from it, and the store is then opened cleanly and checked against the
// workload's model (recovery_check.h).
//
// Everything a case does follows from its fields, so a failure replays exactly from its seed
// and crash point (LOGKV_TEST_SEED and LOGKV_CRASH_POINT; see replay_hint()).
//
// Thread-safety: run_power_loss_case uses only its own objects; cases may run on several threads.
#ifndef LOGKV_TESTS_CRASH_POWER_LOSS_CASE_H_
#define LOGKV_TESTS_CRASH_POWER_LOSS_CASE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "fs/mem_file_system.h"
#include "logkv/options.h"
#include "tests/crash/crash_env.h"
#include "tests/support/mem_power_loss.h"

namespace logkv::crash {

struct PowerLossCase {
  uint64_t seed = 0;  // the workload's seed; the power losses derive theirs from it
  uint32_t operations = 150;
  SyncMode sync_mode = SyncMode::kAlways;
  PowerLossMode mode = PowerLossMode::kDropUnsynced;
  // point: 0 runs the whole workload, closes the store and then cuts the power.
  // recovery_point: 0 recovers in one clean open.
  CrashPoint crash;
};

struct PowerLossOutcome {
  bool crashed = false;           // the workload reached its crash point
  bool recovery_crashed = false;  // the first recovery reached its crash point
  // Crash points passed: all of the workload's when it did not crash.
  uint64_t crash_points = 0;
  uint64_t recovery_crash_points = 0;
  // Where the power failed, e.g. "sync '/store/0000000002.log'"; empty when it did not.
  std::string crashed_before;
  std::string recovery_crashed_before;
  // Empty when the store recovered as promised; otherwise what went wrong and where the power
  // failed.
  std::string failure;
};

PowerLossOutcome run_power_loss_case(const PowerLossCase& test_case);

// "seed=S crash point=N[/M] (sync always, power loss drop-unsynced): replay with
// LOGKV_TEST_SEED=S LOGKV_CRASH_POINT=N[/M] <test binary> --gtest_filter=<test_filter>"
std::string replay_hint(const PowerLossCase& test_case, std::string_view test_filter);

std::string_view sync_mode_name(SyncMode mode);
std::string_view power_loss_mode_name(PowerLossMode mode);

}  // namespace logkv::crash

#endif  // LOGKV_TESTS_CRASH_POWER_LOSS_CASE_H_
