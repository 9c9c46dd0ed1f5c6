#include "engine/store_impl.h"

#include <cstring>

#include "engine/limits.h"
#include "engine/recovery.h"
#include "engine/store_folder.h"
#include "wal/record.h"
#include "wal/segment_file_name.h"

namespace logkv {

Result<std::unique_ptr<Store>> open_store(std::shared_ptr<FileSystem> fs, std::string_view path,
                                          const Options& options) {
  LOGKV_RETURN_IF_ERROR(check_options(options));
  LOGKV_RETURN_IF_ERROR(check_compaction_options(options));
  if (path.empty()) return Status::invalid_argument("store path is empty; name a folder");
  auto store = std::make_unique<StoreImpl>(std::move(fs), std::string(path), options);
  LOGKV_RETURN_IF_ERROR(
      store->open().with_context("cannot open store '" + std::string(path) + "'"));
  return std::unique_ptr<Store>(std::move(store));
}

namespace {
// Group commit bounds: enough to amortise one fdatasync over many writers, small enough that a
// group's buffer stays modest (a group always takes its first request, however large).
constexpr size_t kGroupRequestsMax = 512;
constexpr size_t kGroupBytesMax = 4 << 20;
}  // namespace

StoreImpl::StoreImpl(std::shared_ptr<FileSystem> fs, std::string dir, const Options& options)
    : fs_(std::move(fs)),
      dir_(std::move(dir)),
      options_(options),
      write_queue_(kGroupRequestsMax, kGroupBytesMax) {}

StoreImpl::~StoreImpl() { (void)close(); }

Status StoreImpl::open() {
  if (options_.create_if_missing) {
    LOGKV_RETURN_IF_ERROR(fs_->create_dirs(dir_));
  } else if (Result<std::vector<std::string>> entries = fs_->list_dir(dir_); !entries.is_ok()) {
    if (entries.status().code() != StatusCode::kNotFound) return entries.status();
    return Status::not_found("the store folder does not exist (create_if_missing is off)");
  }
  Result<std::unique_ptr<FileLock>> lock = fs_->lock(join_path(dir_, kLockFileName));
  if (!lock.is_ok()) return lock.status();
  lock_ = std::move(*lock);
  CompactionEnvironment environment{fs_.get(), dir_, &keys_, &segments_, &usage_, this};
  environment.segment_bytes_max = options_.segment_bytes_max;
  environment.hint_segment_bytes_min = options_.hint_segment_bytes_min;
  compactor_ = std::make_unique<Compactor>(std::move(environment), options_);

  Result<StoreFolderListing> listing = list_store_folder(*fs_, dir_);
  if (!listing.is_ok()) return listing.status();
  Result<RecoveredLog> log = recover_log(*fs_, dir_, *listing, keys_);
  if (!log.is_ok()) return log.status();
  LOGKV_RETURN_IF_ERROR(remove_unpublished_files(*fs_, dir_, *listing, log->newest_segment_id));

  next_sequence_ = log->last_sequence + 1;
  recent_deletes_.reset(log->last_sequence);
  last_sequence_.store(log->last_sequence, std::memory_order_relaxed);
  live_bytes_.store(log->live_bytes, std::memory_order_relaxed);
  torn_bytes_dropped_ = log->torn_bytes_dropped;
  hint_files_loaded_ = log->hint_files_loaded;
  hint_files_rejected_ = log->hint_files_rejected;
  next_segment_id_ = log->highest_segment_id + 1;
  for (size_t i = 0; i < log->segments.size(); ++i) {
    usage_.add(log->segments[i]->id, log->segment_live_bytes[i], log->segment_hint_bytes[i],
               log->segment_tombstone_bytes[i]);
    LOGKV_RETURN_IF_ERROR(segments_.add(std::move(log->segments[i])));
  }

  if (log->newest_segment_id == 0) {
    LOGKV_RETURN_IF_ERROR(start_segment(next_segment_id_++));
  } else {
    LOGKV_RETURN_IF_ERROR(
        continue_newest_segment(log->newest_segment_id, log->newest_segment_bytes));
  }
  if (options_.sync_mode == SyncMode::kInterval) {
    syncer_ = std::make_unique<IntervalSyncer>(std::chrono::milliseconds(options_.sync_interval_ms),
                                               [this] { sync_in_background(); });
  }
  compactor_->start();
  return Status::ok();
}

Status StoreImpl::continue_newest_segment(uint64_t id, uint64_t valid_bytes) {
  // The log continues in the newest segment. Its bytes were read from the page cache, which a
  // power loss could still take back (kNever mode, or a crash before a sync): sync them now so
  // that records appended from here on are never acknowledged on top of a tail that may vanish.
  active_segment_ = segments_.find(id);
  usage_.add_active(id);
  usage_.set_hint_bytes(id, 0);  // appending makes any hint of it stale (open removed it)
  Result<std::unique_ptr<WritableFile>> file =
      fs_->open_writable(active_segment_->path, OpenMode::kAppendExisting);
  if (!file.is_ok()) return file.status();
  active_ = std::make_unique<SegmentWriter>(std::move(*file), id, valid_bytes);
  return active_->sync();
}

void StoreImpl::sync_in_background() {
  std::lock_guard writer(writer_mutex_);
  if (closed_.load(std::memory_order_acquire) || !write_error_.is_ok() || active_ == nullptr ||
      active_->synced_bytes() == active_->size()) {
    return;
  }
  if (Status synced = active_->sync(); !synced.is_ok()) {
    (void)stop_writes(synced, "background sync of the log failed");
  }
}

Status StoreImpl::start_segment(uint64_t id) {
  const std::string path = join_path(dir_, segment_file_name(id));
  Result<std::unique_ptr<WritableFile>> file = fs_->open_writable(path, OpenMode::kCreateNew);
  if (!file.is_ok()) return file.status();
  auto writer = std::make_unique<SegmentWriter>(std::move(*file), id, 0);
  LOGKV_RETURN_IF_ERROR(writer->write_header());
  LOGKV_RETURN_IF_ERROR(writer->sync());
  // The new name must be durable before any record in it is acknowledged.
  LOGKV_RETURN_IF_ERROR(fs_->sync_dir(dir_));
  Result<std::unique_ptr<RandomAccessFile>> reader = fs_->open_random_access(path);
  if (!reader.is_ok()) return reader.status();

  auto segment = std::make_unique<Segment>();
  segment->id = id;
  segment->path = path;
  segment->file = std::move(*reader);
  segment->bytes.store(writer->size(), std::memory_order_relaxed);
  Segment* raw = segment.get();
  LOGKV_RETURN_IF_ERROR(segments_.add(std::move(segment)));
  usage_.add_active(id);
  active_ = std::move(writer);
  active_segment_ = raw;
  return Status::ok();
}

Status StoreImpl::roll_segment() {
  // Recovery treats every segment but the newest as complete, so the old one must be wholly
  // durable before the next one exists (kAlways has synced it already).
  if (options_.sync_mode != SyncMode::kAlways) LOGKV_RETURN_IF_ERROR(active_->sync());
  LOGKV_RETURN_IF_ERROR(active_->close());
  active_.reset();
  active_segment_ = nullptr;
  LOGKV_RETURN_IF_ERROR(start_segment(next_segment_id_++));
  compactor_->note_segment_sealed();
  return Status::ok();
}

Status StoreImpl::stop_writes(const Status& cause, std::string_view what) {
  write_error_ = Status::writes_stopped(
      "an earlier write failed (" + cause.to_string() +
      "), so the store cannot tell what reached the disk; it refuses writes until it is "
      "closed and opened again, which recovers every durable record");
  return cause.with_context(what);
}

Status StoreImpl::check_open() const {
  if (closed_.load(std::memory_order_acquire)) {
    return Status::invalid_argument("store '" + dir_ + "' is closed; open it again");
  }
  return Status::ok();
}

Result<std::string> StoreImpl::read_value(std::string_view key, const IndexEntry& entry) const {
  const Segment* segment = segments_.find(entry.segment_id);
  if (segment == nullptr) {
    return Status::corruption("key " + printable_key(key) + " points into segment " +
                              std::to_string(entry.segment_id) + ", which is not open");
  }
  // Views into a memory mapping need no scratch; other file systems copy into it.
  thread_local std::unique_ptr<char[]> scratch;
  thread_local size_t scratch_bytes = 0;
  if (scratch_bytes < entry.record_bytes) {
    scratch = std::make_unique_for_overwrite<char[]>(entry.record_bytes);
    scratch_bytes = entry.record_bytes;
  }
  Result<std::string_view> bytes =
      segment->file->read(entry.offset, entry.record_bytes, scratch.get());
  if (!bytes.is_ok()) return bytes.status();
  const DecodedRecord decoded = decode_record(*bytes);
  const char* problem = nullptr;
  if (decoded.status != DecodeStatus::kOk) {
    problem = decoded.status == DecodeStatus::kTruncated ? "record is cut short" : "bad record";
  } else if (decoded.bytes != entry.record_bytes || decoded.record.type != RecordType::kSet) {
    problem = "record does not match the index";
  } else if (decoded.record.key != key || decoded.record.sequence != entry.sequence) {
    problem = "record holds another key or version";
  }
  if (problem != nullptr) {
    std::string message = "'" + segment->path + "' at offset " + std::to_string(entry.offset) +
                          " (key " + printable_key(key) + "): " + problem;
    if (decoded.status != DecodeStatus::kOk) message += ": " + std::string(decoded.reason);
    return Status::corruption(message + "; run `logkv check` on the store");
  }
  return std::string(decoded.record.value);
}

Result<std::optional<std::string>> StoreImpl::get(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  std::optional<Result<std::string>> value =
      keys_.with_entry(key, [&](const IndexEntry& entry) { return read_value(key, entry); });
  if (!value) return std::optional<std::string>();
  if (!value->is_ok()) return value->status();
  return std::optional<std::string>(std::move(*value).value());
}

Status StoreImpl::submit(WriteRequest& request) {
  // Back-pressure (Options::compaction_disk_ratio_stall): outside every lock, so that the
  // compaction this waits for can take the writer lock for its index swap.
  if (stall_writes_.load(std::memory_order_relaxed)) compactor_->wait_for_round();
  return write_queue_.submit(request,
                             [this](std::span<WriteRequest* const> group) { commit_group(group); });
}

void StoreImpl::commit_group(std::span<WriteRequest* const> group) {
  std::lock_guard writer(writer_mutex_);
  Status blocked = check_open();
  if (blocked.is_ok()) blocked = write_error_;
  if (!blocked.is_ok()) {
    for (WriteRequest* request : group) request->status = blocked;
    return;
  }
  WriteContext context(
      keys_, options_.limits, next_sequence_,
      [this](std::string_view key, const IndexEntry& entry) { return read_value(key, entry); },
      recent_deletes_);
  for (size_t i = 0; i < group.size(); ++i) {
    context.begin_request(i);
    group[i]->status = group[i]->prepare(context);
    if (group[i]->status.is_ok()) {
      context.end_request();
    } else {
      context.abort_request();
    }
  }
  const std::vector<StagedRecord>& staged = context.staged();
  if (staged.empty()) return;
  std::vector<IndexEntry> entries;
  if (Status written = append_group(staged, &entries); !written.is_ok()) {
    // Every request of the group fails, also those that wrote nothing: their outcome (a delete
    // of a key deleted earlier in the group, a compare-and-swap that lost to a value of the
    // group) rests on records that are not durable. The group is all the same to the caller.
    for (WriteRequest* request : group) {
      if (request->status.is_ok()) request->status = written;
    }
    return;
  }
  next_sequence_ = context.next_sequence();
  publish(staged, entries);
}

Status StoreImpl::append_group(const std::vector<StagedRecord>& staged,
                               std::vector<IndexEntry>* entries) {
  uint64_t group_bytes = 0;
  for (const StagedRecord& record : staged) {
    group_bytes += encoded_record_bytes(record.key.size(), record.value.size());
  }
  // A group never spans segments, so that a batch is always whole inside one segment.
  if (active_->size() > kSegmentHeaderBytes &&
      active_->size() + group_bytes > options_.segment_bytes_max) {
    if (Status rolled = roll_segment(); !rolled.is_ok()) {
      return stop_writes(rolled, "cannot start a new segment");
    }
  }
  entries->reserve(staged.size());
  for (const StagedRecord& record : staged) {
    const uint8_t flags = record.batch_continues ? kRecordFlagBatchContinues : 0;
    Result<uint64_t> offset =
        active_->stage(record.type, flags, record.sequence, record.key, record.value);
    if (!offset.is_ok()) {
      // Refused before anything reached the file: a group larger than a segment may ever be
      // (only with limits raised far past Spin's). Nothing was written; writes go on.
      active_->discard_staged();
      return offset.status();
    }
    entries->push_back(IndexEntry{
        static_cast<uint32_t>(active_->segment_id()), *offset,
        static_cast<uint32_t>(encoded_record_bytes(record.key.size(), record.value.size())),
        record.sequence});
  }
  if (Status committed = active_->commit(options_.sync_mode == SyncMode::kAlways);
      !committed.is_ok()) {
    return stop_writes(committed, "cannot write the log");
  }
  active_segment_->bytes.store(active_->size(), std::memory_order_relaxed);
  user_bytes_written_.fetch_add(group_bytes, std::memory_order_relaxed);
  update_stall(group_bytes);
  return Status::ok();
}

void StoreImpl::update_stall(uint64_t group_bytes) {
  if (!options_.automatic_compaction || options_.compaction_disk_ratio_stall == 0) return;
  // Summing the segment table takes a lock: look again only every so many appended bytes.
  bytes_since_stall_check_ += group_bytes;
  if (bytes_since_stall_check_ < kStallCheckBytes && !stall_writes_.load(std::memory_order_relaxed))
    return;
  bytes_since_stall_check_ = 0;
  // Only the sealed segments count: compaction cannot shrink the active one, and with large
  // segments a small store's active segment alone would exceed any ratio.
  const uint64_t disk = segments_.total_bytes();
  const uint64_t sealed = disk > active_->size() ? disk - active_->size() : 0;
  const uint64_t live = live_bytes_.load(std::memory_order_relaxed);
  const double ratio =
      std::max(options_.compaction_disk_ratio_stall, options_.compaction_disk_ratio_max);
  // One segment of slack: right after a roll the segment just sealed may be all that is over
  // the ratio, and compaction works on it while the writer fills the next one. Writers wait
  // only once compaction is a whole segment behind (measured with 1 MiB values and 64 MiB
  // segments: a wait of about 90 ms at every 64th write, for the deletion of the segment just
  // sealed, was 40% of the run's time).
  const double allowed =
      ratio * static_cast<double>(live) + static_cast<double>(options_.segment_bytes_max);
  const bool over = static_cast<double>(sealed) > allowed &&
                    sealed - std::min(sealed, live) >= options_.compaction_dead_bytes_min;
  stall_writes_.store(over, std::memory_order_relaxed);
}

void StoreImpl::publish(const std::vector<StagedRecord>& staged,
                        const std::vector<IndexEntry>& entries) {
  // Per-segment live bytes for the compaction policy; a delete's own record is dead at once.
  usage_deltas_.clear();
  uint64_t dead_bytes = 0;
  uint64_t tombstone_bytes = 0;  // all in the active segment: a group never spans segments
  for (size_t i = 0; i < staged.size(); ++i) {
    std::optional<IndexEntry> previous;
    const auto record_bytes = static_cast<int64_t>(entries[i].record_bytes);
    if (staged[i].type == RecordType::kSet) {
      previous = keys_.put(staged[i].key, entries[i]);
      live_bytes_.fetch_add(entries[i].record_bytes, std::memory_order_relaxed);
      usage_deltas_.push_back(LiveBytesDelta{entries[i].segment_id, record_bytes});
    } else {
      previous = keys_.erase(staged[i].key);
      dead_bytes += entries[i].record_bytes;
      tombstone_bytes += entries[i].record_bytes;
    }
    if (previous) {
      live_bytes_.fetch_sub(previous->record_bytes, std::memory_order_relaxed);
      usage_deltas_.push_back(
          LiveBytesDelta{previous->segment_id, -static_cast<int64_t>(previous->record_bytes)});
      dead_bytes += previous->record_bytes;
    }
  }
  usage_.apply(usage_deltas_);
  if (tombstone_bytes > 0) usage_.add_tombstones(entries.front().segment_id, tombstone_bytes);
  compactor_->note_dead_bytes(dead_bytes);
  // Release: whoever reads this sequence with acquire also sees the index as these records left
  // it (cas_begin relies on that for keys it finds absent).
  last_sequence_.store(staged.back().sequence, std::memory_order_release);
}

namespace {

// Refuses a new key once the store holds Limits::keys_max keys.
Status check_room_for(WriteContext& context, std::string_view key) {
  if (!context.key_state(key).present && context.key_count() >= context.limits().keys_max) {
    return store_full_error(key, context.key_count(), context.limits());
  }
  return Status::ok();
}

}  // namespace

Status StoreImpl::set(std::string_view key, std::string_view value) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  LOGKV_RETURN_IF_ERROR(check_value(key, value, options_.limits));
  WriteRequest request;
  request.bytes_hint = key.size() + value.size();
  request.prepare = [&](WriteContext& context) {
    LOGKV_RETURN_IF_ERROR(check_room_for(context, key));
    context.stage_set(key, value);
    return Status::ok();
  };
  return submit(request);
}

