// PosixFileSystem: the real file system, on Linux system calls.
//
// Thread-safety: every method may be called from many threads at once (the object has no
// mutable state of its own).
// Durability: as FileSystem documents. append() reaches the page cache; WritableFile::sync() is
// fdatasync; sync_dir() is fsync of the directory; truncate() fsyncs the file; rename(),
// remove() and file creation become durable only after sync_dir() of the directory.
// Failure: errors are kIOError with the operating system's text and the path, e.g.
// "cannot append to 'store/0001.log': No space left on device"; a missing file or directory is
// kNotFound.
//
// Reads (open_random_access) are served from a shared read-only mapping without system calls;
// see fs/posix_mapped_file.h for the details and the one precondition (no truncation below bytes
// still being read).
//
// Write backends. make_posix_file_system() builds a PosixFileSystem whose WritableFiles use
// either pwrite + fdatasync (fs/posix_writable_file.h) or io_uring, with the write and the
// fdatasync of append_and_sync() linked in one submission (fs/uring_writable_file.h), and
// optionally preallocate files in chunks (zeros written and synced ahead of the appends, cut
// back at close). kAuto is pwrite: measured on the machines logkv is tested on, a durable append
// costs less with pwrite + fdatasync in the writing thread than through io_uring, which runs
// each fdatasync on a kernel worker thread (README, "I/O backend"). kIoUring asks
// probe_io_uring() (fs/io_uring_probe.h) once, when the file system is made, whether io_uring
// works here. Reads, folders, locks and truncate() are the same for every backend.
// posix_file_system() shares one instance with pwrite and no preallocation.
//
// Locks (lock()) use flock(LOCK_EX | LOCK_NB) on the lock file, which then holds the holder's pid
// as decimal text and a newline. flock belongs to an open file description, so a second lock()
// on the same path fails also within one process (a store must not be opened twice), and a lock
// left by a process that died is released by the kernel: stale lock files never block.
#ifndef LOGKV_FS_POSIX_FILE_SYSTEM_H_
#define LOGKV_FS_POSIX_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"
#include "fs/space_reserve.h"
#include "logkv/options.h"

namespace logkv {

struct PosixFileSystemOptions {
  // kAuto and kPwrite: pwrite. kIoUring: io_uring if probe_io_uring(probe_dir) succeeds, else
  // kNotSupported.
  IoBackend backend = IoBackend::kAuto;
  // 0: files grow with each append. Otherwise files are extended with zeros this many bytes at a
  // time, ahead of the appends: a multiple of 4096 from 64 KiB to 1 GiB (4 MiB is a good size
  // for segments).
  uint64_t preallocate_chunk_bytes = 0;
  // With preallocation, only files whose name ends with this are preallocated; empty: every file.
  // Preallocating pays off for files appended and synced in a long stream (segments: ".log");
  // for a small file written once (a hint file, a compaction output renamed into place) it only
  // adds the zeros, a sync and the truncation at close.
  std::string preallocate_name_suffix;
  // The folder where the io_uring probe writes its temporary file: the store folder, so that
  // the probe runs on the file system the store writes to. Must exist. Empty: $TMPDIR, or /tmp.
  std::string probe_dir;
  // A space reserve (fs/space_reserve.h) of `reserve_bytes` at `reserve_path`, made by
  // restore_reserve() and again after a remove() frees space, released by a write that finds no
  // room while a permit is held. Empty path: none.
  std::string reserve_path;
  uint64_t reserve_bytes = 0;
};

inline constexpr uint64_t kPreallocateChunkBytesMin = 64 << 10;
inline constexpr uint64_t kPreallocateChunkBytesMax = 1 << 30;

class PosixFileSystem final : public FileSystem {
 public:
  // pwrite + fdatasync, no preallocation: what posix_file_system() shares.
  PosixFileSystem() = default;

  // Checks `options` (kInvalidArgument naming the bad field) and picks the write backend; see
  // make_posix_file_system().
  static Result<std::shared_ptr<PosixFileSystem>> create(const PosixFileSystemOptions& options);

  Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path,
                                                      OpenMode mode) override;
  // Maps the file's current size; the mapping grows when reads reach past it.
  Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
  // pwrite on a descriptor opened write-only, never O_APPEND.
  Result<std::unique_ptr<OverwritableFile>> open_overwritable(const std::string& path) override;
  Result<uint64_t> file_size(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& dir) override;
  Status create_dirs(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  std::unique_ptr<ReservePermit> permit_reserve() override;
  void restore_reserve() override;
  Status truncate(const std::string& path, uint64_t size) override;
  Result<std::unique_ptr<FileLock>> lock(const std::string& path) override;

  // "io_uring" or "pwrite".
  std::string_view io_backend_name() const override;
  uint64_t preallocate_chunk_bytes() const { return preallocate_chunk_bytes_; }
  // The chunk size open_writable() uses for `path`: 0 when it does not preallocate that file.
  uint64_t preallocate_chunk_bytes_for(std::string_view path) const;

 private:
  bool use_io_uring_ = false;
  uint64_t preallocate_chunk_bytes_ = 0;
  std::shared_ptr<SpaceReserve> reserve_;
  std::string preallocate_name_suffix_;
};

// A PosixFileSystem as `options` ask, or an error:
//   - kInvalidArgument when preallocate_chunk_bytes is not 0 and not a multiple of 4096 within
//     [kPreallocateChunkBytesMin, kPreallocateChunkBytesMax];
//   - kNotSupported, with backend kIoUring, when io_uring is unusable:
//     "io_uring is not usable here: <why>; use IoBackend::kAuto or kPwrite".
// kIoUring costs one probe (a small write and an fdatasync in probe_dir). Thread-safe.
Result<std::shared_ptr<FileSystem>> make_posix_file_system(const PosixFileSystemOptions& options);

}  // namespace logkv

#endif  // LOGKV_FS_POSIX_FILE_SYSTEM_H_
