// FaultFileSystem: wraps another FileSystem, counts every operation and fails chosen ones.
//
// Crash and error tests use it to make the n-th operation fail ("the 3rd sync returns EIO"), to
// make an append write only part of its data, or to run a hook at a chosen point (for example a
// simulate_power_loss() (tests/support/mem_power_loss.h) just before the 3rd sync).
//
// What counts as an operation: every FileSystem call, and every call on the files it opens
// (WritableFile::append/sync/close, RandomAccessFile::read/size, OverwritableFile::write_at);
// WritableFile::size(), which cannot fail, is not counted. An injected failure counts as an
// operation too.
//
// An injected failure does not reach the wrapped file system (except the prefix of a short
// write) and returns the chosen StatusCode with the message
// "injected fault: <errno text> (<operation kind> '<path>', operation #<n>)".
//
// Thread-safety: every method may be called from many threads at once; counting and fault
// selection are serialized, so "the n-th operation" is well defined also under concurrency.
// The hook runs outside the internal lock, possibly on several threads at once.
#ifndef LOGKV_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_
#define LOGKV_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"

namespace logkv::testing {

enum class OperationKind : uint8_t {
  kOpenWritable,
  kOpenRandomAccess,
  kFileSize,
  kListDir,
  kCreateDirs,
  kSyncDir,
  kRename,
  kRemove,
  kTruncate,
  kLock,
  kAppend,    // WritableFile::append
  kSync,      // WritableFile::sync
  kClose,     // WritableFile::close
  kRead,      // RandomAccessFile::read
  kReadSize,  // RandomAccessFile::size
  kOpenOverwritable,
  kWriteAt,  // OverwritableFile::write_at
};

// A lower-case name, e.g. "sync_dir", "append".
std::string_view operation_kind_name(OperationKind kind);

namespace fault {
struct State;
}  // namespace fault

class FaultFileSystem final : public FileSystem {
 public:
  // Called before each operation with its kind and path (for rename, the source path).
  using Hook = std::function<void(OperationKind kind, const std::string& path)>;

  explicit FaultFileSystem(std::shared_ptr<FileSystem> base);
  ~FaultFileSystem() override;

  // The `n`-th operation from now (1 = the next one; 0 counts as 1), of any kind, fails with
  // `code`; `errno_text` (e.g. "EIO") goes into the message. Several pending faults count
  // independently; when two select the same operation the one set first decides its failure
  // and both are used up.
  void fail_operation(uint64_t n, StatusCode code, std::string errno_text);
  // The `n`-th operation of `kind` from now fails.
  void fail_next(OperationKind kind, StatusCode code = StatusCode::kIOError,
                 std::string errno_text = "EIO", uint64_t n = 1);
  // The `n`-th append from now hands only the first `prefix_bytes` bytes of its data to the
  // wrapped file (all of it if shorter), then fails with kIOError.
  void short_write_next(size_t prefix_bytes, std::string errno_text = "ENOSPC", uint64_t n = 1);
  // Forgets every pending fault (counts are kept).
  void clear_faults();

  // Replaces the hook; an empty function removes it.
  void set_hook(Hook hook);

  // Operations since construction, in total and of one kind.
  uint64_t operation_count() const;
  uint64_t operation_count(OperationKind kind) const;
  // Faults injected so far.
  uint64_t faults_injected() const;

  Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path,
                                                      OpenMode mode) override;
  Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
  Result<std::unique_ptr<OverwritableFile>> open_overwritable(const std::string& path) override;
  Result<uint64_t> file_size(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& dir) override;
  Status create_dirs(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status truncate(const std::string& path, uint64_t size) override;
  Result<std::unique_ptr<FileLock>> lock(const std::string& path) override;
  // The wrapped file system's (not counted as an operation).
  std::unique_ptr<ReservePermit> permit_reserve() override { return base_->permit_reserve(); }
  void restore_reserve() override { base_->restore_reserve(); }

 private:
  const std::shared_ptr<FileSystem> base_;
  // Shared with the files this opened, which may outlive this object.
  const std::shared_ptr<fault::State> state_;
};

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_