Status StoreImpl::del(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  WriteRequest request;
  request.bytes_hint = key.size();
  request.prepare = [&](WriteContext& context) {
    // Deleting a missing key writes nothing: there is no older value a tombstone must cover.
    if (context.key_state(key).present) context.stage_delete(key);
    return Status::ok();
  };
  return submit(request);
}

Status StoreImpl::write(const WriteBatch& batch) {
  LOGKV_RETURN_IF_ERROR(check_open());
  for (const WriteBatch::Operation& operation : batch.operations()) {
    LOGKV_RETURN_IF_ERROR(check_key(operation.key, options_.limits));
    if (operation.kind == WriteBatch::Operation::Kind::kSet) {
      LOGKV_RETURN_IF_ERROR(check_value(operation.key, operation.value, options_.limits));
    }
  }
  if (batch.empty()) return Status::ok();
  WriteRequest request;
  request.bytes_hint = batch.bytes();
  request.prepare = [&](WriteContext& context) {
    for (const WriteBatch::Operation& operation : batch.operations()) {
      if (operation.kind == WriteBatch::Operation::Kind::kSet) {
        // On refusal the leader drops what this batch staged: all or nothing.
        LOGKV_RETURN_IF_ERROR(check_room_for(context, operation.key));
        context.stage_set(operation.key, operation.value);
      } else if (context.key_state(operation.key).present) {
        context.stage_delete(operation.key);
      }
    }
    return Status::ok();
  };
  return submit(request);
}

