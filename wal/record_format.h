// Layout constants of a segment file: its header and the records that follow it.
//
// docs/FORMAT.md is the grammar of these bytes; this file pins the same facts for the compiler.
// Every integer is little-endian (see wal/endian_coding.h). Changing any value here changes the
// on-disk format and needs a new kSegmentFormatVersion.
#ifndef LOGKV_WAL_RECORD_FORMAT_H_
#define LOGKV_WAL_RECORD_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "wal/file_preamble.h"

namespace logkv {

// --- Segment header -------------------------------------------------------------------------
//   magic[8] "LOGKVSEG" | u32 format_version | u32 reserved (0) | u64 segment_id | u64 checksum
inline constexpr std::string_view kSegmentMagic = "LOGKVSEG";
inline constexpr uint32_t kSegmentFormatVersion = 1;

inline constexpr size_t kSegmentMagicOffset = 0;
inline constexpr size_t kSegmentVersionOffset = 8;
inline constexpr size_t kSegmentReservedOffset = 12;
inline constexpr size_t kSegmentIdOffset = 16;
inline constexpr size_t kSegmentChecksumOffset = 24;
inline constexpr size_t kSegmentHeaderBytes = 32;
// The header checksum covers every byte before it.
inline constexpr size_t kSegmentHeaderChecksummedBytes = kSegmentChecksumOffset;

// The first 24 bytes are the preamble every segment-related file shares (wal/file_preamble.h).
static_assert(kSegmentMagic.size() == kPreambleMagicBytes && kSegmentMagicOffset == 0);
static_assert(kSegmentVersionOffset == kPreambleVersionOffset);
static_assert(kSegmentIdOffset == kPreambleSegmentIdOffset);
static_assert(kSegmentReservedOffset == kSegmentVersionOffset + sizeof(uint32_t));
static_assert(kSegmentIdOffset == kSegmentReservedOffset + sizeof(uint32_t));
static_assert(kSegmentChecksumOffset == kSegmentIdOffset + sizeof(uint64_t));
static_assert(kSegmentHeaderBytes == kSegmentChecksumOffset + sizeof(uint64_t));

// Record offsets (and so the synced_offset field) are u32: a segment never grows past this.
inline constexpr uint64_t kSegmentBytesMax = std::numeric_limits<uint32_t>::max();

// --- Record ---------------------------------------------------------------------------------
//   u64 checksum | u64 sequence | u32 synced_offset | u32 value_len | u16 key_len | u8 type |
//   u8 flags | key[key_len] | value[value_len]
inline constexpr size_t kRecordChecksumOffset = 0;
inline constexpr size_t kRecordSequenceOffset = 8;
inline constexpr size_t kRecordSyncedOffsetOffset = 16;
inline constexpr size_t kRecordValueLenOffset = 20;
inline constexpr size_t kRecordKeyLenOffset = 24;
inline constexpr size_t kRecordTypeOffset = 26;
inline constexpr size_t kRecordFlagsOffset = 27;
inline constexpr size_t kRecordHeaderBytes = 28;
// The record checksum covers [kRecordChecksummedFrom, end of record): everything but itself.
inline constexpr size_t kRecordChecksummedFrom = kRecordSequenceOffset;

// Flag bits. kRecordFlagBatchContinues: this record belongs to an atomic batch and more records of
// the batch follow it; the batch's last record has the bit clear and commits the whole batch.
inline constexpr uint8_t kRecordFlagBatchContinues = 0x01;
inline constexpr uint8_t kRecordFlagsKnown = kRecordFlagBatchContinues;

static_assert(kRecordSequenceOffset == kRecordChecksumOffset + sizeof(uint64_t));
static_assert(kRecordSyncedOffsetOffset == kRecordSequenceOffset + sizeof(uint64_t));
static_assert(kRecordValueLenOffset == kRecordSyncedOffsetOffset + sizeof(uint32_t));
static_assert(kRecordKeyLenOffset == kRecordValueLenOffset + sizeof(uint32_t));
static_assert(kRecordTypeOffset == kRecordKeyLenOffset + sizeof(uint16_t));
static_assert(kRecordFlagsOffset == kRecordTypeOffset + sizeof(uint8_t));
static_assert(kRecordHeaderBytes == kRecordFlagsOffset + sizeof(uint8_t));

// Raw values of the type byte. 0 and every value not listed are invalid.
inline constexpr uint8_t kRecordTypeSetByte = 1;
inline constexpr uint8_t kRecordTypeDeleteByte = 2;
// Reserved for a future atomic batch record; today's readers reject it as corruption.
inline constexpr uint8_t kRecordTypeBatchReservedByte = 3;

// The key_len field is a u16.
inline constexpr size_t kRecordKeyBytesMax = std::numeric_limits<uint16_t>::max();
// Options allow values up to 1 GiB; a longer value_len can only be damage.
inline constexpr size_t kRecordValueBytesMax = size_t{1} << 30;
// So that the largest record still has a u32 size and fits in one segment.
static_assert(kRecordHeaderBytes + kRecordKeyBytesMax + kRecordValueBytesMax <
              kSegmentBytesMax - kSegmentHeaderBytes);

// Sequence numbers start at 1; 0 never appears in a record.
inline constexpr uint64_t kFirstSequence = 1;

}  // namespace logkv

#endif  // LOGKV_WAL_RECORD_FORMAT_H_
