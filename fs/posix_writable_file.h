// PosixWritableFile: the POSIX WritableFile with pwrite + fdatasync, and the base of the io_uring
// one (fs/uring_writable_file.h), which replaces only how bytes are written and synced.
//
// Writes are positional, at size() (never O_APPEND), so that the file may be longer than its
// content: with preallocation (`preallocate_chunk_bytes` > 0) the file is extended ahead of the
// appends. Whenever an append would pass the allocated length, the file is first extended by
// writing zeros up to the next multiple of the chunk size past the end of the append, and
// fdatasync'ed once (appends of a quarter chunk or more skip this and extend the file
// themselves: for them the zeros would cost more than the size update they spare). Later fdatasyncs
// of appended records then only write data blocks: the file's size and block map do not change, so
// the file system has no metadata to commit with them (measured: roughly half the latency of a sync
// on a growing file).
//
// The zeros are visible on disk and to other processes until close() cuts the file back to its
// content (ftruncate + fdatasync). A crash, or destroying the object without close(), leaves
// them: the log scanner treats zeros after the last record of the newest segment as a torn tail
// and recovery cuts the file there, so a reopened file (kAppendExisting) starts at its size.
// Readers in this process see only the content (fs/logical_end.h).
//
// Thread-safety: one thread at a time, as for every WritableFile.
// Durability: append() leaves the bytes in the kernel's page cache (visible to readers of the
// same file at once, lost on power loss); sync() makes them durable with fdatasync; close() of a
// preallocated file also syncs (its truncation must be durable, and fdatasync covers the data).
// Running out of space (ENOSPC, EDQUOT): a preallocation that finds no room for a whole chunk cuts
// its zeros back and asks for only what the append needs; if that fails too, or a write itself
// finds no room, the file releases the store's space reserve (fs/space_reserve.h, when it has
// one) and tries once more. Only then does the append fail, as below.
// Failure: the first failed append(), sync() or preallocation is remembered and every later
// append() or sync() fails too, naming the first failure. After a failed fdatasync the kernel
// may already have dropped the dirty pages and a retry could report success for data that never
// reached the disk, so the file refuses to pretend. size() then still counts only the bytes of
// appends that succeeded.
#ifndef LOGKV_FS_POSIX_WRITABLE_FILE_H_
#define LOGKV_FS_POSIX_WRITABLE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fs/file_system.h"
#include "fs/logical_end.h"
#include "fs/space_reserve.h"
#include "fs/unique_fd.h"

namespace logkv {

// A descriptor opened for writing and the size of the file behind it.
struct OpenedForWriting {
  UniqueFd fd;
  uint64_t size_bytes = 0;
  dev_t device = 0;
  ino_t inode = 0;
};

// Opens `path` as `mode` says (kCreateNew with O_CREAT | O_EXCL; kAppendExisting at the file's
// current size), write-only and O_CLOEXEC. Errors name the path.
Result<OpenedForWriting> open_for_writing(const std::string& path, OpenMode mode);

class PosixWritableFile : public WritableFile {
 public:
  // Opens `path` (see open_for_writing) for pwrite + fdatasync; preallocates in chunks of
  // `preallocate_chunk_bytes` when that is not 0.
  static Result<std::unique_ptr<WritableFile>> open(const std::string& path, OpenMode mode,
                                                    uint64_t preallocate_chunk_bytes);

  // Takes over `opened`, the file at `path`. Use open().
  PosixWritableFile(std::string path, OpenedForWriting opened, uint64_t preallocate_chunk_bytes);
  // Closes the descriptor without cutting a preallocated tail (as a crash would leave it).
  ~PosixWritableFile() override;
  PosixWritableFile(const PosixWritableFile&) = delete;
  PosixWritableFile& operator=(const PosixWritableFile&) = delete;

  Status append(std::string_view data) override;
  Status sync() override;
  Status append_and_sync(std::string_view data) override;
  // Cuts a preallocated file back to size() and makes that durable, then closes the descriptor.
  Status close() override;
  uint64_t size() const override { return size_bytes_; }

  // The file's length on disk: size() plus the preallocated zeros.
  uint64_t allocated_bytes() const { return allocated_bytes_; }

  // The reserve to release when a write finds no room; none by default.
  void set_space_reserve(std::shared_ptr<SpaceReserve> reserve) { reserve_ = std::move(reserve); }

 protected:
  // How bytes reach the file; each returns a Status naming path() on failure and is called only
  // while the file is writable. write_at() writes all of `data` at `offset`.
  virtual Status write_at(std::string_view data, uint64_t offset);
  virtual Status datasync();
  // write_at() then datasync(); a backend that can link the two overrides it.
  virtual Status write_and_datasync(std::string_view data, uint64_t offset);

  const std::string& path() const { return path_; }
  int fd() const { return fd_.get(); }
  // Write backends call this with the errno of a failed write, so that a failure for lack of
  // space can be retried after releasing the reserve.
  void note_write_errno(int error_number) { out_of_space_ = is_out_of_space(error_number); }

 private:
  // Returns the reason this file may no longer be written, or ok.
  Status check_writable(std::string_view operation) const;
  // Extends the file with zeros so that `append_bytes` more bytes fit, when preallocating.
  Status ensure_allocated(uint64_t append_bytes);
  // Writes zeros from the allocated end up to `target_bytes` and syncs them. Returns 0 or an
  // errno; on failure the file is cut back to its allocated end, releasing what was written.
  int extend_with_zeros(uint64_t target_bytes);
  // Runs `attempt` (a write) and, when it fails for lack of space and the reserve could be
  // released, runs it once more.
  template <typename Attempt>
  Status retry_after_releasing_reserve(Attempt attempt);
  // Remembers `failure` as the reason to refuse later writes and returns it.
  Status fail(Status failure);
  void appended(uint64_t bytes);

  // Appends of at least chunk / this many bytes are not preceded by zeros.
  static constexpr uint64_t kLargeAppendFractionOfChunk = 4;

  std::string path_;
  UniqueFd fd_;
  uint64_t size_bytes_;
  uint64_t allocated_bytes_;
  uint64_t preallocate_chunk_bytes_;
  // Shared with this process's readers of the file while preallocating; null otherwise.
  std::shared_ptr<LogicalEnd> logical_end_;
  Status first_failure_;
  std::shared_ptr<SpaceReserve> reserve_;
  bool out_of_space_ = false;  // the last failed write found no room
};

}  // namespace logkv

#endif  // LOGKV_FS_POSIX_WRITABLE_FILE_H_