Result<bool> StoreImpl::exists(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_key(key, options_.limits));
  return keys_.find(key).has_value();
}

StoreStats StoreImpl::stats() {
  StoreStats stats;
  stats.keys = keys_.size();
  stats.segments = segments_.count();
  stats.disk_bytes = segments_.total_bytes();
  stats.live_bytes = live_bytes_.load(std::memory_order_relaxed);
  stats.index_bytes = keys_.memory_bytes();
  stats.last_sequence = last_sequence_.load(std::memory_order_relaxed);
  stats.torn_bytes_dropped = torn_bytes_dropped_;
  stats.io_backend = std::string(fs_->io_backend_name());
  stats.dead_bytes = stats.disk_bytes > stats.live_bytes ? stats.disk_bytes - stats.live_bytes : 0;
  stats.user_bytes_written = user_bytes_written_.load(std::memory_order_relaxed);
  stats.hint_files_loaded = hint_files_loaded_;
  stats.hint_files_rejected = hint_files_rejected_;
  for (const SegmentUsage& usage : usage_.snapshot()) stats.hint_file_bytes += usage.hint_bytes;
  if (compactor_ != nullptr) {
    const CompactionStats compaction = compactor_->stats();
    stats.compactions = compaction.compactions;
    stats.compaction_bytes_written = compaction.segment_bytes_written;
    stats.hint_bytes_written = compaction.hint_bytes_written;
    stats.compaction_failures = compaction.failures;
    stats.write_stalls = compaction.write_stalls;
    stats.last_compaction_unix_ms = compaction.last_compaction_unix_ms;
    stats.last_compaction_error = compactor_->last_error();
  }
  return stats;
}

