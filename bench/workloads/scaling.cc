// Workload 11: how each cost grows with the store. For every size of
// WorkloadSizes::scaling_keys (1,000 to 10,000,000 keys in the full run) each engine gets a
// fresh store and five figures:
//
// - sets: the store is loaded with all its keys in durable batches of scaling_batch_keys
//   (Capabilities::batched_writes: one sync per batch, the same for every engine), in a
//   scrambled key order; keys per second of time spent in set_batch().
// - gets: random point gets of stored keys (each value checked) from one thread, for
//   read_seconds, on the store just loaded (warm page cache).
// - open: close, drop nothing, then open + one get of a random key, the median of
//   open_repeats opens, as the open workload times it.
// - memory: resident growth per key of a fresh child process that opens the store and gets one
//   key, as the index-memory workload measures it.
// - disk: bytes the store's folder occupies on disk (allocated blocks) after the load and a
//   close, per key.
//
// Loads are bounded by the key count and gets by time; sizes beyond a few million keys take
// minutes per engine, so this workload runs in one round.
#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/workloads/index_memory.h"
#include "bench/workloads/scratch_space.h"
#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kGroup = "scaling";

// A prime above every store size, so that i -> i * kOrderMultiplier mod n visits every key of a
// store of n keys once: a load in neither sorted nor insertion order, without a permutation
// table of n entries.
constexpr uint64_t kOrderMultiplier = 2'654'435'761;
// Gets draw their keys from this many random picks, made before the clock starts: enough that
// the picks of a 10-million-key store do not fit in a CPU cache.
constexpr uint64_t kGetKeyPicksMax = uint64_t{1} << 20;

enum Measure { kSets, kGets, kOpen, kMemory, kDisk, kMeasureCount };
constexpr std::array<std::string_view, kMeasureCount> kMeasureNames = {"sets", "gets", "open",
                                                                       "memory", "disk"};

std::string variant_label(int measure, uint64_t keys) {
  return std::string(kMeasureNames[measure]) + ", " + count_label(keys);
}

uint64_t load_order(uint64_t i, uint64_t keys) { return i * kOrderMultiplier % keys; }

using MeasureRows = std::array<Row, kMeasureCount>;

