// UniqueFd: owns a POSIX file descriptor and closes it when destroyed.
//
// Thread-safety: like a unique_ptr; one owner, moved between threads but not shared.
// Failure: the destructor ignores close() errors. Code that must know whether a close failed
// (a file that was written) calls close() itself and checks the result.
#ifndef LOGKV_FS_UNIQUE_FD_H_
#define LOGKV_FS_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace logkv {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // Closes the descriptor and returns close()'s result (0, or -1 with errno set).
  int close() {
    if (fd_ < 0) return 0;
    // Linux releases the descriptor even when close() fails, so retrying would be wrong.
    return ::close(std::exchange(fd_, -1));
  }

  void reset() { static_cast<void>(close()); }

 private:
  int fd_ = -1;
};

}  // namespace logkv

#endif  // LOGKV_FS_UNIQUE_FD_H_
