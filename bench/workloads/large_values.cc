// Workload 5: values of exactly 1 MiB, Spin's largest. Durable sets cycle over a few keys; then
// the same store serves random gets of them (every value's length is checked).
#include <algorithm>
#include <string>
#include <vector>

#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "large-values";

// "1 MiB", or the byte count of another size.
std::string size_label(const WorkloadSizes& sizes) {
  return sizes.large_value_bytes == (size_t{1} << 20)
             ? "1 MiB"
             : std::to_string(sizes.large_value_bytes) + " B";
}

class LargeValuesWorkload final : public Workload {
 public:
  std::string_view name() const override { return "large-values"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override { return "durable sets and gets of 1 MiB values"; }
  bool applies_to(const Capabilities&) const override { return true; }

  std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                             const EngineInfo& engine) const override {
    std::vector<std::string> variants = {"set " + size_label(sizes)};
    if (engine.capabilities.point_reads) variants.push_back("get " + size_label(sizes));
    return variants;
  }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    const WorkloadSizes& sizes = context.config.sizes;
    Row set_row = make_row(name(), kGroup, "set " + size_label(sizes), engine.name);
    Row get_row = make_row(name(), kGroup, "get " + size_label(sizes), engine.name);
    const EngineInfo info = engine.make()->info();
    if (!info.capabilities.point_reads) {
      get_row = not_applicable_row(name(), kGroup, get_row.variant, engine.name,
                                   "engine keeps no index, so it cannot read");
    }
    const Status status = measure(engine, context, set_row, get_row);
    for (Row* row : {&set_row, &get_row}) {
      if (row->status != RowStatus::kOk) continue;
      if (!status.is_ok()) {
        fail_row(*row, status);
      } else if (!row->ops_per_sec.has_value()) {
        fail_row(*row, Status::io_error("not measured: the 1 MiB sets before it failed"));
      }
    }
    return {std::move(set_row), std::move(get_row)};
  }

 private:
  static Status measure(const EngineFactory& engine, WorkloadContext& context, Row& set_row,
                        Row& get_row) {
    const WorkloadSizes& sizes = context.config.sizes;
    Result<ScratchDir> dir = context.scratch.fresh("large-values-" + engine.name);
    if (!dir.is_ok()) return dir.status();
    std::unique_ptr<EngineAdapter> adapter = engine.make();
    OpenParams params;
    params.dir = dir->path();
    params.keys_max = sizes.large_value_keys;
    params.value_bytes_max = sizes.large_value_bytes;
    LOGKV_RETURN_IF_ERROR(adapter->open(params));

    const std::vector<std::string> keys = keys_for(sizes.large_value_keys);
    TimedRun sets = run_timed(1, sizes.write_seconds, [&](unsigned, uint64_t op) {
      return adapter->set(keys[op % keys.size()],
                          context.values.value(op, sizes.large_value_bytes));
    });
    fill_rate_row(set_row, sets);
    if (set_row.status != RowStatus::kOk || get_row.status != RowStatus::kOk) {
      return adapter->close();
    }

    // Only keys the set loop reached hold a value.
    const uint64_t written = std::min<uint64_t>(sets.ops, keys.size());
    Rng rng(context.config.seed);
    TimedRun gets = run_timed(1, sizes.read_seconds, [&](unsigned, uint64_t) {
      const std::string& key = keys[rng.below(written)];
      return expect_value(adapter->get(key), key, sizes.large_value_bytes);
    });
    fill_rate_row(get_row, gets);
    return adapter->close();
  }
};

}  // namespace

std::unique_ptr<Workload> make_large_values_workload() {
  return std::make_unique<LargeValuesWorkload>();
}

}  // namespace logkv::bench
