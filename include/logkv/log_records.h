// Reading a store's log as it is on disk: every record of every segment file, in file order,
// without opening the store. For tools that show what the files hold (`logkv dump
// --all-versions`): overwritten values, deletes and the records of atomic batches, which a
// Store never returns.
//
// read_log_records takes no lock and never writes, creates or removes a file, so it may run
// while a writer has the store open; it then sees each segment as far as it had been written
// when that segment was read (a record being appended at that moment counts as a torn tail).
//
// Thread-safety: a pure function of the folder; calls `visit` on the calling thread.
#ifndef LOGKV_LOG_RECORDS_H_
#define LOGKV_LOG_RECORDS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "logkv/export.h"
#include "logkv/status.h"

namespace logkv {

enum class LogRecordKind : uint8_t { kSet, kDelete };

// One record. `key`, `value` and `segment_file` are valid only during the visit call.
struct LogRecord {
  uint64_t segment_id = 0;
  std::string_view segment_file;  // the segment's file name in the store folder
  uint64_t offset = 0;            // where the record starts in that file
  uint64_t sequence = 0;          // strictly increasing within a segment
  LogRecordKind kind = LogRecordKind::kSet;
  // The record belongs to an atomic batch and more records of the batch follow it. The last
  // record of a batch has this false, like a write of its own; the batch commits with it.
  bool batch_continues = false;
  std::string_view key;
  std::string_view value;  // empty for kDelete
};

struct LogWalk {
  uint64_t segments = 0;
  uint64_t records = 0;
  // Bytes after the last complete record of the newest segment: an append that a crash (or a
  // writer still at work) left unfinished. Not damage; a store open drops them.
  uint64_t torn_tail_bytes = 0;
};

// Calls `visit` for each intact record of the store in `store_dir`: segments in ascending id,
// records in file order. Segments that compaction wrote hold older records than newer ones
// written before them, so sequence numbers rise within a segment, not across all of them.
//
// Stops at the first error and returns it: a status `visit` returned (which is returned as is),
// kNotFound for a missing folder, kCorruption naming the file and byte offset of damaged data
// (every record before it has been visited), or an I/O error. Never aborts on bad bytes.
LOGKV_EXPORT Result<LogWalk> read_log_records(const std::string& store_dir,
                                              const std::function<Status(const LogRecord&)>& visit);

}  // namespace logkv

#endif  // LOGKV_LOG_RECORDS_H_
