// backup_store (logkv/backup.h): the copy is built in a temporary folder beside DEST and renamed
// into place once every file in it and the folder itself are durable.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fs/posix_file_system.h"
#include "logkv/backup.h"
#include "wal/file_names.h"
#include "wal/hint_io.h"
#include "wal/manifest.h"
#include "wal/segment_scanner.h"
#include "wal/segment_set.h"
#include "wal/synced_marker.h"

namespace logkv {
namespace {

namespace stdfs = std::filesystem;

// Segments are copied in pieces of this size, so that memory stays bounded however large.
constexpr uint64_t kCopyChunkBytes = 4 << 20;

// One file of the backup point, opened: once open it stays readable even when a compaction
// removes it.
struct SourceSegment {
  uint64_t id = 0;
  std::unique_ptr<RandomAccessFile> file;
  uint64_t bytes = 0;  // what the backup takes of it
  bool sealed = false;
  std::optional<FileBytes> hint;  // an intact hint file, for a sealed segment
};

// The files of one moment of the store, opened.
struct BackupPoint {
  std::vector<SourceSegment> segments;
  // Whether the source has a manifest (intact or not), and, when its segment set has a problem,
  // the source's manifest as it was when the segments were listed, for the copy to show the same
  // problem rather than hide it. Without a problem the copy gets a manifest of exactly what was
  // copied: the newest segment may have rolled since the listing (rule 2 of wal/segment_set.h),
  // and its records then are in the copy.
  bool has_manifest = false;
  std::optional<std::string> damaged_manifest;
  // What the synced-point marker recorded of the newest segment, read before its size.
  std::optional<uint64_t> newest_recorded_synced;
};

// Opens every segment of the store's segment set (wal/segment_set.h: leftovers of a compaction
// and foreign segments are not the store's and are not copied); kNotFound when a compaction
// removed one meanwhile.
Result<BackupPoint> open_backup_point(FileSystem& fs, const std::string& dir) {
  Result<SegmentSet> set = reconcile_segment_set(fs, dir);
  if (!set.is_ok()) return set.status();
  BackupPoint point;
  point.has_manifest = set->manifest.has_value();
  if (!set->problems.empty()) {
    if (set->manifest) {
      point.damaged_manifest = encode_manifest(*set->manifest);
    } else if (Result<FileBytes> damaged = read_whole_file(fs, join_path(dir, kManifestFileName));
               damaged.is_ok()) {
      point.damaged_manifest = std::string(damaged->bytes);  // a writer cannot open the store
    }
    point.has_manifest = point.damaged_manifest.has_value();
  }
  const StoreFolderListing* listing = &set->listing;
  std::vector<SourceSegment>& segments = point.segments;
  for (size_t i = 0; i < listing->segment_ids.size(); ++i) {
    SourceSegment segment;
    segment.id = listing->segment_ids[i];
    segment.sealed = i + 1 < listing->segment_ids.size();
    if (!segment.sealed) {
      // Before the segment's size (wal/synced_marker.h): the writer may be appending.
      Result<std::optional<uint64_t>> recorded = recorded_synced_bytes(fs, dir, segment.id);
      if (!recorded.is_ok()) return recorded.status();
      point.newest_recorded_synced = *recorded;
    }
    Result<std::unique_ptr<RandomAccessFile>> file =
        fs.open_random_access(join_path(dir, segment_file_name(segment.id)));
    if (!file.is_ok()) return file.status();
    segment.file = std::move(file).value();
    Result<uint64_t> bytes = segment.file->size();
    if (!bytes.is_ok()) return bytes.status();
    segment.bytes = *bytes;
    segments.push_back(std::move(segment));
  }
  return point;
}

// The newest segment is taken up to its last complete record: the writer may be appending. Damage
// to bytes known to have been synced is corruption, as open would find (`recorded` is what the
// synced-point marker said before the segment's size was read).
Status settle_newest(FileSystem& fs, const std::string& dir, SourceSegment& segment,
                     std::optional<uint64_t> recorded, uint64_t* last_sequence) {
  std::unique_ptr<char[]> scratch = std::make_unique_for_overwrite<char[]>(segment.bytes + 1);
  // A copying read: the writer may cut its preallocated tail meanwhile.
  Result<std::string_view> contents = segment.file->read_copy(0, segment.bytes, scratch.get());
  if (!contents.is_ok()) return contents.status();
  const std::string name = segment_file_name(segment.id);
  Result<SyncedPrefix> synced =
      known_synced_prefix(fs, dir, segment.id, contents->size(), /*is_newest=*/true, recorded);
  if (!synced.is_ok()) return synced.status();
  const SegmentScan scan =
      scan_segment(*contents, name, segment.id, *synced, [](const ScannedRecord&) {});
  if (!scan.status.is_ok()) {
    return scan.status.with_context("cannot back up the newest segment");
  }
  segment.bytes = scan.valid_end;
  *last_sequence = scan.last_sequence;
  return Status::ok();
}

Status copy_segment(FileSystem& fs, const SourceSegment& segment, const std::string& to,
                    const std::function<void(uint64_t)>& advance) {
  Result<std::unique_ptr<WritableFile>> out = fs.open_writable(to, OpenMode::kCreateNew);
  if (!out.is_ok()) return out.status();
  std::unique_ptr<char[]> scratch = std::make_unique_for_overwrite<char[]>(kCopyChunkBytes);
  for (uint64_t offset = 0; offset < segment.bytes;) {
    const uint64_t want = std::min(kCopyChunkBytes, segment.bytes - offset);
    Result<std::string_view> piece = segment.file->read_copy(offset, want, scratch.get());
    if (!piece.is_ok()) return piece.status();
    if (piece->size() != want) {
      return Status::io_error("short read of " + segment_file_name(segment.id) + " at offset " +
                              std::to_string(offset) + " while backing it up");
    }
    LOGKV_RETURN_IF_ERROR((*out)->append(*piece));
    offset += want;
    advance(want);
  }
  LOGKV_RETURN_IF_ERROR((*out)->sync());
  return (*out)->close();
}

// Hard-links a sealed segment (it never changes); false when the link cannot be made (another
// file system, or the segment was removed since it was opened), and the caller copies it.
bool link_segment(const std::string& from, const std::string& to) {
  std::error_code error;
  stdfs::create_hard_link(from, to, error);
  return !error;
}

Status check_destination(const std::string& dest) {
  std::error_code error;
  const stdfs::file_status status = stdfs::status(dest, error);
  if (status.type() == stdfs::file_type::not_found) return Status::ok();
  if (status.type() == stdfs::file_type::directory && stdfs::is_empty(dest, error) && !error) {
    return Status::ok();
  }
  return Status::invalid_argument("backup destination '" + dest +
                                  "' exists and is not an empty folder; name a new folder");
}

Result<BackupReport> build_backup(FileSystem& fs, const std::string& dir, const std::string& tmp,
                                  const BackupOptions& options) {
  // A compaction may remove a listed segment before it is opened: list again.
  constexpr int kAttempts = 5;
  Result<BackupPoint> opened = Status::not_found("no attempt made");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    opened = open_backup_point(fs, dir);
    if (opened.is_ok() || opened.status().code() != StatusCode::kNotFound) break;
  }
  if (!opened.is_ok()) return opened.status();
  std::vector<SourceSegment>* point = &opened->segments;
  BackupReport report;
  uint64_t total = 0;
  for (SourceSegment& segment : *point) {
    if (!segment.sealed) {
      LOGKV_RETURN_IF_ERROR(
          settle_newest(fs, dir, segment, opened->newest_recorded_synced, &report.last_sequence));
    } else {
      // A hint that is damaged or gone is left out: open reads the segment instead. One that
      // shows the segment was cut short is kept, so that the copy shows the same damage rather
      // than serve the lost keys as absent.
      Result<LoadedHint> hint = load_hint_file(fs, dir, segment.id, segment.bytes);
      if (hint.is_ok()) {
        segment.hint = std::move(hint->file);
      } else if (find_cut_short(fs, dir, segment.id, segment.bytes)) {
        Result<FileBytes> witness = read_whole_file(fs, join_path(dir, hint_file_name(segment.id)));
        if (witness.is_ok()) segment.hint = std::move(witness).value();
      }
    }
    total += segment.bytes;
  }
  uint64_t done = 0;
  auto advance = [&](uint64_t bytes) {
    done += bytes;
    if (options.progress) options.progress(done, total);
  };
  for (const SourceSegment& segment : *point) {
    const std::string name = segment_file_name(segment.id);
    ++report.segments;
    if (segment.sealed && link_segment(join_path(dir, name), join_path(tmp, name))) {
      report.bytes_linked += segment.bytes;
      advance(segment.bytes);
    } else {
      LOGKV_RETURN_IF_ERROR(copy_segment(fs, segment, join_path(tmp, name), advance));
      report.bytes_copied += segment.bytes;
    }
    if (segment.hint.has_value()) {
      LOGKV_RETURN_IF_ERROR(
          write_synced_file(fs, join_path(tmp, hint_file_name(segment.id)), segment.hint->bytes));
      ++report.hint_files;
    }
  }
  if (opened->damaged_manifest) {
    LOGKV_RETURN_IF_ERROR(
        write_synced_file(fs, join_path(tmp, kManifestFileName), *opened->damaged_manifest));
  } else if (opened->has_manifest && !point->empty()) {
    std::vector<std::pair<uint64_t, uint64_t>> copied;
    for (const SourceSegment& segment : *point) copied.emplace_back(segment.id, segment.bytes);
    LOGKV_RETURN_IF_ERROR(write_synced_file(fs, join_path(tmp, kManifestFileName),
                                            encode_manifest(manifest_of(copied))));
  }
  LOGKV_RETURN_IF_ERROR(fs.sync_dir(tmp));
  if (report.last_sequence == 0) {
    // The newest segment holds no record: the newest is in the sealed ones. Only a summary.
    for (auto it = point->rbegin(); it != point->rend() && report.last_sequence == 0; ++it) {
      if (it->hint.has_value()) {
        Result<LoadedHint> hint = load_hint_file(fs, tmp, it->id, it->bytes);
        if (hint.is_ok()) report.last_sequence = hint->hint.last_sequence;
      }
    }
  }
  return report;
}

}  // namespace

