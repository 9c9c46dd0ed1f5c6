// MemFileSystem: files in memory, with an exact model of what a power loss would keep.
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
//     power loss.
//   - A folder has `entries` (name -> inode) and `durable_entries`, the entries as of its last
//     sync_dir(). Creating, renaming and removing a file change only `entries`. Syncing a file
//     does not make its name durable, and syncing a folder does not make file data durable.
//   - Folders themselves (create_dirs) are durable as soon as they are created; logkv creates
//     its store folder before anything that matters is written in it.
//
// Power-loss model (simulate_power_loss)
//   kDropUnsynced: every folder reverts to `durable_entries` and every file to `durable_data`.
//     Files created since their folder's last sync vanish, removed ones come back, renames are
//     undone, and every byte appended since the file's last sync is gone.
//   kRandom: what a disk with volatile caches might keep, drawn from a generator seeded with
//     `seed` (the same seed and the same history give the same outcome):
//     1. Names. Each change of a folder entry since the folder's last sync is one of: name added,
//        name removed, name now bound to another inode. Changes that involve a common inode are
//        one group (a rename is an addition and a removal of the same inode; a rename over an
//        existing file also ties in the replaced inode), and each group is independently kept
//        whole or undone whole, with probability 1/2 each. A rename is thus atomic: afterwards
//        exactly the old or the new name binding holds.
//     2. Data. For each file that exists after step 1, the unsynced bytes (those past
//        `durable_data`) are cut at 512-byte sector boundaries of the file (the first piece runs
//        from the end of the synced bytes to the next boundary). Walking the sectors in order,
//        each is kept as written (probability 1/2), garbled (1/4) or dropped (1/4). A dropped
//        sector ends the file: it and every later sector are lost. A garbled sector keeps its
//        length but holds random bytes or, with equal chance, zeros (as when a file's size
//        reached the disk before its data).
//   After either mode every file and folder is durable again (data == durable_data, entries ==
//   durable_entries), every lock is released, and every WritableFile, RandomAccessFile and
//   FileLock opened before the call is dead: its calls fail with kIOError "file system
//   crashed", and destroying it has no effect.
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

enum class PowerLossMode : uint8_t {
  kDropUnsynced,  // lose exactly what was not synced
  kRandom,        // keep, lose or garble unsynced changes at random (see the model above)
};

class MemFileSystem final : public FileSystem {
 public:
  // Starts empty, with the root folders "/" and "" (the current folder, also spelled ".").
  MemFileSystem();
  ~MemFileSystem() override;

  Result<std::unique_ptr<WritableFile>> open_writable(const std::string& path,
                                                      OpenMode mode) override;
  Result<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
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

  // Simulates a power loss followed by a reboot; see the model above.
  void simulate_power_loss(uint64_t seed, PowerLossMode mode);

  // Bytes a power loss could lose now: over every file, the bytes past its durable data.
  size_t unsynced_bytes() const;

  // The file's current content (what reads see). kNotFound if it does not exist.
  Result<std::string> read_file(const std::string& path) const;
  // Replaces the file's content with `bytes`, creating it if needed, durably: as if written,
  // synced, and its folder synced. The folder must exist (kNotFound otherwise). Open readers of
  // the file see the new content.
  Status write_file(const std::string& path, std::string_view bytes);

 private:
  std::shared_ptr<mem::State> state_;
};

}  // namespace logkv

#endif  // LOGKV_FS_MEM_FILE_SYSTEM_H_
