#include "fs/posix_writable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "fs/posix_error.h"
#include "fs/posix_io.h"

namespace logkv {
namespace {

// Preallocation writes its zeros from one shared buffer of this size, repeatedly.
constexpr size_t kZeroBufferBytes = 1 << 20;
// When space runs low, preallocation asks for whole pages only.
constexpr uint64_t kPageBytes = 4096;

const char* zero_buffer() {
  static const std::vector<char> zeros(kZeroBufferBytes, '\0');
  return zeros.data();
}

}  // namespace

Result<OpenedForWriting> open_for_writing(const std::string& path, OpenMode mode) {
  const int flags =
      mode == OpenMode::kCreateNew ? O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC : O_WRONLY | O_CLOEXEC;
  int raw_fd;
  do {
    raw_fd = ::open(path.c_str(), flags, 0644);
  } while (raw_fd < 0 && errno == EINTR);
  if (raw_fd < 0) {
    const int error_number = errno;
    if (mode == OpenMode::kCreateNew && error_number == EEXIST) {
      return Status::io_error("cannot create '" + path +
                              "': the file already exists; remove it or open it for appending");
    }
    return posix_error("cannot open '" + path + "' for writing", error_number);
  }
  OpenedForWriting opened;
  opened.fd = UniqueFd(raw_fd);
  struct stat info {};
  if (::fstat(raw_fd, &info) != 0) {
    return posix_error("cannot read the size of '" + path + "'", errno);
  }
  // A new file is empty; a device (/dev/full in tests) reports size 0 too.
  opened.size_bytes = static_cast<uint64_t>(info.st_size);
  opened.device = info.st_dev;
  opened.inode = info.st_ino;
  return opened;
}

Result<std::unique_ptr<WritableFile>> PosixWritableFile::open(const std::string& path,
                                                              OpenMode mode,
                                                              uint64_t preallocate_chunk_bytes) {
  Result<OpenedForWriting> opened = open_for_writing(path, mode);
  if (!opened.is_ok()) return opened.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<PosixWritableFile>(path, std::move(*opened), preallocate_chunk_bytes));
}

PosixWritableFile::PosixWritableFile(std::string path, OpenedForWriting opened,
                                     uint64_t preallocate_chunk_bytes)
    : path_(std::move(path)),
      fd_(std::move(opened.fd)),
      size_bytes_(opened.size_bytes),
      allocated_bytes_(opened.size_bytes),
      preallocate_chunk_bytes_(preallocate_chunk_bytes) {
  if (preallocate_chunk_bytes_ != 0) {
    logical_end_ = logical_end_of(opened.device, opened.inode);
    logical_end_->publish(size_bytes_);
  }
}

PosixWritableFile::~PosixWritableFile() {
  if (logical_end_ != nullptr) logical_end_->clear();
}

Status PosixWritableFile::check_writable(std::string_view operation) const {
  if (!fd_.valid()) {
    return Status::io_error("cannot " + std::string(operation) + " '" + path_ +
                            "': the file was closed");
  }
  if (!first_failure_.is_ok()) {
    return Status::io_error("cannot " + std::string(operation) + " '" + path_ +
                            "' after an earlier failure (" + first_failure_.message() +
                            "); reopen the store to recover from the log");
  }
  return Status::ok();
}

Status PosixWritableFile::fail(Status failure) {
  first_failure_ = std::move(failure);
  return first_failure_;
}

void PosixWritableFile::appended(uint64_t bytes) {
  size_bytes_ += bytes;
  // An append that went past the zeros (see ensure_allocated) extended the file itself.
  allocated_bytes_ = std::max(allocated_bytes_, size_bytes_);
  if (logical_end_ != nullptr) logical_end_->publish(size_bytes_);
}

Status PosixWritableFile::ensure_allocated(uint64_t append_bytes) {
  const uint64_t needed_bytes = size_bytes_ + append_bytes;
  if (preallocate_chunk_bytes_ == 0 || needed_bytes <= allocated_bytes_) return Status::ok();
  const uint64_t chunk = preallocate_chunk_bytes_;
  // A large append is written straight past the end instead: zeros ahead of it would double
  // the bytes it puts on the disk, while the one size update its own sync then commits is
  // small beside its data (measured with 1 MiB values: 1.5 times the rate of prefilling).
  if (append_bytes >= chunk / kLargeAppendFractionOfChunk) return Status::ok();
  const uint64_t chunk_target_bytes = (needed_bytes + chunk - 1) / chunk * chunk;
  uint64_t target_bytes = chunk_target_bytes;
  int error_number = extend_with_zeros(target_bytes);
  if (is_out_of_space(error_number)) {
    // Space runs low: no more zeros than this append needs (in whole pages), so that the store
    // fills the disk instead of refusing writes with most of a chunk still free; then the
    // reserve.
    target_bytes = (needed_bytes + kPageBytes - 1) / kPageBytes * kPageBytes;
    error_number = extend_with_zeros(target_bytes);
    if (is_out_of_space(error_number) && reserve_ != nullptr && reserve_->release()) {
      error_number = extend_with_zeros(target_bytes);
    }
  }
  if (error_number != 0) {
    std::string what =
        "cannot preallocate '" + path_ + "' to " + std::to_string(chunk_target_bytes) + " bytes";
    if (target_bytes != chunk_target_bytes) {
      what += ", nor to the " + std::to_string(target_bytes) + " this append needs";
    }
    return posix_error(what, error_number);
  }
  allocated_bytes_ = target_bytes;
  return Status::ok();
}

