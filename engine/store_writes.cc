// The write path of StoreImpl (store_impl.h): set, del and write become WriteRequests; the
// leader of each group (write_queue.h) prepares them, hands the records to the log appender and
// publishes their locations; back-pressure holds writers while compaction is far behind.
#include <algorithm>

#include "engine/limits.h"
#include "engine/store_impl.h"
#include "wal/record.h"

namespace logkv {

Status StoreImpl::submit(WriteRequest& request) {
  // Every write reaches the log through here.
  LOGKV_RETURN_IF_ERROR(check_writable());
  // Back-pressure (Options::compaction_disk_ratio_stall): outside every lock, so that the
  // compaction this waits for can take the writer lock for its index swap.
  if (stall_writes_.load(std::memory_order_relaxed)) compactor_->wait_for_round();
  return write_queue_.submit(request,
                             [this](std::span<WriteRequest* const> group) { commit_group(group); });
}

void StoreImpl::commit_group(std::span<WriteRequest* const> group) {
  std::lock_guard writer(writer_mutex_);
  Status blocked = check_open();
  if (blocked.is_ok()) blocked = log_->health();
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
  bool sealed = false;
  // Deletes free space: on a full disk a group of only tombstones may use the space reserve
  // (fs/space_reserve.h), so that deleting keys and compacting can recover the disk.
  const bool only_deletes = std::all_of(staged.begin(), staged.end(), [](const StagedRecord& r) {
    return r.type == RecordType::kDelete;
  });
  const std::unique_ptr<ReservePermit> permit = only_deletes ? fs_->permit_reserve() : nullptr;
  const Status written = log_->append(staged, &entries, &sealed);
  if (sealed) compactor_->note_segment_sealed();
  if (!written.is_ok()) {
    // Every request of the group fails, also those that wrote nothing: their outcome (a delete
    // of a key deleted earlier in the group, a compare-and-swap that lost to a value of the
    // group) rests on records that are not durable. The group is all the same to the caller.
    for (WriteRequest* request : group) {
      if (request->status.is_ok()) request->status = written;
    }
    return;
  }
  uint64_t group_bytes = 0;
  for (const IndexEntry& entry : entries) group_bytes += entry.record_bytes;
  user_bytes_written_.fetch_add(group_bytes, std::memory_order_relaxed);
  update_stall(group_bytes);
  next_sequence_ = context.next_sequence();
  publish(staged, entries);
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
  const uint64_t active = log_->active_bytes();
  const uint64_t sealed = disk > active ? disk - active : 0;
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

}  // namespace logkv