Status StoreImpl::compact() {
  LOGKV_RETURN_IF_ERROR(check_open());
  return compactor_->compact_all();
}

Status StoreImpl::compact_segments(std::span<const uint64_t> segment_ids) {
  LOGKV_RETURN_IF_ERROR(check_open());
  return compactor_->compact_segments(segment_ids);
}

std::vector<uint64_t> StoreImpl::immutable_segment_ids() const {
  return compactor_->immutable_segment_ids();
}

void StoreImpl::wait_for_background_compaction() { compactor_->wait_until_idle(); }

Status StoreImpl::seal_active_segment() {
  std::lock_guard writer(writer_mutex_);
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(write_error_);
  if (active_->size() <= kSegmentHeaderBytes) return Status::ok();
  if (Status rolled = roll_segment(); !rolled.is_ok()) {
    return stop_writes(rolled, "cannot start a new segment");
  }
  return Status::ok();
}

Result<uint64_t> StoreImpl::reserve_segment_ids(uint64_t count) {
  std::lock_guard writer(writer_mutex_);
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(write_error_);
  if (count == 0) {
    // kAlways publishes only synced records; the other modes sync so that compaction may drop
    // what the published records made dead.
    if (options_.sync_mode != SyncMode::kAlways && active_->synced_bytes() < active_->size()) {
      if (Status synced = active_->sync(); !synced.is_ok()) {
        return stop_writes(synced, "cannot sync the log before compaction");
      }
    }
    return next_segment_id_;
  }
  if (next_segment_id_ + count >= kSegmentIdLimit) {
    return Status::limit_exceeded(
        "compaction needs " + std::to_string(count) + " new segment ids, but ids are used up to " +
        std::to_string(next_segment_id_ - 1) + "; copy the data into a new store");
  }
  const uint64_t first_id = next_segment_id_;
  next_segment_id_ += count;
  // Sealing (which syncs) puts the outputs' ids below the segment the log continues in.
  const uint64_t sealed_id = active_segment_->id;
  const bool sealed_empty = active_->size() <= kSegmentHeaderBytes;
  if (Status rolled = roll_segment(); !rolled.is_ok()) {
    return stop_writes(rolled, "cannot start a new segment");
  }
  if (sealed_empty) drop_empty_segment(sealed_id);
  return first_id;
}

