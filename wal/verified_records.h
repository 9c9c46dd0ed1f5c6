// VerifiedRecords: the large records of one open segment whose checksum a read has verified.
//
// A read of a value verifies the record's checksum (XXH3 over the whole record) before it
// returns the value. For a 1 MiB value that hash cost more than the rest of the read, so a large
// record is hashed once per open segment: the first read that finds it whole remembers it here,
// and later reads of it check only its header, key and sequence (engine/store_reads.cc says
// what is checked when; docs/DESIGN.md, "Read path", what damage that no longer sees).
//
// Only records of at least kRecordBytesMin bytes are remembered. Two such records of one segment
// start at least kRecordBytesMin bytes apart, so offset / kRecordBytesMin names one of them
// alone: one bit per kRecordBytesMin of segment, 8 KiB for the largest segment the format allows
// (kSegmentBytesMax), allocated at the first insert. A segment without large records costs the
// empty object.
//
// Thread-safety: contains() and insert() may be called from many threads at once. A record is
// inserted only after it was verified; a reader that races with the insert merely verifies too.
#ifndef LOGKV_WAL_VERIFIED_RECORDS_H_
#define LOGKV_WAL_VERIFIED_RECORDS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "wal/record_format.h"

namespace logkv {

class VerifiedRecords {
 public:
  // Smaller records are verified on every read: hashing them costs little beside the lookup.
  static constexpr uint64_t kRecordBytesMin = 64 << 10;

  static bool remembers(uint64_t record_bytes) { return record_bytes >= kRecordBytesMin; }

  // Whether the record at `offset` (of at least kRecordBytesMin bytes) was inserted.
  bool contains(uint64_t offset) const {
    const std::atomic<uint64_t>* words = words_.load(std::memory_order_acquire);
    if (words == nullptr) return false;
    const uint64_t bit = offset / kRecordBytesMin;
    return (words[bit / 64].load(std::memory_order_relaxed) >> (bit % 64) & 1) != 0;
  }

  // Remembers that the record at `offset` (of at least kRecordBytesMin bytes, within the
  // format's segment size) passed its checksum.
  void insert(uint64_t offset);

 private:
  static constexpr uint64_t kBits = (kSegmentBytesMax + 1) / kRecordBytesMin;
  static constexpr size_t kWords = kBits / 64;
  static_assert((kSegmentBytesMax + 1) % (kRecordBytesMin * 64) == 0);

  std::mutex allocate_mutex_;
  std::unique_ptr<std::atomic<uint64_t>[]> owned_words_;  // guarded by allocate_mutex_
  std::atomic<std::atomic<uint64_t>*> words_{nullptr};    // owned_words_ once allocated
};

}  // namespace logkv

#endif  // LOGKV_WAL_VERIFIED_RECORDS_H_
