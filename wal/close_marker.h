// The close marker (CLOSED in the store folder): where a clean close left the log.
//
// Only a crash can tear the end of the newest segment, so recovery forgives damage there as a
// torn write (docs/FORMAT.md, "Torn tail or corruption"). After a clean close no crash came, and
// the same damage is corruption: the last records were whole and synced. A writer that closes
// cleanly therefore records, after its final sync, which segment the log ends in and its exact
// length. At open the marker counts only when it names the newest segment and that segment still
// has exactly that length: any append since (a later open's preallocation or records) makes the
// file longer, so a stale marker never needs removing, it just stops matching.
//
//   wal/segment_length_file.h with magic "LOGKVCLS", version 1: segment id, segment_bytes, checksum
//
// A missing, damaged or foreign marker only means "not known to be closed cleanly": the old rule
// applies, so a store written by a version without markers opens as before.
//
// Thread-safety: the functions share no state; the FileSystem must be thread-safe (it is).
#ifndef LOGKV_WAL_CLOSE_MARKER_H_
#define LOGKV_WAL_CLOSE_MARKER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/file_preamble.h"
#include "wal/segment_length_file.h"

namespace logkv {

inline constexpr std::string_view kCloseMarkerMagic = "LOGKVCLS";
inline constexpr uint32_t kCloseMarkerFormatVersion = 1;
inline constexpr size_t kCloseMarkerBytes = kSegmentLengthFileBytes;

static_assert(kCloseMarkerMagic.size() == kPreambleMagicBytes);

using CloseMarker = SegmentLength;

std::string encode_close_marker(const CloseMarker& marker);
// nullopt unless `bytes` is exactly one intact marker.
std::optional<CloseMarker> decode_close_marker(std::string_view bytes);

// Publishes the marker of `dir` (temporary name, synced, renamed over the old one, folder
// synced), so that a crash leaves the old marker or the new one.
Status write_close_marker(FileSystem& fs, const std::string& dir, const CloseMarker& marker);

// Whether segment `segment_id`, `segment_bytes` long, is the end of the log exactly as a clean
// close left it. false when there is no intact marker or it names another segment or length;
// an error only when the marker exists but cannot be read.
Result<bool> closed_cleanly_at(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                               uint64_t segment_bytes);

}  // namespace logkv

#endif  // LOGKV_WAL_CLOSE_MARKER_H_
