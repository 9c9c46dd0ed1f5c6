#include "wal/file_publishing.h"

#include "wal/file_names.h"

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

Status write_synced_file(FileSystem& fs, const std::string& path, std::string_view bytes) {
  Result<std::unique_ptr<WritableFile>> file = fs.open_writable(path, OpenMode::kCreateNew);
  if (!file.is_ok()) return file.status();
  Status status = (*file)->append_and_sync(bytes);
  const Status closed = (*file)->close();
  if (status.is_ok()) status = closed;
  return status;
}

Status publish_temp_file(FileSystem& fs, const std::string& dir, std::string_view final_name) {
  return fs.rename(join_path(dir, temp_file_name(final_name)), join_path(dir, final_name));
}

Status replace_file_atomically(FileSystem& fs, const std::string& dir, std::string_view final_name,
                               std::string_view bytes) {
  const std::string temp_path = join_path(dir, temp_file_name(final_name));
  if (Result<uint64_t> stale = fs.file_size(temp_path); stale.is_ok()) {
    LOGKV_RETURN_IF_ERROR(fs.remove(temp_path));
  } else if (stale.status().code() != StatusCode::kNotFound) {
    return stale.status();
  }
  LOGKV_RETURN_IF_ERROR(write_synced_file(fs, temp_path, bytes));
  LOGKV_RETURN_IF_ERROR(publish_temp_file(fs, dir, final_name));
  return fs.sync_dir(dir);
}

}  // namespace logkv
