#include "compaction/hint_io.h"

#include <algorithm>

#include "compaction/file_names.h"
#include "wal/endian_coding.h"
#include "wal/segment_file_name.h"

namespace logkv {

Result<FileBytes> read_whole_file(FileSystem& fs, const std::string& path) {
  FileBytes whole;
  Result<std::unique_ptr<RandomAccessFile>> file = fs.open_random_access(path);
  if (!file.is_ok()) return file.status();
  whole.file = std::move(*file);
  Result<uint64_t> bytes = whole.file->size();
  if (!bytes.is_ok()) return bytes.status();
  // make_unique_for_overwrite does not touch the pages, so a mapped file costs no copy.
  whole.scratch = std::make_unique_for_overwrite<char[]>(*bytes == 0 ? 1 : *bytes);
  Result<std::string_view> read = whole.file->read(0, *bytes, whole.scratch.get());
  if (!read.is_ok()) return read.status();
  if (read->size() != *bytes) {
    return Status::io_error("short read of '" + path + "': got " + std::to_string(read->size()) +
                            " of " + std::to_string(*bytes) + " bytes");
  }
  whole.bytes = *read;
  return whole;
}

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

Status write_synced_file(FileSystem& fs, const std::string& path, std::string_view bytes) {
  Result<std::unique_ptr<WritableFile>> file = fs.open_writable(path, OpenMode::kCreateNew);
  if (!file.is_ok()) return file.status();
  Status status = (*file)->append_and_sync(bytes);
  const Status closed = (*file)->close();
  if (status.is_ok()) status = closed;
  return status;
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

Status publish_temp_file(FileSystem& fs, const std::string& dir, std::string_view final_name) {
  return fs.rename(join_path(dir, temp_file_name(final_name)), join_path(dir, final_name));
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
