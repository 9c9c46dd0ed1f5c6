// PosixMappedFile: the POSIX RandomAccessFile, serving reads from a read-only shared mapping.
//
// The store's get() reads every value through a RandomAccessFile, so a read of bytes the
// object already knows to exist makes no system call: it returns a view into the mapping.
// The mapping may reach past the end of the file (Linux allows that) so that bytes appended
// later through a WritableFile become readable through it: both go through the same page cache.
//
// How a read is served:
//   1. If [offset, offset + n) ends within the last size this object observed, and within the
//      current mapping, the result points into the mapping. No system call.
//   2. Otherwise the size is refreshed with fstat. If the file has grown past the mapping, a
//      larger mapping is made (under a mutex); older mappings stay alive until the object is
//      destroyed, so views returned earlier remain valid.
//   3. If no mapping covers the bytes (mmap failed), they are read with pread into `scratch`.
//
// Thread-safety: read() and size() may be called from many threads at once.
// Failure: a failed fstat or pread returns kIOError naming the file and offset.
// Preallocated files: while a preallocating writer of this process has the file open, sizes are
// clamped to the end of its content (fs/logical_end.h), so the zeros past it read as the end of
// the file, not as bytes.
// Precondition: the file is not truncated below bytes that this object still reads; reading a
// mapped page that lies wholly past the end of the file raises SIGBUS. Reopen the file after
// truncating it.
#ifndef LOGKV_FS_POSIX_MAPPED_FILE_H_
#define LOGKV_FS_POSIX_MAPPED_FILE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"
#include "fs/logical_end.h"
#include "fs/unique_fd.h"

namespace logkv {

class PosixMappedFile final : public RandomAccessFile {
 public:
  // Opens `path` read-only and maps at least max(file size, `mapping_bytes_min`) bytes.
  // kNotFound if the file does not exist.
  static Result<std::unique_ptr<RandomAccessFile>> open(const std::string& path,
                                                        uint64_t mapping_bytes_min);

  // Takes over `fd` for `path`, whose content is `size_bytes` long and ends where
  // `logical_end` says while a preallocating writer has it open. Use open().
  PosixMappedFile(std::string path, UniqueFd fd, uint64_t size_bytes,
                  std::shared_ptr<const LogicalEnd> logical_end);
  ~PosixMappedFile() override;

  Result<std::string_view> read(uint64_t offset, size_t n, char* scratch) const override;
  // Always pread: see RandomAccessFile::read_copy.
  Result<std::string_view> read_copy(uint64_t offset, size_t n, char* scratch) const override;
  Result<uint64_t> size() const override;

  // Bytes covered by the current mapping (0 when nothing is mapped). For tests and statistics.
  uint64_t mapped_bytes() const;

 private:
  struct Mapping {
    const char* base;
    uint64_t length_bytes;
  };

  // Maps at least `length_bytes` (rounded up to whole pages) and makes it the current mapping,
  // unless the current one is already as long. Failing to map is not an error: reads then fall
  // back to pread.
  void grow_mapping(uint64_t length_bytes) const;
  Result<uint64_t> refresh_size() const;
  Result<std::string_view> pread_into(uint64_t offset, size_t n, char* scratch) const;

  const std::string path_;
  const UniqueFd fd_;
  const std::shared_ptr<const LogicalEnd> logical_end_;
  // The largest file size observed so far; bytes below it may be read without a system call.
  mutable std::atomic<uint64_t> known_size_bytes_;
  // The longest mapping; points into mappings_.
  mutable std::atomic<const Mapping*> current_mapping_{nullptr};
  mutable std::mutex grow_mutex_;
  // Every mapping made; guarded by grow_mutex_. Unmapped only in the destructor.
  mutable std::vector<std::unique_ptr<Mapping>> mappings_;
};

}  // namespace logkv

#endif  // LOGKV_FS_POSIX_MAPPED_FILE_H_
