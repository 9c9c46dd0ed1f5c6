#include "engine/log_appender.h"

#include <utility>

#include "wal/file_names.h"
#include "wal/record.h"
#include "wal/record_format.h"

namespace logkv {

LogAppender::LogAppender(FileSystem& fs, std::string dir, SegmentTable& segments,
                         SegmentUsageTable& usage, ManifestPublisher& manifest,
                         const Options& options)
    : fs_(fs),
      dir_(std::move(dir)),
      segments_(segments),
      usage_(usage),
      manifest_(manifest),
      options_(options) {}

Status LogAppender::open(uint64_t newest_id, uint64_t valid_bytes, uint64_t next_segment_id) {
  next_segment_id_ = next_segment_id;
  if (newest_id == 0) return start_segment(next_segment_id_++);
  // The log continues in the newest segment. Its bytes were read from the page cache, which a
  // power loss could still take back (kNever mode, or a crash before a sync): sync them now so
  // that records appended from here on are never acknowledged on top of a tail that may vanish.
  active_segment_ = segments_.find(newest_id);
  if (active_segment_ == nullptr) {
    return Status::corruption("segment " + std::to_string(newest_id) +
                              " was recovered but is not open; open the store again");
  }
  usage_.add_active(newest_id);
  usage_.set_hint_bytes(newest_id, 0);  // appending makes any hint of it stale (open removed it)
  Result<std::unique_ptr<WritableFile>> file =
      fs_.open_writable(active_segment_->path, OpenMode::kAppendExisting);
  if (!file.is_ok()) return file.status();
  // Recovery read `valid_bytes` moments ago (and cut any tail to it). Another size now means
  // another process changes the file behind the lock: refuse rather than append to it.
  if ((*file)->size() != valid_bytes) {
    return Status::corruption("segment '" + active_segment_->path + "' holds " +
                              std::to_string((*file)->size()) + " bytes, but recovery found " +
                              std::to_string(valid_bytes) +
                              " a moment ago: another process is writing to the store folder; "
                              "stop it, then open the store again");
  }
  writer_ = std::make_unique<SegmentWriter>(std::move(*file), newest_id, valid_bytes);
  LOGKV_RETURN_IF_ERROR(writer_->sync());
  record_synced();
  return Status::ok();
}

void LogAppender::record_synced() {
  if (!synced_marker_failure_.is_ok()) return;
  const SegmentLength synced{writer_->segment_id(), writer_->synced_bytes()};
  if (synced_marker_ != nullptr) {
    synced_marker_->record(synced);
    synced_marker_failure_ = synced_marker_->failure();
    return;
  }
  Result<std::unique_ptr<SyncedMarkerWriter>> opened = SyncedMarkerWriter::open(fs_, dir_, synced);
  if (opened.is_ok()) {
    synced_marker_ = std::move(*opened);
  } else {
    synced_marker_failure_ = opened.status();
  }
}

Status LogAppender::start_segment(uint64_t id) {
  const std::string path = join_path(dir_, segment_file_name(id));
  Result<std::unique_ptr<WritableFile>> file = fs_.open_writable(path, OpenMode::kCreateNew);
  if (!file.is_ok()) return file.status();
  auto writer = std::make_unique<SegmentWriter>(std::move(*file), id, 0);
  LOGKV_RETURN_IF_ERROR(writer->write_header());
  LOGKV_RETURN_IF_ERROR(writer->sync());
  // The new name must be durable before any record in it is acknowledged.
  LOGKV_RETURN_IF_ERROR(fs_.sync_dir(dir_));
  Result<std::unique_ptr<RandomAccessFile>> reader = fs_.open_random_access(path);
  if (!reader.is_ok()) return reader.status();

  auto segment = std::make_unique<Segment>();
  segment->id = id;
  segment->path = path;
  segment->file = std::move(*reader);
  segment->bytes.store(writer->size(), std::memory_order_relaxed);
  Segment* raw = segment.get();
  LOGKV_RETURN_IF_ERROR(segments_.add(std::move(segment)));
  usage_.add_active(id);
  writer_ = std::move(writer);
  active_segment_ = raw;
  // Before any record is in it: a segment above the manifest's newest then holds none, which is
  // how open tells a roll the crash cut short from a segment that does not belong (wal/
  // segment_set.h, rule 2). It also records the sealed segment's final length.
  LOGKV_RETURN_IF_ERROR(manifest_.publish(id));
  record_synced();
  return Status::ok();
}

Status LogAppender::roll() {
  // Recovery treats every segment but the newest as complete, so the old one must be wholly
  // durable before the next one exists (kAlways has synced it already).
  if (options_.sync_mode != SyncMode::kAlways) LOGKV_RETURN_IF_ERROR(writer_->sync());
  LOGKV_RETURN_IF_ERROR(writer_->close());
  writer_.reset();
  active_segment_ = nullptr;
  return start_segment(next_segment_id_++);
}

Status LogAppender::stop(const Status& cause, std::string_view what) {
  stopped_ = Status::writes_stopped(
      "an earlier write failed (" + cause.to_string() +
      "), so the store cannot tell what reached the disk; it refuses writes until it is "
      "closed and opened again, which recovers every durable record");
  return cause.with_context(what);
}

bool LogAppender::active_holds_records() const {
  return writer_ != nullptr && writer_->size() > kSegmentHeaderBytes;
}

Status LogAppender::append(std::span<const StagedRecord> staged, std::vector<IndexEntry>* entries,
                           bool* sealed) {
  LOGKV_RETURN_IF_ERROR(stopped_);
  uint64_t group_bytes = 0;
  for (const StagedRecord& record : staged) {
    group_bytes += encoded_record_bytes(record.key.size(), record.value.size());
  }
  // A group never spans segments, so that a batch is always whole inside one segment.
  if (active_holds_records() && writer_->size() + group_bytes > options_.segment_bytes_max) {
    if (Status rolled = roll(); !rolled.is_ok()) return stop(rolled, "cannot start a new segment");
    *sealed = true;
  }
  entries->reserve(staged.size());
  for (const StagedRecord& record : staged) {
    const uint8_t flags = record.batch_continues ? kRecordFlagBatchContinues : 0;
    Result<uint64_t> offset =
        writer_->stage(record.type, flags, record.sequence, record.key, record.value);
    if (!offset.is_ok()) {
      // Refused before anything reached the file: a group larger than a segment may ever be
      // (only with limits raised far past Spin's). Nothing was written; writes go on.
      writer_->discard_staged();
      return offset.status();
    }
    entries->push_back(IndexEntry{
        static_cast<uint32_t>(writer_->segment_id()), *offset,
        static_cast<uint32_t>(encoded_record_bytes(record.key.size(), record.value.size())),
        record.sequence});
  }
  if (Status committed = writer_->commit(options_.sync_mode == SyncMode::kAlways);
      !committed.is_ok()) {
    return stop(committed, "cannot write the log");
  }
  active_segment_->bytes.store(writer_->size(), std::memory_order_relaxed);
  if (options_.sync_mode == SyncMode::kAlways) record_synced();
  return Status::ok();
}

Status LogAppender::seal() {
  LOGKV_RETURN_IF_ERROR(stopped_);
  if (Status rolled = roll(); !rolled.is_ok()) return stop(rolled, "cannot start a new segment");
  return Status::ok();
}

Status LogAppender::sync(std::string_view what_failed) {
  LOGKV_RETURN_IF_ERROR(stopped_);
  if (!has_unsynced_bytes()) return Status::ok();
  if (Status synced = writer_->sync(); !synced.is_ok()) return stop(synced, what_failed);
  record_synced();
  return Status::ok();
}

Result<uint64_t> LogAppender::reserve_ids(uint64_t count) {
  if (next_segment_id_ + count >= kSegmentIdLimit) {
    return Status::limit_exceeded(
        "compaction needs " + std::to_string(count) + " new segment ids, but ids are used up to " +
        std::to_string(next_segment_id_ - 1) + "; copy the data into a new store");
  }
  const uint64_t first_id = next_segment_id_;
  next_segment_id_ += count;
  return first_id;
}

Status LogAppender::close() {
  if (writer_ == nullptr) return Status::ok();
  Status status;
  if (stopped_.is_ok() && options_.sync_mode != SyncMode::kAlways) status = writer_->sync();
  Status closed = writer_->close();
  if (status.is_ok()) status = closed;
  writer_.reset();
  active_segment_ = nullptr;
  return status;
}

}  // namespace logkv
