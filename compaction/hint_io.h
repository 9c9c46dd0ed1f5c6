// Reading and publishing hint files through the file-system seam.
//
// A hint file is published like every file logkv creates after the fact: written under a
// temporary name, synced, closed, renamed to its final name, and the folder synced. A crash
// before the rename leaves only a temporary file, which the next open removes; a crash after
// it leaves a complete hint file or none.
//
// Thread-safety: the functions share no state; the FileSystem must be thread-safe (it is).
#ifndef LOGKV_COMPACTION_HINT_IO_H_
#define LOGKV_COMPACTION_HINT_IO_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "compaction/hint_file.h"
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

// A decoded hint file and the bytes its entries point into.
struct LoadedHint {
  FileBytes file;
  DecodedHintFile hint;
};

// Reads and verifies the hint file of segment `segment_id` in `dir`, which must describe a
// segment of exactly `segment_bytes` bytes. kNotFound when there is no hint file; kCorruption
// (naming the file and the problem) when it is damaged or describes another length.
Result<LoadedHint> load_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                  uint64_t segment_bytes);

// The entry count that the header of segment `segment_id`'s hint file claims, read without
// verifying the file (no checksum): only for sizing before load_hint_file(). Bounded by what the
// file's length can hold, so a damaged header cannot claim more. kNotFound when there is no hint
// file; kCorruption when it is shorter than a header.
Result<uint64_t> read_hint_entry_count(FileSystem& fs, const std::string& dir, uint64_t segment_id);

// Creates `path` (which must not exist), appends `bytes`, syncs and closes it. On failure the
// file may exist with any prefix of `bytes`; the caller removes it or leaves it to the next open.
Status write_synced_file(FileSystem& fs, const std::string& path, std::string_view bytes);

// Writes the hint file of segment `segment_id` under its temporary name, synced. The caller
// renames it (publish_temp_file) and syncs the folder. Returns the bytes written.
Result<uint64_t> write_temp_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                      uint64_t segment_bytes, std::span<const HintEntry> entries);

// Renames `final_name` + ".tmp" in `dir` to `final_name`. Does not sync the folder.
Status publish_temp_file(FileSystem& fs, const std::string& dir, std::string_view final_name);

// Writes, publishes and makes durable (folder synced) the hint file of segment `segment_id`,
// replacing any older one. Returns the bytes written.
Result<uint64_t> write_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id,
                                 uint64_t segment_bytes, std::span<const HintEntry> entries);

// For `logkv check`: ok when segment `segment_id` of `dir` has a hint file that is intact and
// describes the segment's current length; kNotFound when it has none; kCorruption otherwise.
Status verify_hint_file(FileSystem& fs, const std::string& dir, uint64_t segment_id);

}  // namespace logkv

#endif  // LOGKV_COMPACTION_HINT_IO_H_
