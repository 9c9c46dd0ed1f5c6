// LogAppender: the active segment of a store and its rolling into the next one.
//
// The log is a sequence of segment files; only the newest, the active segment, is appended to.
// The appender writes a group of staged records to it in one append (and, with
// SyncMode::kAlways, one fdatasync), and starts a new segment when a group would not fit, so
// that a group, and with it every atomic batch, always lies whole in one segment. Every segment
// it seals is synced first: recovery treats every segment but the newest as complete.
//
// After every sync of the active segment it records the segment's durable length in the
// synced-point marker, so that damage to synced bytes at the end of the log is not taken for a
// torn write after a crash.
//
// Failure: a failed write or sync leaves the log's tail unknown (and a failed fdatasync must not
// be retried), so the appender then stops: every later append, seal or sync fails with
// kWritesStopped naming the first failure, until the store is closed and opened again, which
// recovers every durable record. A group refused before anything reached the file (larger than
// a segment may ever be) leaves it usable.
//
// Thread-safety: none; the store calls it under its writer lock.
#ifndef LOGKV_ENGINE_LOG_APPENDER_H_
#define LOGKV_ENGINE_LOG_APPENDER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compaction/segment_usage.h"
#include "engine/manifest_publisher.h"
#include "engine/write_context.h"
#include "fs/file_system.h"
#include "index/index_entry.h"
#include "logkv/options.h"
#include "logkv/status.h"
#include "wal/segment_table.h"
#include "wal/segment_writer.h"
#include "wal/synced_marker.h"

namespace logkv {

class LogAppender {
 public:
  // Segments it creates are added to `segments` and, as active, to `usage`, and published in
  // the manifest before any record is appended to them.
  LogAppender(FileSystem& fs, std::string dir, SegmentTable& segments, SegmentUsageTable& usage,
              ManifestPublisher& manifest, const Options& options);
  LogAppender(const LogAppender&) = delete;
  LogAppender& operator=(const LogAppender&) = delete;

  // After recovery: continues in segment `newest_id` (already in the segment table) at its
  // `valid_bytes`, syncing them, or, when `newest_id` is 0, starts the first segment. New
  // segments take ids from `next_segment_id` on.
  Status open(uint64_t newest_id, uint64_t valid_bytes, uint64_t next_segment_id);

  // Appends the group's records as one write, first sealing the active segment when they would
  // not fit in it; syncs with SyncMode::kAlways. Fills `entries` with the records' locations, in
  // order. Sets `*sealed` when it sealed a segment. On failure nothing is published: a group
  // refused before it reached the file leaves the appender usable; any other failure stops it.
  Status append(std::span<const StagedRecord> staged, std::vector<IndexEntry>* entries,
                bool* sealed);

  // Seals the active segment (synced, closed) and starts the next one, even when it holds no
  // record. Fails, stopping the appender, when either step fails.
  Status seal();

  // Makes every appended record durable (nothing to do when all are). Fails, stopping the
  // appender, when the sync fails; `what_failed` starts the message then.
  Status sync(std::string_view what_failed);

  // Reserves `count` segment ids for compaction's outputs and returns the first one; the next
  // segment the appender starts comes after them. kLimitExceeded when ids would run out.
  Result<uint64_t> reserve_ids(uint64_t count);

  // Syncs (unless SyncMode::kAlways made every append durable already, or the appender is
  // stopped) and closes the active segment. Later calls fail.
  Status close();

  // Ok while appends are accepted; otherwise the kWritesStopped error that stopped them.
  const Status& health() const { return stopped_; }
  // Whether there is an active segment (none after a failed roll or after close()); the two
  // accessors below require one.
  bool has_active_segment() const { return writer_ != nullptr; }
  uint64_t active_id() const { return writer_->segment_id(); }
  uint64_t active_bytes() const { return writer_->size(); }
  bool active_holds_records() const;
  bool has_unsynced_bytes() const { return writer_->synced_bytes() < writer_->size(); }

 private:
  // Creates segment `id` durably (header synced, folder synced), makes it active and publishes
  // the manifest that names it the newest.
  Status start_segment(uint64_t id);
  // Seals the active segment and starts the next; no health check, no stopping.
  Status roll();
  // Records in the synced-point marker (wal/synced_marker.h) how much of the active segment is
  // durable, after each sync of it. Best effort, as the marker is: a failure costs only what it
  // would tell a later open, and ends the updates (synced_marker_failure_).
  void record_synced();
  // Remembers that the log's tail is unknown after `cause`; returns `cause` with `what` added.
  Status stop(const Status& cause, std::string_view what);

  FileSystem& fs_;
  const std::string dir_;
  SegmentTable& segments_;
  SegmentUsageTable& usage_;
  ManifestPublisher& manifest_;
  const Options options_;
  std::unique_ptr<SegmentWriter> writer_;
  Segment* active_segment_ = nullptr;
  uint64_t next_segment_id_ = 1;
  Status stopped_;
  std::unique_ptr<SyncedMarkerWriter> synced_marker_;
  Status synced_marker_failure_;
};

}  // namespace logkv

#endif  // LOGKV_ENGINE_LOG_APPENDER_H_
