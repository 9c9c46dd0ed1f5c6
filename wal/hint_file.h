// Hint files: the key directory of one immutable segment, so that open need not read it.
//
// A hint file lists, for every key that segment NNNNNNNNNN.log holds, the segment's newest
// record of that key: its offset, length and sequence, and whether it is a delete. Opening a
// store applies these entries instead of scanning the segment's records, which reads only the
// keys (no values) and checks one checksum instead of one per record. The grammar is in
// docs/FORMAT.md ("Hint files"); this file pins the layout.
//
// A hint file describes exactly one length of its segment (`segment_bytes`). Segments never
// change once they are immutable, so a hint whose length differs from the segment's is stale or
// damaged and is not used.
//
// Thread-safety: pure functions over caller-owned memory.
#ifndef LOGKV_WAL_HINT_FILE_H_
#define LOGKV_WAL_HINT_FILE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/status.h"
#include "wal/file_preamble.h"
#include "wal/record.h"

namespace logkv {

// --- Layout -----------------------------------------------------------------------------------
//   header:  magic[8] "LOGKVHNT" | u32 version | u32 reserved (0) | u64 segment_id |
//            u64 segment_bytes | u64 entry_count
//   entry:   u64 sequence | u32 offset | u32 record_bytes | u16 key_len | u8 type | u8 reserved (0)
//            | key[key_len]
//   trailer: u64 checksum (XXH3_64bits of every byte before it)
inline constexpr std::string_view kHintMagic = "LOGKVHNT";
inline constexpr uint32_t kHintFormatVersion = 1;

inline constexpr size_t kHintVersionOffset = 8;
inline constexpr size_t kHintReservedOffset = 12;
inline constexpr size_t kHintSegmentIdOffset = 16;
inline constexpr size_t kHintSegmentBytesOffset = 24;
inline constexpr size_t kHintEntryCountOffset = 32;
inline constexpr size_t kHintHeaderBytes = 40;

inline constexpr size_t kHintEntrySequenceOffset = 0;
inline constexpr size_t kHintEntryOffsetOffset = 8;
inline constexpr size_t kHintEntryRecordBytesOffset = 12;
inline constexpr size_t kHintEntryKeyLenOffset = 16;
inline constexpr size_t kHintEntryTypeOffset = 18;
inline constexpr size_t kHintEntryReservedOffset = 19;
inline constexpr size_t kHintEntryHeaderBytes = 20;

inline constexpr size_t kHintTrailerBytes = 8;

// The first 24 bytes are the preamble every segment-related file shares (wal/file_preamble.h).
static_assert(kHintMagic.size() == kPreambleMagicBytes);
static_assert(kHintVersionOffset == kPreambleVersionOffset);
static_assert(kHintSegmentIdOffset == kPreambleSegmentIdOffset);
static_assert(kHintReservedOffset == kHintVersionOffset + sizeof(uint32_t));
static_assert(kHintSegmentIdOffset == kHintReservedOffset + sizeof(uint32_t));
static_assert(kHintSegmentBytesOffset == kHintSegmentIdOffset + sizeof(uint64_t));
static_assert(kHintEntryCountOffset == kHintSegmentBytesOffset + sizeof(uint64_t));
static_assert(kHintHeaderBytes == kHintEntryCountOffset + sizeof(uint64_t));
static_assert(kHintEntryOffsetOffset == kHintEntrySequenceOffset + sizeof(uint64_t));
static_assert(kHintEntryRecordBytesOffset == kHintEntryOffsetOffset + sizeof(uint32_t));
static_assert(kHintEntryKeyLenOffset == kHintEntryRecordBytesOffset + sizeof(uint32_t));
static_assert(kHintEntryTypeOffset == kHintEntryKeyLenOffset + sizeof(uint16_t));
static_assert(kHintEntryReservedOffset == kHintEntryTypeOffset + sizeof(uint8_t));
static_assert(kHintEntryHeaderBytes == kHintEntryReservedOffset + sizeof(uint8_t));

// One key's newest record in the segment. `key` borrows bytes: the caller's when encoding, the
// decoded buffer when decoding.
struct HintEntry {
  std::string_view key;
  uint64_t sequence = 0;
  uint32_t offset = 0;  // of the record in the segment
  uint32_t record_bytes = 0;
  RecordType type = RecordType::kSet;
};

// The bytes of the hint file of segment `segment_id`, which is `segment_bytes` long.
// Preconditions (asserted): entries are in file order with increasing offsets and sequences,
// each lies inside the segment, and keys fit the format (at most 65,535 bytes).
std::string encode_hint_file(uint64_t segment_id, uint64_t segment_bytes,
                             std::span<const HintEntry> entries);

struct DecodedHintFile {
  uint64_t segment_bytes = 0;
  uint64_t last_sequence = 0;      // the largest sequence of any entry; 0 when there is none
  std::vector<HintEntry> entries;  // in file order; keys point into the decoded bytes
};

// Decodes and verifies the hint file `bytes` of segment `segment_id` (its name `file_name` is
// used in messages). kCorruption naming the file and what is wrong when the checksum, magic,
// version, reserved fields or segment id do not match, the entry count disagrees with the
// file's length, or an entry is implausible: invalid type, a delete with a value, a record
// outside the segment or overlapping the one before it, sequences that do not increase.
Result<DecodedHintFile> decode_hint_file(std::string_view bytes, uint64_t segment_id,
                                         std::string_view file_name);

}  // namespace logkv

#endif  // LOGKV_WAL_HINT_FILE_H_
