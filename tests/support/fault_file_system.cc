#include "tests/support/fault_file_system.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <utility>

namespace logkv::testing {

constexpr size_t kOperationKindCount = static_cast<size_t>(OperationKind::kWriteAt) + 1;

std::string_view operation_kind_name(OperationKind kind) {
  static constexpr std::array<std::string_view, kOperationKindCount> kNames = {
      "open_writable", "open_random_access",
      "file_size",     "list_dir",
      "create_dirs",   "sync_dir",
      "rename",        "remove",
      "truncate",      "lock",
      "append",        "sync",
      "close",         "read",
      "read_size",     "open_overwritable",
      "write_at",
  };
  return kNames[static_cast<size_t>(kind)];
}

namespace fault {

struct PendingFault {
  std::optional<OperationKind> kind;  // any kind when empty
  uint64_t remaining;                 // fires when this reaches 0
  StatusCode code;
  std::string errno_text;
  std::optional<size_t> short_write_bytes;  // only for appends
};

// What an operation must do instead of (or besides) calling the wrapped file system.
struct InjectedFault {
  Status status;
  std::optional<size_t> short_write_bytes;
};

struct State {
  // Counts the operation, runs the hook and returns the fault it must suffer, if any.
  std::optional<InjectedFault> begin(OperationKind kind, const std::string& path) {
    FaultFileSystem::Hook hook;
    {
      std::lock_guard lock(mutex);
      hook = this->hook;
    }
    // Outside the lock: a hook may call back into the file system.
    if (hook) hook(kind, path);
    std::lock_guard lock(mutex);
    const uint64_t number = ++operation_count;
    ++kind_counts[static_cast<size_t>(kind)];
    std::optional<InjectedFault> injected;
    for (auto fault = pending.begin(); fault != pending.end();) {
      const bool matches = !fault->kind.has_value() || *fault->kind == kind;
      if (!matches || --fault->remaining > 0) {
        ++fault;
        continue;
      }
      if (!injected) {
        injected = InjectedFault{make_status(*fault, kind, path, number), fault->short_write_bytes};
      }
      fault = pending.erase(fault);
    }
    if (injected) ++faults_injected;
    return injected;
  }

  static Status make_status(const PendingFault& fault, OperationKind kind, const std::string& path,
                            uint64_t number) {
    std::string message = "injected fault: " + fault.errno_text + " (" +
                          std::string(operation_kind_name(kind)) + " '" + path + "', operation #" +
                          std::to_string(number) + ")";
    switch (fault.code) {
      case StatusCode::kNotFound:
        return Status::not_found(std::move(message));
      case StatusCode::kInvalidArgument:
        return Status::invalid_argument(std::move(message));
      case StatusCode::kLimitExceeded:
        return Status::limit_exceeded(std::move(message));
      case StatusCode::kCorruption:
        return Status::corruption(std::move(message));
      case StatusCode::kLocked:
        return Status::locked(std::move(message));
      case StatusCode::kWritesStopped:
        return Status::writes_stopped(std::move(message));
      case StatusCode::kNotSupported:
        return Status::not_supported(std::move(message));
      case StatusCode::kOk:  // a fault that "succeeds" makes no sense; fail as I/O
      case StatusCode::kIOError:
      // Host errors are not file-system errors; fail as I/O.
      case StatusCode::kStoreTableFull:
      case StatusCode::kNoSuchStore:
      case StatusCode::kAccessDenied:
      case StatusCode::kInvalidStore:
        break;
    }
    return Status::io_error(std::move(message));
  }

  std::mutex mutex;
  FaultFileSystem::Hook hook;         // guarded by mutex
  std::vector<PendingFault> pending;  // guarded by mutex, in the order they were set
  uint64_t operation_count = 0;       // guarded by mutex
  std::array<uint64_t, kOperationKindCount> kind_counts = {};  // guarded by mutex
  uint64_t faults_injected = 0;                                // guarded by mutex
};

}  // namespace fault

namespace {

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(std::shared_ptr<fault::State> state, std::unique_ptr<WritableFile> base,
                    std::string path)
      : state_(std::move(state)), base_(std::move(base)), path_(std::move(path)) {}

