// plan_merge: decides what a compaction of some immutable segments copies, and into how many
// output segments.
//
// For every key the inputs hold, only the inputs' newest record of it matters (older ones are
// superseded and dropped). That record is
//   - a value: copied when the key directory still points to it (it is live), else dropped;
//   - a delete's tombstone: dropped when the key directory holds a newer value of the key
//     (which hides every older one); otherwise kept when any immutable segment other than the
//     tombstone's own holds an older value of the key (its "blockers"), and dropped when none
//     does. Other inputs count as other segments: they are deleted one by one after the
//     outputs are durable, so a crash can leave any of them behind, and a value they hold must
//     stay hidden (Bitcask issue #82). The active segment cannot hold an older value: every
//     record in it is newer than every record of every immutable segment.
// Copies keep their sequence numbers and are written in sequence order, so each output segment
// is a valid segment: sequences increase within it.
//
// Thread-safety: reads the key directory under its locks and the segments through their files;
// the caller must keep the inputs from being removed (one compaction at a time).
#ifndef LOGKV_COMPACTION_MERGE_PLAN_H_
#define LOGKV_COMPACTION_MERGE_PLAN_H_

#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "compaction/compaction_environment.h"
#include "compaction/segment_records.h"
#include "logkv/status.h"

namespace logkv {

struct PlannedCopy {
  uint64_t input_id = 0;
  SegmentRecord record;  // where it is in the input
  // For a kept tombstone: the segments holding an older value of its key.
  std::vector<uint64_t> blockers;
};

struct MergePlan {
  std::vector<PlannedCopy> copies;  // in sequence order
  // copies[output_starts[i]] is the first record of output segment i; ascending.
  std::vector<size_t> output_starts;
  uint64_t values_dropped = 0;
  uint64_t tombstones_dropped = 0;

  size_t output_count() const { return output_starts.size(); }
  // The copies that go to output `i`.
  std::span<const PlannedCopy> output(size_t i) const;
};

// Plans the compaction of `inputs` (immutable segments). `immutable` lists every immutable
// segment of the store now (inputs included). Each output holds at most segment_bytes_max bytes,
// or one record when that alone is larger. Fails when a segment cannot be read or is damaged,
// or with kInvalidArgument when an input is not an open segment or `stop` is set.
Result<MergePlan> plan_merge(const CompactionEnvironment& env, std::span<const uint64_t> inputs,
                             std::span<const uint64_t> immutable, const std::atomic<bool>& stop);

// The error compaction returns when it gives up because the store is closing.
Status compaction_cancelled();

}  // namespace logkv

#endif  // LOGKV_COMPACTION_MERGE_PLAN_H_
