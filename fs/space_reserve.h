// SpaceReserve: a file of zeros a store keeps so that it can still write on a full disk.
//
// On a full file system a log-structured store can free space only by writing: a tombstone to
// delete a key, a new segment to seal the old one, a compaction output holding the live records
// before the inputs go. So the store keeps a spare file (RESERVE in the store folder,
// wal/file_names.h) of `bytes` zeros, written and synced while there is room. When a write of a
// PosixWritableFile fails for lack of space (ENOSPC, EDQUOT) while the store holds a permit (it
// does for tombstones and compaction, the writes that free space; never for other writes, which
// would use the reserve up), the file releases the reserve (unlinks it) and tries that write
// once more, so that the deletes and the compaction that recover the disk can run.
// PosixFileSystem::remove() of another file, which frees space, makes the reserve again when it is
// missing.
//
// Thread-safety: every method may be called from many threads at once.
// Failure: making the reserve is best effort: with no room for it, the store runs without one
// (restore() reports why, and the next remove() tries again).
#ifndef LOGKV_FS_SPACE_RESERVE_H_
#define LOGKV_FS_SPACE_RESERVE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "fs/file_system.h"
#include "logkv/status.h"

namespace logkv {

class SpaceReserve {
 public:
  SpaceReserve(std::string path, uint64_t bytes);

  // Makes the reserve file if it is missing: `bytes` zeros written to a temporary name, synced,
  // then renamed into place (a crash never leaves a short reserve under the real name). ok when
  // the reserve exists afterwards; otherwise the reason, and nothing is left behind.
  Status restore();
  // Unlinks the reserve file when a permit is held. true when it existed, so that a write that
  // failed for lack of space may be tried again.
  bool release();
  // Allows release() while the returned object lives.
  std::unique_ptr<ReservePermit> permit();

  const std::string& path() const { return path_; }
  uint64_t bytes() const { return bytes_; }

 private:
  const std::string path_;
  const uint64_t bytes_;
  std::mutex mutex_;
  std::atomic<int> permits_{0};
};

// True for the errno values that mean the file system (or the user's quota) has no room.
bool is_out_of_space(int error_number);

}  // namespace logkv

#endif  // LOGKV_FS_SPACE_RESERVE_H_
