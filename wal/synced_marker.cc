#include "wal/synced_marker.h"

#include <utility>

#include "wal/close_marker.h"
#include "wal/file_names.h"
#include "wal/file_publishing.h"

namespace logkv {
namespace {

constexpr FileKind kSyncedMarkerKind{kSyncedMarkerMagic, kSyncedMarkerFormatVersion,
                                     "not a logkv synced-point marker", "describes"};

// Makes the marker file anew with `bytes` in it, unsynced (see SyncedMarkerWriter::open),
// removing the one there first when `exists`.
Status make_marker_file(FileSystem& fs, const std::string& path, bool exists,
                        std::string_view bytes) {
  if (exists) LOGKV_RETURN_IF_ERROR(fs.remove(path));
  Result<std::unique_ptr<WritableFile>> file = fs.open_writable(path, OpenMode::kCreateNew);
  if (!file.is_ok()) return file.status();
  LOGKV_RETURN_IF_ERROR((*file)->append(bytes));
  return (*file)->close();
}

// The marker file's bytes, or nullopt when there is none.
Result<std::optional<std::string>> read_marker_file(FileSystem& fs, const std::string& path) {
  Result<FileBytes> file = read_whole_file(fs, path);
  if (file.is_ok()) return std::optional<std::string>(std::string(file->bytes));
  if (file.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return file.status();
}

}  // namespace

std::string encode_synced_marker(const SegmentLength& synced) {
  return encode_segment_length(kSyncedMarkerKind, synced);
}

std::optional<SegmentLength> decode_synced_marker(std::string_view bytes) {
  return decode_segment_length(kSyncedMarkerKind, bytes);
}

Result<std::unique_ptr<SyncedMarkerWriter>> SyncedMarkerWriter::open(FileSystem& fs,
                                                                     const std::string& dir,
                                                                     const SegmentLength& synced) {
  const std::string path = join_path(dir, kSyncedMarkerFileName);
  const std::string bytes = encode_synced_marker(synced);
  Result<std::optional<std::string>> existing = read_marker_file(fs, path);
  if (!existing.is_ok()) return existing.status();
  bool exists = existing->has_value();
  const std::optional<SegmentLength> old = exists ? decode_synced_marker(**existing) : std::nullopt;
  if (old && old->segment_id > synced.segment_id) {
    // It names a segment above the newest (one a repair set aside): a later roll takes that id
    // again, and an unsynced rewrite could give way to this value after a power loss and describe
    // the new file. Its removal is made durable first.
    LOGKV_RETURN_IF_ERROR(fs.remove(path));
    LOGKV_RETURN_IF_ERROR(fs.sync_dir(dir));
    exists = false;
  }
  const bool made = !exists || (*existing)->size() != kSegmentLengthFileBytes;
  if (made) LOGKV_RETURN_IF_ERROR(make_marker_file(fs, path, exists, bytes));
  Result<std::unique_ptr<OverwritableFile>> file = fs.open_overwritable(path);
  if (!file.is_ok()) return file.status();
  std::unique_ptr<SyncedMarkerWriter> writer(new SyncedMarkerWriter(std::move(*file), path));
  if (made) {
    writer->recorded_ = synced;
  } else {
    writer->record(synced);
  }
  return writer;
}

void SyncedMarkerWriter::record(const SegmentLength& synced) {
  if (!failure_.is_ok()) return;
  if (synced.segment_id == recorded_.segment_id &&
      synced.segment_bytes == recorded_.segment_bytes) {
    return;
  }
  failure_ = file_->write_at(0, encode_synced_marker(synced));
  if (failure_.is_ok()) recorded_ = synced;
}

Result<std::optional<uint64_t>> recorded_synced_bytes(FileSystem& fs, const std::string& dir,
                                                      uint64_t segment_id) {
  Result<FileBytes> file = read_whole_file(fs, join_path(dir, kSyncedMarkerFileName));
  if (!file.is_ok()) {
    if (file.status().code() == StatusCode::kNotFound) return std::optional<uint64_t>();
    return file.status();
  }
  const std::optional<SegmentLength> marker = decode_synced_marker(file->bytes);
  if (!marker || marker->segment_id != segment_id) return std::optional<uint64_t>();
  return std::optional<uint64_t>(marker->segment_bytes);
}

Result<SyncedPrefix> known_synced_prefix(FileSystem& fs, const std::string& dir,
                                         uint64_t segment_id, uint64_t segment_bytes,
                                         bool is_newest, std::optional<uint64_t> recorded) {
  if (!is_newest) return SyncedPrefix::of(false);
  Result<bool> closed = closed_cleanly_at(fs, dir, segment_id, segment_bytes);
  if (!closed.is_ok()) return closed.status();
  if (*closed) return SyncedPrefix::whole("a clean close left the segment so, synced in full");
  if (recorded.has_value()) return SyncedPrefix::recorded(*recorded);
  return SyncedPrefix::unknown();
}

}  // namespace logkv
