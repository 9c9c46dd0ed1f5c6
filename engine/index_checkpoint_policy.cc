#include "engine/index_checkpoint_policy.h"

#include <algorithm>
#include <limits>

namespace logkv {

bool index_checkpoint_due(const std::optional<CheckpointPoint>& current,
                          std::span<const std::pair<uint64_t, uint64_t>> lengths,
                          uint64_t replay_bytes_min) {
  // Rule 0.
  if (replay_bytes_min == std::numeric_limits<uint64_t>::max()) return false;
  uint64_t log_bytes = 0;
  for (const auto& [id, bytes] : lengths) log_bytes += bytes;
  // Rule 1.
  if (!current.has_value()) return log_bytes >= replay_bytes_min;
  // Rule 2.
  uint64_t replay_bytes = 0;
  for (const auto& [id, bytes] : lengths) {
    const auto listed =
        std::find_if(current->segments.begin(), current->segments.end(),
                     [id](const CheckpointSegment& segment) { return segment.id == id; });
    if (listed == current->segments.end()) {
      if (id < current->newest_segment_id) return true;
      replay_bytes += bytes;
      continue;
    }
    const bool is_newest = id == current->newest_segment_id;
    if (is_newest ? bytes < listed->bytes : bytes != listed->bytes) return true;
    if (is_newest) replay_bytes += bytes - listed->bytes;
  }
  for (const CheckpointSegment& segment : current->segments) {
    const bool present = std::any_of(lengths.begin(), lengths.end(), [&](const auto& length) {
      return length.first == segment.id;
    });
    if (!present) return true;
  }
  // Rule 3.
  return replay_bytes >= replay_bytes_min;
}

}  // namespace logkv
