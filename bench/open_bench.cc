// Micro-benchmark of opening a store of 1,000,000 keys (16-byte keys, 100-byte values) and
// getting one key, in three variants of the same store: with the index checkpoint (INDEX) a clean
// close leaves, which open loads; without it but with every sealed segment's hint file (keys and
// locations only); and with neither, so that open scans every record. The page cache is warm:
// this measures building the index, not the disk.
//
// The store is written once per process in a temporary folder on disk (segments of 8 MiB, then
// Store::compact() so that each sealed segment gets a hint file) with checkpoints off, and copied
// for the other variants. The timed opens run with automatic compaction off, so no background
// work overlaps them, and, but for the checkpoint variant, with checkpoints off, so that each
// close leaves its folder as it found it (no checkpoint, no hint file written behind it).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "logkv/store.h"
#include "wal/file_names.h"

namespace logkv {
namespace {

constexpr uint64_t kKeys = 1'000'000;
constexpr size_t kValueBytes = 100;
constexpr uint64_t kSegmentBytes = 8 << 20;

// "k:" and n zero-padded to 14 digits: 16 bytes.
std::string key16(uint64_t n) {
  const std::string digits = std::to_string(n);
  return "k:" + std::string(14 - digits.size(), '0') + digits;
}

// Checkpoints are off unless `index_checkpoint_bytes_min` says otherwise.
Options store_options(bool automatic_compaction, uint64_t index_checkpoint_bytes_min = UINT64_MAX) {
  Options options;
  options.index_checkpoint_bytes_min = index_checkpoint_bytes_min;
  options.sync_mode = SyncMode::kNever;
  options.limits.keys_max = kKeys + 1024;
  options.segment_bytes_max = kSegmentBytes;
  options.automatic_compaction = automatic_compaction;
  return options;
}

[[noreturn]] void fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "open_bench: %s: %s\n", what.c_str(), status.to_string().c_str());
  std::exit(1);
}

// Two copies of one store, removed when the process ends.
class StoreFolders {
 public:
  StoreFolders() {
    std::string pattern = (std::filesystem::temp_directory_path() / "logkv-open-bench-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("open_bench: mkdtemp");
      std::exit(1);
    }
    root_ = pattern;
    with_checkpoint_ = (root_ / "checkpoint").string();
    with_hints_ = (root_ / "hints").string();
    without_hints_ = (root_ / "scan").string();
    write_store();
    std::filesystem::copy(with_hints_, without_hints_, std::filesystem::copy_options::recursive);
    std::filesystem::copy(with_hints_, with_checkpoint_, std::filesystem::copy_options::recursive);
    write_checkpoint();
    size_t hints_removed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(without_hints_)) {
      if (entry.path().extension() == kHintFileSuffix) {
        std::filesystem::remove(entry.path());
        ++hints_removed;
      }
    }
    if (hints_removed == 0) fail("store has no hint file", Status::ok());
  }
  ~StoreFolders() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  const std::string& with_checkpoint() const { return with_checkpoint_; }
  const std::string& with_hints() const { return with_hints_; }
  const std::string& without_hints() const { return without_hints_; }

 private:
  void write_store() {
    Result<std::unique_ptr<Store>> store = Store::open(with_hints_, store_options(false));
    if (!store.is_ok()) fail("create " + with_hints_, store.status());
    const std::string value(kValueBytes, 'v');
    for (uint64_t i = 0; i < kKeys; ++i) {
      if (Status set = (*store)->set(key16(i), value); !set.is_ok()) fail("set", set);
    }
    if (Status compacted = (*store)->compact(); !compacted.is_ok()) fail("compact", compacted);
    if (Status closed = (*store)->close(); !closed.is_ok()) fail("close", closed);
  }

  // An open and a clean close with checkpoints on write the index checkpoint.
  void write_checkpoint() {
    Result<std::unique_ptr<Store>> store = Store::open(with_checkpoint_, store_options(false, 0));
    if (!store.is_ok()) fail("open " + with_checkpoint_, store.status());
    if (Status closed = (*store)->close(); !closed.is_ok()) fail("close", closed);
    if (!std::filesystem::exists(std::filesystem::path(with_checkpoint_) /
                                 kIndexCheckpointFileName)) {
      fail("close wrote no index checkpoint", Status::ok());
    }
  }

  std::filesystem::path root_;
  std::string with_checkpoint_;
  std::string with_hints_;
  std::string without_hints_;
};

const StoreFolders& folders() {
  static const StoreFolders folders;
  return folders;
}

void time_open(benchmark::State& state, const std::string& dir,
               uint64_t index_checkpoint_bytes_min = UINT64_MAX) {
  uint64_t n = 0;
  for (auto _ : state) {
    const std::string key = key16((n++ * 2654435761u) % kKeys);
    const auto start = std::chrono::steady_clock::now();
    Result<std::unique_ptr<Store>> store =
        Store::open(dir, store_options(false, index_checkpoint_bytes_min));
    if (!store.is_ok()) fail("open " + dir, store.status());
    Result<std::optional<std::string>> value = (*store)->get(key);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (!value.is_ok() || !value->has_value()) fail("get " + key, value.status());
    state.SetIterationTime(std::chrono::duration<double>(elapsed).count());
    const StoreStats stats = (*store)->stats();
    state.counters["hint_files_loaded"] = static_cast<double>(stats.hint_files_loaded);
    state.counters["keys"] = static_cast<double>(stats.keys);
    if (Status closed = (*store)->close(); !closed.is_ok()) fail("close", closed);
  }
}

void BM_OpenFromCheckpoint(benchmark::State& state) {
  time_open(state, folders().with_checkpoint(), Options{}.index_checkpoint_bytes_min);
}
BENCHMARK(BM_OpenFromCheckpoint)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_OpenFromHints(benchmark::State& state) { time_open(state, folders().with_hints()); }
BENCHMARK(BM_OpenFromHints)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_OpenByScan(benchmark::State& state) { time_open(state, folders().without_hints()); }
BENCHMARK(BM_OpenByScan)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace
}  // namespace logkv

BENCHMARK_MAIN();
