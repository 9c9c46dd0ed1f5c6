// SegmentUsageTable: how many bytes of each segment are still needed, for the compaction policy.
//
// Per segment it keeps
//   live bytes    records the key directory points to (the newest value of a live key);
//   pinned bytes  delete tombstones that the compaction which wrote the segment had to keep,
//                 because an older value of their key survived in another segment (the
//                 "blockers"). Removing a blocker unpins them: they may be droppable now.
//   tombstone bytes  an upper bound of the bytes of delete tombstones in the segment (never
//                 decreases). 0 means it holds none: with no live bytes either, nothing in it
//                 matters, and compaction deletes it without reading it.
// Everything else in the segment (overwritten values, deleted keys' values, tombstones not
// pinned, headers) is dead: compaction can reclaim it. The write path moves live bytes as it
// replaces entries, compaction as it swaps them; the table is rebuilt at open, where every
// tombstone starts out unpinned.
//
// Thread-safety: every method may be called from any thread (one mutex).
#ifndef LOGKV_COMPACTION_SEGMENT_USAGE_H_
#define LOGKV_COMPACTION_SEGMENT_USAGE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace logkv {

struct SegmentUsage {
  uint64_t id = 0;
  uint64_t live_bytes = 0;
  uint64_t pinned_bytes = 0;
  uint64_t hint_bytes = 0;  // the size of its intact hint file; 0 when it has none
  uint64_t tombstone_bytes = 0;

  // Nothing in the segment is needed: no live value, no tombstone that may have to be kept.
  bool holds_nothing_needed() const { return live_bytes == 0 && tombstone_bytes == 0; }
};

// A change of one segment's live bytes.
struct LiveBytesDelta {
  uint64_t segment_id;
  int64_t bytes;
};

class SegmentUsageTable {
 public:
  // Adds a segment (ignored if present).
  void add(uint64_t id, uint64_t live_bytes, uint64_t hint_bytes, uint64_t tombstone_bytes);
  // Forgets a segment and unpins every segment that one of `ids` was blocking.
  void remove(std::span<const uint64_t> ids);
  // Adds segment `id` as the one the writer appends to from now on (it is never compacted);
  // the previous active segment becomes immutable. One step, so that no snapshot sees the new
  // segment as immutable.
  void add_active(uint64_t id);
  uint64_t active() const;

  // Applies live-byte changes; deltas for unknown segments are ignored.
  void apply(std::span<const LiveBytesDelta> deltas);
  // Records tombstones of segment `id` that must stay while any of `blockers` exists.
  void pin(uint64_t id, uint64_t bytes, std::vector<uint64_t> blockers);
  void set_hint_bytes(uint64_t id, uint64_t hint_bytes);
  // Counts `bytes` more of delete tombstones in segment `id` (the write path's deletes).
  void add_tombstones(uint64_t id, uint64_t bytes);

  std::optional<SegmentUsage> find(uint64_t id) const;
  // Every segment, in ascending id order, the active one included; `active_id`, when given,
  // receives the active segment's id as of the same instant.
  std::vector<SegmentUsage> snapshot(uint64_t* active_id = nullptr) const;

 private:
  struct Entry {
    SegmentUsage usage;
    std::vector<uint64_t> blockers;  // sorted
  };
  mutable std::mutex mutex_;
  std::map<uint64_t, Entry> segments_;  // guarded by mutex_
  uint64_t active_ = 0;                 // guarded by mutex_
};

}  // namespace logkv

#endif  // LOGKV_COMPACTION_SEGMENT_USAGE_H_
