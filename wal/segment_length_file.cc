#include "wal/segment_length_file.h"

#include <xxhash.h>

#include "base/endian_coding.h"

namespace logkv {

std::string encode_segment_length(const FileKind& kind, const SegmentLength& length) {
  std::string out;
  out.reserve(kSegmentLengthFileBytes);
  append_file_preamble(&out, kind, length.segment_id);
  append_little_endian(&out, length.segment_bytes);
  append_little_endian(&out, XXH3_64bits(out.data(), out.size()));
  return out;
}

std::optional<SegmentLength> decode_segment_length(const FileKind& kind, std::string_view bytes) {
  if (bytes.size() != kSegmentLengthFileBytes) return std::nullopt;
  if (load_little_endian<uint64_t>(bytes.data() + kSegmentLengthChecksumOffset) !=
      XXH3_64bits(bytes.data(), kSegmentLengthChecksumOffset)) {
    return std::nullopt;
  }
  SegmentLength length;
  length.segment_id = load_little_endian<uint64_t>(bytes.data() + kPreambleSegmentIdOffset);
  if (!file_preamble_problem(bytes, kind, length.segment_id).empty()) return std::nullopt;
  length.segment_bytes = load_little_endian<uint64_t>(bytes.data() + kSegmentLengthBytesOffset);
  return length;
}

}  // namespace logkv
