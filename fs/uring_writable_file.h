// UringWritableFile: the io_uring WritableFile of PosixFileSystem (chosen by
// make_posix_file_system, fs/posix_file_system.h).
//
// append_and_sync() is the group-commit leader's one call per group: it submits the write (at
// the file's logical end) and the fdatasync as two LINKED operations with one system call, and
// checks both completions. The kernel starts the sync only once the write completed in full;
// a failed or short write cancels it. append() and sync() alone use the same ring, one
// operation each. Everything else (positional writes, preallocation, refusing writes after a
// failure, close) is PosixWritableFile's, and documented there.
//
// Each file owns one small ring (kUringEntries slots), created at open; an open fails with
// kIOError when the kernel refuses the ring.
//
// Thread-safety: one thread at a time, as for every WritableFile.
// Durability: as PosixWritableFile; append_and_sync() returns after the fdatasync completed.
// Failure: a write error, a short write of a linked write, or a sync error fails the call with a
// message naming the file, offset and bytes, and every later append() or sync() is refused (a
// failed fsync is never retried). A failure of the ring itself is reported the same way.
#ifndef LOGKV_FS_URING_WRITABLE_FILE_H_
#define LOGKV_FS_URING_WRITABLE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fs/posix_writable_file.h"
#include "fs/uring_ring.h"

namespace logkv {

// A write and a sync need two slots; a few more cost nothing.
inline constexpr unsigned kUringEntries = 8;

class UringWritableFile final : public PosixWritableFile {
 public:
  // Creates the ring, then opens `path` as PosixWritableFile::open does.
  static Result<std::unique_ptr<WritableFile>> open(const std::string& path, OpenMode mode,
                                                    uint64_t preallocate_chunk_bytes);

  // Takes over `opened` and `ring`. Use open().
  UringWritableFile(std::string path, OpenedForWriting opened, uint64_t preallocate_chunk_bytes,
                    std::unique_ptr<UringRing> ring);

 protected:
  Status write_at(std::string_view data, uint64_t offset) override;
  Status datasync() override;
  Status write_and_datasync(std::string_view data, uint64_t offset) override;

 private:
  // Status for a write of `data` at `offset` that ended with `result` (-errno or bytes).
  Status write_failure(std::string_view data, uint64_t offset, int result);

  std::unique_ptr<UringRing> ring_;
};

}  // namespace logkv

#endif  // LOGKV_FS_URING_WRITABLE_FILE_H_
