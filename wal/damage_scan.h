// scan_segment_past_damage: reads every record of a segment that can still be read when part of
// it is damaged, for the readers that must go on past damage (a read-only open, `logkv check`).
// A writer's open does not use it: it refuses a damaged store (docs/FORMAT.md, "Reading past
// damage", says what each reader does).
//
// After bad bytes the scan looks for the next offset holding a record that decodes cleanly (its
// checksum matches) and could follow the records before the damage (a higher sequence, a
// plausible synced offset), and resumes there. When that record starts exactly where the damaged
// one's own length fields say it ends, the damaged record's framing is proven and its key (as
// stored: the damage may be in the key itself) is known; otherwise the keys of the skipped bytes
// are unknown.
//
// Thread-safety: a pure function over caller-owned memory; visit() runs on the calling thread.
#ifndef LOGKV_WAL_DAMAGE_SCAN_H_
#define LOGKV_WAL_DAMAGE_SCAN_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "wal/segment_scanner.h"

namespace logkv {

// A key one damaged range may have held the newest version of.
struct DamagedKey {
  std::string key;
  // The lost version's sequence is at most this: a version of the key with a higher sequence
  // elsewhere is newer, and the key is not affected.
  uint64_t sequence_max = std::numeric_limits<uint64_t>::max();
};

// Bytes of a segment that could not be served.
struct DamagedRange {
  // First byte not served: the damage, or the start of the atomic batch it cut into.
  uint64_t start = 0;
  // Where the bad bytes start.
  uint64_t damage_offset = 0;
  // Where reading resumed; the file's size when nothing intact followed.
  uint64_t end = 0;
  // What is wrong (the scanner's message, naming the file and offset).
  std::string what;
  // Keys whose records lie in [start, end), as far as they could be read.
  std::vector<DamagedKey> keys;
  // Whether `keys` names every record of the range: false when bytes with unknown keys were
  // skipped (the damaged record's length could not be trusted, or nothing intact followed it).
  bool keys_complete = false;
  // Every record in the range has a sequence above this (the last one read before it).
  uint64_t sequence_after = 0;
};

struct DamageTolerantScan {
  // The end of the consistent prefix: past the last good record, before a torn tail.
  uint64_t valid_end = 0;
  // As SegmentScan::torn_tail: only the newest segment has one.
  bool torn_tail = false;
  // Whether every byte of the torn tail is zero: space a writer preallocated, not a torn write.
  bool torn_tail_all_zero = false;
  uint64_t records = 0;
  uint64_t last_sequence = 0;
  std::vector<DamagedRange> damage;
};

// Scans from the segment header, or, with `start.offset` > 0, from the record at that offset
// on (a record boundary; the records before it are not read, and `start.last_sequence` is the
// last sequence before it): what the index checkpoint leaves to read.
struct ScanStart {
  uint64_t offset = 0;
  uint64_t last_sequence = 0;
};
DamageTolerantScan scan_segment_past_damage(std::string_view contents, std::string_view file_name,
                                            uint64_t segment_id, SyncedPrefix synced,
                                            const std::function<void(const ScannedRecord&)>& visit,
                                            ScanStart start = {});

}  // namespace logkv

#endif  // LOGKV_WAL_DAMAGE_SCAN_H_
