// IoErrorSweep: one workload, and an injected failure at every file-system operation it makes.
//
// Replaying the workload up to operation N for every N would cost O(N^2). Instead the workload
// runs once, and just before each eligible operation the process forks: the child fails that
// operation (FaultFileSystem), finishes the workload step that made it, checks what the store
// promises after a failure, writes its verdict to a pipe and exits; the parent waits for the
// verdict and carries on without the fault. Each child starts from an exact copy of the store,
// its in-memory file system and the model, so every case costs one step and one reopen.
//
// What each child checks (the contract of include/logkv/store.h):
//   - the step that contains the failing operation returns an error naming it
//     ("injected fault ...");
//   - after a failed write (set, delete, batch) every later write is refused with
//     kWritesStopped, and reads still return the acknowledged values;
//   - after a failed read the store keeps accepting writes;
//   - after a power loss that drops whatever was not synced, the store opens and holds exactly
//     the acknowledged data (the failed operation is absent).
//
// LOGKV_FAULT_POINT=N replays one case in the test's own process (no fork).
//
// Thread-safety: single-threaded; run() forks, so nothing else may run in the process.
#ifndef LOGKV_TESTS_CRASH_IO_ERROR_SWEEP_H_
#define LOGKV_TESTS_CRASH_IO_ERROR_SWEEP_H_

#include <cstdint>
#include <string>
#include <vector>

namespace logkv::crash {

enum class InjectedFault : uint8_t {
  kEio,         // every operation fails with EIO
  kEnospc,      // every append fails with ENOSPC, writing nothing
  kShortWrite,  // every append writes a prefix of its bytes, then fails with ENOSPC
};

struct IoErrorSweepResult {
  uint64_t operations = 0;  // file-system operations the workload made
  uint64_t cases = 0;       // operations failed (one per case)
  uint64_t failed_cases = 0;
  std::vector<std::string> failures;  // the first few verdicts of failed cases
};

// Runs `workload_operations` operations of the workload `seed` and fails, one case at a time,
// every operation `fault` applies to; with `replay_operation` != 0 only that one, in-process.
IoErrorSweepResult run_io_error_sweep(uint64_t seed, uint32_t workload_operations,
                                      InjectedFault fault, uint64_t replay_operation);

}  // namespace logkv::crash

#endif  // LOGKV_TESTS_CRASH_IO_ERROR_SWEEP_H_
