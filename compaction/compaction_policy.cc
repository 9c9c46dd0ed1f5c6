#include "compaction/compaction_policy.h"

#include <algorithm>
#include <set>

#include "wal/record_format.h"

namespace logkv {
namespace {

uint64_t needed_bytes(const SegmentState& segment) {
  return segment.live_bytes + segment.pinned_bytes;
}

double dead_fraction(const SegmentState& segment) {
  if (segment.total_bytes == 0) return 0;
  return static_cast<double>(dead_bytes(segment)) / static_cast<double>(segment.total_bytes);
}

// The chosen inputs and what they add up to.
class Selection {
 public:
  explicit Selection(uint64_t input_bytes_max) : input_bytes_max_(input_bytes_max) {}

  // Takes `segment` unless that would pass the byte budget (a free segment costs nothing: it
  // is dropped without copying). Returns whether the segment is now chosen.
  bool take(const SegmentState& segment, bool free = false) {
    if (ids_.contains(segment.id)) return true;
    if (!free && input_bytes_ > 0 && input_bytes_ + segment.total_bytes > input_bytes_max_) {
      return false;
    }
    ids_.insert(segment.id);
    if (!free) input_bytes_ += segment.total_bytes;
    dead_bytes_ += dead_bytes(segment);
    return true;
  }
  bool contains(uint64_t id) const { return ids_.contains(id); }
  uint64_t dead() const { return dead_bytes_; }
  std::vector<uint64_t> ids() const { return {ids_.begin(), ids_.end()}; }

 private:
  const uint64_t input_bytes_max_;
  std::set<uint64_t> ids_;
  uint64_t input_bytes_ = 0;
  uint64_t dead_bytes_ = 0;
};

}  // namespace

uint64_t dead_bytes(const SegmentState& segment) {
  const uint64_t needed = needed_bytes(segment);
  // A segment that needs nothing goes whole. Any other keeps a header wherever its records
  // end up, so the header is not counted as reclaimable: otherwise compacted segments, whose
  // only dead bytes are their headers, would be compacted again and again.
  if (needed == 0) return segment.total_bytes;
  const uint64_t kept = needed + kSegmentHeaderBytes;
  return segment.total_bytes > kept ? segment.total_bytes - kept : 0;
}

std::vector<uint64_t> choose_compaction_inputs(std::span<const SegmentState> segments,
                                               const CompactionPolicy& policy) {
  uint64_t disk = 0;
  uint64_t needed = 0;
  uint64_t reclaimable = 0;
  uint64_t active_id = 0;
  std::vector<const SegmentState*> immutable;
  for (const SegmentState& segment : segments) {
    disk += segment.total_bytes + segment.hint_bytes;
    needed += needed_bytes(segment);
    if (segment.active) {
      active_id = segment.id;
    } else {
      immutable.push_back(&segment);
      reclaimable += dead_bytes(segment);
    }
  }
  if (immutable.empty() || reclaimable == 0 || reclaimable < policy.dead_bytes_min) return {};

  Selection chosen(policy.input_bytes_max);
  for (const SegmentState* segment : immutable) {
    if (needed_bytes(*segment) == 0) chosen.take(*segment, /*free=*/true);
  }
  for (const SegmentState* segment : immutable) {
    if (active_id > policy.id_span_max && segment->id < active_id - policy.id_span_max) {
      chosen.take(*segment);
    }
  }
  for (const SegmentState* segment : immutable) {
    if (dead_bytes(*segment) > 0 && dead_fraction(*segment) >= policy.segment_dead_fraction) {
      chosen.take(*segment);
    }
  }

  if (static_cast<double>(disk) > policy.disk_ratio_max * static_cast<double>(needed)) {
    const double target = static_cast<double>(needed) * (1.0 + (policy.disk_ratio_max - 1.0) / 2.0);
    std::vector<const SegmentState*> by_dead_fraction = immutable;
    std::stable_sort(by_dead_fraction.begin(), by_dead_fraction.end(),
                     [](const SegmentState* a, const SegmentState* b) {
                       return dead_fraction(*a) > dead_fraction(*b);
                     });
    for (const SegmentState* segment : by_dead_fraction) {
      if (static_cast<double>(disk - chosen.dead()) <= target || dead_bytes(*segment) == 0) break;
      if (!chosen.take(*segment)) break;
    }
  }

  std::vector<const SegmentState*> small;
  for (const SegmentState* segment : immutable) {
    if (!chosen.contains(segment->id) && segment->total_bytes < policy.segment_bytes_max / 4) {
      small.push_back(segment);
    }
  }
  if (small.size() >= std::max<uint64_t>(policy.small_segments_to_merge, 2)) {
    uint64_t merged_bytes = 0;
    size_t merged = 0;
    for (const SegmentState* segment : small) {
      if (merged >= 2 && merged_bytes + needed_bytes(*segment) > policy.segment_bytes_max) break;
      if (!chosen.take(*segment)) break;
      merged_bytes += needed_bytes(*segment);
      ++merged;
    }
  }
  return chosen.ids();
}

}  // namespace logkv