void StoreImpl::drop_empty_segment(uint64_t id) {
  // Nothing points into it; if the removal fails it stays, an empty immutable segment.
  const Segment* segment = segments_.find(id);
  if (segment == nullptr || !fs_->remove(segment->path).is_ok()) return;
  (void)segments_.remove(id);
  const uint64_t ids[] = {id};
  usage_.remove(ids);
}

Status StoreImpl::run_exclusive(const std::function<void()>& fn) {
  std::lock_guard writer(writer_mutex_);
  LOGKV_RETURN_IF_ERROR(check_open());
  fn();
  return Status::ok();
}

Status StoreImpl::close() {
  // The compactor and the syncer take writer_mutex_, so they are stopped before close() takes it.
  if (compactor_ != nullptr) compactor_->stop();
  if (syncer_ != nullptr) syncer_->stop();
  std::lock_guard writer(writer_mutex_);
  if (closed_.exchange(true, std::memory_order_acq_rel)) return Status::ok();
  Status status;
  if (active_ != nullptr) {
    if (write_error_.is_ok() && options_.sync_mode != SyncMode::kAlways) status = active_->sync();
    Status closed = active_->close();
    if (status.is_ok()) status = closed;
    active_.reset();
  }
  lock_.reset();
  return status;
}

}  // namespace logkv
