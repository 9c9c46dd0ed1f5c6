// IndexEntry (where a key's newest record is) and its 24-byte packed form in the hash index.
//
// Thread-safety: plain values; distinct objects may be used from any thread.
#ifndef LOGKV_INDEX_INDEX_ENTRY_H_
#define LOGKV_INDEX_INDEX_ENTRY_H_

#include <cassert>
#include <cstdint>

namespace logkv {

// Where a key's newest record is in the log. The ranges below are a contract that the store
// guarantees (segment ids, segment sizes and sequence numbers it hands out stay inside them);
// HashIndex::put() asserts them because the packed form has exactly these many bits.
struct IndexEntry {
  uint32_t segment_id = 0;    // < 2^24
  uint64_t offset = 0;        // byte offset of the record in its segment, < 2^40
  uint32_t record_bytes = 0;  // size of the whole encoded record
  uint64_t sequence = 0;      // the record's sequence number, < 2^48
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

inline constexpr int kSegmentIdBits = 24;
inline constexpr int kOffsetBits = 40;
inline constexpr int kSequenceBits = 48;
inline constexpr uint64_t kSegmentIdLimit = uint64_t{1} << kSegmentIdBits;
inline constexpr uint64_t kOffsetLimit = uint64_t{1} << kOffsetBits;
inline constexpr uint64_t kSequenceLimit = uint64_t{1} << kSequenceBits;
// Key lengths are stored in 16 bits, matching the record format's key field.
inline constexpr uint64_t kIndexKeyBytesMax = 65535;

// Whether every field of `entry` fits its packed width.
constexpr bool index_entry_in_range(const IndexEntry& entry) {
  return entry.segment_id < kSegmentIdLimit && entry.offset < kOffsetLimit &&
         entry.sequence < kSequenceLimit;
}

// One live key in the index's dense entry array. Exactly 192 bits, all used:
//   key_ref (32)            where the key's bytes start in the KeyArena
//   record_bytes (32)
//   segment_id (24) | offset (40)
//   sequence (48) | key_bytes (16)
// The key length lives here rather than in front of the key in the arena, so the arena holds
// nothing but key bytes.
struct PackedEntry {
  // No default member initializers: pages of entries are allocated without being zeroed.
  uint32_t key_ref;
  uint32_t record_bytes;
  uint64_t segment_and_offset;
  uint64_t sequence_and_key_bytes;

  static PackedEntry pack(uint32_t key_ref, uint16_t key_bytes, const IndexEntry& entry) {
    assert(index_entry_in_range(entry));
    PackedEntry packed;
    packed.key_ref = key_ref;
    packed.record_bytes = entry.record_bytes;
    packed.segment_and_offset = (uint64_t{entry.segment_id} << kOffsetBits) | entry.offset;
    packed.sequence_and_key_bytes = (entry.sequence << 16) | key_bytes;
    return packed;
  }

  IndexEntry unpack() const {
    IndexEntry entry;
    entry.segment_id = static_cast<uint32_t>(segment_and_offset >> kOffsetBits);
    entry.offset = segment_and_offset & (kOffsetLimit - 1);
    entry.record_bytes = record_bytes;
    entry.sequence = sequence_and_key_bytes >> 16;
    return entry;
  }

  // Replaces the location fields, keeping the key reference.
  void set_location(const IndexEntry& entry) { *this = pack(key_ref, key_bytes(), entry); }

  uint16_t key_bytes() const { return static_cast<uint16_t>(sequence_and_key_bytes & 0xFFFF); }
};

static_assert(sizeof(PackedEntry) == 24, "the memory budget in hash_index.h assumes 24 bytes");
static_assert(kSegmentIdBits + kOffsetBits == 64);
static_assert(kSequenceBits + 16 == 64);

}  // namespace logkv

#endif  // LOGKV_INDEX_INDEX_ENTRY_H_
