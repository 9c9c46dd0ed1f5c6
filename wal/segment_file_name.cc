#include "wal/segment_file_name.h"

#include <cassert>

namespace logkv {

std::string segment_file_name(uint64_t id) {
  assert(id <= kSegmentIdMax);
  std::string name(kSegmentFileIdDigits, '0');
  for (size_t i = kSegmentFileIdDigits; i > 0 && id > 0; --i) {
    name[i - 1] = static_cast<char>('0' + id % 10);
    id /= 10;
  }
  name += kSegmentFileSuffix;
  return name;
}

std::optional<uint64_t> parse_segment_file_name(std::string_view name) {
  if (name.size() != kSegmentFileIdDigits + kSegmentFileSuffix.size() ||
      name.substr(kSegmentFileIdDigits) != kSegmentFileSuffix) {
    return std::nullopt;
  }
  uint64_t id = 0;
  for (char digit : name.substr(0, kSegmentFileIdDigits)) {
    if (digit < '0' || digit > '9') return std::nullopt;
    id = id * 10 + static_cast<uint64_t>(digit - '0');
  }
  return id;
}

}  // namespace logkv
