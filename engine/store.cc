#include "logkv/store.h"

#include <cstdlib>
#include <string>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "fs/posix_file_system.h"
#include "wal/file_names.h"

namespace logkv {

namespace {

// Segments are preallocated in chunks (zeros written and synced ahead of the appends) so that
// the fdatasync of each group does not also commit the file's growth: about half the latency
// here. Tiny segments (tests) skip it: a chunk would dwarf them.
constexpr uint64_t kPreallocateChunkBytes = 4 << 20;
constexpr uint64_t kPreallocateSegmentBytesMin = 1 << 20;
// The space reserve (fs/space_reserve.h): enough for the tombstones of many deletes, a new
// segment and the live records of a small store's compaction on a full disk (docs/DESIGN.md,
// "A full disk").
constexpr uint64_t kSpaceReserveBytes = 1 << 20;

constexpr char kIoBackendVariable[] = "LOGKV_IO_BACKEND";

// The backend for `requested`: an explicit choice stands; kAuto yields to LOGKV_IO_BACKEND, so
// that a test run can put every store of unchanged tests on one backend (docs/TESTING.md).
Result<IoBackend> io_backend_for(IoBackend requested) {
  if (requested != IoBackend::kAuto) return requested;
  const char* value = std::getenv(kIoBackendVariable);
  if (value == nullptr) return IoBackend::kAuto;
  const std::string_view name(value);
  if (name.empty() || name == "auto") return IoBackend::kAuto;
  if (name == "pwrite") return IoBackend::kPwrite;
  if (name == "io_uring") return IoBackend::kIoUring;
  return Status::invalid_argument(
      std::string("environment variable ") + kIoBackendVariable + " is '" + std::string(name) +
      "', which is not an I/O backend; set it to 'pwrite', 'io_uring' or 'auto', or unset it");
}

Result<std::shared_ptr<FileSystem>> file_system_for(std::string_view path, const Options& options) {
  // An in-memory store gets a file system of its own, so nothing outlives it.
  if (options.in_memory) return std::shared_ptr<FileSystem>(std::make_shared<MemFileSystem>());
  Result<IoBackend> backend = io_backend_for(options.io_backend);
  if (!backend.is_ok()) return backend.status();
  PosixFileSystemOptions fs_options;
  fs_options.backend = *backend;
  // A read-only store writes nothing: no preallocation, and no io_uring probe in its folder.
  if (options.read_only) {
    fs_options.backend = IoBackend::kPwrite;
    return make_posix_file_system(fs_options);
  }
  if (options.segment_bytes_max >= kPreallocateSegmentBytesMin) {
    fs_options.preallocate_chunk_bytes = kPreallocateChunkBytes;
    fs_options.preallocate_name_suffix = std::string(kSegmentFileSuffix);
  }
  // io_uring is probed in the store folder itself: its file system is what must support it.
  if (options.create_if_missing) {
    LOGKV_RETURN_IF_ERROR(posix_file_system()->create_dirs(std::string(path)));
  }
  if (posix_file_system()->list_dir(std::string(path)).is_ok()) {
    fs_options.probe_dir = std::string(path);
    fs_options.reserve_path = join_path(std::string(path), kReserveFileName);
    fs_options.reserve_bytes = kSpaceReserveBytes;
  }
  return make_posix_file_system(fs_options);
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(std::string_view path, const Options& options) {
  if (path.empty()) return Status::invalid_argument("store path is empty; name a folder");
  Result<std::shared_ptr<FileSystem>> fs = file_system_for(path, options);
  if (!fs.is_ok()) {
    return fs.status().with_context("cannot open store '" + std::string(path) + "'");
  }
  return open_store(std::move(fs).value(), path, options);
}

// Stores that read from no mapping of their own (a Redis server) hand out a view of a copy.
Result<std::optional<ValueView>> Store::get_view(std::string_view key) {
  Result<std::optional<std::string>> value = get(key);
  if (!value.is_ok()) return value.status();
  if (!value->has_value()) return std::optional<ValueView>();
  return std::optional<ValueView>(ValueView(std::move(**value)));
}

}  // namespace logkv
