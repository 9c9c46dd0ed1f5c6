// The index checkpoint (INDEX in the store folder): the key directory as it stood at a known
// point of the log, so that open loads it instead of rebuilding the directory from hint files
// and records. At a million keys that is one sequential read and a checksum instead of a
// million hash-table inserts.
//
// Layout (docs/FORMAT.md, "The index checkpoint"; all little-endian):
//   preamble        "LOGKVIDX", version 1, reserved 0, the newest segment's id
//   (wal/file_preamble.h) u64 newest_segment_bytes   the newest segment's length the directory
//   describes u64 last_sequence          the highest sequence of any record up to that point u64
//   tail_checksum          XXH3 of the newest segment's last kTailCheckBytes before that length u32
//   segment_count | u32 shard_count (KeyDirectory::kShards) segment[segment_count]     u64 id | u64
//   bytes | u64 live_bytes | u64 tombstone_bytes,
//                              ascending ids, the newest last (its bytes = newest_segment_bytes)
//   shard[shard_count]         HashIndex::append_image of each shard, in shard order
//   u64 checksum               XXH3 of every byte before it
//
// When it counts (rule C of docs/FORMAT.md). It describes the log up to (newest id, newest
// bytes), so at open it is used only when the store still holds that log: every segment it
// lists is present, each sealed one at exactly its listed length, the newest at least as long
// as listed and with the same last kTailCheckBytes before that length, and no segment the
// checkpoint does not list has an id below its newest. The store then loads the directory from
// it and reads only the log after it (the rest of its newest segment, and the segments above).
// Anything else makes it stale, and open reads the log as if there were none: a stale or
// damaged checkpoint costs time, never data.
//
// It is written at a clean close (engine/store_impl.cc says when), published atomically
// (INDEX.tmp, synced, renamed, folder synced), and never updated in place.
//
// Thread-safety: the functions share no state; the FileSystem must be thread-safe (it is).
#ifndef LOGKV_INDEX_INDEX_CHECKPOINT_H_
#define LOGKV_INDEX_INDEX_CHECKPOINT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"
#include "index/key_directory.h"
#include "logkv/status.h"
#include "wal/file_names.h"
#include "wal/file_preamble.h"
#include "wal/file_publishing.h"

namespace logkv {

inline constexpr std::string_view kIndexCheckpointMagic = "LOGKVIDX";
inline constexpr uint32_t kIndexCheckpointFormatVersion = 1;
// How much of the newest segment before the checkpoint's length is checksummed: enough to hold
// the last record of any store with small values, so that a segment cut below that length and
// written again is told apart from the one the checkpoint saw.
inline constexpr size_t kTailCheckBytes = 4096;

inline constexpr size_t kCheckpointNewestBytesOffset = kPreambleBytes;
inline constexpr size_t kCheckpointLastSequenceOffset = kCheckpointNewestBytesOffset + 8;
inline constexpr size_t kCheckpointTailChecksumOffset = kCheckpointLastSequenceOffset + 8;
inline constexpr size_t kCheckpointSegmentCountOffset = kCheckpointTailChecksumOffset + 8;
inline constexpr size_t kCheckpointShardCountOffset = kCheckpointSegmentCountOffset + 4;
inline constexpr size_t kCheckpointHeaderBytes = kCheckpointShardCountOffset + 4;
inline constexpr size_t kCheckpointSegmentBytes = 4 * 8;
inline constexpr size_t kCheckpointTrailerBytes = 8;

static_assert(kIndexCheckpointMagic.size() == kPreambleMagicBytes);
static_assert(kCheckpointHeaderBytes == 56);

struct CheckpointSegment {
  uint64_t id = 0;
  uint64_t bytes = 0;
  uint64_t live_bytes = 0;
  uint64_t tombstone_bytes = 0;
  friend bool operator==(const CheckpointSegment&, const CheckpointSegment&) = default;
};

// Where the checkpoint's directory stands in the log, and what each segment held then.
struct CheckpointPoint {
  uint64_t newest_segment_id = 0;
  uint64_t newest_segment_bytes = 0;
  uint64_t last_sequence = 0;
  uint64_t tail_checksum = 0;
  std::vector<CheckpointSegment> segments;  // ascending ids, the newest last
  friend bool operator==(const CheckpointPoint&, const CheckpointPoint&) = default;
};

// XXH3 of the last kTailCheckBytes (or fewer) of `file` before `bytes`.
Result<uint64_t> segment_tail_checksum(const RandomAccessFile& file, uint64_t bytes);

// The whole file for `point` and `keys`. `keys` may be served meanwhile (each shard is read
// under its lock), but must not change: the caller holds the store's writer lock.
std::string encode_index_checkpoint(const CheckpointPoint& point, const KeyDirectory& keys);

// Publishes the checkpoint of `dir` atomically (INDEX.tmp, synced, renamed, folder synced).
Status write_index_checkpoint(FileSystem& fs, const std::string& dir, const CheckpointPoint& point,
                              const KeyDirectory& keys);

// A read checkpoint: its point, and the directory image still to be loaded.
struct IndexCheckpoint {
  FileBytes file;
  CheckpointPoint point;
  std::string_view image;  // into `file`
};

// Reads and verifies the checkpoint of `dir`: kNotFound when there is none, kCorruption saying
// what is wrong when it is damaged or of another format (a reason to ignore it, not a store
// error), any other error as the file system reports it.
Result<IndexCheckpoint> read_index_checkpoint(FileSystem& fs, const std::string& dir);

// Fills an empty `keys` from the checkpoint's image (KeyDirectory's recovery path: no other
// thread may see `keys` yet). kCorruption when the image is inconsistent; `keys` must then be
// emptied (KeyDirectory::clear_for_recovery) before it is filled another way.
Status load_index_checkpoint(const IndexCheckpoint& checkpoint, KeyDirectory& keys);

}  // namespace logkv

#endif  // LOGKV_INDEX_INDEX_CHECKPOINT_H_
