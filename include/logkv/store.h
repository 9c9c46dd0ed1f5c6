// logkv::Store: a durable key-value store in one folder.
//
// A store is an append-only log of checksummed records split into segment files, and an
// in-memory hash index from each key to its newest record. The log is the write-ahead log:
// every set/del appends one record, which is durable (with SyncMode::kAlways, the default)
// before the call returns.
//
// Thread-safety: a Store may be used by many threads at once; readers never wait for the disk
// of a concurrent writer. Concurrent writers are committed in groups: one thread appends the
// records of every waiting writer with one write and makes them durable with one fdatasync
// (group commit), and each writer returns once the sync covering its record has finished. With
// kAlways a write becomes visible to get() only once it is durable, so no reader ever sees a
// value that a crash could take back. The records of one batch become visible one key at a time
// (a reader may briefly see part of a batch); crash atomicity is all-or-nothing.
//
// Process-safety: one process opens a store folder at a time. open() takes an exclusive lock on
// the folder and fails at once with StatusCode::kLocked (naming the holder's pid) if another
// process holds it. A crashed holder's lock is released by the kernel.
//
// Failure: on any error nothing acknowledged before is changed or lost. If a write or sync fails,
// the store cannot tell what reached the disk, so it refuses all later writes
// (StatusCode::kWritesStopped) until it is closed and opened again; reopening recovers exactly
// the durable records, which may include the failed write's (whole, never half a batch).
#ifndef LOGKV_STORE_H_
#define LOGKV_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logkv/compare_and_swap.h"
#include "logkv/export.h"
#include "logkv/key_page.h"
#include "logkv/options.h"
#include "logkv/status.h"
#include "logkv/value_view.h"
#include "logkv/write_batch.h"

namespace logkv {

// A snapshot of a store's counters.
struct StoreStats {
  uint64_t keys = 0;                // live keys
  uint64_t segments = 0;            // segment files, including the active one
  uint64_t disk_bytes = 0;          // bytes in all segment files
  uint64_t live_bytes = 0;          // bytes of the newest record of each live key
  uint64_t index_bytes = 0;         // memory held by the in-memory index
  uint64_t last_sequence = 0;       // sequence number of the newest record
  uint64_t torn_bytes_dropped = 0;  // bytes of a torn tail cut off when the store was opened
  std::string io_backend;           // "io_uring", "pwrite" or "memory"

  // Compaction. Counters named "_written" count since the store was opened.
  uint64_t dead_bytes = 0;          // disk_bytes - live_bytes: what compaction can reclaim
  uint64_t user_bytes_written = 0;  // record bytes appended by set/del/write
  uint64_t compactions = 0;         // compactions that finished
  // Segment bytes written by compaction. Write amplification of compaction:
  // compaction_bytes_written / user_bytes_written.
  uint64_t compaction_bytes_written = 0;
  uint64_t hint_bytes_written = 0;   // hint file bytes written
  uint64_t compaction_failures = 0;  // background compactions that failed (and were retried)
  // Writes that waited for a compaction round (Options::compaction_disk_ratio_stall).
  uint64_t write_stalls = 0;
  std::string last_compaction_error;    // why the last one failed; empty if none did
  int64_t last_compaction_unix_ms = 0;  // when the last compaction finished; 0: none since open
  uint64_t hint_files_loaded = 0;       // segments open read from their hint file
  uint64_t hint_files_rejected = 0;     // damaged or stale hint files open ignored (it scanned)
  uint64_t hint_file_bytes = 0;         // bytes in all hint files (not part of disk_bytes)
  // Options::read_only stores only (a writer's open fails on damage instead): keys whose newest
  // record is damaged. A get of one fails with kCorruption; list_keys leaves them out.
  uint64_t damaged_keys = 0;
};

struct CompactOptions {
  // Called on the thread of compact() as the live records are copied: the bytes of records
  // copied so far and the bytes it copies in all (known once it has read the old segments' hint
  // files or records); last with done == total. Not called when there is nothing to copy.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

class LOGKV_EXPORT Store {
 public:
  // Opens the store in folder `path`, creating it if missing (unless options say otherwise),
  // and recovers the index from the log. A torn record at the very end of the log (a crash
  // mid-write) is cut off; damage anywhere else fails the open with kCorruption naming the
  // file and offset.
  static Result<std::unique_ptr<Store>> open(std::string_view path, const Options& options = {});

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  // Closes the store if close() was not called; errors are dropped, so call close() to see them.
  virtual ~Store() = default;

