// The file-system seam: the only way logkv's engine reaches files.
//
// The engine never calls POSIX directly. PosixFileSystem is the real implementation;
// MemFileSystem keeps files in memory, tracks what was synced and can simulate a power loss;
// tests wrap either to inject failures. Paths are plain strings joined with '/'.
//
// Thread-safety: a FileSystem may be called from many threads at once. A WritableFile or an
// OverwritableFile is used by one thread at a time. A RandomAccessFile may be read by many
// threads at once, also while the same file is being appended to through a WritableFile (reads
// see every byte that append() returned for).
#ifndef LOGKV_FS_FILE_SYSTEM_H_
#define LOGKV_FS_FILE_SYSTEM_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/status.h"

namespace logkv {

// A file opened for appending. Bytes are appended at the end; nothing is rewritten.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of `data` or fails. After a failure the file's tail is unknown: the caller must
  // stop writing to it (the engine stops accepting writes).
  virtual Status append(std::string_view data) = 0;
  // Makes every appended byte durable (fdatasync). Never retried after a failure.
  virtual Status sync() = 0;
  // append() then sync(), as one step: a backend that can link the two (io_uring) submits them
  // together. Same failure rules as append() and sync().
  virtual Status append_and_sync(std::string_view data) {
    LOGKV_RETURN_IF_ERROR(append(data));
    return sync();
  }
  // Closes the file; unsynced data is not synced by close.
  virtual Status close() = 0;
  // Bytes in the file: what it held when opened plus everything appended.
  virtual uint64_t size() const = 0;
};

// A file read at arbitrary offsets.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset`. The result points either into `scratch` (which must hold
  // `n` bytes) or into memory the file owns that stays valid while this object lives. It is
  // shorter than `n` only at the end of the file.
  virtual Result<std::string_view> read(uint64_t offset, size_t n, char* scratch) const = 0;
  // As read(), but always copies into `scratch` and never touches a memory mapping. For readers
  // of a file another process may shrink meanwhile (a writer cutting its preallocated zeros when
  // it seals a segment): touching a mapped page past the new end kills the process with SIGBUS,
  // while a copying read merely comes back short.
  virtual Result<std::string_view> read_copy(uint64_t offset, size_t n, char* scratch) const {
    Result<std::string_view> bytes = read(offset, n, scratch);
    if (bytes.is_ok() && bytes->data() != scratch) {
      std::copy(bytes->begin(), bytes->end(), scratch);
      return std::string_view(scratch, bytes->size());
    }
    return bytes;
  }
  // The file's current size.
  virtual Result<uint64_t> size() const = 0;
};

// A small existing file rewritten in place (pwrite at an offset), never synced through this
// handle: for a record whose loss or damage costs only knowledge, such as the synced-point
// marker (wal/synced_marker.h). After a power loss each 512-byte sector written since the file's
// last sync may hold the old bytes, the new ones or a mix, so what is written must carry a
// checksum of its own.
class OverwritableFile {
 public:
  virtual ~OverwritableFile() = default;
  // Writes all of `data` at `offset`, replacing the bytes there (the file grows when it ends
  // before offset + data.size()). After a failure the bytes there are unknown.
  virtual Status write_at(uint64_t offset, std::string_view data) = 0;
};

// Held while a store folder is locked; destroying it releases the lock.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

enum class OpenMode : uint8_t {
  kCreateNew,       // create the file; fail (kIOError) if it already exists
  kAppendExisting,  // open an existing file and append at its end; kNotFound if missing
};

// Held while a store writes to free space (fs/space_reserve.h): see FileSystem::permit_reserve.
class ReservePermit {
 public:
  virtual ~ReservePermit() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path,
                                                              OpenMode mode) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) = 0;
  // Opens an existing file to be rewritten in place; kNotFound when it does not exist.
  virtual Result<std::unique_ptr<OverwritableFile>> open_overwritable(const std::string& path) = 0;
  // kNotFound when the file does not exist.
  virtual Result<uint64_t> file_size(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> list_dir(const std::string& dir) = 0;
  // Creates `dir` and any missing parents, durably (each new folder's parent is synced);
  // succeeds if it exists.
  virtual Status create_dirs(const std::string& dir) = 0;
  // Makes the directory's entries (creates, renames, removes) durable.
  virtual Status sync_dir(const std::string& dir) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status remove(const std::string& path) = 0;
  // Cuts the file to `size` bytes and makes the new size durable.
  virtual Status truncate(const std::string& path, uint64_t size) = 0;
  // Takes an exclusive lock on `path` (created if missing) and its folder, held until the
  // FileLock is destroyed. Fails at once with kLocked, naming the holder's pid where it is
  // known, if any other holder has it (another process, or another lock in this process). The
  // lock holds even when the file `path` is removed or replaced meanwhile.
  virtual Result<std::unique_ptr<FileLock>> lock(const std::string& path) = 0;

  // While the returned permit lives, a write that finds the disk full may release the file
  // system's space reserve and try again (fs/space_reserve.h). A store holds one only for writes
  // that free space: tombstones and compaction. nullptr when the file system keeps no reserve.
  virtual std::unique_ptr<ReservePermit> permit_reserve() { return nullptr; }
  // Makes the space reserve if the file system keeps one and it is missing; best effort (a full
  // disk leaves the store without one until a removal frees space). A store calls it once its
  // folder is locked and known to be a store's, so that no other folder ever gets one.
  virtual void restore_reserve() {}

  // The I/O backend of the write path, for stats ("pwrite", "io_uring", "memory", ...).
  virtual std::string_view io_backend_name() const { return "pwrite"; }
};

// The real file system. Shared by every store that does not ask for another.
std::shared_ptr<FileSystem> posix_file_system();

inline std::string join_path(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

}  // namespace logkv

#endif  // LOGKV_FS_FILE_SYSTEM_H_
