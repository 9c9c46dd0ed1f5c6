// PosixWritableFile: the POSIX implementation of WritableFile (internal to fs/).
//
// Thread-safety: one thread at a time, as for every WritableFile.
// Durability: append() leaves the bytes in the kernel's page cache (visible to readers of the
// same file at once, lost on power loss); sync() makes them durable with fdatasync.
// Failure: the first failed append() or sync() is remembered and every later append() or sync()
// fails too, naming the first failure. After a failed fdatasync the kernel may already have
// dropped the dirty pages and a retry could report success for data that never reached the disk,
// so the file refuses to pretend.
#ifndef LOGKV_FS_POSIX_WRITABLE_FILE_H_
#define LOGKV_FS_POSIX_WRITABLE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "fs/file_system.h"
#include "fs/unique_fd.h"

namespace logkv {

class PosixWritableFile final : public WritableFile {
 public:
  // Opens `path` as `mode` says (O_CLOEXEC; kCreateNew uses O_EXCL, kAppendExisting O_APPEND).
  static Result<std::unique_ptr<WritableFile>> open(const std::string& path, OpenMode mode);

  // Takes over `fd`, an open descriptor for `path` that holds `size_bytes` bytes. Use open().
  PosixWritableFile(std::string path, UniqueFd fd, uint64_t size_bytes)
      : path_(std::move(path)), fd_(std::move(fd)), size_bytes_(size_bytes) {}

  Status append(std::string_view data) override;
  Status sync() override;
  Status close() override;
  uint64_t size() const override { return size_bytes_; }

 private:
  // Returns the reason this file may no longer be written, or ok.
  Status check_writable(std::string_view operation) const;

  std::string path_;
  UniqueFd fd_;
  uint64_t size_bytes_;
  Status first_failure_;
};

}  // namespace logkv

#endif  // LOGKV_FS_POSIX_WRITABLE_FILE_H_
