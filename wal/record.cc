#include "wal/record.h"

#include <xxhash.h>

#include <algorithm>
#include <cassert>

#include "base/endian_coding.h"

namespace logkv {
namespace {

bool is_valid_type_byte(uint8_t type) {
  return type == kRecordTypeSetByte || type == kRecordTypeDeleteByte;
}

DecodedRecord decode_failure(DecodeStatus status, std::string_view reason) {
  DecodedRecord decoded;
  decoded.status = status;
  decoded.reason = reason;
  return decoded;
}

}  // namespace

void append_encoded_record(const Record& record, std::string* out) {
  assert(record.key.size() <= kRecordKeyBytesMax);
  assert(record.value.size() <= kRecordValueBytesMax);
  assert(record.type == RecordType::kSet || record.value.empty());
  assert(record.sequence >= kFirstSequence);

  const size_t start = out->size();
  const size_t record_bytes = encoded_record_bytes(record.key.size(), record.value.size());
  // Appended piece by piece rather than resized and filled: resizing would first write zeros
  // over all of a large value's bytes.
  char header[kRecordHeaderBytes] = {};
  store_little_endian(header + kRecordSequenceOffset, record.sequence);
  store_little_endian(header + kRecordSyncedOffsetOffset, record.synced_offset);
  store_little_endian(header + kRecordValueLenOffset, static_cast<uint32_t>(record.value.size()));
  store_little_endian(header + kRecordKeyLenOffset, static_cast<uint16_t>(record.key.size()));
  store_little_endian(header + kRecordTypeOffset, static_cast<uint8_t>(record.type));
  store_little_endian(header + kRecordFlagsOffset, record.flags);
  out->append(header, kRecordHeaderBytes);
  out->append(record.key);
  out->append(record.value);
  const uint64_t checksum =
      compute_record_checksum(std::string_view(out->data() + start, record_bytes));
  store_little_endian(out->data() + start + kRecordChecksumOffset, checksum);
}

uint64_t compute_record_checksum(std::string_view record_bytes) {
  assert(record_bytes.size() >= kRecordHeaderBytes);
  return XXH3_64bits(record_bytes.data() + kRecordChecksummedFrom,
                     record_bytes.size() - kRecordChecksummedFrom);
}

DecodedRecord decode_record(std::string_view bytes, ChecksumCheck checksum) {
  if (bytes.size() < kRecordHeaderBytes) {
    return decode_failure(DecodeStatus::kTruncated, "record header runs past the end of the data");
  }
  const char* header = bytes.data();
  if (std::all_of(header, header + kRecordHeaderBytes, [](char c) { return c == 0; })) {
    return decode_failure(DecodeStatus::kCorrupt, "all-zero record header");
  }
  const auto type = load_little_endian<uint8_t>(header + kRecordTypeOffset);
  if (!is_valid_type_byte(type)) {
    return decode_failure(DecodeStatus::kCorrupt, "invalid record type");
  }
  const auto flags = load_little_endian<uint8_t>(header + kRecordFlagsOffset);
  if ((flags & ~kRecordFlagsKnown) != 0) {
    return decode_failure(DecodeStatus::kCorrupt, "unknown record flags");
  }
  const auto sequence = load_little_endian<uint64_t>(header + kRecordSequenceOffset);
  if (sequence < kFirstSequence) {
    return decode_failure(DecodeStatus::kCorrupt, "sequence number 0");
  }
  const auto value_bytes = load_little_endian<uint32_t>(header + kRecordValueLenOffset);
  if (value_bytes > kRecordValueBytesMax) {
    return decode_failure(DecodeStatus::kCorrupt, "value length larger than any accepted value");
  }
  if (type == kRecordTypeDeleteByte && value_bytes != 0) {
    return decode_failure(DecodeStatus::kCorrupt, "delete record with a non-empty value");
  }
  const auto key_bytes = load_little_endian<uint16_t>(header + kRecordKeyLenOffset);
  const size_t record_bytes = encoded_record_bytes(key_bytes, value_bytes);
  if (record_bytes > bytes.size()) {
    return decode_failure(DecodeStatus::kTruncated,
                          "record key and value run past the end of the data");
  }
  const std::string_view whole = bytes.substr(0, record_bytes);
  if (checksum == ChecksumCheck::kVerify &&
      load_little_endian<uint64_t>(header + kRecordChecksumOffset) !=
          compute_record_checksum(whole)) {
    return decode_failure(DecodeStatus::kCorrupt, "record checksum mismatch");
  }

  DecodedRecord decoded;
  decoded.status = DecodeStatus::kOk;
  decoded.record.type = static_cast<RecordType>(type);
  decoded.record.sequence = sequence;
  decoded.record.synced_offset = load_little_endian<uint32_t>(header + kRecordSyncedOffsetOffset);
  decoded.record.key = whole.substr(kRecordHeaderBytes, key_bytes);
  decoded.record.value = whole.substr(kRecordHeaderBytes + key_bytes, value_bytes);
  decoded.record.flags = flags;
  decoded.bytes = record_bytes;
  return decoded;
}

}  // namespace logkv
