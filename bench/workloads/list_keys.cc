// Workload 6: Spin's get-keys on a full store: list all 1024 keys, again and again, checking
// that every listing has them all.
#include <string>
#include <vector>

#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "listing";

class ListKeysWorkload final : public Workload {
 public:
  std::string_view name() const override { return "list-keys"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "get-keys: full listing of a store of 1024 keys (one op = one listing)";
  }
  bool applies_to(const Capabilities& capabilities) const override { return capabilities.listing; }
  std::vector<std::string> measured_variants(const WorkloadSizes& sizes,
                                             const EngineInfo& engine) const override {
    if (!applies_to(engine.capabilities)) return {};
    return {count_label(sizes.keys)};
  }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    const WorkloadSizes& sizes = context.config.sizes;
    const std::string variant = count_label(sizes.keys);
    if (!applies_to(engine.make()->info().capabilities)) {
      return {not_applicable_row(name(), kGroup, variant, engine.name,
                                 "engine keeps no index, so it cannot list keys")};
    }
    Row row = make_row(name(), kGroup, variant, engine.name);
    if (Status status = measure(engine, context, row); !status.is_ok()) fail_row(row, status);
    return {std::move(row)};
  }

 private:
  static Status measure(const EngineFactory& engine, WorkloadContext& context, Row& row) {
    const WorkloadSizes& sizes = context.config.sizes;
    Result<ScratchDir> dir = context.scratch.fresh("list-keys-" + engine.name);
    if (!dir.is_ok()) return dir.status();
    LOGKV_RETURN_IF_ERROR(
        prepare_store(engine, dir->path(), sizes.keys, sizes.value_bytes, context.values));
    std::unique_ptr<EngineAdapter> adapter = engine.make();
    OpenParams params;
    params.dir = dir->path();
    params.keys_max = sizes.keys;
    params.value_bytes_max = sizes.value_bytes;
    LOGKV_RETURN_IF_ERROR(adapter->open(params));

    TimedRun run = run_timed(1, sizes.read_seconds, [&](unsigned, uint64_t) -> Status {
      Result<std::vector<std::string>> keys = adapter->keys();
      if (!keys.is_ok()) return keys.status();
      if (keys->size() != sizes.keys) {
        return Status::corruption("listing returned " + std::to_string(keys->size()) +
                                  " keys, stored " + std::to_string(sizes.keys));
      }
      return Status::ok();
    });
    fill_rate_row(row, run);
    if (row.status == RowStatus::kOk) row.primary_unit = "listings/s";
    return adapter->close();
  }
};

}  // namespace

std::unique_ptr<Workload> make_list_keys_workload() { return std::make_unique<ListKeysWorkload>(); }

}  // namespace logkv::bench
