// MemFileSystem: files in memory, with an exact record of what is durable.
//
// Used for the store's in-memory mode and by crash tests. It behaves like the POSIX file system
// (folders must exist before files are created in them, list_dir of a missing folder is
// kNotFound, kCreateNew on an existing file is kIOError) and additionally tracks, per file and
// per folder, what has been made durable.
//
// Durability model
//   - A file (an "inode") has `data`, what reads see, and `durable_data`, its content as of the
//     last successful WritableFile::sync() (or truncate(), which makes the whole file durable,
//     like the fsync that PosixFileSystem::truncate does). Synced bytes are never altered by a
//     power loss, except those an OverwritableFile rewrote since: they may come back old, new
//     or garbled.
//   - A folder has `entries` (name -> inode) and `durable_entries`, the entries as of its last
//     sync_dir(). Creating, renaming and removing a file change only `entries`. Syncing a file
//     does not make its name durable, and syncing a folder does not make file data durable.
//   - Folders themselves (create_dirs) are durable as soon as they are created; logkv creates
//     its store folder before anything that matters is written in it.
//
// Power-loss model: tests/support/mem_power_loss.h simulates a power loss on a MemFileSystem
//   from the durable state above (only tests link it; the library never loses power itself).
//
// Thread-safety: every method, and every method of the files it opens, may be called from many
// threads at once (one mutex guards the whole file system). Files opened from a MemFileSystem
// stay usable after the MemFileSystem object is destroyed.
#ifndef LOGKV_FS_MEM_FILE_SYSTEM_H_
#define LOGKV_FS_MEM_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"

namespace logkv {

namespace mem {
struct State;
}  // namespace mem

class MemFileSystem final : public FileSystem {
 public:
  // Starts empty, with the root folders "/" and "" (the current folder, also spelled ".").
  MemFileSystem();
  ~MemFileSystem() override;

  Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path,
                                                      OpenMode mode) override;
  Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
  Result<std::unique_ptr<OverwritableFile>> open_overwritable(const std::string& path) override;
  Result<uint64_t> file_size(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& dir) override;
  Status create_dirs(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;
  // Renames files; renaming a folder is kNotSupported.
  Status rename(const std::string& from, const std::string& to) override;
  // Removes a file; removing a folder is kIOError, as unlink() would say.
  Status remove(const std::string& path) override;
  Status truncate(const std::string& path, uint64_t size) override;
  // Creates the lock file if missing (an empty file) and takes the lock in an in-memory table.
  // A second lock() of the same path fails with kLocked naming this process until the first
  // FileLock is destroyed (or a power loss releases it).
  Result<std::unique_ptr<FileLock>> lock(const std::string& path) override;
  std::string_view io_backend_name() const override { return "memory"; }

  // The file's current content (what reads see). kNotFound if it does not exist.
  Result<std::string> read_file(const std::string& path) const;
  // Replaces the file's content with `bytes`, creating it if needed, durably: as if written,
  // synced, and its folder synced. The folder must exist (kNotFound otherwise). Open readers of
  // the file see the new content.
  Status write_file(const std::string& path, std::string_view bytes);

 private:
  friend class MemFileSystemPeer;  // tests/support/mem_power_loss.h
  std::shared_ptr<mem::State> state_;
};

}  // namespace logkv

#endif  // LOGKV_FS_MEM_FILE_SYSTEM_H_
