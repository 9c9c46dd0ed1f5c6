// Environment knobs of the crash tests: how many cases a tier runs, and which single case to
// replay. docs/TESTING.md lists every variable.
//
// Thread-safety: reads the environment; call before starting threads.
#ifndef LOGKV_TESTS_CRASH_CRASH_ENV_H_
#define LOGKV_TESTS_CRASH_CRASH_ENV_H_

#include <cstdint>
#include <optional>
#include <string>

namespace logkv::crash {

// The positive integer in environment variable `name`, or `fallback` when it is unset, empty or
// not a positive integer. The extended tier raises the counts this way (LOGKV_CRASH_POINTS...).
uint64_t env_count(const char* name, uint64_t fallback);

// One crash point to replay: the `point`-th crash point of a workload and, when not 0, the
// `recovery_point`-th crash point of the open that recovers from it.
struct CrashPoint {
  uint64_t point = 0;
  uint64_t recovery_point = 0;
};

// LOGKV_CRASH_POINT, written "N" or "N/M"; nullopt when unset or malformed.
std::optional<CrashPoint> crash_point_from_env();

// "N" or "N/M", as LOGKV_CRASH_POINT takes it.
std::string to_string(const CrashPoint& point);

}  // namespace logkv::crash

#endif  // LOGKV_TESTS_CRASH_CRASH_ENV_H_