  // The newest value of `key`, or an empty optional when the key is not stored.
  //
  // What a read checks: the record's header (type, lengths, flags) and that it holds `key` at
  // the version the index names, on every read; the record's checksum (XXH3 over header, key
  // and value) on every read of a record under 64 KiB, and on the first read of a larger record
  // after the store was opened (or after compaction copied it), not on later ones. Damage found
  // fails the read with kCorruption naming the file, offset and key. So damage that reaches a
  // large record's value after a read verified it (a disk or another process changing the
  // segment file while the store is open) is returned as the value until the store is opened
  // again; `logkv check` verifies every record. docs/DESIGN.md, "Read path", has the details.
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;

  // As get(), without copying the value: a view of its bytes in the store's memory mapping,
  // checked exactly as get() checks them, or an empty optional when the key is not stored. The
  // view stays valid while it (or a copy) lives, whatever the store does meanwhile: later writes
  // of the key do not change it, and a compaction that deletes its segment, or close(), leaves
  // its bytes mapped until the last view into them is gone (that segment's disk space is freed
  // only then, so do not keep views longer than needed). It holds no lock. Like every read of a
  // mapping, touching the bytes faults (SIGBUS) if something outside logkv cuts the segment
  // file short meanwhile. Stores that cannot map (in memory, Redis) return a view that owns a
  // copy. Thread-safe, like get().
  virtual Result<std::optional<ValueView>> get_view(std::string_view key);

  // Stores `value` under `key`, replacing any older value. Durable on return with kAlways.
  // Refused (kInvalidArgument / kLimitExceeded, nothing written) when the key is not valid
  // UTF-8, the key or value is longer than the store's limits, or the key is new and the store
  // already holds Limits::keys_max keys.
  virtual Status set(std::string_view key, std::string_view value) = 0;

  // Removes `key`. Deleting a key that is not stored succeeds and writes nothing.
  // Durable on return with kAlways.
  virtual Status del(std::string_view key) = 0;

  // Applies every operation of `batch` atomically: after any crash all of them are present or
  // none. Durable on return with kAlways. Checked whole before anything is written: if any key
  // or value breaks a limit, or the batch would take the store past Limits::keys_max at any
  // point, nothing is written and the error names the offending key. Deletes of missing keys
  // write nothing. An empty batch succeeds.
  virtual Status write(const WriteBatch& batch) = 0;

  // Whether `key` is stored. Answered from the index; never reads the value.
  virtual Result<bool> exists(std::string_view key) = 0;

  // Every stored key, in no particular order. Fails with kLimitExceeded ("query result exceeds
  // limit") when the keys' bytes exceed Options::result_bytes_max; page with list_keys instead.
  virtual Result<std::vector<std::string>> keys() = 0;

  // One result per requested key, in request order: the value, or an empty optional when the
  // key is not stored (a key asked twice is answered twice). Each key is read like get(), on its
  // own: a write running meanwhile may show for some keys and not for others. Fails with no
  // results when a key is invalid (the error names it) or when the requested keys and found
  // values exceed Options::result_bytes_max bytes (kLimitExceeded, "query result exceeds
  // limit").
  virtual Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys) = 0;

  // Stores every (key, value) pair as one atomic batch, exactly like write() of a WriteBatch of
  // sets in this order (a key given twice keeps its last value). Durable on return with
  // kAlways; on any refusal nothing is written.
  virtual Status set_many(std::span<const std::pair<std::string_view, std::string_view>> pairs) = 0;

