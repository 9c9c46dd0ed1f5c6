// Recovery: rebuilds the key directory from the segment files when a store is opened.
#ifndef LOGKV_ENGINE_RECOVERY_H_
#define LOGKV_ENGINE_RECOVERY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fs/file_system.h"
#include "index/index_checkpoint.h"
#include "index/key_directory.h"
#include "logkv/status.h"
#include "wal/damage_scan.h"
#include "wal/segment_set.h"
#include "wal/segment_table.h"

namespace logkv {

struct RecoveredLog {
  uint64_t last_sequence = 0;
  // The newest segment that survived recovery (0 when none did) and its length: the log
  // continues there.
  uint64_t newest_segment_id = 0;
  uint64_t newest_segment_bytes = 0;
  uint64_t highest_segment_id = 0;  // including a removed headerless one, so ids never repeat
  uint64_t torn_bytes_dropped = 0;
  uint64_t live_bytes = 0;
  std::vector<std::unique_ptr<Segment>> segments;  // opened for reading, ascending ids
  // For each of `segments`: the bytes of the records the key directory points into it, and
  // the size of the intact hint file it was loaded from (0 when it was scanned).
  std::vector<uint64_t> segment_live_bytes;
  std::vector<uint64_t> segment_hint_bytes;
  // Bytes of delete records per segment (an upper bound of its effective tombstones).
  std::vector<uint64_t> segment_tombstone_bytes;
  uint64_t hint_files_loaded = 0;
  // Hint files that were damaged or did not match their segment: the segment was scanned
  // instead. `hint_problems` says what was wrong with each, one line per file.
  uint64_t hint_files_rejected = 0;
  std::vector<std::string> hint_problems;
  // The index checkpoint (index/index_checkpoint.h): whether an INDEX file was found, the
  // point of the one loaded (nullopt when none was), and why one found was not used.
  bool index_checkpoint_found = false;
  std::optional<CheckpointPoint> index_checkpoint;
  std::string index_checkpoint_unused_why;
  // Read-only recovery only (a writer's fails instead): the damaged ranges of each segment...
  struct Damage {
    std::string path;
    DamagedRange range;
  };
  std::vector<Damage> damage;
  // ... and the keys whose newest version may have been in one: no intact version of the key
  // is known to be newer than the damaged bytes. Each with where the damage is ("'<path>' at
  // offset N").
  std::vector<std::pair<std::string, std::string>> damaged_keys;
};

enum class RecoveryMode : uint8_t {
  // A writer's open: cuts a torn tail durably and fails on any other damage.
  kWriter,
  // Options::read_only: changes no file, leaves a torn tail unseen, and reads past damage
  // (wal/damage_scan.h), reporting it in RecoveredLog::damage and damaged_keys. Segments are
  // read with copying reads, as another process may cut its preallocated tail meanwhile.
  kReadOnly,
};

// Rebuilds `keys` from the segments of `listing` in `dir`. An immutable segment with an intact
// hint file is loaded from it, without reading the segment's records; every other segment is
// scanned. Per key, the record with the highest sequence number wins, deletes included, so the
// order of the segments does not matter: a compaction's output holds copies of old records
// under a higher segment id (docs/FORMAT.md, "Sequence numbers across segments").
//
// A torn tail of the newest segment is cut off durably (a newest segment without a complete
// header is removed). Any other damage fails with kCorruption naming the file and offset, as
// does a record in the newest segment that is not newer than every record of the others;
// nothing is changed on disk then. A damaged hint file is not an error: it is counted, its
// problem recorded, and its segment scanned.
//
// `keys` must be empty and not yet shared with any other thread: it is filled through its
// lock-free recovery path (KeyDirectory::put_for_recovery). On failure `keys` holds an
// arbitrary part of the log and must be discarded.
//
// The segments read are those of `set` (wal/segment_set.h). A problem with the set (a segment
// the manifest lists that is missing or has another length, a segment it does not list, a
// damaged manifest) fails a writer's recovery with kCorruption; a read-only one records it in
// RecoveredLog::damage and reads what there is, unless records were lost whose keys no intact
// hint file names: then it fails too, since any key could read as an older value.
Result<RecoveredLog> recover_log(FileSystem& fs, const std::string& dir, const SegmentSet& set,
                                 KeyDirectory& keys, RecoveryMode mode = RecoveryMode::kWriter);

// After a successful recovery: removes what a crash left that is not part of the store, durably
// (temporary files of a compaction, hint files whose segment is gone, the leftover segments of
// `set` with their hint files) and the hint file of the segment the log continues in
// (`newest_segment_id`), which appending would make stale.
Status remove_unpublished_files(FileSystem& fs, const std::string& dir, const SegmentSet& set,
                                uint64_t newest_segment_id);

}  // namespace logkv

#endif  // LOGKV_ENGINE_RECOVERY_H_