  Status append(std::string_view data) override {
    std::optional<fault::InjectedFault> fault = state_->begin(OperationKind::kAppend, path_);
    if (!fault) return base_->append(data);
    if (fault->short_write_bytes) {
      // The wrapped file's own error, if any, is what really happened; report it instead.
      LOGKV_RETURN_IF_ERROR(base_->append(data.substr(0, *fault->short_write_bytes)));
    }
    return fault->status;
  }
  Status sync() override {
    return forward(OperationKind::kSync, [&] { return base_->sync(); });
  }
  Status close() override {
    return forward(OperationKind::kClose, [&] { return base_->close(); });
  }
  uint64_t size() const override { return base_->size(); }

 private:
  template <typename Call>
  Status forward(OperationKind kind, Call call) {
    std::optional<fault::InjectedFault> fault = state_->begin(kind, path_);
    return fault ? fault->status : call();
  }

  const std::shared_ptr<fault::State> state_;
  const std::unique_ptr<WritableFile> base_;
  const std::string path_;
};

class FaultRandomAccessFile final : public RandomAccessFile {
 public:
  FaultRandomAccessFile(std::shared_ptr<fault::State> state, std::unique_ptr<RandomAccessFile> base,
                        std::string path)
      : state_(std::move(state)), base_(std::move(base)), path_(std::move(path)) {}

  Result<std::string_view> read(uint64_t offset, size_t n, char* scratch) const override {
    std::optional<fault::InjectedFault> fault = state_->begin(OperationKind::kRead, path_);
    if (fault) return fault->status;
    return base_->read(offset, n, scratch);
  }
  Result<uint64_t> size() const override {
    std::optional<fault::InjectedFault> fault = state_->begin(OperationKind::kReadSize, path_);
    if (fault) return fault->status;
    return base_->size();
  }

 private:
  const std::shared_ptr<fault::State> state_;
  const std::unique_ptr<RandomAccessFile> base_;
  const std::string path_;
};

class FaultOverwritableFile final : public OverwritableFile {
 public:
  FaultOverwritableFile(std::shared_ptr<fault::State> state, std::unique_ptr<OverwritableFile> base,
                        std::string path)
      : state_(std::move(state)), base_(std::move(base)), path_(std::move(path)) {}

  Status write_at(uint64_t offset, std::string_view data) override {
    std::optional<fault::InjectedFault> fault = state_->begin(OperationKind::kWriteAt, path_);
    if (fault) return fault->status;
    return base_->write_at(offset, data);
  }

 private:
  const std::shared_ptr<fault::State> state_;
  const std::unique_ptr<OverwritableFile> base_;
  const std::string path_;
};

}  // namespace

FaultFileSystem::FaultFileSystem(std::shared_ptr<FileSystem> base)
    : base_(std::move(base)), state_(std::make_shared<fault::State>()) {}

FaultFileSystem::~FaultFileSystem() = default;

void FaultFileSystem::fail_operation(uint64_t n, StatusCode code, std::string errno_text) {
  std::lock_guard lock(state_->mutex);
  state_->pending.push_back(
      {std::nullopt, std::max<uint64_t>(n, 1), code, std::move(errno_text), std::nullopt});
}

void FaultFileSystem::fail_next(OperationKind kind, StatusCode code, std::string errno_text,
                                uint64_t n) {
  std::lock_guard lock(state_->mutex);
  state_->pending.push_back(
      {kind, std::max<uint64_t>(n, 1), code, std::move(errno_text), std::nullopt});
}

