// The manifest (MANIFEST in the store folder): which segments make up the store, and how long
// each sealed one is.
//
// Without it, the set of segments is guessed from the folder listing: a sealed segment cut
// exactly where a record ends, or removed together with its hint file, leaves a shorter or
// smaller store that reads as whole, and its keys silently read as older values, as absent, or
// as deleted data come back. The writer therefore publishes, on every change to the set (a new
// segment, a compaction's outputs and retired inputs, an empty segment dropped, and at open when
// the folder differs from the last manifest), what the set now is. Open, check, repair and backup
// hold the folder against it (wal/segment_set.h).
//
//   preamble (wal/file_preamble.h: "LOGKVMAN", version 1, segment id = the newest segment)
//   u64 pending_first | u64 pending_count   ids a compaction reserved for outputs it has not
//                                           yet added to the store (0 | 0: none)
//   u32 sealed_count  | u32 retired_count
//   sealed_count  x (u64 segment_id | u64 bytes)   every sealed segment and its exact length,
//                                                  ascending ids
//   retired_count x u64 segment_id                 segments a compaction replaced whose files
//                                                  may still exist, ascending ids
//   u64 checksum: XXH3-64 of every byte before it
//
// The newest segment's length is not recorded: it grows with every append. Publishing is as for
// the close marker: MANIFEST.tmp written and synced, renamed over MANIFEST, folder synced, so a
// crash leaves the old manifest or the new one, never a mixture.
//
// Thread-safety: pure functions and functions that share no state; the FileSystem must be
// thread-safe (it is).
#ifndef LOGKV_WAL_MANIFEST_H_
#define LOGKV_WAL_MANIFEST_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/file_preamble.h"

namespace logkv {

inline constexpr std::string_view kManifestMagic = "LOGKVMAN";
inline constexpr uint32_t kManifestFormatVersion = 1;
inline constexpr size_t kManifestPendingFirstOffset = kPreambleBytes;
inline constexpr size_t kManifestPendingCountOffset = kManifestPendingFirstOffset + 8;
inline constexpr size_t kManifestSealedCountOffset = kManifestPendingCountOffset + 8;
inline constexpr size_t kManifestRetiredCountOffset = kManifestSealedCountOffset + 4;
inline constexpr size_t kManifestEntriesOffset = kManifestRetiredCountOffset + 4;
inline constexpr size_t kManifestSealedEntryBytes = 16;
inline constexpr size_t kManifestRetiredEntryBytes = 8;
inline constexpr size_t kManifestChecksumBytes = 8;
static_assert(kManifestMagic.size() == kPreambleMagicBytes);
static_assert(kManifestEntriesOffset == 48);

struct SealedSegment {
  uint64_t id = 0;
  uint64_t bytes = 0;
  bool operator==(const SealedSegment&) const = default;
};

struct Manifest {
  uint64_t newest_id = 0;
  std::vector<SealedSegment> sealed;  // ascending ids, none equal to newest_id
  // [pending_first, pending_first + pending_count): a compaction's outputs not yet in the store.
  uint64_t pending_first = 0;
  uint64_t pending_count = 0;
  std::vector<uint64_t> retired;  // ascending

  bool is_pending(uint64_t id) const {
    return id >= pending_first && id - pending_first < pending_count;
  }
  bool operator==(const Manifest&) const = default;
};

std::string encode_manifest(const Manifest& manifest);

// The manifest in `bytes`, or kCorruption saying what is wrong with it: "'<file>' is damaged:
// <why>".
Result<Manifest> decode_manifest(std::string_view bytes, std::string_view file);

// The manifest of `dir`: nullopt when the folder has none (a store written by a version without
// manifests, or one never opened by a writer); kCorruption when it is damaged.
Result<std::optional<Manifest>> read_manifest(FileSystem& fs, const std::string& dir);

// Publishes `manifest` as the manifest of `dir` (temporary name, synced, renamed over the old
// one, folder synced).
Status write_manifest(FileSystem& fs, const std::string& dir, const Manifest& manifest);

}  // namespace logkv

#endif  // LOGKV_WAL_MANIFEST_H_