  // Removes every key as one atomic batch, like write() of a WriteBatch of deletes. Keys that
  // are not stored are skipped. Durable on return with kAlways; on failure nothing is removed.
  virtual Status delete_many(std::span<const std::string_view> keys) = 0;

  // Adds `delta` to the signed 64-bit counter stored under `key` and returns the new value.
  // Atomic: concurrent increments (and other writes) of the key never lose an update. A missing
  // key counts as 0 and is created (refused with kLimitExceeded when the store is full). The
  // counter is stored as 8 bytes, little-endian two's complement (the encoding Spin uses), so
  // get() returns those 8 bytes. Refused with kInvalidArgument, nothing written, when the stored
  // value is not 8 bytes long (the error names the key and the length) or when the sum does not
  // fit in int64_t. Durable on return with kAlways.
  virtual Result<int64_t> increment(std::string_view key, int64_t delta) = 0;

  // Starts a compare-and-swap on `key`: returns its current value (or none) and version. Reads
  // only; never blocks on writers.
  virtual Result<CasToken> cas_begin(std::string_view key) = 0;

  // Writes `value` under the token's key only if no set or delete of that key was committed
  // since the token was taken (same version; for a token taken while the key was absent: the
  // key is still absent). The check and the write are one atomic step with respect to every
  // other write. On success the outcome has swapped = true and a token for the new value; when
  // the key changed meanwhile it has swapped = false, nothing is written, and its token holds
  // the key's current value and version, ready for a retry. Refusals (invalid key, value too
  // large, full store for a key that is still absent) are errors and write nothing. Durable on
  // return with kAlways.
  //
  // A key set and deleted again after a token saw it absent has changed too: the swap is refused
  // (also A -> B -> A starting from absence). Rarely, a swap of an absent key is refused after a
  // delete of another key (deletes are tracked per hash bucket, not per key), or after the store
  // was reopened when anything was written between the token and the reopen; the outcome's
  // token then succeeds unless the key changes again.
  virtual Result<CasOutcome> cas_swap(const CasToken& token, std::string_view value) = 0;

  // One page of the keys that start with `prefix`, in byte order: the `limit` smallest such keys
  // after `cursor` (from the first key when `cursor` is empty), and a cursor for the next page
  // when more remain. `limit` must be 1 to kListKeysLimitMax. Paging through a store while it
  // changes returns every key that is present for the whole listing exactly once; keys added or
  // deleted meanwhile may or may not appear. A cursor that logkv did not issue (malformed,
  // truncated, edited) fails with kInvalidArgument. Fails with kLimitExceeded ("query result
  // exceeds limit") when the page's keys exceed Options::result_bytes_max bytes.
  //
  // Cost: each page scans the whole in-memory index once, keeping the candidates in a bounded
  // heap: O(n log limit) time for n stored keys and memory for `limit` keys. Reads only; holds
  // one index shard's read lock at a time, so writers wait only briefly.
  virtual Result<KeyPage> list_keys(std::optional<std::string_view> cursor, size_t limit,
                                    std::string_view prefix = {}) = 0;

  virtual StoreStats stats() = 0;

  // Compacts the whole log now and returns when done: seals the segment being appended to,
  // then copies the live records of every sealed segment into new segments (each with a hint
  // file) and deletes the old ones. Afterwards the segment files hold the live data, the delete
  // records still needed to hide older values, and whatever was written meanwhile. Readers and
  // writers keep working during the call; writers wait only for short index swaps and while the
  // active segment is sealed. Crash-safe at every step: nothing acknowledged is lost and nothing
  // deleted comes back. Fails with kWritesStopped after a failed write (reopen first), or with
  // the I/O error that stopped it; the store stays consistent either way. Automatic compaction
  // does the same in the background, a few segments at a time (Options::automatic_compaction).
  virtual Status compact(const CompactOptions& options = {}) = 0;

  // Syncs, releases the lock and closes files. Later calls on this object fail with
  // kInvalidArgument. Calling close() twice is fine.
  virtual Status close() = 0;
};

}  // namespace logkv

#endif  // LOGKV_STORE_H_
