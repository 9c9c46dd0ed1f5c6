#include "wal/file_preamble.h"

#include <cassert>

#include "base/endian_coding.h"

namespace logkv {

void append_file_preamble(std::string* out, const FileKind& kind, uint64_t segment_id) {
  assert(kind.magic.size() == kPreambleMagicBytes);
  out->append(kind.magic);
  append_little_endian(out, kind.format_version);
  append_little_endian(out, uint32_t{0});
  append_little_endian(out, segment_id);
}

std::string file_preamble_problem(std::string_view bytes, const FileKind& kind,
                                  uint64_t expected_id) {
  assert(bytes.size() >= kPreambleBytes);
  if (bytes.substr(0, kPreambleMagicBytes) != kind.magic) {
    return "the magic is not \"" + std::string(kind.magic) + "\", so this is " +
           std::string(kind.not_kind);
  }
  const auto version = load_little_endian<uint32_t>(bytes.data() + kPreambleVersionOffset);
  if (version != kind.format_version) {
    return "format version " + std::to_string(version) +
           " is not supported (this build reads version " + std::to_string(kind.format_version) +
           ")";
  }
  if (load_little_endian<uint32_t>(bytes.data() + kPreambleReservedOffset) != 0) {
    return "the reserved field is not 0";
  }
  const auto segment_id = load_little_endian<uint64_t>(bytes.data() + kPreambleSegmentIdOffset);
  if (segment_id != expected_id) {
    return "it " + std::string(kind.relation) + " segment " + std::to_string(segment_id) +
           ", but the file is named for segment " + std::to_string(expected_id);
  }
  return {};
}

}  // namespace logkv
