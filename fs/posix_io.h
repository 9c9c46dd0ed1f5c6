// The write and sync loops every POSIX writer in fs/ shares, over short writes and EINTR.
//
// Thread-safety: plain system calls on the caller's descriptor.
#ifndef LOGKV_FS_POSIX_IO_H_
#define LOGKV_FS_POSIX_IO_H_

#include <cstdint>
#include <string_view>

namespace logkv {

// pwrite of all of `data` at `offset`. Returns 0 or an errno.
int pwrite_fully(int fd, std::string_view data, uint64_t offset);

// fdatasync, retried on EINTR only (a failed sync must never be retried). Returns 0 or an errno.
int fdatasync_retrying_eintr(int fd);

}  // namespace logkv

#endif  // LOGKV_FS_POSIX_IO_H_
