// Workload 7: how long a process waits before it can serve its first read from an existing
// store: open, then get one random key. Stores of 1024 keys (Spin's capacity) and of a million
// keys (raised keys_max) are loaded untimed, closed, and reopened several times; the page cache
// is warm. Several engines open lazily, so the first get is part of the figure for all of them.
// Every engine opens with its default options, logkv included.
//
// Engines with explicit compaction (logkv) are compacted once after loading, the way a store
// looks after it has run for a while: logkv then has a hint file for every segment of at least
// Options::hint_segment_bytes_min, and its clean close writes the index checkpoint (INDEX), which
// the next open loads. At the large size logkv gets two more rows: "hints", opened with the
// checkpoint deleted before each open, so that it rebuilds its index from the hint files, and
// "scan", with the hint files deleted too, so that it rebuilds it from the data: the three rows
// side by side are what the checkpoint and the hint files buy. A store of 1024 keys (150 KB) has
// neither to delete, so those rows there would time the same store again and are left out.
#include <filesystem>
#include <string>
#include <system_error>
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

  std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                             const EngineInfo& engine) const override {
    if (!applies_to(engine.capabilities)) return {};
    std::vector<std::string> variants = {count_label(sizes.keys),
                                         count_label(sizes.open_keys_large)};
    if (has_rebuild_rows(engine.name)) {
      variants.push_back(rebuild_label(sizes.open_keys_large, Rebuild::kFromHints));
      variants.push_back(rebuild_label(sizes.open_keys_large, Rebuild::kFromData));
    }
    return variants;
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
      const bool with_rebuilds = has_rebuild_rows(engine.name) && count == sizes.open_keys_large;
      Row row = make_row(name(), kGroup, variant, engine.name);
      RebuildRows rebuilds{
          make_row(name(), kGroup, rebuild_label(count, Rebuild::kFromHints), engine.name),
          make_row(name(), kGroup, rebuild_label(count, Rebuild::kFromData), engine.name)};
      if (Status status = measure(engine, context, count, row, with_rebuilds ? &rebuilds : nullptr);
          !status.is_ok()) {
        fail_row(row, status);
        fail_row(rebuilds.from_hints, status);
        fail_row(rebuilds.from_data, status);
      }
      rows.push_back(std::move(row));
      if (with_rebuilds) {
        rows.push_back(std::move(rebuilds.from_hints));
        rows.push_back(std::move(rebuilds.from_data));
      }
    }
    return rows;
  }

 private:
  // What logkv rebuilds its index from when the files that spare it the work are deleted.
  enum class Rebuild { kNothing, kFromHints, kFromData };
  struct RebuildRows {
    Row from_hints;
    Row from_data;
  };
  // Only logkv reports what its index checkpoint and hint files buy.
  static bool has_rebuild_rows(std::string_view engine) { return engine == "logkv"; }
  static std::string rebuild_label(uint64_t count, Rebuild rebuild) {
    return count_label(count) + (rebuild == Rebuild::kFromHints ? ", hints" : ", scan");
  }

  // Measures `row` as the store is after loading (and compacting, where the engine can); when
  // `rebuilds` is given, also those rows, with the checkpoint (and the hint files) deleted
  // before every open.
  static Status measure(const EngineFactory& engine, WorkloadContext& context, uint64_t count,
                        Row& row, RebuildRows* rebuilds) {
    const WorkloadSizes& sizes = context.config.sizes;
    Result<ScratchDir> dir = context.scratch.fresh("open-" + engine.name);
    if (!dir.is_ok()) return dir.status();
    LOGKV_RETURN_IF_ERROR(
        prepare_store(engine, dir->path(), count, sizes.value_bytes, context.values));
    OpenParams params;
    params.dir = dir->path();
    params.keys_max = count;
    params.value_bytes_max = sizes.value_bytes;
    if (engine.make()->info().capabilities.explicit_compaction) {
      std::unique_ptr<EngineAdapter> adapter = engine.make();
      LOGKV_RETURN_IF_ERROR(adapter->open(params));
      LOGKV_RETURN_IF_ERROR(adapter->compact());
      LOGKV_RETURN_IF_ERROR(adapter->close());
    }
    row.figures.push_back(
        {"store_disk_bytes", static_cast<double>(folder_disk_bytes(dir->path())), "B"});
    LOGKV_RETURN_IF_ERROR(measure_opens(engine, context, params, count, row, Rebuild::kNothing));
    if (rebuilds == nullptr) return Status::ok();
    LOGKV_RETURN_IF_ERROR(
        measure_opens(engine, context, params, count, rebuilds->from_hints, Rebuild::kFromHints));
    LOGKV_RETURN_IF_ERROR(
        measure_opens(engine, context, params, count, rebuilds->from_data, Rebuild::kFromData));
    // One more open leaves the hint files the way the default row found them for the next run.
    std::unique_ptr<EngineAdapter> adapter = engine.make();
    LOGKV_RETURN_IF_ERROR(adapter->open(params));
    return adapter->close();
  }

  // Deletes logkv's index checkpoint (INDEX) in `dir`, and with kFromData its hint files
  // (NNNNNNNNNN.hint) too; returns how many hint files.
  static Result<uint64_t> remove_rebuild_shortcuts(const std::string& dir, Rebuild rebuild) {
    std::error_code error;
    uint64_t removed = 0;
    std::filesystem::remove(std::filesystem::path(dir) / "INDEX", error);
    std::vector<std::filesystem::path> doomed;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
      if (rebuild == Rebuild::kFromData && entry.path().extension() == ".hint") {
        doomed.push_back(entry.path());
      }
    }
    for (const auto& path : doomed) removed += std::filesystem::remove(path, error) ? 1 : 0;
    if (error) {
      return Status::io_error("cannot delete the index checkpoint or hint files in '" + dir +
                              "': " + error.message());
    }
    return removed;
  }

  static Status measure_opens(const EngineFactory& engine, WorkloadContext& context,
                              const OpenParams& params, uint64_t count, Row& row, Rebuild rebuild) {
    BeforeOpen delete_shortcuts;
    if (rebuild != Rebuild::kNothing) {
      delete_shortcuts = [&](int repeat) -> Status {
        Result<uint64_t> removed = remove_rebuild_shortcuts(params.dir, rebuild);
        if (!removed.is_ok()) return removed.status();
        if (repeat == 0 && rebuild == Rebuild::kFromData) {
          row.figures.push_back({"hint_files_deleted", static_cast<double>(*removed), ""});
        }
        return Status::ok();
      };
    }
    const WorkloadSizes& sizes = context.config.sizes;
    return time_opens(engine, params, count, sizes.value_bytes, sizes.open_repeats,
                      context.config.seed, delete_shortcuts, add_open_figures, row);
  }
};

}  // namespace

std::unique_ptr<Workload> make_open_time_workload() { return std::make_unique<OpenTimeWorkload>(); }

}  // namespace logkv::bench
