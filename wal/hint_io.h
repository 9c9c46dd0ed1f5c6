// Reading and writing hint files (wal/hint_file.h) through the file-system seam; they are
// published as wal/file_publishing.h describes.
//
// Thread-safety: the functions share no state; the FileSystem must be thread-safe (it is).
#ifndef LOGKV_WAL_HINT_IO_H_
#define LOGKV_WAL_HINT_IO_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/damage_scan.h"
#include "wal/file_publishing.h"
#include "wal/hint_file.h"

namespace logkv {

// A decoded hint file and the bytes its entries point into.
struct LoadedHint {
  FileBytes file;
  DecodedHintFile hint;
};

// Reads and verifies the hint file of segment `segment_id` in `dir`, which must describe a
// segment of exactly `segment_bytes` bytes. kNotFound when there is no hint file; kCorruption
// (naming the file and the problem) when it is damaged or describes another length.
Result<LoadedHint> load_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                  uint64_t segment_bytes);

// The entry count that the header of segment `segment_id`'s hint file claims, read without
// verifying the file (no checksum): only for sizing before load_hint_file(). Bounded by what the
// file's length can hold, so a damaged header cannot claim more. kNotFound when there is no hint
// file; kCorruption when it is shorter than a header.
Result<uint64_t> read_hint_entry_count(FileSystem& fs, const std::string& dir, uint64_t segment_id);

// Writes the hint file of segment `segment_id` under its temporary name, synced. The caller
// renames it (publish_temp_file) and syncs the folder. Returns the bytes written.
Result<uint64_t> write_temp_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                      uint64_t segment_bytes, std::span<const HintEntry> entries);

// Writes, publishes and makes durable (folder synced) the hint file of segment `segment_id`,
// replacing any older one. Returns the bytes written.
Result<uint64_t> write_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                 uint64_t segment_bytes, std::span<const HintEntry> entries);

// A sealed segment never shrinks, so one shorter than its intact hint file says was cut short.
struct CutShortSegment {
  uint64_t hinted_bytes = 0;  // the length the hint describes
  // The hint's entries whose records lay (wholly or partly) past the cut: the newest version of
  // each key in the segment that the cut removed.
  struct LostRecord {
    std::string key;
    uint64_t sequence = 0;
    uint64_t offset = 0;
  };
  std::vector<LostRecord> lost;
};

// Reads segment `segment_id`'s hint file and compares it with the segment's `segment_bytes`:
// nullopt when the hint is missing or damaged (load_hint_file says why) or does not describe a
// longer segment.
std::optional<CutShortSegment> find_cut_short(FileSystem& fs, const std::string& dir,
                                              uint64_t segment_id, uint64_t segment_bytes);

// The damage a cut-short segment amounts to, as the damage scanner reports damage: from the cut
// to the end, naming `file` and the keys whose records were past the cut.
DamagedRange cut_short_damage(std::string_view file, uint64_t segment_id, uint64_t segment_bytes,
                              CutShortSegment cut);

// For checkers (tests today, a check command later): ok when segment `segment_id` of `dir` has a
// hint file that is intact and describes the segment's current length; kNotFound when it has none;
// kCorruption otherwise.
Status verify_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id);

}  // namespace logkv

#endif  // LOGKV_WAL_HINT_IO_H_
