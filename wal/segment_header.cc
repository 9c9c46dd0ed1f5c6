#include "wal/segment_header.h"

#include <xxhash.h>

#include "wal/endian_coding.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

uint64_t header_checksum(std::string_view header) {
  return XXH3_64bits(header.data(), kSegmentHeaderChecksummedBytes);
}

Status bad_header(std::string_view file_name, const std::string& why) {
  std::string message(file_name);
  message += ": bad segment header: ";
  message += why;
  message += "; run `logkv check` on the store to see what is damaged";
  return Status::corruption(std::move(message));
}

}  // namespace

bool segment_header_checksum_matches(std::string_view bytes) {
  return load_little_endian<uint64_t>(bytes.data() + kSegmentHeaderChecksummedBytes) ==
         header_checksum(bytes);
}

std::string encode_segment_header(uint64_t segment_id) {
  std::string header;
  header.reserve(kSegmentHeaderBytes);
  header.append(kSegmentMagic);
  append_little_endian(&header, kSegmentFormatVersion);
  append_little_endian(&header, uint32_t{0});
  append_little_endian(&header, segment_id);
  append_little_endian(&header, header_checksum(header));
  return header;
}

Status check_segment_header(std::string_view bytes, uint64_t expected_id,
                            std::string_view file_name) {
  if (bytes.size() < kSegmentHeaderBytes) {
    return bad_header(file_name, "the file holds " + std::to_string(bytes.size()) +
                                     " bytes, fewer than the " +
                                     std::to_string(kSegmentHeaderBytes) + " of a header");
  }
  const std::string_view header = bytes.substr(0, kSegmentHeaderBytes);
  if (header.substr(kSegmentMagicOffset, kSegmentMagic.size()) != kSegmentMagic) {
    return bad_header(file_name, "the magic is not \"LOGKVSEG\", so this is not a logkv segment");
  }
  if (load_little_endian<uint64_t>(header.data() + kSegmentChecksumOffset) !=
      header_checksum(header)) {
    return bad_header(file_name, "checksum mismatch");
  }
  const auto version = load_little_endian<uint32_t>(header.data() + kSegmentVersionOffset);
  if (version != kSegmentFormatVersion) {
    return bad_header(file_name, "format version " + std::to_string(version) +
                                     " is not supported (this build reads version " +
                                     std::to_string(kSegmentFormatVersion) + ")");
  }
  if (load_little_endian<uint32_t>(header.data() + kSegmentReservedOffset) != 0) {
    return bad_header(file_name, "the reserved field is not 0");
  }
  const auto segment_id = load_little_endian<uint64_t>(header.data() + kSegmentIdOffset);
  if (segment_id != expected_id) {
    return bad_header(file_name, "it belongs to segment " + std::to_string(segment_id) +
                                     ", but the file is named for segment " +
                                     std::to_string(expected_id));
  }
  return Status::ok();
}

}  // namespace logkv
