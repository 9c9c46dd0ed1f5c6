// Building blocks shared by the workloads: timed loops, store preparation, row filling.
#ifndef LOGKV_BENCH_WORKLOADS_WORKLOAD_SUPPORT_H_
#define LOGKV_BENCH_WORKLOADS_WORKLOAD_SUPPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "bench/engine_adapter.h"
#include "bench/latency_samples.h"
#include "bench/results.h"

namespace logkv::bench {

// One operation of a timed loop: `thread` is the worker's index, `op` counts that worker's
// operations from 0. Called from `threads` threads at once.
using TimedOperation = std::function<Status(unsigned thread, uint64_t op)>;

struct TimedRun {
  uint64_t ops = 0;    // operations that completed without error, all threads
  double seconds = 0;  // from the common start until the last worker stopped
  LatencySamples latencies;
  Status status;  // the first error; the loop stops at it
};

// Starts `threads` workers together; each repeats `operation` until `seconds` have passed (at
// least once), timing every call. The time of the clock reads is part of every latency.
TimedRun run_timed(unsigned threads, double seconds, const TimedOperation& operation);

// Runs `operation` `ops` times on the calling thread (thread index 0), timing every call; stops
// at the first error.
TimedRun run_counted(uint64_t ops, const TimedOperation& operation);

// Fills ops/s, p50 and p99 of `row` from `run` and makes ops/s its primary figure. A failed
// run turns the row into a failed row.
void fill_rate_row(Row& row, TimedRun& run);

// Marks `row` failed with `status` as its note.
void fail_row(Row& row, const Status& status);

// The remark every row of `info` carries, e.g. that the adapter serialises writes.
std::string engine_remark(const EngineInfo& info, bool writes, bool reads);

// Appends `remark` to the row's note, separated by "; ".
void add_note(Row& row, std::string_view remark);

// "1,000,000 keys": how variants name a store size.
std::string count_label(uint64_t count);

// keys_for(n)[i] == key_for(i).
std::vector<std::string> keys_for(uint64_t count);

// Fills the store in `dir` with keys 0..count-1 and values of `value_bytes`, untimed and
// without syncs, then closes it. Measurements then reopen it with the durable setting.
Status prepare_store(const EngineFactory& engine, const std::string& dir, uint64_t count,
                     size_t value_bytes, const ValuePool& values);

// Called before each timed open, untimed (e.g. to delete files the open should not find).
using BeforeOpen = std::function<Status(int repeat)>;
// Sees the adapter of the first timed open, still open, e.g. to read its stats.
using AfterFirstOpen = std::function<void(EngineAdapter& adapter, Row& row)>;

// Opens the store `params` names `repeats` times and gets one random key among `count` after
// each open (checked to hold `value_bytes`), timing open + get, and closes it untimed. Fills
// `row` with the median open + first get in ms (p50/p99 of the opens). Either callback may be
// empty.
Status time_opens(const EngineFactory& engine, const OpenParams& params, uint64_t count,
                  size_t value_bytes, int repeats, uint64_t seed, const BeforeOpen& before_open,
                  const AfterFirstOpen& after_first_open, Row& row);

// The figures an engine gives about what it read at open, where it gives them (logkv: how many
// hint files it used, and its segment count); an AfterFirstOpen.
void add_open_figures(EngineAdapter& adapter, Row& row);

// Checks that a read found the value a workload stored.
Status expect_value(const Result<std::optional<std::string>>& value, std::string_view key,
                    size_t value_bytes);

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_WORKLOADS_WORKLOAD_SUPPORT_H_
