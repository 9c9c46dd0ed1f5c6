#include "fs/posix_writable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "fs/posix_error.h"

namespace logkv {

Result<std::unique_ptr<WritableFile>> PosixWritableFile::open(const std::string& path,
                                                              OpenMode mode) {
  const int flags = mode == OpenMode::kCreateNew ? O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
                                                 : O_WRONLY | O_APPEND | O_CLOEXEC;
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
  UniqueFd fd(raw_fd);
  uint64_t size_bytes = 0;
  if (mode == OpenMode::kAppendExisting) {
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
      return posix_error("cannot read the size of '" + path + "'", errno);
    }
    size_bytes = static_cast<uint64_t>(info.st_size);
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<PosixWritableFile>(path, std::move(fd), size_bytes));
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

Status PosixWritableFile::append(std::string_view data) {
  LOGKV_RETURN_IF_ERROR(check_writable("append to"));
  while (!data.empty()) {
    const ssize_t written = ::write(fd_.get(), data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      first_failure_ = posix_error("cannot append to '" + path_ + "'", errno);
      return first_failure_;
    }
    // A short write is not an error: the rest goes in the next round.
    size_bytes_ += static_cast<uint64_t>(written);
    data.remove_prefix(static_cast<size_t>(written));
  }
  return Status::ok();
}

Status PosixWritableFile::sync() {
  LOGKV_RETURN_IF_ERROR(check_writable("sync"));
  int result;
  do {
    result = ::fdatasync(fd_.get());
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    first_failure_ = posix_error("cannot sync '" + path_ + "'", errno);
    return first_failure_;
  }
  return Status::ok();
}

Status PosixWritableFile::close() {
  if (!fd_.valid()) return Status::ok();
  if (fd_.close() != 0) return posix_error("cannot close '" + path_ + "'", errno);
  return Status::ok();
}

}  // namespace logkv
