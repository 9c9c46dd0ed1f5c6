#include "wal/hint_io.h"

#include <algorithm>

#include "base/endian_coding.h"
#include "wal/damage_advice.h"
#include "wal/file_names.h"

namespace logkv {

Result<LoadedHint> load_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                  uint64_t segment_bytes) {
  const std::string name = hint_file_name(segment_id);
  Result<FileBytes> file = read_whole_file(fs, join_path(dir, name));
  if (!file.is_ok()) return file.status();
  Result<DecodedHintFile> hint = decode_hint_file(file->bytes, segment_id, name);
  if (!hint.is_ok()) return hint.status();
  if (hint->segment_bytes != segment_bytes) {
    return Status::corruption(
        name + ": bad hint file: it describes " + std::to_string(hint->segment_bytes) +
        " bytes of segment " + segment_file_name(segment_id) + ", which holds " +
        std::to_string(segment_bytes) + "; the store ignores it and scans the segment instead");
  }
  return LoadedHint{std::move(file).value(), std::move(hint).value()};
}

std::optional<CutShortSegment> find_cut_short(FileSystem& fs, const std::string& dir,
                                              uint64_t segment_id, uint64_t segment_bytes) {
  const std::string name = hint_file_name(segment_id);
  Result<FileBytes> file = read_whole_file(fs, join_path(dir, name));
  if (!file.is_ok()) return std::nullopt;
  Result<DecodedHintFile> hint = decode_hint_file(file->bytes, segment_id, name);
  if (!hint.is_ok() || hint->segment_bytes <= segment_bytes) return std::nullopt;
  CutShortSegment cut;
  cut.hinted_bytes = hint->segment_bytes;
  for (const HintEntry& entry : hint->entries) {
    if (entry.offset + entry.record_bytes <= segment_bytes) continue;
    cut.lost.push_back({std::string(entry.key), entry.sequence, entry.offset});
  }
  return cut;
}

DamagedRange cut_short_damage(std::string_view file, uint64_t segment_id, uint64_t segment_bytes,
                              CutShortSegment cut) {
  DamagedRange range;
  range.start = range.damage_offset = range.end = segment_bytes;
  range.what = std::string(file) + ": the segment ends at byte " + std::to_string(segment_bytes) +
               " but its hint file " + hint_file_name(segment_id) + " says it held " +
               std::to_string(cut.hinted_bytes) +
               ": it was cut short and the records past its end are gone" +
               std::string(kDamageAdvice);
  range.keys_complete = true;
  for (CutShortSegment::LostRecord& record : cut.lost) {
    range.keys.push_back({std::move(record.key), record.sequence});
  }
  return range;
}

Result<uint64_t> read_hint_entry_count(FileSystem& fs, const std::string& dir,
                                       uint64_t segment_id) {
  const std::string path = join_path(dir, hint_file_name(segment_id));
  Result<std::unique_ptr<RandomAccessFile>> file = fs.open_random_access(path);
  if (!file.is_ok()) return file.status();
  Result<uint64_t> file_bytes = (*file)->size();
  if (!file_bytes.is_ok()) return file_bytes.status();
  char header[kHintHeaderBytes];
  Result<std::string_view> read = (*file)->read(0, kHintHeaderBytes, header);
  if (!read.is_ok()) return read.status();
  if (read->size() < kHintHeaderBytes || *file_bytes < kHintHeaderBytes + kHintTrailerBytes) {
    return Status::corruption(hint_file_name(segment_id) +
                              ": bad hint file: shorter than its header and checksum");
  }
  const uint64_t claimed = load_little_endian<uint64_t>(read->data() + kHintEntryCountOffset);
  const uint64_t fitting =
      (*file_bytes - kHintHeaderBytes - kHintTrailerBytes) / kHintEntryHeaderBytes;
  return std::min(claimed, fitting);
}

Result<uint64_t> write_temp_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                      uint64_t segment_bytes, std::span<const HintEntry> entries) {
  const std::string temp_path = join_path(dir, temp_file_name(hint_file_name(segment_id)));
  // A temporary file of an attempt that failed in this process may still be there.
  if (Result<uint64_t> stale = fs.file_size(temp_path); stale.is_ok()) {
    LOGKV_RETURN_IF_ERROR(fs.remove(temp_path));
  }
  const std::string bytes = encode_hint_file(segment_id, segment_bytes, entries);
  LOGKV_RETURN_IF_ERROR(write_synced_file(fs, temp_path, bytes));
  return static_cast<uint64_t>(bytes.size());
}

Result<uint64_t> write_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                 uint64_t segment_bytes, std::span<const HintEntry> entries) {
  Result<uint64_t> written = write_temp_hint_file(fs, dir, segment_id, segment_bytes, entries);
  if (!written.is_ok()) return written.status();
  LOGKV_RETURN_IF_ERROR(publish_temp_file(fs, dir, hint_file_name(segment_id)));
  LOGKV_RETURN_IF_ERROR(fs.sync_dir(dir));
  return written;
}

Status verify_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id) {
  Result<uint64_t> segment_bytes = fs.file_size(join_path(dir, segment_file_name(segment_id)));
  if (!segment_bytes.is_ok()) return segment_bytes.status();
  Result<LoadedHint> hint = load_hint_file(fs, dir, segment_id, *segment_bytes);
  return hint.is_ok() ? Status::ok() : hint.status();
}

}  // namespace logkv
