// SegmentWriter: appends records to one segment file, the active part of the write-ahead log.
//
// Records are staged, then committed in one WritableFile::append (a group commit's whole group).
// Every record carries synced_offset, the segment's durable length when it was appended; that
// is what lets recovery tell a torn tail from damage in synced data (docs/FORMAT.md).
//
// Thread-safety: one thread at a time (the store serialises writers).
//
// Durability: commit(false) and write_header() leave bytes in the file but promise nothing about
// the disk; only a successful sync() makes everything appended so far durable.
//
// Failure: a failed commit, write_header or sync leaves the end of the file unknown (and a
// failed fdatasync must never be retried), so the writer is then broken: every later call
// returns StatusCode::kWritesStopped naming the first failure. Calls refused for bad arguments
// (a key too long, a segment that would outgrow kSegmentBytesMax, ...) write nothing and leave
// the writer usable.
#ifndef LOGKV_WAL_SEGMENT_WRITER_H_
#define LOGKV_WAL_SEGMENT_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fs/file_system.h"
#include "logkv/status.h"
#include "wal/record.h"

namespace logkv {

class SegmentWriter {
 public:
  // `file` is positioned at its end and holds `existing_bytes` bytes (the caller checks it:
  // asserted here): 0 for a new file, or a reopened segment's verified length. The existing bytes
  // are taken as durable (they seed synced_offset); when that is not known, call sync() before the
  // first commit().
  SegmentWriter(std::unique_ptr<WritableFile> file, uint64_t segment_id, uint64_t existing_bytes);
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;
  // Drops the file without syncing; call close() to see errors.
  ~SegmentWriter() = default;

  // Appends the segment header to a new, empty file. Does not sync. kInvalidArgument (nothing
  // written) when the file is not empty.
  Status write_header();

  // Appends: stage() encodes a record (synced_offset = synced_bytes()) into the writer's buffer
  // and returns the offset it will have in the file; nothing reaches the file yet. It refuses
  // with kInvalidArgument, nothing staged, when the header is missing, the key or value is too
  // long for the format, a delete has a value, a flag is unknown, or `sequence` is 0 or not
  // larger than the previous record's; with kLimitExceeded when the segment would grow past
  // kSegmentBytesMax (start a new segment). commit() hands everything
  // staged to the file in ONE append (and, with `sync`, one fdatasync: append_and_sync), so
  // that a group of records costs one write and one sync. All records of one commit carry the
  // same synced_offset. A failed commit breaks the writer; discard_staged() drops the buffer.
  Result<uint64_t> stage(RecordType type, uint8_t flags, uint64_t sequence, std::string_view key,
                         std::string_view value);
  Status commit(bool sync);
  void discard_staged();
  uint64_t staged_bytes() const { return encode_buffer_.size(); }

  // fdatasync. On success synced_bytes() == size().
  Status sync();

  // Closes the file without syncing it. Later calls fail. Returns the close error, or the
  // failure that broke the writer.
  Status close();

  uint64_t size() const { return size_; }
  uint64_t synced_bytes() const { return synced_bytes_; }
  uint64_t segment_id() const { return segment_id_; }
  const std::string& file_name() const { return file_name_; }
  // Ok while the writer accepts calls; otherwise why it does not.
  Status health() const;

 private:
  // Marks the writer broken by `cause` and returns `cause` with the file name added.
  Status break_with(const Status& cause, std::string_view action);

  std::unique_ptr<WritableFile> file_;
  uint64_t segment_id_;
  std::string file_name_;
  uint64_t size_;
  uint64_t synced_bytes_;
  uint64_t last_sequence_ = 0;         // of the last committed record
  uint64_t staged_last_sequence_ = 0;  // of the last staged record (== last_sequence_ if none)
  // The first failure of the file; ok while none happened.
  Status failure_;
  bool closed_ = false;
  // Reused by every append so that a steady stream of records does not allocate.
  std::string encode_buffer_;
};

}  // namespace logkv

#endif  // LOGKV_WAL_SEGMENT_WRITER_H_
