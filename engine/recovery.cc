#include "engine/recovery.h"

#include "wal/record_format.h"
#include "wal/segment_file_name.h"
#include "wal/segment_scanner.h"

namespace logkv {

namespace {

// Reads a whole segment. With the POSIX file system the view points into the file's mapping
// and `scratch` stays untouched (make_unique_for_overwrite does not fault its pages in).
Result<std::string_view> read_whole(const RandomAccessFile& file, uint64_t bytes,
                                    std::unique_ptr<char[]>& scratch) {
  scratch = std::make_unique_for_overwrite<char[]>(bytes == 0 ? 1 : bytes);
  return file.read(0, bytes, scratch.get());
}

}  // namespace

Result<RecoveredLog> recover_log(FileSystem& fs, const std::string& dir,
                                 const std::vector<uint64_t>& segment_ids, KeyDirectory& keys) {
  RecoveredLog log;
  std::unique_ptr<char[]> scratch;
  for (size_t i = 0; i < segment_ids.size(); ++i) {
    const uint64_t id = segment_ids[i];
    const bool is_newest = i + 1 == segment_ids.size();
    const std::string name = segment_file_name(id);
    const std::string path = join_path(dir, name);
    log.highest_segment_id = id;

    Result<std::unique_ptr<RandomAccessFile>> file = fs.open_random_access(path);
    if (!file.is_ok()) return file.status();
    Result<uint64_t> file_bytes = (*file)->size();
    if (!file_bytes.is_ok()) return file_bytes.status();
    Result<std::string_view> contents = read_whole(**file, *file_bytes, scratch);
    if (!contents.is_ok()) return contents.status();
    if (contents->size() != *file_bytes) {
      return Status::io_error("short read of '" + path + "': got " +
                              std::to_string(contents->size()) + " of " +
                              std::to_string(*file_bytes) + " bytes");
    }

    Status order_error;
    const SegmentScan scan =
        scan_segment(*contents, path, id, is_newest, [&](const ScannedRecord& scanned) {
          const Record& record = scanned.record;
          if (!order_error.is_ok()) return;
          if (record.sequence <= log.last_sequence) {
            order_error = Status::corruption(
                "'" + path + "' at offset " + std::to_string(scanned.offset) + ": sequence " +
                std::to_string(record.sequence) + " does not follow " +
                std::to_string(log.last_sequence) + " of the records before it");
            return;
          }
          log.last_sequence = record.sequence;
          std::optional<IndexEntry> previous;
          if (record.type == RecordType::kSet) {
            const IndexEntry entry{static_cast<uint32_t>(id), scanned.offset, scanned.bytes,
                                   record.sequence};
            previous = keys.put(record.key, entry);
            log.live_bytes += scanned.bytes;
          } else {
            previous = keys.erase(record.key);
          }
          if (previous) log.live_bytes -= previous->record_bytes;
        });
    if (!scan.status.is_ok()) return scan.status;
    if (!order_error.is_ok()) return order_error;

    uint64_t kept_bytes = scan.file_bytes;
    if (scan.torn_tail) {
      log.torn_bytes_dropped += scan.file_bytes - scan.valid_end;
      if (scan.valid_end < kSegmentHeaderBytes) {
        // The crash came while the segment was being created: it holds no record.
        file->reset();
        LOGKV_RETURN_IF_ERROR(fs.remove(path));
        LOGKV_RETURN_IF_ERROR(fs.sync_dir(dir));
        continue;
      }
      LOGKV_RETURN_IF_ERROR(fs.truncate(path, scan.valid_end));
      kept_bytes = scan.valid_end;
    }
    auto segment = std::make_unique<Segment>();
    segment->id = id;
    segment->path = path;
    segment->file = std::move(*file);
    segment->bytes.store(kept_bytes, std::memory_order_relaxed);
    log.newest_segment_id = id;
    log.newest_segment_bytes = kept_bytes;
    log.segments.push_back(std::move(segment));
  }
  return log;
}

}  // namespace logkv
