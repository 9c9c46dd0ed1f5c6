#include "wal/close_marker.h"

#include "wal/file_names.h"
#include "wal/file_publishing.h"

namespace logkv {
namespace {

constexpr FileKind kCloseMarkerKind{kCloseMarkerMagic, kCloseMarkerFormatVersion,
                                    "not a logkv close marker", "describes"};

}  // namespace

std::string encode_close_marker(const CloseMarker& marker) {
  return encode_segment_length(kCloseMarkerKind, marker);
}

std::optional<CloseMarker> decode_close_marker(std::string_view bytes) {
  return decode_segment_length(kCloseMarkerKind, bytes);
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

}  // namespace logkv
