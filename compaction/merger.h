// merge_segments: one compaction. Copies the live records of some immutable segments into new
// segments and deletes the old ones, without blocking readers and blocking writers only for
// short index swaps.
//
// Steps (docs/DESIGN.md, "Compaction", has the reasoning):
//   1. plan (merge_plan.h): read the inputs' hint files or records, pick what to copy;
//   2. reserve output ids below the next active segment, and make every record published so
//      far durable (CompactionHost::reserve_segment_ids);
//   3. write each output as NNNNNNNNNN.log.tmp and its hint as NNNNNNNNNN.hint.tmp (unless the
//      output is smaller than hint_segment_bytes_min), both synced;
//   4. rename them to their final names and sync the folder: the outputs are durable;
//   5. open the outputs for readers and, under the writer lock in chunks, point each key whose
//      entry still names the copied record at the copy (KeyDirectory::replace_if: a concurrent
//      overwrite wins);
//   6. once no entry points into an input, remove it from the segment table (a reader holds its
//      key's shard lock while reading, so after the swap none can still be reading it), delete
//      its files, and sync the folder.
// A crash before step 4 leaves only temporary files; after it, any subset of inputs may remain
// next to the outputs, which recovery resolves by sequence number (newest record wins).
//
// Thread-safety: one merge at a time per store; concurrent with readers and writers.
#ifndef LOGKV_COMPACTION_MERGER_H_
#define LOGKV_COMPACTION_MERGER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "compaction/compaction_environment.h"
#include "logkv/status.h"

namespace logkv {

struct MergeOutcome {
  uint64_t inputs_removed = 0;
  uint64_t segments_written = 0;
  uint64_t segment_bytes_written = 0;  // bytes of the output segments
  uint64_t hint_bytes_written = 0;
  uint64_t records_copied = 0;
  uint64_t values_dropped = 0;
  uint64_t tombstones_kept = 0;
  uint64_t tombstones_dropped = 0;
};

// Told, on the merging thread, the bytes of records copied so far and the bytes the merge
// copies in all (known once the plan is made); last with done == total. Empty: not told.
using MergeProgress = std::function<void(uint64_t done, uint64_t total)>;

// Compacts `inputs`, a subset of `immutable` (every immutable segment of the store now). On
// failure before the outputs are published nothing changes but temporary files (removed here
// when possible, else by the next open); a failure afterwards leaves the store consistent, with
// some inputs possibly still in place. `stop` cancels the merge before its outputs are published.
Result<MergeOutcome> merge_segments(const CompactionEnvironment& env,
                                    std::span<const uint64_t> inputs,
                                    std::span<const uint64_t> immutable,
                                    const std::atomic<bool>& stop,
                                    const MergeProgress& progress = {});

}  // namespace logkv

#endif  // LOGKV_COMPACTION_MERGER_H_
