// StoreImpl: the engine behind logkv::Store. Its code is split by concern:
//   store_impl.cc     lifecycle (open, close), stats, compaction's host
//   store_writes.cc   the write path: set/del/write, group commit, publish, back-pressure
//   store_reads.cc    get/exists and reading a record
//   store_listing.cc, store_multi_key.cc, store_atomics.cc   the rest of the Store API
// and the active segment is a LogAppender (log_appender.h).
//
// Write path (group commit): every write is a WriteRequest in write_queue_. The leader of a
// group prepares each request's records in queue order (WriteContext), hands the whole group to
// the appender (one write and, with SyncMode::kAlways, one fdatasync), and only then publishes
// the new locations in the key directory and releases the writers. Readers never wait for
// that: they find the entry under a shard lock and read the record through the segment's
// RandomAccessFile (a memory mapping with the POSIX file system), verifying its checksum, key
// and sequence before returning the value.
#ifndef LOGKV_ENGINE_STORE_IMPL_H_
#define LOGKV_ENGINE_STORE_IMPL_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "compaction/compaction_environment.h"
#include "compaction/compactor.h"
#include "compaction/segment_usage.h"
#include "engine/interval_syncer.h"
#include "engine/log_appender.h"
#include "engine/manifest_publisher.h"
#include "engine/recent_deletes.h"
#include "engine/write_context.h"
#include "engine/write_queue.h"
#include "fs/file_system.h"
#include "index/index_checkpoint.h"
#include "index/key_directory.h"
#include "logkv/store.h"
#include "wal/segment_table.h"

namespace logkv {

// Opens a store on the given file system (tests pass an in-memory or fault-injecting one).
Result<std::unique_ptr<Store>> open_store(std::shared_ptr<FileSystem> fs, std::string_view path,
                                          const Options& options);

// Compaction (compaction/) runs beside the write path: StoreImpl is its CompactionHost, and
// tells it about dead bytes and sealed segments as writes are published.
class StoreImpl final : public Store, private CompactionHost {
 public:
  StoreImpl(std::shared_ptr<FileSystem> fs, std::string dir, const Options& options);
  ~StoreImpl() override;

  // Takes the lock, recovers the log and opens the active segment.
  Status open();

  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<std::optional<ValueView>> get_view(std::string_view key) override;
  Status set(std::string_view key, std::string_view value) override;
  Status del(std::string_view key) override;
  Status write(const WriteBatch& batch) override;
  Result<bool> exists(std::string_view key) override;
  // Defined in store_listing.cc, with list_keys.
  Result<std::vector<std::string>> keys() override;
  // Defined in store_multi_key.cc.
  Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys) override;
  Status set_many(std::span<const std::pair<std::string_view, std::string_view>> pairs) override;
  Status delete_many(std::span<const std::string_view> keys) override;
  // Defined in store_atomics.cc.
  Result<int64_t> increment(std::string_view key, int64_t delta) override;
  Result<CasToken> cas_begin(std::string_view key) override;
  Result<CasOutcome> cas_swap(const CasToken& token, std::string_view value) override;
  // Defined in store_listing.cc.
  Result<KeyPage> list_keys(std::optional<std::string_view> cursor, size_t limit,
                            std::string_view prefix) override;
  StoreStats stats() override;
  Status compact(const CompactOptions& options = {}) override;
  Status close() override;

 private:
  // Test hooks, reached through tests/support/store_test_peer.h: compacts exactly these
  // immutable segments (a partial compaction), lists the immutable segments, waits until
  // background compaction has nothing to do, and counts the writers queued or being committed.
  friend class StoreTestPeer;
  Status compact_segments(std::span<const uint64_t> segment_ids);
  std::vector<uint64_t> immutable_segment_ids() const;
  void wait_for_background_compaction();
  size_t write_queue_depth() const { return write_queue_.depth(); }

