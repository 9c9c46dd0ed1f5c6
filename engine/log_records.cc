#include "logkv/log_records.h"

#include <memory>
#include <optional>

#include "fs/file_system.h"
#include "wal/file_names.h"
#include "wal/record.h"
#include "wal/segment_scanner.h"
#include "wal/segment_set.h"
#include "wal/synced_marker.h"

namespace logkv {

Result<LogWalk> read_log_records(const std::string& store_dir,
                                 const std::function<Status(const LogRecord&)>& visit) {
  std::shared_ptr<FileSystem> fs = posix_file_system();
  // The store's segments only: not a compaction's leftovers nor files the manifest does not list.
  Result<SegmentSet> set = reconcile_segment_set(*fs, store_dir);
  if (!set.is_ok()) return set.status();
  const StoreFolderListing* listing = &set->listing;
  LogWalk walk;
  std::unique_ptr<char[]> scratch;
  uint64_t scratch_bytes = 0;
  const std::vector<uint64_t>& ids = listing->segment_ids;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string name = segment_file_name(ids[i]);
    const std::string path = join_path(store_dir, name);
    const bool is_newest = i + 1 == ids.size();
    // Before the segment's size and bytes (wal/synced_marker.h): a writer may be appending.
    std::optional<uint64_t> recorded_synced;
    if (is_newest) {
      Result<std::optional<uint64_t>> recorded = recorded_synced_bytes(*fs, store_dir, ids[i]);
      if (!recorded.is_ok()) return recorded.status();
      recorded_synced = *recorded;
    }
    Result<std::unique_ptr<RandomAccessFile>> file = fs->open_random_access(path);
    if (!file.is_ok()) return file.status();
    Result<uint64_t> file_bytes = (*file)->size();
    if (!file_bytes.is_ok()) return file_bytes.status();
    if (*file_bytes > scratch_bytes || !scratch) {
      scratch = std::make_unique_for_overwrite<char[]>(*file_bytes == 0 ? 1 : *file_bytes);
      scratch_bytes = *file_bytes;
    }
    Result<std::string_view> contents = (*file)->read(0, *file_bytes, scratch.get());
    if (!contents.is_ok()) return contents.status();
    // A file shorter than its size a moment ago (another process truncated a torn tail) is
    // scanned as far as it goes.
    Result<SyncedPrefix> synced =
        known_synced_prefix(*fs, store_dir, ids[i], contents->size(), is_newest, recorded_synced);
    if (!synced.is_ok()) return synced.status();
    Status visit_error;
    const SegmentScan scan =
        scan_segment(*contents, path, ids[i], *synced, [&](const ScannedRecord& scanned) {
          if (!visit_error.is_ok()) return;
          LogRecord record;
          record.segment_id = ids[i];
          record.segment_file = name;
          record.offset = scanned.offset;
          record.sequence = scanned.record.sequence;
          record.kind = scanned.record.type == RecordType::kDelete ? LogRecordKind::kDelete
                                                                   : LogRecordKind::kSet;
          record.batch_continues = (scanned.record.flags & kRecordFlagBatchContinues) != 0;
          record.key = scanned.record.key;
          record.value = scanned.record.value;
          ++walk.records;
          visit_error = visit(record);
        });
    if (!visit_error.is_ok()) return visit_error;
    if (!scan.status.is_ok()) return scan.status;
    if (scan.torn_tail) walk.torn_tail_bytes += scan.file_bytes - scan.valid_end;
    ++walk.segments;
  }
  return walk;
}

}  // namespace logkv
