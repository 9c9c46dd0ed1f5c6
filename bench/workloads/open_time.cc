// Workload 7: how long a process waits before it can serve its first read from an existing
// store: open, then get one random key. Stores of 1024 keys (Spin's capacity) and of a million
// keys (raised keys_max) are loaded untimed, closed, and reopened several times; the page cache
// is warm. Several engines open lazily, so the first get is part of the figure for all of them.
// Every engine opens with its default options, logkv included.
#include <chrono>
#include <string>
#include <vector>

#include "bench/workloads/scratch_space.h"
#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "open";

class OpenTimeWorkload final : public Workload {
 public:
  std::string_view name() const override { return "open"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "open an existing store and get one key, at 1024 and at 1,000,000 keys";
  }
  bool applies_to(const Capabilities& capabilities) const override {
    return capabilities.reopen && capabilities.point_reads;
  }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    const WorkloadSizes& sizes = context.config.sizes;
    const bool applies = applies_to(engine.make()->info().capabilities);
    std::vector<Row> rows;
    for (uint64_t count : {sizes.keys, sizes.open_keys_large}) {
      const std::string variant = count_label(count);
      if (!applies) {
        rows.push_back(not_applicable_row(name(), kGroup, variant, engine.name,
                                          "engine keeps no index, so there is nothing to open"));
        continue;
      }
      Row row = make_row(name(), kGroup, variant, engine.name);
      if (Status status = measure(engine, context, count, row); !status.is_ok()) {
        fail_row(row, status);
      }
      rows.push_back(std::move(row));
      if (engine.name == "logkv") {
        // The row above opens with default Options: it reads whatever hint files logkv's
        // background thread wrote while loading, so it is neither a pure scan nor a pure hint
        // open. Measuring the two apart belongs to the compaction work.
        rows.push_back(not_applicable_row(
            name(), kGroup, variant + ", hints", engine.name,
            "open from hint files not measured apart yet; the row above uses default Options"));
      }
    }
    return rows;
  }

 private:
  static Status measure(const EngineFactory& engine, WorkloadContext& context, uint64_t count,
                        Row& row) {
    const WorkloadSizes& sizes = context.config.sizes;
    Result<ScratchDir> dir = context.scratch.fresh("open-" + engine.name);
    if (!dir.is_ok()) return dir.status();
    LOGKV_RETURN_IF_ERROR(
        prepare_store(engine, dir->path(), count, sizes.value_bytes, context.values));
    row.figures.push_back(
        {"store_disk_bytes", static_cast<double>(folder_disk_bytes(dir->path())), "B"});

    OpenParams params;
    params.dir = dir->path();
    params.keys_max = count;
    params.value_bytes_max = sizes.value_bytes;
    Rng rng(context.config.seed);
    LatencySamples latencies;
    double total_seconds = 0;
    for (int repeat = 0; repeat < sizes.open_repeats; ++repeat) {
      std::unique_ptr<EngineAdapter> adapter = engine.make();
      const std::string key = key_for(rng.below(count));
      const auto start = std::chrono::steady_clock::now();
      LOGKV_RETURN_IF_ERROR(adapter->open(params));
      LOGKV_RETURN_IF_ERROR(expect_value(adapter->get(key), key, sizes.value_bytes));
      const auto elapsed = std::chrono::steady_clock::now() - start;
      LOGKV_RETURN_IF_ERROR(adapter->close());
      latencies.add(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
      total_seconds += std::chrono::duration<double>(elapsed).count();
    }
    row.ops = static_cast<uint64_t>(sizes.open_repeats);
    row.seconds = total_seconds;
    row.p50_us = latencies.percentile_us(0.50);
    row.p99_us = latencies.percentile_us(0.99);
    row.primary_name = "open + first get (median)";
    row.primary_unit = "ms";
    row.primary = *row.p50_us / 1000.0;
    row.higher_is_better = false;
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<Workload> make_open_time_workload() { return std::make_unique<OpenTimeWorkload>(); }

}  // namespace logkv::bench
