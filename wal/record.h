// Encoding and decoding of one log record (layout in wal/record_format.h and docs/FORMAT.md).
//
// A record is the unit of durability: one set or delete, checksummed as a whole. This file only
// turns records into bytes and back; SegmentWriter appends them to a file and scan_segment
// walks a segment's records and tells a torn tail from corruption.
//
// Thread-safety: pure functions over caller-owned memory.
#ifndef LOGKV_WAL_RECORD_H_
#define LOGKV_WAL_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wal/record_format.h"

namespace logkv {

enum class RecordType : uint8_t {
  kSet = kRecordTypeSetByte,
  kDelete = kRecordTypeDeleteByte,
};

// One record. `key` and `value` borrow bytes owned by someone else: the caller's arguments when
// encoding, the decoded buffer when decoding.
struct Record {
  RecordType type = RecordType::kSet;
  // Strictly increasing across the whole store, starting at kFirstSequence.
  uint64_t sequence = 0;
  // The segment's durable length (bytes known to be synced) when this record was appended.
  uint32_t synced_offset = 0;
  std::string_view key;
  std::string_view value;  // always empty for kDelete
  // kRecordFlagBatchContinues or 0.
  uint8_t flags = 0;
};

// Bytes the encoded record takes: header plus key plus value.
constexpr size_t encoded_record_bytes(size_t key_bytes, size_t value_bytes) {
  return kRecordHeaderBytes + key_bytes + value_bytes;
}

// Appends the encoding of `record` to `*out` (which keeps its earlier contents).
// Preconditions, checked by callers such as SegmentWriter::append and asserted here: the key
// is at most kRecordKeyBytesMax bytes, the value at most kRecordValueBytesMax, a delete has an
// empty value, and the sequence is at least kFirstSequence.
void append_encoded_record(const Record& record, std::string* out);

// XXH3_64bits over [kRecordChecksummedFrom, end) of a whole encoded record: the value its
// checksum field must hold. Precondition: record_bytes.size() >= kRecordHeaderBytes.
uint64_t compute_record_checksum(std::string_view record_bytes);

enum class DecodeStatus : uint8_t {
  kOk,
  // The header, or the key and value its lengths announce, run past the end of the input.
  kTruncated,
  // The bytes cannot be a record logkv wrote: see DecodedRecord::reason.
  kCorrupt,
};

struct DecodedRecord {
  DecodeStatus status = DecodeStatus::kCorrupt;
  // Valid only when status is kOk; key and value point into the decoded input.
  Record record;
  // Bytes the record takes when status is kOk, else 0.
  size_t bytes = 0;
  // Empty when status is kOk; otherwise a short static description of what is wrong
  // ("record checksum mismatch", "invalid record type", ...) for error messages.
  std::string_view reason;
};

// Whether decode_record compares the record's checksum field with the hash of its bytes.
enum class ChecksumCheck : uint8_t {
  kVerify,
  // Only for bytes verified before and known not to have been rewritten since by logkv: the
  // store's reads of a large record it already verified (wal/verified_records.h).
  kSkip,
};

// Decodes the record that starts at bytes[0]; anything after it is ignored.
// kTruncated when the header, or the payload its lengths claim, runs past the end of `bytes`.
// kCorrupt for an all-zero header, an invalid type, non-zero flags, sequence 0, a value_len
// longer than any value logkv accepts, a delete with a value, or (with kVerify) a checksum
// mismatch. The cheap header checks run before the length check and the checksum, so a scan
// over garbage rejects most offsets without hashing anything.
DecodedRecord decode_record(std::string_view bytes,
                            ChecksumCheck checksum = ChecksumCheck::kVerify);

}  // namespace logkv

#endif  // LOGKV_WAL_RECORD_H_
