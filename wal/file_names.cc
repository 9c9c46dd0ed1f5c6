#include "wal/file_names.h"

#include <cassert>

namespace logkv {
namespace {

// "0000000042" + suffix.
std::string id_file_name(uint64_t id, std::string_view suffix) {
  assert(id <= kSegmentIdMax);
  std::string name(kSegmentFileIdDigits, '0');
  for (size_t i = kSegmentFileIdDigits; i > 0 && id > 0; --i) {
    name[i - 1] = static_cast<char>('0' + id % 10);
    id /= 10;
  }
  name += suffix;
  return name;
}

// The id of a name that is exactly ten ASCII digits followed by `suffix`, or nullopt.
std::optional<uint64_t> parse_id_file_name(std::string_view name, std::string_view suffix) {
  if (name.size() != kSegmentFileIdDigits + suffix.size() ||
      name.substr(kSegmentFileIdDigits) != suffix) {
    return std::nullopt;
  }
  uint64_t id = 0;
  for (char digit : name.substr(0, kSegmentFileIdDigits)) {
    if (digit < '0' || digit > '9') return std::nullopt;
    id = id * 10 + static_cast<uint64_t>(digit - '0');
  }
  return id;
}

}  // namespace

std::string segment_file_name(uint64_t id) { return id_file_name(id, kSegmentFileSuffix); }

std::optional<uint64_t> parse_segment_file_name(std::string_view name) {
  return parse_id_file_name(name, kSegmentFileSuffix);
}

std::string hint_file_name(uint64_t segment_id) {
  return id_file_name(segment_id, kHintFileSuffix);
}

std::optional<uint64_t> parse_hint_file_name(std::string_view name) {
  return parse_id_file_name(name, kHintFileSuffix);
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
