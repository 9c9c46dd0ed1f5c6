// Whether the store's index checkpoint (index/index_checkpoint.h) describes the log a store
// holds now, so that open may load the key directory from it: rule C of docs/FORMAT.md.
#ifndef LOGKV_ENGINE_INDEX_CHECKPOINT_FIT_H_
#define LOGKV_ENGINE_INDEX_CHECKPOINT_FIT_H_

#include <optional>
#include <string>

#include "fs/file_system.h"
#include "index/index_checkpoint.h"
#include "logkv/status.h"
#include "wal/segment_set.h"

namespace logkv {

struct CheckpointFit {
  // Set when the checkpoint fits; the directory image is still to be loaded.
  std::optional<IndexCheckpoint> checkpoint;
  // Whether an INDEX file exists (fitting or not).
  bool exists = false;
  // Why an existing checkpoint is not used, for `logkv stats` and tests.
  std::string why_not;
};

// Reads the checkpoint of `dir` and holds it against `set`, the segments as found: it fits
// when the set has no problem, every segment it lists is in the set (each sealed one exactly as
// long as listed, its newest at least as long and with the same last kTailCheckBytes before the
// listed length), and the set has no segment it does not list below its newest. A missing,
// damaged, or unfitting checkpoint is not an error; a read that fails is.
Result<CheckpointFit> fit_index_checkpoint(FileSystem& fs, const std::string& dir,
                                           const SegmentSet& set);

}  // namespace logkv

#endif  // LOGKV_ENGINE_INDEX_CHECKPOINT_FIT_H_
