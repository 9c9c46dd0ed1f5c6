// The child-process half of the index-memory workload.
//
// Resident memory is measured in a fresh process so that memory the benchmark freed earlier
// (and the allocator kept) cannot hide the index's growth. logkv-bench re-executes itself with
// kIndexMemoryChildFlag as its first argument; logkv_bench_main hands such a run to
// index_memory_child_main().
#ifndef LOGKV_BENCH_WORKLOADS_INDEX_MEMORY_H_
#define LOGKV_BENCH_WORKLOADS_INDEX_MEMORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/status.h"

namespace logkv::bench {

inline constexpr std::string_view kIndexMemoryChildFlag = "--index-memory-child";

// args: {kIndexMemoryChildFlag, "load" | "open", engine, dir, key count, seed}. "load" fills the
// store in dir (without syncs), "open" reopens it; both print one line of name=value figures
// (resident and anonymous bytes before and after, the engine's index bytes) on stdout.
// Returns the process exit code.
int index_memory_child_main(const std::vector<std::string>& args);

// Runs that child (this executable is `self_path`) in `mode` ("load" or "open") on the store of
// `engine` in `dir`, holding `keys` keys, and returns the figures it printed by name.
Result<std::map<std::string, double>> measure_memory_in_child(const std::string& self_path,
                                                              std::string_view mode,
                                                              const std::string& engine,
                                                              const std::string& dir, uint64_t keys,
                                                              uint64_t seed);

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_WORKLOADS_INDEX_MEMORY_H_
