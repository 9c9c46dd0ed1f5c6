// Workload 10: Spin's get-many. 1024 keys with 100-byte values are loaded, the store is reopened
// with its durable setting, and one reader asks for 16 random keys at a time (every value is
// checked). Engines without a batched read answer with one get per key, which the row says.
#include <string>
#include <string_view>
#include <vector>

#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "reads";
constexpr std::string_view kVariant = "get-many of 16 keys, 1 reader";
constexpr size_t kKeysPerCall = 16;

class GetManyWorkload final : public Workload {
 public:
  std::string_view name() const override { return "get-many"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "get-many of 16 random keys of 1024 with 100-byte values, from 1 reader thread";
  }
  bool applies_to(const Capabilities& capabilities) const override {
    return capabilities.point_reads;
  }

  std::vector<std::string> measured_variants(const WorkloadSizes&,
                                             const EngineInfo& engine) const override {
    if (!applies_to(engine.capabilities)) return {};
    return {std::string(kVariant)};
  }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    const EngineInfo info = engine.make()->info();
    if (!applies_to(info.capabilities)) {
      return {not_applicable_row(name(), kGroup, kVariant, engine.name,
                                 "engine keeps no index, so it cannot read")};
    }
    Row row = make_row(name(), kGroup, kVariant, engine.name);
    if (Status status = measure(engine, context, row); !status.is_ok()) fail_row(row, status);
    if (!info.capabilities.native_get_many) add_note(row, "one get per key (no batched read)");
    return {std::move(row)};
  }

 private:
  static Status measure(const EngineFactory& engine, WorkloadContext& context, Row& row) {
    const WorkloadSizes& sizes = context.config.sizes;
    Result<ScratchDir> dir = context.scratch.fresh("get-many-" + engine.name);
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
    Rng rng(context.config.seed + 1);
    TimedRun run = run_timed(1, sizes.read_seconds, [&](unsigned, uint64_t) {
      std::vector<std::string_view> asked;
      for (size_t i = 0; i < kKeysPerCall; ++i) asked.push_back(keys[rng.below(keys.size())]);
      Result<std::vector<std::optional<std::string>>> values = adapter->get_many(asked);
      if (!values.is_ok()) return values.status();
      if (values->size() != asked.size()) {
        return Status::corruption("get-many answered " + std::to_string(values->size()) +
                                  " values for " + std::to_string(asked.size()) + " keys");
      }
      for (size_t i = 0; i < asked.size(); ++i) {
        LOGKV_RETURN_IF_ERROR(expect_value((*values)[i], asked[i], sizes.value_bytes));
      }
      return Status::ok();
    });
    fill_rate_row(row, run);
    return adapter->close();
  }
};

}  // namespace

std::unique_ptr<Workload> make_get_many_workload() { return std::make_unique<GetManyWorkload>(); }

}  // namespace logkv::bench
