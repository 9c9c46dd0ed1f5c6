// What one run of logkv-bench measures and how big each workload is.
//
// Thread-safety: a BenchConfig is built once by parse_flags() and only read afterwards.
#ifndef LOGKV_BENCH_BENCH_CONFIG_H_
#define LOGKV_BENCH_BENCH_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "logkv/status.h"

namespace logkv::bench {

// Sizes of the workloads. The full sizes finish in a few minutes on a 2-core VM; the quick
// ones in seconds, enough to prove that every workload runs on every engine.
struct WorkloadSizes {
  uint64_t keys = 1024;  // Spin's per-store capacity
  size_t value_bytes = 100;
  // Timed rows run in `rounds` rounds, each engine once per round in a rotating order, and the
  // median round is reported: on a shared machine the disk's flush latency drifts over minutes,
  // and rounds spread that drift over all engines instead of punishing whoever ran during it.
  int rounds = 3;
  double write_seconds = 1;   // per round of a timed write loop
  double read_seconds = 0.7;  // per round of a timed read loop
  std::vector<unsigned> writer_threads = {4, 16};
  std::vector<unsigned> reader_threads = {1, 2};
  uint64_t large_value_keys = 16;
  size_t large_value_bytes = size_t{1} << 20;
  uint64_t open_keys_large = 1'000'000;
  int open_repeats = 5;
  // A fixed count, so that every engine's space figure is taken after the same writes.
  uint64_t overwrite_ops = 1'000'000;
  int overwrite_samples = 50;
  uint64_t overwrite_segment_bytes = 32 << 10;
  uint64_t memory_keys = 1'000'000;
  // The store sizes of the scaling workload, smallest first (--scaling-max-keys), and the keys
  // per durable batch it loads them with.
  std::vector<uint64_t> scaling_keys = {1'000, 10'000, 100'000, 1'000'000, 10'000'000};
  uint64_t scaling_batch_keys = 1'000;
};

// 1,000, 10,000, ... up to `max_keys`, and `max_keys` itself where it is not a power of ten.
std::vector<uint64_t> scaling_sizes_up_to(uint64_t max_keys);

WorkloadSizes full_sizes();
WorkloadSizes quick_sizes();

struct BenchConfig {
  bool quick = false;
  WorkloadSizes sizes;
  std::vector<std::string> workloads;  // empty: all
  std::vector<std::string> engines;    // empty: all available
  // --require-engines: the run fails before it starts when one of these is not built in (or
  // not among --engines), so that a peer library missing from a build cannot go unnoticed.
  std::vector<std::string> required_engines;
  std::string dir;        // scratch stores are made in a fresh folder under it
  std::string json_path;  // empty: no JSON
  uint64_t seed = 0;
  int rounds_override = 0;        // --rounds; 0 keeps the mode's default
  uint64_t scaling_max_keys = 0;  // --scaling-max-keys; 0 keeps the mode's sizes
  bool list_only = false;         // --list: print workloads and engines, run nothing
  bool help = false;
  std::string command_line;
};

// Parses the command line (without argv[0]). LOGKV_TEST_SEED, when set, overrides the default
// seed; --seed overrides both.
Result<BenchConfig> parse_flags(const std::vector<std::string>& args);

// The usage text printed by --help.
std::string usage_text();

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_BENCH_CONFIG_H_
