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
// Failure: on any error nothing already stored is changed. If a write or sync fails, the store
// cannot tell what reached the disk, so it refuses all later writes (StatusCode::kWritesStopped)
// until it is closed and opened again; reopening recovers exactly the durable records.
#ifndef LOGKV_STORE_H_
#define LOGKV_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/options.h"
#include "logkv/status.h"
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
};

class Store {
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
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;

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

  // Every stored key, in no particular order.
  virtual Result<std::vector<std::string>> keys() = 0;

  virtual StoreStats stats() = 0;

  // Syncs, releases the lock and closes files. Later calls on this object fail with
  // kInvalidArgument. Calling close() twice is fine.
  virtual Status close() = 0;
};

}  // namespace logkv

#endif  // LOGKV_STORE_H_
