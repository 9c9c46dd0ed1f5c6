#include "wal/segment_header.h"

#include <xxhash.h>

#include "base/endian_coding.h"
#include "wal/damage_advice.h"
#include "wal/file_preamble.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

constexpr FileKind kSegmentKind{kSegmentMagic, kSegmentFormatVersion, "not a logkv segment",
                                "belongs to"};

uint64_t header_checksum(std::string_view header) {
  return XXH3_64bits(header.data(), kSegmentHeaderChecksummedBytes);
}

Status bad_header(std::string_view file_name, const std::string& why) {
  std::string message(file_name);
  message += ": bad segment header: ";
  message += why;
  message += kDamageAdvice;
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
  append_file_preamble(&header, kSegmentKind, segment_id);
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
  // A wrong magic says more than a checksum mismatch; a right one with a bad checksum may be a
  // header write that never fully reached the disk, and the fields after it are not to be read.
  const bool magic_matches =
      header.substr(kSegmentMagicOffset, kSegmentMagic.size()) == kSegmentMagic;
  if (magic_matches && load_little_endian<uint64_t>(header.data() + kSegmentChecksumOffset) !=
                           header_checksum(header)) {
    return bad_header(file_name, "checksum mismatch");
  }
  if (std::string problem = file_preamble_problem(header, kSegmentKind, expected_id);
      !problem.empty()) {
    return bad_header(file_name, problem);
  }
  return Status::ok();
}

}  // namespace logkv
