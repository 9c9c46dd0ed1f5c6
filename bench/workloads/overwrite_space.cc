// Workload 8: steady overwrites of Spin's 1024 keys (a million in the full run), with the store
// folder's disk bytes sampled as the run goes, next to the live bytes (one key and value per
// key). An engine that reclaims space levels off; one that only appends grows with every write.
//
// This row is about space, not speed: every engine runs with its durable setting off
// (OpenParams::durable = false), so that a million writes finish in seconds on engines that
// pay milliseconds per sync; the ops/s it reports are not durable rates. logkv is given
// segments of `overwrite_segment_bytes` (OpenParams::log_segment_bytes): with its 64 MiB
// default a store of 150 KB would sit in one segment. At the end, engines with explicit
// compaction compact once more and the folder is measured again ("after compact"); logkv also
// reports its compaction write amplification and its disk bytes against its own live bytes
// (record headers included), at the worst sample and at the end.
#include <algorithm>
#include <string>
#include <vector>

#include "bench/workloads/scratch_space.h"
#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "space";

class OverwriteSpaceWorkload final : public Workload {
 public:
  std::string_view name() const override { return "overwrite-space"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "steady overwrites of 1024 keys (sync off: a space figure): disk bytes vs live bytes";
  }
  bool applies_to(const Capabilities& capabilities) const override {
    return capabilities.point_reads;
  }
  std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                             const EngineInfo& engine) const override {
    if (!applies_to(engine.capabilities)) return {};
    return {count_label(sizes.keys)};
  }
  bool measured_in_rounds() const override { return false; }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    const std::string variant = count_label(context.config.sizes.keys);
    if (!applies_to(engine.make()->info().capabilities)) {
      return {not_applicable_row(name(), kGroup, variant, engine.name,
                                 "engine keeps every record by design; it is not a store")};
    }
    Row row = make_row(name(), kGroup, variant, engine.name);
    if (Status status = measure(engine, context, row); !status.is_ok()) fail_row(row, status);
    return {std::move(row)};
  }

 private:
  static Status measure(const EngineFactory& engine, WorkloadContext& context, Row& row) {
    const WorkloadSizes& sizes = context.config.sizes;
    Result<ScratchDir> dir = context.scratch.fresh("overwrite-space-" + engine.name);
    if (!dir.is_ok()) return dir.status();
    std::unique_ptr<EngineAdapter> adapter = engine.make();
    OpenParams params;
    params.dir = dir->path();
    params.keys_max = sizes.keys;
    params.value_bytes_max = sizes.value_bytes;
    params.durable = false;
    params.log_segment_bytes = sizes.overwrite_segment_bytes;
    LOGKV_RETURN_IF_ERROR(adapter->open(params));

    const std::vector<std::string> keys = keys_for(sizes.keys);
    const uint64_t pair_bytes = kKeyBytes + sizes.value_bytes;
    // Sampling between slices keeps the directory walk out of the timed operations.
    const uint64_t slices = static_cast<uint64_t>(std::max(1, sizes.overwrite_samples));
    TimedRun total;
    uint64_t ops = 0;
    double worst_ratio = 0;         // folder bytes / user live bytes, over the samples
    double worst_engine_ratio = 0;  // folder bytes / the engine's own live bytes
    row.series.push_back({0, 0, folder_disk_bytes(dir->path()), 0});
    for (uint64_t slice = 0; slice < slices; ++slice) {
      const uint64_t slice_ops = (slice + 1) * sizes.overwrite_ops / slices - ops;
      TimedRun run = run_counted(slice_ops, [&](unsigned, uint64_t op) {
        const uint64_t sequence = ops + op;
        return adapter->set(keys[sequence % keys.size()],
                            context.values.value(sequence, sizes.value_bytes));
      });
      ops += run.ops;
      total.ops += run.ops;
      total.seconds += run.seconds;
      total.latencies.merge(run.latencies);
      if (!run.status.is_ok()) {
        total.status = run.status;
        break;
      }
      const Sample sample{total.seconds, ops, folder_disk_bytes(dir->path()),
                          std::min<uint64_t>(ops, keys.size()) * pair_bytes};
      row.series.push_back(sample);
      // Ratios only once every key exists: before that the store is still filling up.
      if (ops < keys.size()) continue;
      worst_ratio = std::max(worst_ratio, static_cast<double>(sample.disk_bytes) /
                                              static_cast<double>(sample.live_bytes));
      if (std::optional<EngineStats> stats = adapter->stats(); stats && stats->live_bytes > 0) {
        worst_engine_ratio =
            std::max(worst_engine_ratio, static_cast<double>(sample.disk_bytes) /
                                             static_cast<double>(stats->live_bytes));
      }
    }
    fill_rate_row(row, total);
    if (row.status != RowStatus::kOk) return adapter->close();

    const Sample& last = row.series.back();
    row.primary_name = "disk bytes / live bytes";
    row.primary_unit = "x";
    row.primary = static_cast<double>(last.disk_bytes) / static_cast<double>(last.live_bytes);
    row.higher_is_better = false;
    row.figures.push_back({"disk_bytes", static_cast<double>(last.disk_bytes), "B"});
    row.figures.push_back({"live_bytes", static_cast<double>(last.live_bytes), "B"});
    // Preallocated files occupy blocks beyond their size; both views are worth seeing.
    row.figures.push_back(
        {"file_size_bytes", static_cast<double>(folder_file_size_bytes(dir->path())), "B"});
    row.figures.push_back({"worst_sample_ratio", worst_ratio, "x"});
    if (std::optional<EngineStats> stats = adapter->stats(); stats.has_value()) {
      row.figures.push_back({"engine_disk_bytes", static_cast<double>(stats->disk_bytes), "B"});
      row.figures.push_back({"engine_live_bytes", static_cast<double>(stats->live_bytes), "B"});
      row.figures.push_back({"worst_sample_ratio_to_engine_live", worst_engine_ratio, "x"});
      if (stats->live_bytes > 0) {
        row.figures.push_back(
            {"end_ratio_to_engine_live",
             static_cast<double>(last.disk_bytes) / static_cast<double>(stats->live_bytes), "x"});
      }
      if (stats->user_bytes_written > 0) {
        row.figures.push_back({"compaction_write_amplification",
                               static_cast<double>(stats->compaction_bytes_written) /
                                   static_cast<double>(stats->user_bytes_written),
                               "x"});
        row.figures.push_back({"compactions", static_cast<double>(stats->compactions), ""});
      }
    }
    if (adapter->info().capabilities.explicit_compaction) {
      LOGKV_RETURN_IF_ERROR(adapter->compact());
      row.figures.push_back({"ratio_after_compact",
                             static_cast<double>(folder_disk_bytes(dir->path())) /
                                 static_cast<double>(last.live_bytes),
                             "x"});
    }
    return adapter->close();
  }
};

}  // namespace

std::unique_ptr<Workload> make_overwrite_space_workload() {
  return std::make_unique<OverwriteSpaceWorkload>();
}

}  // namespace logkv::bench
