// The synced-point marker (SYNCED in the store folder): how much of the newest segment its writer
// had synced.
//
// Bytes at the end of the newest segment may be a write a crash tore, so recovery forgives damage
// there unless a later record's synced_offset proves the bytes were durable (docs/FORMAT.md,
// "Torn tail or corruption"). The last group synced before a crash has no later record, so damage
// to it would read as a torn write and be dropped. After each sync of the active segment the
// writer therefore rewrites this file in place with the segment's id and synced length.
//
// The marker is never synced (that would double the cost of a durable write). It reaches the
// disk with the kernel's writeback (on Linux within about 30 s, vm.dirty_expire_centisecs). It
// is still always true: it is written only after the sync it reports returned, so whatever a
// power loss leaves (the old marker, the new one) names bytes that were durable, and a torn one
// fails its checksum and is ignored, as a missing, damaged or foreign one is: the old rule applies.
// Only a repair, which may shorten the newest segment or set it aside (a later roll then takes its
// id again), could leave a marker that claims too much, so it moves the marker aside whenever it
// acts; and a writer's open removes, durably, a marker naming a segment above the newest, so that
// no power loss brings back a value of an id that will be reused. A writer's open cuts a torn tail
// only past the marker's length (bytes before it are corruption), so the marker stays true after
// that too.
//
//   wal/segment_length_file.h with magic "LOGKVSYN", version 1: segment id, synced bytes, checksum
//
// A reader without the writer's lock must read the marker before the segment's bytes: the
// writer appends before it records, so every byte the marker names is then in what it reads.
//
// Thread-safety: the functions share no state; a SyncedMarkerWriter is used by one thread at a
// time (the store's writer).
#ifndef LOGKV_WAL_SYNCED_MARKER_H_
#define LOGKV_WAL_SYNCED_MARKER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/segment_length_file.h"
#include "wal/segment_scanner.h"

namespace logkv {

inline constexpr std::string_view kSyncedMarkerMagic = "LOGKVSYN";
inline constexpr uint32_t kSyncedMarkerFormatVersion = 1;

static_assert(kSyncedMarkerMagic.size() == kPreambleMagicBytes);

std::string encode_synced_marker(const SegmentLength& synced);
// nullopt unless `bytes` is exactly one intact marker.
std::optional<SegmentLength> decode_synced_marker(std::string_view bytes);

// The writer's side: keeps the marker of one store folder up to date.
class SyncedMarkerWriter {
 public:
  // Opens the marker of `dir` for rewriting and records `synced` in it. A missing file, or one
  // of another size, is first made anew (not synced: until it reaches the disk the old rule
  // applies).
  static Result<std::unique_ptr<SyncedMarkerWriter>> open(FileSystem& fs, const std::string& dir,
                                                          const SegmentLength& synced);

  // Records, in place and unsynced, that the first `synced.segment_bytes` bytes of segment
  // `synced.segment_id` are durable; the caller's sync of them must have returned. Nothing to do
  // when that is what it holds. Best effort: a failed write costs only the knowledge, so it is
  // not the caller's failure. It is kept in failure(), and the marker is not written again (it
  // keeps its last intact content or fails its checksum).
  void record(const SegmentLength& synced);

  // Ok, or the write that ended the updates.
  const Status& failure() const { return failure_; }

 private:
  SyncedMarkerWriter(std::unique_ptr<OverwritableFile> file, std::string path)
      : file_(std::move(file)), path_(std::move(path)) {}

  std::unique_ptr<OverwritableFile> file_;
  std::string path_;
  SegmentLength recorded_;
  Status failure_;
};

// What the marker of `dir` records for segment `segment_id`: the length of it that had been
// synced, or nullopt when no intact marker names that segment. An error only when the marker
// exists but cannot be read.
Result<std::optional<uint64_t>> recorded_synced_bytes(FileSystem& fs, const std::string& dir,
                                                      uint64_t segment_id);

// How much of segment `segment_id`, now `segment_bytes` long, a reader knows had been synced (the
// rule open, check and repair share): all of it when it is not the newest, or a clean close left
// it so (wal/close_marker.h); else `recorded`, what recorded_synced_bytes() said before the
// segment's bytes were read; else nothing. Errors as closed_cleanly_at().
Result<SyncedPrefix> known_synced_prefix(FileSystem& fs, const std::string& dir,
                                         uint64_t segment_id, uint64_t segment_bytes,
                                         bool is_newest, std::optional<uint64_t> recorded);

}  // namespace logkv

#endif  // LOGKV_WAL_SYNCED_MARKER_H_
