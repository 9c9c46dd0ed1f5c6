// logkv through its public API, the way an embedder uses it.
#include <algorithm>
#include <memory>
#include <span>
#include <string>

#include "bench/adapters/adapters.h"
#include "bench/bench_features.h"
#include "logkv/options.h"
#include "logkv/store.h"

namespace logkv::bench {
namespace {

class LogkvAdapter final : public EngineAdapter {
 public:
  ~LogkvAdapter() override {
    if (store_ != nullptr) (void)store_->close();
  }

  EngineInfo info() const override {
    EngineInfo info;
    info.name = "logkv";
    info.settings =
        "default Options: SyncMode::kAlways (fdatasync before set/del return), automatic "
        "compaction and hint files as defaulted; keys_max raised only where a workload holds "
        "more than Spin's 1024 keys; segments of OpenParams::log_segment_bytes where a workload "
        "asks for them; get reads through Store::get_view and copies the value out, as the "
        "other engines' gets copy";
    info.version = LOGKV_BENCH_LOGKV_VERSION;
    info.capabilities.in_memory_index = true;
    info.capabilities.native_increment = true;
    info.capabilities.explicit_compaction = true;
    info.capabilities.native_get_many = true;
    info.capabilities.batched_writes = true;
    return info;
  }

  Status open(const OpenParams& params) override {
    Options options;
    options.sync_mode = params.durable ? SyncMode::kAlways : SyncMode::kNever;
    options.limits.keys_max = std::max<uint64_t>(options.limits.keys_max, params.keys_max);
    options.limits.value_bytes_max =
        std::max<uint64_t>(options.limits.value_bytes_max, params.value_bytes_max);
    if (params.log_segment_bytes != 0) {
      options.segment_bytes_max = params.log_segment_bytes;
      options.compaction_dead_bytes_min = params.log_segment_bytes;
    }
    Result<std::unique_ptr<Store>> store = Store::open(params.dir, options);
    if (!store.is_ok()) return store.status();
    store_ = std::move(store).value();
    return Status::ok();
  }

  Status close() override {
    if (store_ == nullptr) return Status::ok();
    Status status = store_->close();
    store_.reset();
    return status;
  }

  Status set(std::string_view key, std::string_view value) override {
    return store_->set(key, value);
  }
  // Through get_view, copied into the string the interface returns: the LMDB adapter copies
  // out of its map and RocksDB's Get copies out of its block cache in the same way, so every
  // engine's get pays one copy of the value.
  Result<std::optional<std::string>> get(std::string_view key) override {
    Result<std::optional<ValueView>> view = store_->get_view(key);
    if (!view.is_ok()) return view.status();
    if (!view->has_value()) return std::optional<std::string>();
    return std::optional<std::string>((*view)->to_string());
  }
  Status del(std::string_view key) override { return store_->del(key); }
  Result<bool> exists(std::string_view key) override { return store_->exists(key); }
  Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys) override {
    return store_->get_many(keys);
  }
  Result<std::vector<std::string>> keys() override { return store_->keys(); }
  Status set_batch(std::span<const std::pair<std::string_view, std::string_view>> pairs) override {
    return store_->set_many(pairs);
  }
  Result<int64_t> increment(std::string_view key, int64_t delta) override {
    return store_->increment(key, delta);
  }

  std::optional<EngineStats> stats() override {
    StoreStats store_stats = store_->stats();
    EngineStats stats;
    stats.keys = store_stats.keys;
    stats.disk_bytes = store_stats.disk_bytes;
    stats.live_bytes = store_stats.live_bytes;
    stats.index_bytes = store_stats.index_bytes;
    stats.user_bytes_written = store_stats.user_bytes_written;
    stats.compaction_bytes_written = store_stats.compaction_bytes_written;
    stats.compactions = store_stats.compactions;
    stats.segments = store_stats.segments;
    stats.hint_files_loaded = store_stats.hint_files_loaded;
    stats.io_backend = store_stats.io_backend;
    return stats;
  }

  Status compact() override { return store_->compact(); }

 private:
  std::unique_ptr<Store> store_;
};

}  // namespace

std::unique_ptr<EngineAdapter> make_logkv_adapter() { return std::make_unique<LogkvAdapter>(); }

}  // namespace logkv::bench
