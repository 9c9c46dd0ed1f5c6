// LogicalEnd: where the content of a preallocated file ends, shared by its writer and readers.
//
// A preallocating WritableFile (see fs/posix_writable_file.h) keeps its file longer than its
// content: zeros follow the last appended byte up to the allocated length. fstat() then reports
// the allocated length, so readers in this process would take the zeros for content. While such
// a writer has the file open it publishes its logical end here, and PosixMappedFile and
// PosixFileSystem::file_size() clamp the size they observe to it. Another process sees the
// allocated length; logkv allows one writer process per store, and its tools read closed
// segments (whose zero tail was cut by close()) or recover a crashed one (which cuts it too).
//
// A file is identified by (device, inode). That identity cannot be reused while an entry lives:
// every holder of an entry also holds an open descriptor of the file, and the kernel frees an
// inode only after its last descriptor is closed.
//
// Thread-safety: every function and method may be called from any thread.
#ifndef LOGKV_FS_LOGICAL_END_H_
#define LOGKV_FS_LOGICAL_END_H_

#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>

namespace logkv {

class LogicalEnd {
 public:
  // Published while no preallocating writer has the file open: sizes are taken as they are.
  static constexpr uint64_t kNoWriter = std::numeric_limits<uint64_t>::max();

  // Called by the writer after the bytes below `content_bytes` were written, so that a reader
  // that sees the new end also sees the bytes.
  void publish(uint64_t content_bytes) {
    end_bytes_.store(content_bytes, std::memory_order_release);
  }
  // Called by the writer when it closes or is destroyed.
  void clear() { publish(kNoWriter); }

  // The size of the file's content, given `file_bytes`, the size fstat() reported.
  uint64_t clamp(uint64_t file_bytes) const {
    return std::min(file_bytes, end_bytes_.load(std::memory_order_acquire));
  }

 private:
  std::atomic<uint64_t> end_bytes_{kNoWriter};
};

// The entry of the file (`device`, `inode`), created (as kNoWriter) if none is alive. Writers and
// readers hold it for as long as they hold a descriptor of the file.
std::shared_ptr<LogicalEnd> logical_end_of(dev_t device, ino_t inode);

// The entry of the file if one is alive, else null. For callers that only look (file_size()).
std::shared_ptr<const LogicalEnd> find_logical_end(dev_t device, ino_t inode);

}  // namespace logkv

#endif  // LOGKV_FS_LOGICAL_END_H_
