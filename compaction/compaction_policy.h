// The compaction policy: which immutable segments to compact now, from their byte counts alone.
//
// Rules, all gated by `dead_bytes_min` (nothing happens until the immutable segments hold at
// least that many dead bytes, so a small store is not rewritten to save a few kilobytes):
//   1. a segment with nothing live or pinned is taken: dropping it copies nothing;
//   2. a segment whose dead bytes reach `segment_dead_fraction` of it is taken;
//   3. while the store's disk bytes (segments and hint files) exceed `disk_ratio_max` times its
//      needed (live + pinned) bytes, the segments with the highest dead fraction are taken until
//      the projected disk use falls halfway from the trigger to the needed bytes, so that one
//      compaction buys room for many writes instead of firing again after the next one;
//   4. once `small_segments_to_merge` immutable segments are smaller than a quarter of
//      `segment_bytes_max`, they are merged, as many as fit into one segment;
//   5. a segment whose id is more than `id_span_max` below the active one is rewritten, so that
//      live segment ids stay within the segment table's range.
// The active segment is never taken. Work per call is bounded: after rule 1, segments are added
// only while their total bytes stay under `input_bytes_max`.
//
// Thread-safety: a pure function.
#ifndef LOGKV_COMPACTION_COMPACTION_POLICY_H_
#define LOGKV_COMPACTION_COMPACTION_POLICY_H_

#include <cstdint>
#include <span>
#include <vector>

namespace logkv {

struct SegmentState {
  uint64_t id = 0;
  uint64_t total_bytes = 0;  // the file's length, header included
  uint64_t live_bytes = 0;
  uint64_t pinned_bytes = 0;
  // Its hint file: disk space the store uses, but not reclaimable (every segment that holds
  // anything gets one again), so it counts in the disk ratio only.
  uint64_t hint_bytes = 0;
  bool active = false;
};

struct CompactionPolicy {
  double disk_ratio_max = 1.5;
  double segment_dead_fraction = 0.5;
  uint64_t dead_bytes_min = 0;
  uint64_t segment_bytes_max = 64 << 20;
  uint64_t input_bytes_max = uint64_t{1} << 30;
  uint64_t small_segments_to_merge = 4;
  uint64_t id_span_max = uint64_t{1} << 15;
};

// Dead bytes of a segment: what neither a live key nor a pinned tombstone needs, not counting
// the header of a segment that holds anything needed.
uint64_t dead_bytes(const SegmentState& segment);

// The ids (ascending) of the segments to compact now; empty when nothing is worth doing.
std::vector<uint64_t> choose_compaction_inputs(std::span<const SegmentState> segments,
                                               const CompactionPolicy& policy);

}  // namespace logkv

#endif  // LOGKV_COMPACTION_COMPACTION_POLICY_H_
