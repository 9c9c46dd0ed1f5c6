#include "engine/index_checkpoint_fit.h"

#include <algorithm>

#include "wal/file_names.h"

namespace logkv {

namespace {

// Why `point` does not describe the segments of `set`; empty when it does.
Result<std::string> misfit(FileSystem& fs, const std::string& dir, const SegmentSet& set,
                           const CheckpointPoint& point) {
  if (!set.problems.empty()) return std::string("the store's segment set has a problem");
  const std::vector<uint64_t>& ids = set.listing.segment_ids;
  for (const CheckpointSegment& segment : point.segments) {
    if (!std::binary_search(ids.begin(), ids.end(), segment.id)) {
      return "segment " + std::to_string(segment.id) + " is gone (a compaction ran since)";
    }
  }
  // A segment it does not list below its newest (a compaction's output): records it never saw,
  // older than its newest.
  for (uint64_t id : ids) {
    if (id >= point.newest_segment_id) break;
    const bool listed =
        std::any_of(point.segments.begin(), point.segments.end(),
                    [id](const CheckpointSegment& segment) { return segment.id == id; });
    if (!listed) return "segment " + std::to_string(id) + " is newer than the checkpoint";
  }
  for (const CheckpointSegment& segment : point.segments) {
    const std::string path = join_path(dir, segment_file_name(segment.id));
    const bool is_newest = segment.id == point.newest_segment_id;
    if (!is_newest) {
      Result<uint64_t> bytes = fs.file_size(path);
      if (!bytes.is_ok()) return bytes.status();
      if (*bytes != segment.bytes) {
        return "segment " + std::to_string(segment.id) + " is " + std::to_string(*bytes) +
               " bytes, not " + std::to_string(segment.bytes);
      }
      continue;
    }
    Result<std::unique_ptr<RandomAccessFile>> file = fs.open_random_access(path);
    if (!file.is_ok()) return file.status();
    Result<uint64_t> bytes = (*file)->size();
    if (!bytes.is_ok()) return bytes.status();
    if (*bytes < segment.bytes) {
      return "segment " + std::to_string(segment.id) + " is shorter than the checkpoint's " +
             std::to_string(segment.bytes) + " bytes";
    }
    Result<uint64_t> tail = segment_tail_checksum(**file, segment.bytes);
    if (!tail.is_ok()) return tail.status();
    if (*tail != point.tail_checksum) {
      return "segment " + std::to_string(segment.id) +
             " holds other bytes before the checkpoint's end";
    }
  }
  return std::string();
}

}  // namespace

Result<CheckpointFit> fit_index_checkpoint(FileSystem& fs, const std::string& dir,
                                           const SegmentSet& set) {
  CheckpointFit fit;
  Result<IndexCheckpoint> checkpoint = read_index_checkpoint(fs, dir);
  if (!checkpoint.is_ok()) {
    if (checkpoint.status().code() == StatusCode::kNotFound) return fit;
    if (checkpoint.status().code() != StatusCode::kCorruption) return checkpoint.status();
    fit.exists = true;
    fit.why_not = checkpoint.status().message();
    return fit;
  }
  fit.exists = true;
  Result<std::string> why_not = misfit(fs, dir, set, checkpoint->point);
  if (!why_not.is_ok()) return why_not.status();
  if (!why_not->empty()) {
    fit.why_not = "index checkpoint '" + std::string(kIndexCheckpointFileName) + "': " + *why_not;
    return fit;
  }
  fit.checkpoint = std::move(*checkpoint);
  return fit;
}

}  // namespace logkv