int PosixWritableFile::extend_with_zeros(uint64_t target_bytes) {
  // Bytes in [size_bytes_, allocated_bytes_) are zeros already; only the new range is written.
  int error_number = 0;
  for (uint64_t offset = allocated_bytes_; offset < target_bytes && error_number == 0;) {
    const size_t piece =
        static_cast<size_t>(std::min<uint64_t>(kZeroBufferBytes, target_bytes - offset));
    error_number = pwrite_fully(fd_.get(), {zero_buffer(), piece}, offset);
    offset += piece;
  }
  if (error_number == 0) error_number = fdatasync_retrying_eintr(fd_.get());
  if (error_number != 0) {
    // Give back what the zeros took, so that a retry (or the reserve) has that room again.
    int result;
    do {
      result = ::ftruncate(fd_.get(), static_cast<off_t>(allocated_bytes_));
    } while (result != 0 && errno == EINTR);
  }
  return error_number;
}

template <typename Attempt>
Status PosixWritableFile::retry_after_releasing_reserve(Attempt attempt) {
  out_of_space_ = false;
  Status status = attempt();
  if (!status.is_ok() && out_of_space_ && reserve_ != nullptr && reserve_->release()) {
    out_of_space_ = false;
    status = attempt();
  }
  return status;
}

Status PosixWritableFile::write_at(std::string_view data, uint64_t offset) {
  const int error_number = pwrite_fully(fd_.get(), data, offset);
  if (error_number != 0) {
    note_write_errno(error_number);
    return posix_error("cannot append to '" + path_ + "'", error_number);
  }
  return Status::ok();
}

Status PosixWritableFile::datasync() {
  const int error_number = fdatasync_retrying_eintr(fd_.get());
  if (error_number != 0) return posix_error("cannot sync '" + path_ + "'", error_number);
  return Status::ok();
}

Status PosixWritableFile::write_and_datasync(std::string_view data, uint64_t offset) {
  LOGKV_RETURN_IF_ERROR(write_at(data, offset));
  return datasync();
}

Status PosixWritableFile::append(std::string_view data) {
  LOGKV_RETURN_IF_ERROR(check_writable("append to"));
  if (data.empty()) return Status::ok();
  Status status = ensure_allocated(data.size());
  // Writes are positional: a retry writes the same bytes at the same offset again.
  if (status.is_ok()) {
    status = retry_after_releasing_reserve([&] { return write_at(data, size_bytes_); });
  }
  if (!status.is_ok()) return fail(std::move(status));
  appended(data.size());
  return Status::ok();
}

Status PosixWritableFile::sync() {
  LOGKV_RETURN_IF_ERROR(check_writable("sync"));
  Status status = datasync();
  if (!status.is_ok()) return fail(std::move(status));
  return Status::ok();
}

Status PosixWritableFile::append_and_sync(std::string_view data) {
  LOGKV_RETURN_IF_ERROR(check_writable("append to"));
  if (data.empty()) return sync();
  Status status = ensure_allocated(data.size());
  // Retried only when the write found no room, before any sync of it ran.
  if (status.is_ok()) {
    status = retry_after_releasing_reserve([&] { return write_and_datasync(data, size_bytes_); });
  }
  if (!status.is_ok()) return fail(std::move(status));
  appended(data.size());
  return Status::ok();
}

Status PosixWritableFile::close() {
  if (!fd_.valid()) return Status::ok();
  Status status;
  // A file whose writes failed is left as it is: its end is unknown anyway, and recovery cuts
  // the zeros of the newest segment. Syncing it now could not be trusted either.
  if (allocated_bytes_ > size_bytes_ && first_failure_.is_ok()) {
    const std::string what = "cannot cut the preallocated '" + path_ + "' back to " +
                             std::to_string(size_bytes_) + " bytes";
    int result;
    do {
      result = ::ftruncate(fd_.get(), static_cast<off_t>(size_bytes_));
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
      status = posix_error(what, errno);
    } else if (const int error_number = fdatasync_retrying_eintr(fd_.get()); error_number != 0) {
      status = posix_error(what + " durably", error_number);
    } else {
      allocated_bytes_ = size_bytes_;
    }
  }
  if (logical_end_ != nullptr) {
    logical_end_->clear();
    logical_end_.reset();
  }
  if (fd_.close() != 0 && status.is_ok())
    status = posix_error("cannot close '" + path_ + "'", errno);
  return status;
}

}  // namespace logkv
