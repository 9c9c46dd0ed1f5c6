// Micro-benchmarks of appending 100-byte records:
// - BM_AppendAndSync, the write path's floor: appending to a file and making the records
//   durable, with each write backend (pwrite + fdatasync, io_uring with the write and the
//   fdatasync linked), with and without preallocation, one record per sync or 16 records per
//   sync (one append_and_sync of a 16-record group, what a group-commit leader does).
// - BM_StoreSet, the same through the whole store: Store::set of 100-byte values round robin
//   over Spin's 1024 keys (the first pass inserts, later ones overwrite), one writer, with each
//   SyncMode (kAlways: fdatasync before set returns; kInterval: a background sync every 100 ms;
//   kNever) and each I/O backend. io_uring rows are skipped with the reason where the kernel or
//   sandbox refuses io_uring.
//
// Results are in records per second ("items_per_second") of wall-clock time: with syncs the
// thread spends nearly all of it waiting for the disk, so CPU time says nothing here. Files are
// written in a fresh folder under $TMPDIR (or /tmp), which must be on the disk to be measured.
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fs/posix_file_system.h"
#include "logkv/options.h"
#include "logkv/store.h"

namespace logkv {
namespace {

constexpr size_t kRecordBytes = 100;
constexpr size_t kStoreKeys = 1024;  // Spin's per-store capacity
// What an active segment would use.
constexpr uint64_t kPreallocateChunkBytes = 4 << 20;

// A folder for the benchmark's files, removed when the benchmark ends.
class ScratchFolder {
 public:
  ScratchFolder() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string pattern = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") +
                          "/append-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  // Empty when the folder could not be made.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Arguments: backend (0 = pwrite, 1 = io_uring), preallocation (0 = off, 1 = 4 MiB chunks),
// records per sync.
void BM_AppendAndSync(benchmark::State& state) {
  const bool io_uring = state.range(0) == 1;
  const bool preallocate = state.range(1) == 1;
  const auto records_per_sync = static_cast<size_t>(state.range(2));
  state.SetLabel(std::string(io_uring ? "io_uring" : "pwrite") +
                 (preallocate ? " preallocated" : " growing") + ", " +
                 std::to_string(records_per_sync) + " records/sync");

  ScratchFolder folder;
  if (folder.path().empty()) {
    state.SkipWithError("cannot create a scratch folder under $TMPDIR");
    return;
  }
  PosixFileSystemOptions options;
  options.backend = io_uring ? IoBackend::kIoUring : IoBackend::kPwrite;
  options.preallocate_chunk_bytes = preallocate ? kPreallocateChunkBytes : 0;
  options.probe_dir = folder.path();
  Result<std::shared_ptr<FileSystem>> fs = make_posix_file_system(options);
  if (!fs.is_ok()) {
    state.SkipWithError(fs.status().message().c_str());
    return;
  }
  Result<std::unique_ptr<WritableFile>> file =
      (*fs)->open_writable(folder.path() + "/segment.log", OpenMode::kCreateNew);
  if (!file.is_ok()) {
    state.SkipWithError(file.status().message().c_str());
    return;
  }
  std::string group;
  for (size_t i = 0; i < records_per_sync * kRecordBytes; ++i) {
    group.push_back(static_cast<char>('a' + i % 26));
  }
  for (auto _ : state) {
    const Status status = (*file)->append_and_sync(group);
    if (!status.is_ok()) {
      state.SkipWithError(status.message().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records_per_sync));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(group.size()));
  static_cast<void>((*file)->close());
}

BENCHMARK(BM_AppendAndSync)
    ->ArgNames({"io_uring", "preallocate", "records"})
    ->ArgsProduct({{0, 1}, {0, 1}, {1, 16}})
    ->UseRealTime()
    ->MinTime(2.0)
    ->Unit(benchmark::kMicrosecond);

const char* sync_mode_name(SyncMode mode) {
  switch (mode) {
    case SyncMode::kAlways:
      return "kAlways";
    case SyncMode::kInterval:
      return "kInterval";
    case SyncMode::kNever:
      return "kNever";
  }
  return "?";
}

// Arguments: sync mode (0 = kAlways, 1 = kInterval, 2 = kNever), backend (0 = pwrite,
// 1 = io_uring).
void BM_StoreSet(benchmark::State& state) {
  constexpr SyncMode kModes[] = {SyncMode::kAlways, SyncMode::kInterval, SyncMode::kNever};
  const SyncMode mode = kModes[state.range(0)];
  const bool io_uring = state.range(1) == 1;
  state.SetLabel(std::string(sync_mode_name(mode)) + ", " + (io_uring ? "io_uring" : "pwrite"));

  ScratchFolder folder;
  if (folder.path().empty()) {
    state.SkipWithError("cannot create a scratch folder under $TMPDIR");
    return;
  }
  Options options;
  options.sync_mode = mode;
  // Explicit, not kAuto: a row must measure the backend its label names, or be skipped.
  options.io_backend = io_uring ? IoBackend::kIoUring : IoBackend::kPwrite;
  Result<std::unique_ptr<Store>> store = Store::open(folder.path(), options);
  if (!store.is_ok()) {
    state.SkipWithError(store.status().to_string().c_str());
    return;
  }
  std::vector<std::string> keys;
  for (size_t i = 0; i < kStoreKeys; ++i) keys.push_back("key-" + std::to_string(i));
  const std::string value(kRecordBytes, 'v');
  size_t next = 0;
  for (auto _ : state) {
    const Status status = (*store)->set(keys[next], value);
    if (!status.is_ok()) {
      state.SkipWithError(status.to_string().c_str());
      break;
    }
    next = next + 1 == keys.size() ? 0 : next + 1;
  }
  state.SetItemsProcessed(state.iterations());
  static_cast<void>((*store)->close());
}

BENCHMARK(BM_StoreSet)
    ->ArgNames({"sync", "io_uring"})
    ->ArgsProduct({{0, 1, 2}, {0, 1}})
    ->UseRealTime()
    ->MinTime(0.5)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace logkv

BENCHMARK_MAIN();
