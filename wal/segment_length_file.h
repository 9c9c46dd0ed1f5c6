// The layout shared by the two small files that name a segment and a length of it: the close
// marker (wal/close_marker.h) and the synced-point marker (wal/synced_marker.h).
//
//   preamble (wal/file_preamble.h: the kind's magic and version, segment id) | u64 segment_bytes |
//   u64 checksum: XXH3-64 of the 32 bytes before it
//
// Thread-safety: pure functions.
#ifndef LOGKV_WAL_SEGMENT_LENGTH_FILE_H_
#define LOGKV_WAL_SEGMENT_LENGTH_FILE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wal/file_preamble.h"

namespace logkv {

inline constexpr size_t kSegmentLengthBytesOffset = kPreambleBytes;
inline constexpr size_t kSegmentLengthChecksumOffset = kSegmentLengthBytesOffset + 8;
inline constexpr size_t kSegmentLengthFileBytes = kSegmentLengthChecksumOffset + 8;

static_assert(kSegmentLengthFileBytes == 40);

struct SegmentLength {
  uint64_t segment_id = 0;
  uint64_t segment_bytes = 0;
};

std::string encode_segment_length(const FileKind& kind, const SegmentLength& length);
// nullopt unless `bytes` is exactly one intact file of `kind`.
std::optional<SegmentLength> decode_segment_length(const FileKind& kind, std::string_view bytes);

}  // namespace logkv

#endif  // LOGKV_WAL_SEGMENT_LENGTH_FILE_H_
