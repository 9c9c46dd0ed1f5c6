#include "engine/store_impl.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "engine/index_checkpoint_policy.h"
#include "engine/limits.h"
#include "engine/recovery.h"
#include "logkv/key_text.h"
#include "wal/close_marker.h"
#include "wal/damage_advice.h"
#include "wal/file_names.h"
#include "wal/segment_set.h"

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

Result<std::unique_ptr<FileLock>> StoreImpl::lock_store_folder() {
  const std::string path = join_path(dir_, kLockFileName);
  Result<std::unique_ptr<FileLock>> lock = fs_->lock(path);
  if (lock.is_ok() || lock.status().code() != StatusCode::kLocked || options_.lock_wait_ms == 0) {
    return lock;
  }
  // The file system offers no blocking lock with a timeout (flock would need a signal to stop
  // waiting), so poll as SQLite's busy handler does: soon at first, then every 50 ms.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.lock_wait_ms);
  auto pause = std::chrono::milliseconds(1);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        pause, deadline - std::chrono::steady_clock::now()));
    lock = fs_->lock(path);
    if (lock.is_ok() || lock.status().code() != StatusCode::kLocked) return lock;
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  return lock.status().with_context("still locked after waiting " +
                                    std::to_string(options_.lock_wait_ms) + " ms");
}

Status StoreImpl::open_read_only() {
  if (Result<std::vector<std::string>> entries = fs_->list_dir(dir_); !entries.is_ok()) {
    if (entries.status().code() != StatusCode::kNotFound) return entries.status();
    return Status::not_found("the store folder does not exist (a read-only open creates nothing)");
  }
  // A writer's compaction may delete a segment or hint file between the listing and its
  // opening: list again. Files once open stay readable (an open descriptor or mapping keeps an
  // unlinked file), so only the open itself can meet this.
  constexpr int kAttempts = 5;
  Result<RecoveredLog> log = Status::not_found("no attempt made");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    Result<SegmentSet> set = reconcile_segment_set(*fs_, dir_);
    if (!set.is_ok() && set.status().code() == StatusCode::kNotFound) continue;
    if (!set.is_ok()) return set.status();
    keys_.clear_for_recovery();
    log = recover_log(*fs_, dir_, *set, keys_, RecoveryMode::kReadOnly);
    if (log.is_ok() || log.status().code() != StatusCode::kNotFound) break;
  }
  if (!log.is_ok()) return log.status();
  last_sequence_.store(log->last_sequence, std::memory_order_relaxed);
  live_bytes_.store(log->live_bytes, std::memory_order_relaxed);
  hint_files_loaded_ = log->hint_files_loaded;
  hint_files_rejected_ = log->hint_files_rejected;
  index_checkpoint_loaded_ = log->index_checkpoint.has_value();
  for (auto& [key, where] : log->damaged_keys) damaged_keys_.try_emplace(key, where);
  for (size_t i = 0; i < log->segments.size(); ++i) {
    usage_.add(log->segments[i]->id, log->segment_live_bytes[i], log->segment_hint_bytes[i],
               log->segment_tombstone_bytes[i]);
    LOGKV_RETURN_IF_ERROR(segments_.add(std::move(log->segments[i])));
  }
  return Status::ok();
}

Status StoreImpl::check_writable() const {
  if (!options_.read_only) return Status::ok();
  return Status::invalid_argument("store '" + dir_ +
                                  "' was opened read-only (Options::read_only), so it refuses "
                                  "writes; open it without read_only to change it");
}

Status StoreImpl::check_not_damaged(std::string_view key) const {
  if (damaged_keys_.empty()) return Status::ok();
  auto it = damaged_keys_.find(std::string(key));
  if (it == damaged_keys_.end()) return Status::ok();
  return Status::corruption("key " + printable_key(key) + ": its newest record, in " + it->second +
                            ", is damaged" + std::string(kDamageAdvice));
}

