// SegmentTable: the store's open segment files, found by id without taking a lock.
//
// Readers look a segment up on every get(), so the lookup is a single atomic load from a slot
// array indexed by the low bits of the id. Segments are added by the writer when the log rolls
// and removed only once no index entry points into them (compaction swaps the entries first,
// under the key directory's shard locks, so a reader holding a shard lock never sees a removed
// segment).
//
// Thread-safety: find() from any thread; add/remove/for_each from the writer (serialised by the
// store); totals() from any thread.
#ifndef LOGKV_WAL_SEGMENT_TABLE_H_
#define LOGKV_WAL_SEGMENT_TABLE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/verified_records.h"

namespace logkv {

struct Segment {
  uint64_t id = 0;
  std::string path;
  // Shared so that a value view (logkv::ValueView) can keep the file, and with it the bytes it
  // maps, alive after the segment left the table: see Store::get_view.
  std::shared_ptr<const RandomAccessFile> file;
  std::atomic<uint64_t> bytes{0};  // bytes in the file, header included
  // Large records whose checksum a read verified since the segment was opened. Mutable: readers
  // of a const Segment fill it; it caches what they learnt and changes nothing they read.
  mutable VerifiedRecords verified;
};

class SegmentTable {
 public:
  // Live segments whose ids are this far apart cannot be told apart by slot. With the default
  // 64 MiB segments that is 4 TiB of log.
  static constexpr uint64_t kSlots = 1 << 16;

  SegmentTable();

  Segment* find(uint64_t id) const {
    Segment* segment = slots_[id % kSlots].load(std::memory_order_acquire);
    return segment != nullptr && segment->id == id ? segment : nullptr;
  }

  // kInvalidArgument if a live segment already occupies the id's slot.
  Status add(std::unique_ptr<Segment> segment);
  std::unique_ptr<Segment> remove(uint64_t id);

  size_t count() const;
  // Every segment's id and length, ascending ids.
  std::vector<std::pair<uint64_t, uint64_t>> lengths() const;
  uint64_t total_bytes() const;

 private:
  std::unique_ptr<std::atomic<Segment*>[]> slots_;
  mutable std::mutex owned_mutex_;  // guards owned_ against stats readers
  std::map<uint64_t, std::unique_ptr<Segment>> owned_;
};

}  // namespace logkv

#endif  // LOGKV_WAL_SEGMENT_TABLE_H_
