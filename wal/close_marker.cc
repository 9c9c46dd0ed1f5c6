#include "wal/close_marker.h"

#include <xxhash.h>

#include "base/endian_coding.h"
#include "wal/file_names.h"
#include "wal/file_publishing.h"

namespace logkv {
namespace {

constexpr FileKind kCloseMarkerKind{kCloseMarkerMagic, kCloseMarkerFormatVersion,
                                    "not a logkv close marker", "describes"};

}  // namespace

std::string encode_close_marker(const CloseMarker& marker) {
  std::string out;
  out.reserve(kCloseMarkerBytes);
  append_file_preamble(&out, kCloseMarkerKind, marker.segment_id);
  append_little_endian(&out, marker.segment_bytes);
  append_little_endian(&out, XXH3_64bits(out.data(), out.size()));
  return out;
}

std::optional<CloseMarker> decode_close_marker(std::string_view bytes) {
  if (bytes.size() != kCloseMarkerBytes) return std::nullopt;
  if (load_little_endian<uint64_t>(bytes.data() + kCloseMarkerChecksumOffset) !=
      XXH3_64bits(bytes.data(), kCloseMarkerChecksumOffset)) {
    return std::nullopt;
  }
  CloseMarker marker;
  marker.segment_id = load_little_endian<uint64_t>(bytes.data() + kPreambleSegmentIdOffset);
  if (!file_preamble_problem(bytes, kCloseMarkerKind, marker.segment_id).empty()) {
    return std::nullopt;
  }
  marker.segment_bytes =
      load_little_endian<uint64_t>(bytes.data() + kCloseMarkerSegmentBytesOffset);
  return marker;
}

Status write_close_marker(FileSystem& fs, const std::string& dir, const CloseMarker& marker) {
  return replace_file_atomically(fs, dir, kCloseMarkerFileName, encode_close_marker(marker));
}

Result<bool> closed_cleanly_at(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                               uint64_t segment_bytes) {
  Result<FileBytes> file = read_whole_file(fs, join_path(dir, kCloseMarkerFileName));
  if (!file.is_ok()) {
    if (file.status().code() == StatusCode::kNotFound) return false;
    return file.status();
  }
  const std::optional<CloseMarker> marker = decode_close_marker(file->bytes);
  return marker && marker->segment_id == segment_id && marker->segment_bytes == segment_bytes;
}

Result<bool> end_may_be_torn(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                             uint64_t segment_bytes, bool is_newest) {
  if (!is_newest) return false;
  Result<bool> closed = closed_cleanly_at(fs, dir, segment_id, segment_bytes);
  if (!closed.is_ok()) return closed.status();
  return !*closed;
}

}  // namespace logkv
