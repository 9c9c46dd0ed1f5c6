// Workload: one Spin-shaped measurement, run against each engine in turn.
//
// A workload has one or more variants (e.g. "1 writer", "4 writers") and produces one Row per
// variant for every engine it is run against: measured figures when the engine can do what the
// variant measures, an "n/a" row naming what is missing otherwise, and a "failed" row carrying
// the engine's error when something goes wrong. It never stops the run.
//
// New workloads (batches, compaction, hint files) are added by writing one more file in this
// folder and listing its factory in all_workloads().
//
// Thread-safety: run() is called by the driving thread, one workload and engine at a time; it
// may start worker threads of its own and joins them before it returns.
#ifndef LOGKV_BENCH_WORKLOADS_WORKLOAD_H_
#define LOGKV_BENCH_WORKLOADS_WORKLOAD_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_config.h"
#include "bench/bench_data.h"
#include "bench/engine_adapter.h"
#include "bench/results.h"
#include "bench/workloads/scratch_space.h"

namespace logkv::bench {

// What every workload may use while it runs.
struct WorkloadContext {
  const BenchConfig& config;
  ScratchSpace& scratch;
  // Random bytes, big enough for the largest value of any workload.
  const ValuePool& values;
  // This executable, for workloads that measure in a child process.
  std::string self_path;
};

class Workload {
 public:
  virtual ~Workload() = default;

  virtual std::string_view name() const = 0;   // the --workloads name
  virtual std::string_view group() const = 0;  // the chart it is drawn in
  virtual std::string_view description() const = 0;

  // Whether the engine can run at least one variant.
  virtual bool applies_to(const Capabilities& capabilities) const = 0;

  // The variants run() measures for `engine` at `sizes`: each must come back as an ok row, and
  // the --quick self-check demands exactly that, so that a variant silently turning n/a (or
  // vanishing) fails it. Variants the engine lacks something for (its n/a rows) are not listed.
  // Empty exactly when applies_to() is false.
  virtual std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                                     const EngineInfo& engine) const = 0;

  // Whether the run repeats this workload in WorkloadSizes::rounds rounds and keeps the median.
  // False for workloads whose figure depends on the work done, not on the time it took.
  virtual bool measured_in_rounds() const { return true; }

  // Runs every variant against `engine`, each on a fresh store, and returns one row per variant.
  virtual std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) = 0;
};

std::unique_ptr<Workload> make_durable_sets_workload();       // 1: sets, one writer
std::unique_ptr<Workload> make_concurrent_sets_workload();    // 2: sets, 4 and 16 writers
std::unique_ptr<Workload> make_point_gets_workload();         // 3: hot gets and exists
std::unique_ptr<Workload> make_read_modify_write_workload();  // 4: view counter, increment
std::unique_ptr<Workload> make_large_values_workload();       // 5: 1 MiB set and get
std::unique_ptr<Workload> make_list_keys_workload();          // 6: get-keys of 1024 keys
std::unique_ptr<Workload> make_open_time_workload();          // 7: open of a full store
std::unique_ptr<Workload> make_overwrite_space_workload();    // 8: disk bytes under overwrites
std::unique_ptr<Workload> make_index_memory_workload();       // 9: resident bytes per key
std::unique_ptr<Workload> make_get_many_workload();           // 10: get-many of 16 keys
std::unique_ptr<Workload> make_scaling_workload();  // 11: each cost from 1,000 to 10M keys

// Every workload, in the order they run and are reported.
std::vector<std::unique_ptr<Workload>> all_workloads();

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_WORKLOADS_WORKLOAD_H_
