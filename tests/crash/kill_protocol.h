// What the kill_workload child process tells its parent over a pipe, one line per event, and
// how both sides derive the child's workloads.
//
//   A <thread> <index>            operation <index> of <thread>'s workload was acknowledged
//   E <thread> <index> <message>  it failed (the child exits with status 2)
//   D                             every operation ran and the store closed cleanly
//
// Each line is written with one write() of fewer than PIPE_BUF bytes, so lines of several
// threads never interleave, and a line is in the pipe before the next operation starts: when
// the parent kills the child, every acknowledgement the child made is still there to read.
//
// Thread-safety: pure functions.
#ifndef LOGKV_TESTS_CRASH_KILL_PROTOCOL_H_
#define LOGKV_TESTS_CRASH_KILL_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/options.h"
#include "tests/crash/workload.h"

namespace logkv::crash {

// The workload thread `thread` of a child started with `seed` runs. Reopens only when it is the
// only thread (closing the store under other threads' feet is not a workload).
Workload child_workload(uint64_t seed, uint32_t thread, uint32_t threads);

struct ChildReport {
  // Per thread: operations acknowledged, i.e. one past the highest acknowledged index
  // (acknowledgements of one thread arrive in order).
  std::vector<uint64_t> acknowledged;
  bool done = false;   // the child finished its workload ("D")
  std::string errors;  // the E lines, and lines that do not parse
};

// Parses every complete line of `output` (a trailing partial line is ignored).
ChildReport parse_child_output(std::string_view output, uint32_t threads);

std::string_view sync_mode_flag(SyncMode mode);  // "always", "never", "interval"

}  // namespace logkv::crash

#endif  // LOGKV_TESTS_CRASH_KILL_PROTOCOL_H_
