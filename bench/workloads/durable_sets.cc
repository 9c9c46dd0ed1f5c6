// Workloads 1 and 2: durable sets of 100-byte values over Spin's 1024 keys, by one writer and
// by 4 and 16 concurrent writers. The first pass over the keys inserts, later passes overwrite.
#include <string>
#include <vector>

#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "writes";

std::string writers_label(unsigned writers) {
  return writers == 1 ? "1 writer" : std::to_string(writers) + " writers";
}

Row run_sets(std::string_view workload, const EngineFactory& engine, WorkloadContext& context,
             unsigned writers) {
  const WorkloadSizes& sizes = context.config.sizes;
  Row row = make_row(workload, kGroup, writers_label(writers), engine.name);

  Result<ScratchDir> dir = context.scratch.fresh(std::string(workload) + "-" + engine.name);
  if (!dir.is_ok()) {
    fail_row(row, dir.status());
    return row;
  }
  std::unique_ptr<EngineAdapter> adapter = engine.make();
  OpenParams params;
  params.dir = dir->path();
  params.keys_max = sizes.keys;
  params.value_bytes_max = sizes.value_bytes;
  if (Status status = adapter->open(params); !status.is_ok()) {
    fail_row(row, status);
    return row;
  }

  const std::vector<std::string> keys = keys_for(sizes.keys);
  const ValuePool& values = context.values;
  // Writers interleave over the keys (writer w takes keys w, w+W, ...), so they never write the
  // same key at once and every key is written about equally often.
  TimedRun run = run_timed(writers, sizes.write_seconds, [&](unsigned writer, uint64_t op) {
    const uint64_t sequence = op * writers + writer;
    return adapter->set(keys[sequence % keys.size()], values.value(sequence, sizes.value_bytes));
  });
  fill_rate_row(row, run);
  if (Status status = adapter->close(); !status.is_ok() && row.status == RowStatus::kOk) {
    fail_row(row, status);
  }
  if (writers > 1) add_note(row, engine_remark(adapter->info(), /*writes=*/true, false));
  return row;
}

class DurableSetsWorkload final : public Workload {
 public:
  std::string_view name() const override { return "sets"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "durable sets, one writer, 1024 keys, 100-byte values";
  }
  bool applies_to(const Capabilities&) const override { return true; }
  std::vector<std::string> measured_variants(const WorkloadSizes&,
                                             const EngineInfo&) const override {
    return {writers_label(1)};
  }
  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    return {run_sets(name(), engine, context, 1)};
  }
};

class ConcurrentSetsWorkload final : public Workload {
 public:
  std::string_view name() const override { return "concurrent-sets"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "durable sets from 4 and 16 writer threads, 1024 keys, 100-byte values";
  }
  bool applies_to(const Capabilities&) const override { return true; }
  std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                             const EngineInfo&) const override {
    std::vector<std::string> variants;
    for (unsigned writers : sizes.writer_threads) variants.push_back(writers_label(writers));
    return variants;
  }
  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    std::vector<Row> rows;
    for (unsigned writers : context.config.sizes.writer_threads) {
      rows.push_back(run_sets(name(), engine, context, writers));
    }
    return rows;
  }
};

}  // namespace

std::unique_ptr<Workload> make_durable_sets_workload() {
  return std::make_unique<DurableSetsWorkload>();
}

std::unique_ptr<Workload> make_concurrent_sets_workload() {
  return std::make_unique<ConcurrentSetsWorkload>();
}

}  // namespace logkv::bench