Status StoreImpl::open() {
  if (options_.read_only) return open_read_only();
  if (options_.create_if_missing) {
    LOGKV_RETURN_IF_ERROR(fs_->create_dirs(dir_));
  } else if (Result<std::vector<std::string>> entries = fs_->list_dir(dir_); !entries.is_ok()) {
    if (entries.status().code() != StatusCode::kNotFound) return entries.status();
    return Status::not_found("the store folder does not exist (create_if_missing is off)");
  }
  Result<std::unique_ptr<FileLock>> lock = lock_store_folder();
  if (!lock.is_ok()) return lock.status();
  lock_ = std::move(*lock);
  CompactionEnvironment environment{fs_.get(), dir_, &keys_, &segments_, &usage_, this};
  environment.segment_bytes_max = options_.segment_bytes_max;
  environment.hint_segment_bytes_min = options_.hint_segment_bytes_min;
  compactor_ = std::make_unique<Compactor>(std::move(environment), options_);

  Result<SegmentSet> set = reconcile_segment_set(*fs_, dir_);
  if (!set.is_ok()) return set.status();
  Result<RecoveredLog> log = recover_log(*fs_, dir_, *set, keys_);
  if (!log.is_ok()) return log.status();
  LOGKV_RETURN_IF_ERROR(remove_unpublished_files(*fs_, dir_, *set, log->newest_segment_id));
  manifest_.set_published(std::move(set->manifest));
  index_checkpoint_ = log->index_checkpoint;
  index_checkpoint_loaded_ = log->index_checkpoint.has_value();
  // One that does not fit is dead weight that every open would read again. It holds no data, so
  // no folder sync is needed. (A leftover INDEX.tmp went with the other temporary files.)
  if (log->index_checkpoint_found && !log->index_checkpoint.has_value()) {
    const Status removed = fs_->remove(join_path(dir_, kIndexCheckpointFileName));
    if (!removed.is_ok() && removed.code() != StatusCode::kNotFound) return removed;
  }

  next_sequence_ = log->last_sequence + 1;
  recent_deletes_.reset(log->last_sequence);
  last_sequence_.store(log->last_sequence, std::memory_order_relaxed);
  live_bytes_.store(log->live_bytes, std::memory_order_relaxed);
  torn_bytes_dropped_ = log->torn_bytes_dropped;
  hint_files_loaded_ = log->hint_files_loaded;
  hint_files_rejected_ = log->hint_files_rejected;
  for (size_t i = 0; i < log->segments.size(); ++i) {
    usage_.add(log->segments[i]->id, log->segment_live_bytes[i], log->segment_hint_bytes[i],
               log->segment_tombstone_bytes[i]);
    LOGKV_RETURN_IF_ERROR(segments_.add(std::move(log->segments[i])));
  }

  log_ = std::make_unique<LogAppender>(*fs_, dir_, segments_, usage_, manifest_, options_);
  LOGKV_RETURN_IF_ERROR(
      log_->open(log->newest_segment_id, log->newest_segment_bytes, log->highest_segment_id + 1));
  // The set as recovered: a store without a manifest gets one, and a roll or compaction a crash
  // cut short is recorded as finished or undone.
  LOGKV_RETURN_IF_ERROR(manifest_.publish_if_changed(log_->active_id()));
  // Room for the deletes and compaction that recover a full disk (docs/DESIGN.md, "A full disk").
  fs_->restore_reserve();
  if (options_.sync_mode == SyncMode::kInterval) {
    syncer_ = std::make_unique<IntervalSyncer>(std::chrono::milliseconds(options_.sync_interval_ms),
                                               [this] { sync_in_background(); });
  }
  compactor_->start();
  return Status::ok();
}

void StoreImpl::sync_in_background() {
  std::lock_guard writer(writer_mutex_);
  if (closed_.load(std::memory_order_acquire) || !log_->health().is_ok() ||
      !log_->has_unsynced_bytes()) {
    return;
  }
  (void)log_->sync("background sync of the log failed");
}

Status StoreImpl::seal_segment() {
  LOGKV_RETURN_IF_ERROR(log_->seal());
  compactor_->note_segment_sealed();
  return Status::ok();
}