void FaultFileSystem::short_write_next(size_t prefix_bytes, std::string errno_text, uint64_t n) {
  std::lock_guard lock(state_->mutex);
  state_->pending.push_back({OperationKind::kAppend, std::max<uint64_t>(n, 1), StatusCode::kIOError,
                             std::move(errno_text), prefix_bytes});
}

void FaultFileSystem::clear_faults() {
  std::lock_guard lock(state_->mutex);
  state_->pending.clear();
}

void FaultFileSystem::set_hook(Hook hook) {
  std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

uint64_t FaultFileSystem::operation_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->operation_count;
}

uint64_t FaultFileSystem::operation_count(OperationKind kind) const {
  std::lock_guard lock(state_->mutex);
  return state_->kind_counts[static_cast<size_t>(kind)];
}

uint64_t FaultFileSystem::faults_injected() const {
  std::lock_guard lock(state_->mutex);
  return state_->faults_injected;
}

Result<std::unique_ptr<WritableFile>> FaultFileSystem::open_writable(const std::string& path,
                                                                     OpenMode mode) {
  if (auto fault = state_->begin(OperationKind::kOpenWritable, path)) return fault->status;
  Result<std::unique_ptr<WritableFile>> file = base_->open_writable(path, mode);
  if (!file.is_ok()) return file.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultWritableFile>(state_, std::move(*file), path));
}

Result<std::unique_ptr<RandomAccessFile>> FaultFileSystem::open_random_access(
    const std::string& path) {
  if (auto fault = state_->begin(OperationKind::kOpenRandomAccess, path)) return fault->status;
  Result<std::unique_ptr<RandomAccessFile>> file = base_->open_random_access(path);
  if (!file.is_ok()) return file.status();
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<FaultRandomAccessFile>(state_, std::move(*file), path));
}

Result<std::unique_ptr<OverwritableFile>> FaultFileSystem::open_overwritable(
    const std::string& path) {
  if (auto fault = state_->begin(OperationKind::kOpenOverwritable, path)) return fault->status;
  Result<std::unique_ptr<OverwritableFile>> file = base_->open_overwritable(path);
  if (!file.is_ok()) return file.status();
  return std::unique_ptr<OverwritableFile>(
      std::make_unique<FaultOverwritableFile>(state_, std::move(*file), path));
}

Result<uint64_t> FaultFileSystem::file_size(const std::string& path) {
  if (auto fault = state_->begin(OperationKind::kFileSize, path)) return fault->status;
  return base_->file_size(path);
}

Result<std::vector<std::string>> FaultFileSystem::list_dir(const std::string& dir) {
  if (auto fault = state_->begin(OperationKind::kListDir, dir)) return fault->status;
  return base_->list_dir(dir);
}

Status FaultFileSystem::create_dirs(const std::string& dir) {
  if (auto fault = state_->begin(OperationKind::kCreateDirs, dir)) return fault->status;
  return base_->create_dirs(dir);
}

Status FaultFileSystem::sync_dir(const std::string& dir) {
  if (auto fault = state_->begin(OperationKind::kSyncDir, dir)) return fault->status;
  return base_->sync_dir(dir);
}

Status FaultFileSystem::rename(const std::string& from, const std::string& to) {
  if (auto fault = state_->begin(OperationKind::kRename, from)) return fault->status;
  return base_->rename(from, to);
}

Status FaultFileSystem::remove(const std::string& path) {
  if (auto fault = state_->begin(OperationKind::kRemove, path)) return fault->status;
  return base_->remove(path);
}

Status FaultFileSystem::truncate(const std::string& path, uint64_t size) {
  if (auto fault = state_->begin(OperationKind::kTruncate, path)) return fault->status;
  return base_->truncate(path, size);
}

Result<std::unique_ptr<FileLock>> FaultFileSystem::lock(const std::string& path) {
  if (auto fault = state_->begin(OperationKind::kLock, path)) return fault->status;
  return base_->lock(path);
}

}  // namespace logkv::testing
