#include "wal/hint_file.h"

#include <xxhash.h>

#include <cassert>

#include "base/endian_coding.h"
#include "wal/file_preamble.h"
#include "wal/record_format.h"

namespace logkv {
namespace {

constexpr FileKind kHintKind{kHintMagic, kHintFormatVersion, "not a logkv hint file", "describes"};

Status bad_hint(std::string_view file_name, const std::string& why) {
  std::string message(file_name);
  message += ": bad hint file: ";
  message += why;
  message +=
      "; the store ignores it and scans the segment instead (delete the file, or run `logkv "
      "compact`, to have it rewritten)";
  return Status::corruption(std::move(message));
}

bool is_valid_type_byte(uint8_t type) {
  return type == kRecordTypeSetByte || type == kRecordTypeDeleteByte;
}

// Why `entry` cannot be the next entry after one that ended at `previous_end` with sequence
// `previous_sequence`, in a segment of `segment_bytes` bytes; empty when it can.
std::string_view entry_problem(const HintEntry& entry, uint64_t previous_end,
                               uint64_t previous_sequence, uint64_t segment_bytes) {
  const uint64_t header_and_key = encoded_record_bytes(entry.key.size(), 0);
  if (entry.record_bytes < header_and_key) return "a record shorter than its key";
  if (entry.type == RecordType::kDelete && entry.record_bytes != header_and_key) {
    return "a delete record with a value";
  }
  if (entry.record_bytes - header_and_key > kRecordValueBytesMax) return "a value over 1 GiB";
  if (entry.offset < previous_end) return "a record that overlaps the one before it";
  if (uint64_t{entry.offset} + entry.record_bytes > segment_bytes) {
    return "a record that runs past the end of the segment";
  }
  if (entry.sequence < kFirstSequence || entry.sequence <= previous_sequence) {
    return "sequence numbers that do not increase";
  }
  return {};
}

}  // namespace

std::string encode_hint_file(uint64_t segment_id, uint64_t segment_bytes,
                             std::span<const HintEntry> entries) {
  size_t bytes = kHintHeaderBytes + kHintTrailerBytes;
  for (const HintEntry& entry : entries) bytes += kHintEntryHeaderBytes + entry.key.size();
  std::string out;
  out.reserve(bytes);
  append_file_preamble(&out, kHintKind, segment_id);
  append_little_endian(&out, segment_bytes);
  append_little_endian(&out, static_cast<uint64_t>(entries.size()));
  uint64_t previous_end = kSegmentHeaderBytes;
  uint64_t previous_sequence = 0;
  for (const HintEntry& entry : entries) {
    assert(entry.key.size() <= kRecordKeyBytesMax);
    assert(entry_problem(entry, previous_end, previous_sequence, segment_bytes).empty());
    previous_end = uint64_t{entry.offset} + entry.record_bytes;
    previous_sequence = entry.sequence;
    append_little_endian(&out, entry.sequence);
    append_little_endian(&out, entry.offset);
    append_little_endian(&out, entry.record_bytes);
    append_little_endian(&out, static_cast<uint16_t>(entry.key.size()));
    append_little_endian(&out, static_cast<uint8_t>(entry.type));
    append_little_endian(&out, uint8_t{0});
    out.append(entry.key);
  }
  append_little_endian(&out, XXH3_64bits(out.data(), out.size()));
  assert(out.size() == bytes);
  return out;
}

Result<DecodedHintFile> decode_hint_file(std::string_view bytes, uint64_t segment_id,
                                         std::string_view file_name) {
  if (bytes.size() < kHintHeaderBytes + kHintTrailerBytes) {
    return bad_hint(file_name, "it holds " + std::to_string(bytes.size()) +
                                   " bytes, fewer than a header and checksum");
  }
  const size_t checked_bytes = bytes.size() - kHintTrailerBytes;
  if (load_little_endian<uint64_t>(bytes.data() + checked_bytes) !=
      XXH3_64bits(bytes.data(), checked_bytes)) {
    return bad_hint(file_name, "checksum mismatch");
  }
  if (std::string problem = file_preamble_problem(bytes, kHintKind, segment_id); !problem.empty()) {
    return bad_hint(file_name, problem);
  }
  DecodedHintFile hint;
  hint.segment_bytes = load_little_endian<uint64_t>(bytes.data() + kHintSegmentBytesOffset);
  const auto entry_count = load_little_endian<uint64_t>(bytes.data() + kHintEntryCountOffset);
  if (entry_count > (checked_bytes - kHintHeaderBytes) / kHintEntryHeaderBytes) {
    return bad_hint(file_name, "it claims " + std::to_string(entry_count) +
                                   " entries, more than the file can hold");
  }
  hint.entries.reserve(entry_count);
  size_t position = kHintHeaderBytes;
  uint64_t previous_end = kSegmentHeaderBytes;
  for (uint64_t i = 0; i < entry_count; ++i) {
    // Built only for a message: open decodes millions of entries.
    const auto where = [&] {
      return "entry " + std::to_string(i) + " at offset " + std::to_string(position);
    };
    if (checked_bytes - position < kHintEntryHeaderBytes) {
      return bad_hint(file_name, where() + " runs past the end of the file");
    }
    const char* field = bytes.data() + position;
    const auto key_bytes = load_little_endian<uint16_t>(field + kHintEntryKeyLenOffset);
    const auto type = load_little_endian<uint8_t>(field + kHintEntryTypeOffset);
    if (!is_valid_type_byte(type) ||
        load_little_endian<uint8_t>(field + kHintEntryReservedOffset) != 0) {
      return bad_hint(file_name, where() + " has an invalid type or reserved byte");
    }
    if (checked_bytes - position - kHintEntryHeaderBytes < key_bytes) {
      return bad_hint(file_name, where() + " has a key that runs past the end of the file");
    }
    HintEntry entry;
    entry.sequence = load_little_endian<uint64_t>(field + kHintEntrySequenceOffset);
    entry.offset = load_little_endian<uint32_t>(field + kHintEntryOffsetOffset);
    entry.record_bytes = load_little_endian<uint32_t>(field + kHintEntryRecordBytesOffset);
    entry.type = static_cast<RecordType>(type);
    entry.key = bytes.substr(position + kHintEntryHeaderBytes, key_bytes);
    const std::string_view problem =
        entry_problem(entry, previous_end, hint.last_sequence, hint.segment_bytes);
    if (!problem.empty()) {
      return bad_hint(file_name, where() + " describes " + std::string(problem));
    }
    previous_end = uint64_t{entry.offset} + entry.record_bytes;
    hint.last_sequence = entry.sequence;
    hint.entries.push_back(entry);
    position += kHintEntryHeaderBytes + key_bytes;
  }
  if (position != checked_bytes) {
    return bad_hint(file_name,
                    std::to_string(checked_bytes - position) + " bytes follow the last entry");
  }
  return hint;
}

}  // namespace logkv
