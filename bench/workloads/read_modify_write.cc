// Workload 4: the Spin tutorial's view counter on one key: get the value, parse it as a
// decimal number (missing counts as 0), add 1, set it back, durably. A second row measures a
// native atomic increment where the engine has one.
#include <charconv>
#include <string>
#include <vector>

#include "bench/workloads/workload.h"
#include "bench/workloads/workload_support.h"

namespace logkv::bench {
namespace {

constexpr std::string_view kGroup = "read-modify-write";
constexpr std::string_view kCounterKey = "views";
constexpr std::string_view kCounterVariant = "view counter (get, parse, +1, set)";
constexpr std::string_view kIncrementVariant = "increment";

Result<int64_t> parse_counter(const std::optional<std::string>& value) {
  if (!value.has_value()) return int64_t{0};
  int64_t count = 0;
  const char* end = value->data() + value->size();
  if (std::from_chars(value->data(), end, count).ptr != end) {
    return Status::corruption("counter value '" + *value + "' is not a decimal number");
  }
  return count;
}

Result<int64_t> read_counter(EngineAdapter& adapter) {
  Result<std::optional<std::string>> value = adapter.get(kCounterKey);
  if (!value.is_ok()) return value.status();
  return parse_counter(*value);
}

class ReadModifyWriteWorkload final : public Workload {
 public:
  std::string_view name() const override { return "rmw"; }
  std::string_view group() const override { return kGroup; }
  std::string_view description() const override {
    return "view counter on one key (get, parse, +1, set), and native increment where it exists";
  }
  bool applies_to(const Capabilities& capabilities) const override {
    return capabilities.point_reads;
  }

  std::vector<std::string> measured_variants(const WorkloadSizes&,
                                             const EngineInfo& engine) const override {
    std::vector<std::string> variants;
    if (engine.capabilities.point_reads) variants.emplace_back(kCounterVariant);
    if (engine.capabilities.native_increment) variants.emplace_back(kIncrementVariant);
    return variants;
  }

  std::vector<Row> run(const EngineFactory& engine, WorkloadContext& context) override {
    const EngineInfo info = engine.make()->info();
    std::vector<Row> rows;

    if (!info.capabilities.point_reads) {
      rows.push_back(not_applicable_row(name(), kGroup, kCounterVariant, engine.name,
                                        "engine keeps no index, so it cannot read"));
    } else {
      rows.push_back(measure(engine, context, kCounterVariant, /*native=*/false));
    }

    if (!info.capabilities.native_increment) {
      rows.push_back(not_applicable_row(name(), kGroup, kIncrementVariant, engine.name,
                                        "no native atomic increment in this adapter"));
    } else {
      rows.push_back(measure(engine, context, kIncrementVariant, /*native=*/true));
    }
    return rows;
  }

 private:
  Row measure(const EngineFactory& engine, WorkloadContext& context, std::string_view variant,
              bool native) {
    Row row = make_row(name(), kGroup, variant, engine.name);
    Status status = measure_into(engine, context, native, row);
    if (!status.is_ok()) fail_row(row, status);
    return row;
  }

  static Status measure_into(const EngineFactory& engine, WorkloadContext& context, bool native,
                             Row& row) {
    Result<ScratchDir> dir = context.scratch.fresh("rmw-" + engine.name);
    if (!dir.is_ok()) return dir.status();
    std::unique_ptr<EngineAdapter> adapter = engine.make();
    OpenParams params;
    params.dir = dir->path();
    params.keys_max = 1;
    LOGKV_RETURN_IF_ERROR(adapter->open(params));

    TimedRun run = run_timed(1, context.config.sizes.write_seconds, [&](unsigned, uint64_t) {
      if (native) return adapter->increment(kCounterKey, 1).status();
      Result<int64_t> count = read_counter(*adapter);
      if (!count.is_ok()) return count.status();
      return adapter->set(kCounterKey, std::to_string(*count + 1));
    });
    fill_rate_row(row, run);
    if (row.status != RowStatus::kOk) return adapter->close();

    // One writer must not lose a single update; the final count proves every step happened.
    // A native counter has its own encoding, so it is read back through increment(key, 0).
    Result<int64_t> final_count =
        native ? adapter->increment(kCounterKey, 0) : read_counter(*adapter);
    if (!final_count.is_ok()) return final_count.status();
    if (static_cast<uint64_t>(*final_count) != run.ops) {
      return Status::corruption("counter reads " + std::to_string(*final_count) + " after " +
                                std::to_string(run.ops) + " increments");
    }
    return adapter->close();
  }
};

}  // namespace

std::unique_ptr<Workload> make_read_modify_write_workload() {
  return std::make_unique<ReadModifyWriteWorkload>();
}

}  // namespace logkv::bench
