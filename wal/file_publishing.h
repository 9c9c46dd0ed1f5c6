// How logkv creates a file after the fact (a compaction's output segment, a hint file), and
// reads one whole, through the file-system seam.
//
// Publishing: the file is written under its temporary name (wal/file_names.h: final name +
// ".tmp"), synced and closed, renamed to its final name, and the folder synced. A crash before
// the rename leaves only a temporary file, which the next open removes; a crash after it leaves
// the complete file or none.
//
// Thread-safety: the functions share no state; the FileSystem must be thread-safe (it is).
#ifndef LOGKV_WAL_FILE_PUBLISHING_H_
#define LOGKV_WAL_FILE_PUBLISHING_H_

#include <memory>
#include <string>
#include <string_view>

#include "fs/file_system.h"
#include "logkv/status.h"

namespace logkv {

// The whole content of a file. `bytes` points into the file's own memory (a mapping) or into
// `scratch`; either stays valid while this object lives.
struct FileBytes {
  std::unique_ptr<RandomAccessFile> file;
  std::unique_ptr<char[]> scratch;
  std::string_view bytes;
};

// Reads all of `path`. kNotFound when it does not exist; kIOError on a short read.
Result<FileBytes> read_whole_file(FileSystem& fs, const std::string& path);

// Creates `path` (which must not exist), appends `bytes`, syncs and closes it. On failure the
// file may exist with any prefix of `bytes`; the caller removes it or leaves it to the next open.
Status write_synced_file(FileSystem& fs, const std::string& path, std::string_view bytes);

// Renames `final_name` + ".tmp" in `dir` to `final_name`. Does not sync the folder.
Status publish_temp_file(FileSystem& fs, const std::string& dir, std::string_view final_name);

// Replaces file `final_name` of `dir` with `bytes` so that a crash leaves the old file or the
// new one: removes a temporary file an earlier failed replacement left, writes and syncs the
// temporary file, renames it over the old one and syncs the folder. For the small files that
// describe the store (the close marker, the manifest).
Status replace_file_atomically(FileSystem& fs, const std::string& dir, std::string_view final_name,
                               std::string_view bytes);

}  // namespace logkv

#endif  // LOGKV_WAL_FILE_PUBLISHING_H_
