#include "fs/space_reserve.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

#include "fs/posix_error.h"
#include "fs/posix_io.h"
#include "fs/unique_fd.h"

namespace logkv {

namespace {

constexpr size_t kWriteBytes = 64 << 10;

// Writes `bytes` zeros to `fd` and syncs them. Returns 0 or an errno.
int write_zeros_and_sync(int fd, uint64_t bytes) {
  const std::vector<char> zeros(kWriteBytes, '\0');
  for (uint64_t offset = 0; offset < bytes;) {
    const size_t piece = static_cast<size_t>(std::min<uint64_t>(kWriteBytes, bytes - offset));
    if (const int error_number = pwrite_fully(fd, {zeros.data(), piece}, offset);
        error_number != 0) {
      return error_number;
    }
    offset += piece;
  }
  return fdatasync_retrying_eintr(fd);
}

}  // namespace

bool is_out_of_space(int error_number) { return error_number == ENOSPC || error_number == EDQUOT; }

SpaceReserve::SpaceReserve(std::string path, uint64_t bytes)
    : path_(std::move(path)), bytes_(bytes) {}

Status SpaceReserve::restore() {
  std::lock_guard lock(mutex_);
  if (::access(path_.c_str(), F_OK) == 0) return Status::ok();
  const std::string temporary = path_ + ".tmp";
  ::unlink(temporary.c_str());  // left by a crash while it was being made
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.valid()) return posix_error("cannot create the space reserve '" + temporary + "'", errno);
  const int error_number = write_zeros_and_sync(fd.get(), bytes_);
  fd.close();
  if (error_number != 0) {
    ::unlink(temporary.c_str());
    return posix_error("cannot write the space reserve '" + temporary + "'", error_number);
  }
  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(temporary.c_str());
    return posix_error("cannot rename the space reserve to '" + path_ + "'", rename_error);
  }
  return Status::ok();
}

bool SpaceReserve::release() {
  if (permits_.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard lock(mutex_);
  return ::unlink(path_.c_str()) == 0;
}

namespace {

class Permit final : public ReservePermit {
 public:
  explicit Permit(std::atomic<int>& permits) : permits_(permits) {
    permits_.fetch_add(1, std::memory_order_acq_rel);
  }
  ~Permit() override { permits_.fetch_sub(1, std::memory_order_acq_rel); }

 private:
  std::atomic<int>& permits_;
};

}  // namespace

std::unique_ptr<ReservePermit> SpaceReserve::permit() { return std::make_unique<Permit>(permits_); }

}  // namespace logkv