class ScalingWorkload final : public Workload {
 public:
  std::string_view name() const override { return "scaling"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "durable batched sets/s, gets/s, open time, memory and disk per key at 1,000 keys and "
           "each tenfold up to --scaling-max-keys";
  }
  bool applies_to(const Capabilities& capabilities) const override {
    return capabilities.point_reads && capabilities.reopen && capabilities.batched_writes;
  }
  std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                             const EngineInfo& engine) const override {
    if (!applies_to(engine.capabilities)) return {};
    return all_variants(sizes);
  }
  bool measured_in_rounds() const override { return false; }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    const WorkloadSizes& sizes = context.config.sizes;
    const Capabilities capabilities = engine.make()->info().capabilities;
    std::vector<Row> rows;
    if (!applies_to(capabilities)) {
      const std::string reason = !capabilities.point_reads
                                     ? "engine keeps no index, so it cannot read"
                                     : "adapter maps no batched write; one sync per key would "
                                       "take hours at the largest size";
      for (const std::string& variant : all_variants(sizes)) {
        rows.push_back(not_applicable_row(name(), kGroup, variant, engine.name, reason));
      }
      return rows;
    }
    std::vector<MeasureRows> by_size;
    for (uint64_t keys : sizes.scaling_keys) {
      MeasureRows size_rows;
      for (int m = 0; m < kMeasureCount; ++m) {
        size_rows[m] = make_row(name(), kGroup, variant_label(m, keys), engine.name);
        size_rows[m].figures.push_back({"keys", static_cast<double>(keys), ""});
      }
      if (Status status = measure(engine, context, keys, size_rows); !status.is_ok()) {
        for (Row& row : size_rows) fail_row(row, status);
      }
      by_size.push_back(std::move(size_rows));
    }
    // Measure by measure, so that the table shows one measure's sizes together.
    for (int m = 0; m < kMeasureCount; ++m) {
      for (MeasureRows& size_rows : by_size) rows.push_back(std::move(size_rows[m]));
    }
    return rows;
  }

 private:
  static std::vector<std::string> all_variants(const WorkloadSizes& sizes) {
    std::vector<std::string> variants;
    for (int m = 0; m < kMeasureCount; ++m) {
      for (uint64_t keys : sizes.scaling_keys) variants.push_back(variant_label(m, keys));
    }
    return variants;
  }

  // All five figures of one store size, on one fresh store.
  static Status measure(const EngineFactory& engine, WorkloadContext& context, uint64_t keys,
                        MeasureRows& rows) {
    const WorkloadSizes& sizes = context.config.sizes;
    Result<ScratchDir> dir = context.scratch.fresh("scaling-" + engine.name);
    if (!dir.is_ok()) return dir.status();
    OpenParams params;
    params.dir = dir->path();
    params.keys_max = keys;
    params.value_bytes_max = sizes.value_bytes;
    std::unique_ptr<EngineAdapter> adapter = engine.make();
    LOGKV_RETURN_IF_ERROR(adapter->open(params));
    LOGKV_RETURN_IF_ERROR(load(*adapter, context, keys, rows[kSets]));
    LOGKV_RETURN_IF_ERROR(time_gets(*adapter, context, keys, rows[kGets]));
    LOGKV_RETURN_IF_ERROR(adapter->close());
    fill_disk_row(dir->path(), keys, rows[kDisk]);
    LOGKV_RETURN_IF_ERROR(time_opens(engine, params, keys, sizes.value_bytes, sizes.open_repeats,
                                     context.config.seed, {}, add_open_figures, rows[kOpen]));
    Result<std::map<std::string, double>> memory = measure_memory_in_child(
        context.self_path, "open", engine.name, dir->path(), keys, context.config.seed);
    if (!memory.is_ok()) return memory.status();
    return fill_memory_row(*memory, keys, rows[kMemory]);
  }

  // Loads keys 0..keys-1 in durable batches; only set_batch() is timed, so that making the
  // keys' text is not counted as the engine's time.
  static Status load(EngineAdapter& adapter, WorkloadContext& context, uint64_t keys, Row& row) {
    const WorkloadSizes& sizes = context.config.sizes;
    const uint64_t batch_keys = std::clamp<uint64_t>(sizes.scaling_batch_keys, 1, keys);
    std::vector<std::string> key_text(batch_keys);
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    pairs.reserve(batch_keys);
    LatencySamples latencies;
    double seconds = 0;
    for (uint64_t first = 0; first < keys; first += batch_keys) {
      const uint64_t end = std::min(keys, first + batch_keys);
      pairs.clear();
      for (uint64_t i = first; i < end; ++i) {
        std::string& key = key_text[i - first];
        key = key_for(load_order(i, keys));
        pairs.emplace_back(key, context.values.value(i, sizes.value_bytes));
      }
      const Clock::time_point start = Clock::now();
      LOGKV_RETURN_IF_ERROR(adapter.set_batch(pairs).with_context(
          "durable batch of keys " + std::to_string(first) + ".." + std::to_string(end - 1)));
      const Clock::duration elapsed = Clock::now() - start;
      latencies.add(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
      seconds += std::chrono::duration<double>(elapsed).count();
    }
    row.ops = keys;
    row.seconds = seconds;
    row.ops_per_sec = seconds > 0 ? static_cast<double>(keys) / seconds : 0;
    row.p50_us = latencies.percentile_us(0.50);
    row.p99_us = latencies.percentile_us(0.99);
    row.primary_name = "durable batched sets";
    row.primary_unit = "ops/s";
    row.primary = *row.ops_per_sec;
    row.higher_is_better = true;
    row.figures.push_back({"batch_keys", static_cast<double>(batch_keys), ""});
    add_note(row, "p50/p99 are per batch of " + std::to_string(batch_keys) + " keys");
    return Status::ok();
  }

  static Status time_gets(EngineAdapter& adapter, WorkloadContext& context, uint64_t keys,
                          Row& row) {
    const WorkloadSizes& sizes = context.config.sizes;
    Rng rng(context.config.seed + keys);
    std::vector<std::string> picks(std::min(kGetKeyPicksMax, 4 * keys));
    for (std::string& key : picks) key = key_for(rng.below(keys));
    TimedRun run = run_timed(1, sizes.read_seconds, [&](unsigned, uint64_t op) {
      const std::string& key = picks[op % picks.size()];
      return expect_value(adapter.get(key), key, sizes.value_bytes);
    });
    fill_rate_row(row, run);
    row.primary_name = "hot gets";
    return run.status;
  }

  static void fill_disk_row(const std::string& dir, uint64_t keys, Row& row) {
    const double disk_bytes = static_cast<double>(folder_disk_bytes(dir));
    const double file_bytes = static_cast<double>(folder_file_size_bytes(dir));
    row.ops = keys;
    row.primary_name = "disk bytes per key";
    row.primary_unit = "B/key";
    row.primary = disk_bytes / static_cast<double>(keys);
    row.higher_is_better = false;
    row.figures.push_back({"disk_bytes", disk_bytes, "B"});
    row.figures.push_back({"file_size_per_key", file_bytes / static_cast<double>(keys), "B/key"});
    add_note(row, "allocated blocks after load and close, preallocated space included");
  }

  static Status fill_memory_row(const std::map<std::string, double>& figures, uint64_t keys,
                                Row& row) {
    for (const char* name : {"rss_before", "rss_after", "anon_before", "anon_after"}) {
      if (figures.count(name) == 0) {
        return Status::corruption(std::string("memory child output lacks '") + name + "'");
      }
    }
    const double count = static_cast<double>(keys);
    row.ops = keys;
    row.primary_name = "resident growth per key";
    row.primary_unit = "B/key";
    row.primary = (figures.at("rss_after") - figures.at("rss_before")) / count;
    row.higher_is_better = false;
    row.figures.push_back({"anon_growth_per_key",
                           (figures.at("anon_after") - figures.at("anon_before")) / count,
                           "B/key"});
    add_note(row, "child process: open + one get; counts file pages the engine maps");
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<Workload> make_scaling_workload() { return std::make_unique<ScalingWorkload>(); }

}  // namespace logkv::bench
