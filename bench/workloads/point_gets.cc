// Workload 3: hot point reads. 1024 keys with 100-byte values are loaded, the store is reopened
// with its durable setting, and 1 or 2 reader threads get random keys (every value is checked).
// An exists() row shows the cost of Spin's exists, which reads the value in SQLite.
#include <string>
#include <vector>

#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "reads";

enum class ReadKind { kGet, kExists };

struct ReadVariant {
  ReadKind kind;
  unsigned readers;

  std::string label() const {
    return std::string(kind == ReadKind::kGet ? "get, " : "exists, ") + std::to_string(readers) +
           (readers == 1 ? " reader" : " readers");
  }
};

// Gets from each reader-thread count, then exists from one thread.
std::vector<ReadVariant> read_variants(const WorkloadSizes& sizes) {
  std::vector<ReadVariant> variants;
  for (unsigned readers : sizes.reader_threads) variants.push_back({ReadKind::kGet, readers});
  variants.push_back({ReadKind::kExists, 1});
  return variants;
}

class PointGetsWorkload final : public Workload {
 public:
  std::string_view name() const override { return "gets"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "hot point gets of 1024 keys with 100-byte values from 1 and 2 reader threads, and "
           "exists from 1 thread";
  }
  bool applies_to(const Capabilities& capabilities) const override {
    return capabilities.point_reads;
  }

  std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                             const EngineInfo& engine) const override {
    std::vector<std::string> labels;
    if (!applies_to(engine.capabilities)) return labels;
    for (const ReadVariant& variant : read_variants(sizes)) labels.push_back(variant.label());
    return labels;
  }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    std::vector<Row> rows;
    const EngineInfo info = engine.make()->info();
    for (const ReadVariant& variant : read_variants(context.config.sizes)) {
      if (!applies_to(info.capabilities)) {
        rows.push_back(not_applicable_row(name(), kGroup, variant.label(), engine.name,
                                          "engine keeps no index, so it cannot read"));
        continue;
      }
      Row row = make_row(name(), kGroup, variant.label(), engine.name);
      if (Status status = measure(engine, context, variant.kind, variant.readers, row);
          !status.is_ok()) {
        fail_row(row, status);
      }
      if (variant.readers > 1) add_note(row, engine_remark(info, false, /*reads=*/true));
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  static Status measure(const EngineFactory& engine, WorkloadContext& context, ReadKind kind,
                        unsigned readers, Row& row) {
    const WorkloadSizes& sizes = context.config.sizes;
    Result<ScratchDir> dir = context.scratch.fresh("gets-" + engine.name);
    if (!dir.is_ok()) return dir.status();
    LOGKV_RETURN_IF_ERROR(
        prepare_store(engine, dir->path(), sizes.keys, sizes.value_bytes, context.values));

    std::unique_ptr<EngineAdapter> adapter = engine.make();
    OpenParams params;
    params.dir = dir->path();
    params.keys_max = sizes.keys;
    params.value_bytes_max = sizes.value_bytes;
    LOGKV_RETURN_IF_ERROR(adapter->open(params));

    const std::vector<std::string> keys = keys_for(sizes.keys);
    std::vector<Rng> rngs;
    for (unsigned r = 0; r < readers; ++r) rngs.emplace_back(context.config.seed + r + 1);
    TimedRun run = run_timed(readers, sizes.read_seconds, [&](unsigned reader, uint64_t) {
      const std::string& key = keys[rngs[reader].below(keys.size())];
      if (kind == ReadKind::kGet) return expect_value(adapter->get(key), key, sizes.value_bytes);
      Result<bool> found = adapter->exists(key);
      if (!found.is_ok()) return found.status();
      if (!*found) return Status::corruption("exists says stored key " + key + " is missing");
      return Status::ok();
    });
    fill_rate_row(row, run);
    return adapter->close();
  }
};

}  // namespace

std::unique_ptr<Workload> make_point_gets_workload() {
  return std::make_unique<PointGetsWorkload>();
}

}  // namespace logkv::bench
