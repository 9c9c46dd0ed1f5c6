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
// Locks (lock()) use flock(LOCK_EX | LOCK_NB) on the lock file, which then holds the holder's pid
// as decimal text and a newline. flock belongs to an open file description, so a second lock()
// on the same path fails also within one process (a store must not be opened twice), and a lock
// left by a process that died is released by the kernel: stale lock files never block.
#ifndef LOGKV_FS_POSIX_FILE_SYSTEM_H_
#define LOGKV_FS_POSIX_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fs/file_system.h"

namespace logkv {

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path,
                                                      OpenMode mode) override;
  // Maps the file's current size; the mapping grows when reads reach past it.
  Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
  // Like open_random_access(), but maps at least `mapping_bytes_min` bytes at once, so that reads
  // of a file that will grow to that size (an active segment) never need a remap.
  Result<std::unique_ptr<RandomAccessFile>> open_mapped(const std::string& path,
                                                        uint64_t mapping_bytes_min);
  Result<uint64_t> file_size(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& dir) override;
  Status create_dirs(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status truncate(const std::string& path, uint64_t size) override;
  Result<std::unique_ptr<FileLock>> lock(const std::string& path) override;
};

}  // namespace logkv

#endif  // LOGKV_FS_POSIX_FILE_SYSTEM_H_
