#include "fs/posix_io.h"

#include <unistd.h>

#include <cerrno>

namespace logkv {

int pwrite_fully(int fd, std::string_view data, uint64_t offset) {
  while (!data.empty()) {
    const ssize_t written = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    // Zero bytes for a non-empty write would loop forever; a regular file never does it.
    if (written == 0) return EIO;
    data.remove_prefix(static_cast<size_t>(written));
    offset += static_cast<uint64_t>(written);
  }
  return 0;
}

int fdatasync_retrying_eintr(int fd) {
  int result;
  do {
    result = ::fdatasync(fd);
  } while (result != 0 && errno == EINTR);
  return result == 0 ? 0 : errno;
}

}  // namespace logkv