Status StoreImpl::check_open() const {
  if (closed_.load(std::memory_order_acquire)) {
    return Status::invalid_argument("store '" + dir_ + "' is closed; open it again");
  }
  return Status::ok();
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
  stats.damaged_keys = damaged_keys_.size();
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

Status StoreImpl::compact(const CompactOptions& options) {
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(check_writable());
  return compactor_->compact_all(options.progress);
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
  LOGKV_RETURN_IF_ERROR(log_->health());
  if (!log_->active_holds_records()) return Status::ok();
  return seal_segment();
}

Result<uint64_t> StoreImpl::reserve_segment_ids(uint64_t count) {
  std::lock_guard writer(writer_mutex_);
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(log_->health());
  if (count == 0) {
    // kAlways publishes only synced records; the other modes sync so that compaction may drop
    // what the published records made dead.
    LOGKV_RETURN_IF_ERROR(log_->sync("cannot sync the log before compaction"));
    return uint64_t{0};
  }
  Result<uint64_t> first_id = log_->reserve_ids(count);
  if (!first_id.is_ok()) return first_id.status();
  // Published by the seal below, before any output exists.
  manifest_.reserve_pending(*first_id, count);
  // Sealing (which syncs) puts the outputs' ids below the segment the log continues in.
  const uint64_t sealed_id = log_->active_id();
  const bool sealed_empty = !log_->active_holds_records();
  LOGKV_RETURN_IF_ERROR(seal_segment());
  if (sealed_empty) drop_empty_segment(sealed_id);
  return first_id;
}

void StoreImpl::drop_empty_segment(uint64_t id) {
  // Nothing points into it. Retired in the manifest before its file goes, so that a crash in
  // between leaves a leftover the next open removes, not a listed segment gone missing. If
  // either step fails it stays: an empty immutable segment, or a retired file open removes.
  const Segment* segment = segments_.find(id);
  if (segment == nullptr) return;
  const uint64_t ids[] = {id};
  manifest_.retire(ids);
  if (!manifest_.publish(log_->active_id()).is_ok()) {
    manifest_.unretire(ids);
    return;
  }
  if (!fs_->remove(segment->path).is_ok()) return;
  manifest_.forget_retired(ids);
  (void)segments_.remove(id);
  usage_.remove(ids);
}

Status StoreImpl::run_exclusive(const std::function<void()>& fn) {
  std::lock_guard writer(writer_mutex_);
  LOGKV_RETURN_IF_ERROR(check_open());
  fn();
  return Status::ok();
}

Status StoreImpl::publish_segment_set(std::span<const uint64_t> retiring) {
  std::lock_guard writer(writer_mutex_);
  LOGKV_RETURN_IF_ERROR(check_open());
  LOGKV_RETURN_IF_ERROR(log_->health());
  manifest_.clear_pending();
  manifest_.retire(retiring);
  const Status published = manifest_.publish(log_->active_id());
  if (published.is_ok()) return published;
  // They stay in the store (the caller removes nothing): later publishes list them as sealed.
  manifest_.unretire(retiring);
  return published.with_context("cannot publish the store's segment set (MANIFEST)");
}

void StoreImpl::segments_removed(std::span<const uint64_t> ids) {
  std::lock_guard writer(writer_mutex_);
  manifest_.forget_retired(ids);
}

Status StoreImpl::close() {
  // The compactor and the syncer take writer_mutex_, so they are stopped before close() takes it.
  if (compactor_ != nullptr) compactor_->stop();
  if (syncer_ != nullptr) syncer_->stop();
  std::lock_guard writer(writer_mutex_);
  if (closed_.exchange(true, std::memory_order_acq_rel)) return Status::ok();
  if (log_ == nullptr) {
    lock_.reset();
    return Status::ok();
  }
  // Where the log ends, read before the close: afterwards there is no writer to ask.
  const bool healthy = log_->health().is_ok() && log_->has_active_segment();
  const CloseMarker end =
      healthy ? CloseMarker{log_->active_id(), log_->active_bytes()} : CloseMarker{};
  Status status = log_->close();
  // Only a log that closed healthy and synced is known to end exactly here (wal/close_marker.h).
  // Still under the lock, so that no other writer has appended since. A failure is reported
  // like any other I/O error, though every write is durable already: without the marker the
  // next open only forgives a damaged tail as a torn write, as before markers existed.
  if (status.is_ok() && healthy) {
    status = write_close_marker(*fs_, dir_, end)
                 .with_context("every write is durable, but the close marker was not written");
  }
  if (status.is_ok() && healthy) write_index_checkpoint_if_due(end.segment_id, end.segment_bytes);
  lock_.reset();
  return status;
}

void StoreImpl::write_index_checkpoint_if_due(uint64_t end_segment_id, uint64_t end_segment_bytes) {
  std::vector<std::pair<uint64_t, uint64_t>> lengths = segments_.lengths();
  if (lengths.empty() || lengths.back().first != end_segment_id) return;
  lengths.back().second = end_segment_bytes;
  if (!index_checkpoint_due(index_checkpoint_, lengths, options_.index_checkpoint_bytes_min)) {
    return;
  }
  const Segment* newest = segments_.find(end_segment_id);
  if (newest == nullptr) return;
  Result<uint64_t> tail = segment_tail_checksum(*newest->file, end_segment_bytes);
  if (!tail.is_ok()) return;
  CheckpointPoint point;
  point.newest_segment_id = end_segment_id;
  point.newest_segment_bytes = end_segment_bytes;
  point.last_sequence = last_sequence_.load(std::memory_order_relaxed);
  point.tail_checksum = *tail;
  std::unordered_map<uint64_t, SegmentUsage> usage;
  for (const SegmentUsage& segment : usage_.snapshot()) usage.emplace(segment.id, segment);
  for (const auto& [id, bytes] : lengths) {
    const SegmentUsage& used = usage[id];
    point.segments.push_back(CheckpointSegment{id, bytes, used.live_bytes, used.tombstone_bytes});
  }
  if (write_index_checkpoint(*fs_, dir_, point, keys_).is_ok()) {
    index_checkpoint_ = std::move(point);
  } else {
    (void)fs_->remove(join_path(dir_, temp_file_name(kIndexCheckpointFileName)));
  }
}

}  // namespace logkv
