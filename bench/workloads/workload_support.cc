#include "bench/workloads/workload_support.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <thread>

namespace logkv::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Enough room that fast loops rarely grow the vector while they are being timed.
constexpr size_t kLatencyReserve = size_t{1} << 18;

}  // namespace

TimedRun run_timed(unsigned threads, double seconds, const TimedOperation& operation) {
  threads = std::max(1u, threads);
  std::vector<LatencySamples> latencies(threads);
  std::vector<uint64_t> ops(threads, 0);
  std::vector<Clock::time_point> finished(threads);
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  Status first_error;

  // Workers wait at `go` until all exist, so thread start-up is not timed and all start at once.
  std::latch ready(threads);
  std::latch go(1);
  Clock::time_point start;
  Clock::time_point deadline;

  auto worker = [&](unsigned thread) {
    latencies[thread].reserve(kLatencyReserve);
    ready.count_down();
    go.wait();
    for (uint64_t op = 0;; ++op) {
      const Clock::time_point before = Clock::now();
      Status status = operation(thread, op);
      const Clock::time_point after = Clock::now();
      if (!status.is_ok()) {
        std::lock_guard lock(error_mutex);
        if (first_error.is_ok()) first_error = std::move(status);
        stop.store(true, std::memory_order_relaxed);
        finished[thread] = after;
        return;
      }
      latencies[thread].add(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(after - before).count()));
      ++ops[thread];
      if (after >= deadline || stop.load(std::memory_order_relaxed)) {
        finished[thread] = after;
        return;
      }
    }
  };

  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(worker, t);
  ready.wait();
  start = Clock::now();
  deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  go.count_down();  // publishes start and deadline to the workers
  for (std::thread& w : workers) w.join();

  TimedRun run;
  run.status = std::move(first_error);
  Clock::time_point end = start;
  for (unsigned t = 0; t < threads; ++t) {
    run.ops += ops[t];
    run.latencies.merge(latencies[t]);
    end = std::max(end, finished[t]);
  }
  run.seconds = std::chrono::duration<double>(end - start).count();
  return run;
}

TimedRun run_counted(uint64_t ops, const TimedOperation& operation) {
  TimedRun run;
  run.latencies.reserve(ops);
  const Clock::time_point start = Clock::now();
  for (uint64_t op = 0; op < ops; ++op) {
    const Clock::time_point before = Clock::now();
    run.status = operation(0, op);
    const Clock::time_point after = Clock::now();
    if (!run.status.is_ok()) break;
    run.latencies.add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(after - before).count()));
    ++run.ops;
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

void fill_rate_row(Row& row, TimedRun& run) {
  if (!run.status.is_ok()) {
    fail_row(row, run.status);
    return;
  }
  row.ops = run.ops;
  row.seconds = run.seconds;
  row.ops_per_sec = run.seconds > 0 ? static_cast<double>(run.ops) / run.seconds : 0;
  row.p50_us = run.latencies.percentile_us(0.50);
  row.p99_us = run.latencies.percentile_us(0.99);
  row.primary_name = "throughput";
  row.primary_unit = "ops/s";
  row.primary = *row.ops_per_sec;
  row.higher_is_better = true;
}

void fail_row(Row& row, const Status& status) {
  row.status = RowStatus::kFailed;
  row.note = status.to_string();
}

std::string engine_remark(const EngineInfo& info, bool writes, bool reads) {
  const Capabilities& caps = info.capabilities;
  if (writes && reads && caps.writes_serialised_by_adapter && caps.reads_serialised_by_adapter) {
    return "adapter mutex serialises all calls";
  }
  if (writes && caps.writes_serialised_by_adapter) return "adapter mutex serialises writes";
  if (reads && caps.reads_serialised_by_adapter) return "adapter mutex serialises reads";
  return "";
}

void add_note(Row& row, std::string_view remark) {
  if (remark.empty()) return;
  if (!row.note.empty()) row.note += "; ";
  row.note += remark;
}

std::string count_label(uint64_t count) {
  const std::string digits = std::to_string(count);
  std::string label;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) label.push_back(',');
    label.push_back(digits[i]);
  }
  return label + " keys";
}

std::vector<std::string> keys_for(uint64_t count) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (uint64_t i = 0; i < count; ++i) keys.push_back(key_for(i));
  return keys;
}

Status prepare_store(const EngineFactory& engine, const std::string& dir, uint64_t count,
                     size_t value_bytes, const ValuePool& values) {
  std::unique_ptr<EngineAdapter> adapter = engine.make();
  OpenParams params;
  params.dir = dir;
  params.durable = false;
  params.keys_max = count;
  params.value_bytes_max = value_bytes;
  LOGKV_RETURN_IF_ERROR(adapter->open(params).with_context("open for loading"));
  std::string key;
  auto source = [&](uint64_t i, std::string_view& key_out, std::string_view& value_out) {
    key = key_for(i);
    key_out = key;
    value_out = values.value(i, value_bytes);
  };
  LOGKV_RETURN_IF_ERROR(adapter->bulk_load(count, source));
  return adapter->close().with_context("close after loading");
}

Status time_opens(const EngineFactory& engine, const OpenParams& params, uint64_t count,
                  size_t value_bytes, int repeats, uint64_t seed, const BeforeOpen& before_open,
                  const AfterFirstOpen& after_first_open, Row& row) {
  Rng rng(seed);
  LatencySamples latencies;
  double total_seconds = 0;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    std::unique_ptr<EngineAdapter> adapter = engine.make();
    const std::string key = key_for(rng.below(count));
    if (before_open) LOGKV_RETURN_IF_ERROR(before_open(repeat));
    const Clock::time_point start = Clock::now();
    LOGKV_RETURN_IF_ERROR(adapter->open(params));
    LOGKV_RETURN_IF_ERROR(expect_value(adapter->get(key), key, value_bytes));
    const Clock::duration elapsed = Clock::now() - start;
    if (repeat == 0 && after_first_open) after_first_open(*adapter, row);
    LOGKV_RETURN_IF_ERROR(adapter->close());
    latencies.add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
    total_seconds += std::chrono::duration<double>(elapsed).count();
  }
  row.ops = static_cast<uint64_t>(repeats);
  row.seconds = total_seconds;
  row.p50_us = latencies.percentile_us(0.50);
  row.p99_us = latencies.percentile_us(0.99);
  row.primary_name = "open + first get (median)";
  row.primary_unit = "ms";
  row.primary = *row.p50_us / 1000.0;
  row.higher_is_better = false;
  return Status::ok();
}

void add_open_figures(EngineAdapter& adapter, Row& row) {
  if (std::optional<EngineStats> stats = adapter.stats(); stats.has_value()) {
    row.figures.push_back({"hint_files_loaded", static_cast<double>(stats->hint_files_loaded), ""});
    row.figures.push_back({"segments", static_cast<double>(stats->segments), ""});
  }
}

Status expect_value(const Result<std::optional<std::string>>& value, std::string_view key,
                    size_t value_bytes) {
  if (!value.is_ok()) return value.status();
  if (!value->has_value()) {
    return Status::corruption("key " + std::string(key) + " is missing although it was stored");
  }
  if ((*value)->size() != value_bytes) {
    return Status::corruption("key " + std::string(key) + " has " +
                              std::to_string((*value)->size()) + " bytes, stored " +
                              std::to_string(value_bytes));
  }
  return Status::ok();
}

}  // namespace logkv::bench
