// The effective records of an immutable segment: for each key it holds, its newest record there.
//
// Within one segment a later record of a key replaces an earlier one, so a segment's effect on
// the store is exactly its newest record per key. That is what a hint file lists, what
// compaction copies from, and what it looks for when it decides whether a delete's tombstone
// still hides an older value (docs/DESIGN.md, "Compaction").
//
// Thread-safety: the functions share no state.
#ifndef LOGKV_COMPACTION_SEGMENT_RECORDS_H_
#define LOGKV_COMPACTION_SEGMENT_RECORDS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/hint_file.h"
#include "wal/record.h"

namespace logkv {

struct SegmentRecord {
  std::string key;
  uint64_t sequence = 0;
  uint32_t offset = 0;
  uint32_t record_bytes = 0;
  RecordType type = RecordType::kSet;
};

// Scans the whole immutable segment `contents` (segment `segment_id`, named `path` in messages)
// and returns its effective records in file order. kCorruption when any record is bad: an
// immutable segment was synced in full, so it has no torn tail.
Result<std::vector<SegmentRecord>> scan_segment_records(std::string_view contents,
                                                        std::string_view path, uint64_t segment_id);

// The effective records of segment `segment_id` of `dir`, `segment_bytes` long, read through
// `file`: from its hint file when that is intact, else by scanning the segment.
// `used_hint`, when given, says which. Fails only when the segment itself cannot be read or is
// damaged.
Result<std::vector<SegmentRecord>> read_segment_records(FileSystem& fs, const std::string& dir,
                                                        uint64_t segment_id,
                                                        const RandomAccessFile& file,
                                                        uint64_t segment_bytes,
                                                        bool* used_hint = nullptr);

// Hint entries for `records` (which must be in file order); keys point into `records`.
std::vector<HintEntry> hint_entries_for(std::span<const SegmentRecord> records);

}  // namespace logkv

#endif  // LOGKV_COMPACTION_SEGMENT_RECORDS_H_
