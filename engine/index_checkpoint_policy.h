// When a clean close writes the index checkpoint (index/index_checkpoint.h): a pure function,
// so that the rules below are tested on their own.
//
// Writing one costs the whole directory (about 33 bytes plus the key per key: 45 MB at a
// million 12-byte keys) and a sync; reading the log it saves costs a scan of that log. So:
//   0. `replay_bytes_min` = UINT64_MAX: never (the store's owner turned checkpoints off).
//   1. With no checkpoint, one is written when the log holds at least `replay_bytes_min` bytes:
//      a smaller log is read at open about as fast as a checkpoint would be.
//   2. A stale checkpoint (a segment it lists is gone or was cut, or a segment it does not list
//      has an id below its newest: a compaction ran) is always replaced: open would only read
//      it to find it unusable.
//   3. Otherwise one is written when the log after it (the rest of its newest segment and every
//      segment above) has reached `replay_bytes_min`: what every open replays until then.
// So an `logkv set` from the shell on a large store does not rewrite the directory each time,
// and an open never replays more than about `replay_bytes_min` of log past a checkpoint that a
// clean close left.
#ifndef LOGKV_ENGINE_INDEX_CHECKPOINT_POLICY_H_
#define LOGKV_ENGINE_INDEX_CHECKPOINT_POLICY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "index/index_checkpoint.h"

namespace logkv {

// `replay_bytes_min` is Options::index_checkpoint_bytes_min (default 1 MiB: a megabyte of log
// scans in about a millisecond).
// `current`: the checkpoint on disk that fitted at open or that this writer wrote, if any.
// `lengths`: every segment's (id, bytes) as the log ends now, ascending ids.
bool index_checkpoint_due(const std::optional<CheckpointPoint>& current,
                          std::span<const std::pair<uint64_t, uint64_t>> lengths,
                          uint64_t replay_bytes_min);

}  // namespace logkv

#endif  // LOGKV_ENGINE_INDEX_CHECKPOINT_POLICY_H_