  Status check_open() const;
  // kInvalidArgument when the store was opened with Options::read_only.
  Status check_writable() const;
  // kCorruption naming the key, file and offset when read-only recovery found the newest
  // record of `key` damaged (RecoveredLog::damaged_keys); ok otherwise.
  Status check_not_damaged(std::string_view key) const;
  // open() for Options::read_only: no lock, no appender, no compactor, no file changed.
  Status open_read_only();
  // Takes the store folder's lock, waiting up to Options::lock_wait_ms for another holder.
  Result<std::unique_ptr<FileLock>> lock_store_folder();
  // Queues `request` for group commit and waits until its group is committed.
  Status submit(WriteRequest& request);
  // The leader's work for one group: prepare, append, sync, publish. Sets every status.
  void commit_group(std::span<WriteRequest* const> group);
  // Sets stall_writes_ when the sealed segments are over Options::compaction_disk_ratio_stall.
  // Requires writer_mutex_.
  void update_stall(uint64_t group_bytes);
  // Makes committed records visible: updates the key directory and the byte counters.
  void publish(const std::vector<StagedRecord>& staged, const std::vector<IndexEntry>& entries);
  // Seals the active segment (LogAppender::seal) and tells the compactor. Requires
  // writer_mutex_.
  Status seal_segment();
  // Reads the record `entry` names and checks it (what is checked when: Store::get). The value
  // points into the segment file's own memory or into this thread's scratch, which the thread's
  // next read reuses; *segment_out is the segment read. Requires the key's shard lock, which
  // keeps the segment in the table (KeyDirectory::with_entry).
  Result<std::string_view> read_checked_value(std::string_view key, const IndexEntry& entry,
                                              const Segment** segment_out) const;
  // read_checked_value's value, copied.
  Result<std::string> read_value(std::string_view key, const IndexEntry& entry) const;
  // SyncMode::kInterval: syncs what the writers appended since the last sync.
  void sync_in_background();

  // CompactionHost (compaction/compaction_environment.h); each takes writer_mutex_.
  Status seal_active_segment() override;
  Result<uint64_t> reserve_segment_ids(uint64_t count) override;
  Status run_exclusive(const std::function<void()>& fn) override;
  Status publish_segment_set(std::span<const uint64_t> retiring) override;
  void segments_removed(std::span<const uint64_t> ids) override;
  // At a clean close, with the log synced and closed at `end`: writes the index checkpoint when
  // engine/index_checkpoint_policy.h says so. Best effort: the log holds everything it would,
  // so a failure (a full disk, say) only leaves the next open to read the log. Requires
  // writer_mutex_.
  void write_index_checkpoint_if_due(uint64_t end_segment_id, uint64_t end_segment_bytes);
  // Deletes the just-sealed segment `id`, which holds no record. Requires writer_mutex_.
  void drop_empty_segment(uint64_t id);

  const std::shared_ptr<FileSystem> fs_;
  const std::string dir_;
  const Options options_;
  std::unique_ptr<FileLock> lock_;
  std::atomic<bool> closed_{false};

  KeyDirectory keys_;
  SegmentTable segments_;
  ManifestPublisher manifest_{*fs_, dir_, segments_};  // guarded by writer_mutex_

  WriteQueue write_queue_;
  // Held by a group's leader while it commits, and by close(); guards what follows.
  std::mutex writer_mutex_;
  std::unique_ptr<LogAppender> log_;  // created in open()
  uint64_t next_sequence_ = 1;
  RecentDeletes recent_deletes_;  // guarded by writer_mutex_; for compare-and-swap

  // Started last in open(), stopped first in close() (it takes writer_mutex_).
  std::unique_ptr<IntervalSyncer> syncer_;

  std::atomic<uint64_t> last_sequence_{0};
  std::atomic<uint64_t> live_bytes_{0};
  std::atomic<uint64_t> user_bytes_written_{0};
  // Back-pressure: writers wait for a compaction round while this is set (see update_stall).
  static constexpr uint64_t kStallCheckBytes = 64 << 10;
  std::atomic<bool> stall_writes_{false};
  uint64_t bytes_since_stall_check_ = 0;  // guarded by writer_mutex_
  uint64_t torn_bytes_dropped_ = 0;       // set once at open
  uint64_t hint_files_loaded_ = 0;        // set once at open
  uint64_t hint_files_rejected_ = 0;      // set once at open
  // The index checkpoint on disk that describes this store's log: the one that fitted at open
  // (loaded), or the one close() wrote. Guarded by writer_mutex_.
  std::optional<CheckpointPoint> index_checkpoint_;
  bool index_checkpoint_loaded_ = false;  // set once at open
  // Read-only stores only, set once at open: key -> where its damaged newest record is.
  std::unordered_map<std::string, std::string> damaged_keys_;

  SegmentUsageTable usage_;
  std::vector<LiveBytesDelta> usage_deltas_;  // publish()'s scratch; guarded by writer_mutex_
  // Created first in open(); stopped first in close() (its merges take writer_mutex_).
  std::unique_ptr<Compactor> compactor_;
};

}  // namespace logkv

#endif  // LOGKV_ENGINE_STORE_IMPL_H_
