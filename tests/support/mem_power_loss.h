// Simulated power loss for MemFileSystem (fs/mem_file_system.h), for crash tests.
//
// MemFileSystem records, per file and per folder, what was made durable; a power loss here
// takes the state back to it, as follows:
//   kDropUnsynced: every folder reverts to `durable_entries` and every file to `durable_data`.
//     Files created since their folder's last sync vanish, removed ones come back, renames are
//     undone, every byte appended since the file's last sync is gone, and rewritten bytes
//     are old again.
//   kRandom: what a disk with volatile caches might keep, drawn from a generator seeded with
//     `seed` (the same seed and the same history give the same outcome):
//     1. Names. Each change of a folder entry since the folder's last sync is one of: name added,
//        name removed, name now bound to another inode. Changes that involve a common inode are
//        one group (a rename is an addition and a removal of the same inode; a rename over an
//        existing file also ties in the replaced inode), and each group is independently kept
//        whole or undone whole, with probability 1/2 each. A rename is thus atomic: afterwards
//        exactly the old or the new name binding holds.
//     2. Data. For each file that exists after step 1, first the synced bytes an
//        OverwritableFile rewrote since the file's last sync: each 512-byte sector of them that
//        differs keeps the new bytes (probability 1/2), goes back to the old ones (1/4) or is
//        garbled (1/4). Then the unsynced bytes (those past
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
#ifndef LOGKV_TESTS_SUPPORT_MEM_POWER_LOSS_H_
#define LOGKV_TESTS_SUPPORT_MEM_POWER_LOSS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fs/mem_file_system.h"

namespace logkv {

enum class PowerLossMode : uint8_t {
  kDropUnsynced,  // lose exactly what was not synced
  kRandom,        // keep, lose or garble unsynced changes at random (see the model above)
};

// Simulates a power loss of `fs` followed by a reboot; see the model above.
void simulate_power_loss(MemFileSystem& fs, uint64_t seed, PowerLossMode mode);

// Bytes a power loss could lose now: over every file, the bytes past its durable data and the
// rewritten bytes that differ from it. Files named `except_name` (in any folder) are not counted:
// the synced-point marker, which is never synced on purpose (wal/synced_marker.h).
size_t unsynced_bytes(const MemFileSystem& fs, std::string_view except_name = {});

// The one way in to MemFileSystem's state; the functions above are its only users.
class MemFileSystemPeer {
 public:
  static void simulate_power_loss(MemFileSystem& fs, uint64_t seed, PowerLossMode mode);
  static size_t unsynced_bytes(const MemFileSystem& fs, std::string_view except_name);
};

}  // namespace logkv

#endif  // LOGKV_TESTS_SUPPORT_MEM_POWER_LOSS_H_
