#include "compaction/file_names.h"

#include "wal/segment_file_name.h"

namespace logkv {
namespace {

// The ten-digit id that starts a segment or hint file name, or nullopt.
std::optional<uint64_t> parse_id_digits(std::string_view digits) {
  if (digits.size() != kSegmentFileIdDigits) return std::nullopt;
  uint64_t id = 0;
  for (char digit : digits) {
    if (digit < '0' || digit > '9') return std::nullopt;
    id = id * 10 + static_cast<uint64_t>(digit - '0');
  }
  return id;
}

}  // namespace

std::string hint_file_name(uint64_t segment_id) {
  std::string name = segment_file_name(segment_id);
  name.resize(kSegmentFileIdDigits);
  name += kHintFileSuffix;
  return name;
}

std::optional<uint64_t> parse_hint_file_name(std::string_view name) {
  if (name.size() != kSegmentFileIdDigits + kHintFileSuffix.size() ||
      name.substr(kSegmentFileIdDigits) != kHintFileSuffix) {
    return std::nullopt;
  }
  return parse_id_digits(name.substr(0, kSegmentFileIdDigits));
}

std::string temp_file_name(std::string_view final_name) {
  std::string name(final_name);
  name += kTempFileSuffix;
  return name;
}

bool is_temp_file_name(std::string_view name) {
  if (name.size() <= kTempFileSuffix.size() ||
      name.substr(name.size() - kTempFileSuffix.size()) != kTempFileSuffix) {
    return false;
  }
  const std::string_view final_name = name.substr(0, name.size() - kTempFileSuffix.size());
  return parse_segment_file_name(final_name).has_value() ||
         parse_hint_file_name(final_name).has_value();
}

}  // namespace logkv
