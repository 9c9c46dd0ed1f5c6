// scan_segment: verifies a whole segment and walks its records, telling a torn tail (the
// harmless trace of a crash during an append) from corruption (damage to data that had been
// durable). The rule is stated in docs/FORMAT.md, "Torn tail or corruption".
//
// The store runs this at open on every segment it has to read, the tools run it for `check`.
//
// Thread-safety: a pure function over caller-owned memory; visit() runs on the calling thread.
#ifndef LOGKV_WAL_SEGMENT_SCANNER_H_
#define LOGKV_WAL_SEGMENT_SCANNER_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>

#include "logkv/status.h"
#include "wal/record.h"

namespace logkv {

struct ScannedRecord {
  Record record;    // key and value point into the scanned contents
  uint64_t offset;  // where the record starts in the file
  uint32_t bytes;   // encoded size of the record
};

// How much of a segment a reader knows had been synced before any crash. Damage there is
// corruption, never a torn write, and a file shorter than it was cut. docs/FORMAT.md, "Torn tail or
// corruption".
struct SyncedPrefix {
  static constexpr uint64_t kWholeSegment = std::numeric_limits<uint64_t>::max();

  // Bytes from the start of the file; 0 when nothing is known (then only a later record's
  // synced_offset can prove bytes durable), kWholeSegment when the whole file was synced.
  uint64_t bytes = 0;
  // Why they are known, for messages: "it is not the newest segment", ...
  std::string_view why;

  static SyncedPrefix unknown() { return {}; }
  static SyncedPrefix whole(std::string_view why) { return {kWholeSegment, why}; }
  // A newest segment's extent as the writer recorded it (wal/synced_marker.h).
  static SyncedPrefix recorded(uint64_t bytes) {
    return {bytes, "the writer recorded (in SYNCED) that they had been synced"};
  }
  // The rule for a segment known only to be the newest or not.
  static SyncedPrefix of(bool is_newest) {
    return is_newest ? unknown() : whole("the segment is not the newest and was synced in full");
  }
  bool is_whole() const { return bytes == kWholeSegment; }
};

struct SegmentScan {
  // Ok (possibly with a torn tail), or kCorruption naming the file, the byte offset and why.
  Status status;
  // Offset just past the last good record (or past the header when there is none, or 0 when
  // the header itself is missing or bad). On corruption, where the damage starts.
  uint64_t valid_end = 0;
  // The size of the scanned contents.
  uint64_t file_bytes = 0;
  // True when status is ok and [valid_end, file_bytes) is a torn tail: bytes of an append or
  // segment creation that never became durable. The caller may cut the file to valid_end.
  // A newest segment without a complete header (even an empty file) has a torn tail with
  // valid_end 0: it holds no records, and a header must be written before any append.
  bool torn_tail = false;
  // Good records visited.
  uint64_t records = 0;
  // Sequence number of the last good record, 0 when there is none.
  uint64_t last_sequence = 0;
  // On corruption: where the bad bytes start. valid_end may lie before it, at the start of an
  // atomic batch whose members before the damage were read but never visited.
  uint64_t damage_offset = 0;
  // On corruption: the file ends (at damage_offset) before the bytes known to have been synced,
  // so what followed, and which keys it held, is unknown.
  bool cut_short = false;
};

// Scans segment `segment_id`, held whole in `contents`, whose name `file_name` is used in
// messages. Verifies the header and every record (checksums, strictly increasing sequence
// numbers, plausible synced offsets) and calls visit() for each good record in file order.
// Records after the first bad one are never visited, whether the bad bytes are a torn tail or
// corruption.
//
// `synced` says how much of the segment is known to have been durable, so that damage there is
// corruption: the whole of every segment but the newest (synced in full before the next one was
// created) and of a newest one a clean close left as it is (wal/close_marker.h); of the newest,
// what the writer last recorded in its synced-point marker (wal/synced_marker.h). Only bytes past
// it may be a torn write.
SegmentScan scan_segment(std::string_view contents, std::string_view file_name, uint64_t segment_id,
                         SyncedPrefix synced,
                         const std::function<void(const ScannedRecord&)>& visit);
// The same with SyncedPrefix::of(is_newest).
SegmentScan scan_segment(std::string_view contents, std::string_view file_name, uint64_t segment_id,
                         bool is_newest, const std::function<void(const ScannedRecord&)>& visit);

// As scan_segment, but without the header: walks the records from `offset` on, each of which must
// have a sequence above `last_sequence`. For readers that resume past damage
// (wal/damage_scan.h); the synced-offset order restarts there.
SegmentScan scan_records_from(std::string_view contents, std::string_view file_name,
                              SyncedPrefix synced, uint64_t offset, uint64_t last_sequence,
                              const std::function<void(const ScannedRecord&)>& visit);

}  // namespace logkv

#endif  // LOGKV_WAL_SEGMENT_SCANNER_H_