Result<BackupReport> backup_store(std::string_view store_dir, std::string_view dest_view,
                                  const BackupOptions& options) {
  const std::string dir(store_dir);
  const std::string dest(dest_view);
  FileSystem& fs = *posix_file_system();
  if (Result<std::vector<std::string>> entries = fs.list_dir(dir); !entries.is_ok()) {
    if (entries.status().code() == StatusCode::kNotFound) {
      return Status::not_found("store folder '" + dir + "' does not exist");
    }
    return entries.status();
  }
  LOGKV_RETURN_IF_ERROR(check_destination(dest));
  const stdfs::path dest_path = stdfs::absolute(stdfs::path(dest)).lexically_normal();
  const std::string parent = dest_path.parent_path().string();
  // Beside DEST, so that the rename stays inside one file system.
  const std::string tmp =
      dest_path.string() + ".tmp-" + std::to_string(::getpid()) + "-" +
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  std::error_code error;
  if (!stdfs::create_directory(tmp, error) || error) {
    return Status::io_error("cannot create the backup's temporary folder '" + tmp +
                            "': " + error.message() + "; check that '" + parent + "' exists");
  }
  Result<BackupReport> report = build_backup(fs, dir, tmp, options);
  Status published = report.status();
  if (published.is_ok()) published = fs.rename(tmp, dest_path.string());
  if (published.is_ok()) published = fs.sync_dir(parent);
  if (!published.is_ok()) {
    stdfs::remove_all(tmp, error);  // the source is untouched; a partial copy is worth nothing
    return published.with_context("cannot back up store '" + dir + "' to '" + dest + "'");
  }
  return report;
}

}  // namespace logkv
