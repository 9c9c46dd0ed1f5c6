// Options for opening a logkv store.
#ifndef LOGKV_OPTIONS_H_
#define LOGKV_OPTIONS_H_

#include <cstddef>
#include <cstdint>

namespace logkv {

// When an acknowledged write is durable.
enum class SyncMode : uint8_t {
  // Default. set()/del() return only after the record has been fdatasync'ed: a crash or power
  // loss after return never loses it (the promise of SQLite with synchronous=FULL).
  kAlways,
  // The operating system decides when data reaches the disk. A process crash loses nothing
  // (the data is in the kernel's page cache), but a power loss or kernel crash can lose any
  // write since the last sync; what survives is still a prefix of the log, never a torn record.
  kNever,
  // A background thread syncs the log every Options::sync_interval_ms. Writes return once the
  // record is in the operating system's page cache (and are visible to readers at once). A
  // process crash loses nothing; a power loss or kernel crash loses at most the writes of the
  // last interval, plus those made while the background sync waited for the writer lock (held
  // for one group commit, a segment roll or a compaction's index swap) and while it ran; what
  // survives is a prefix of the log: never a torn record, never half a batch.
  kInterval,
};

// Capacity limits. The defaults are exactly the capacities Spin documents for every key-value
// store; an embedder may raise them per store. A write that would exceed a limit is refused
// with StatusCode::kLimitExceeded and nothing is written. Overwriting or deleting an existing
// key always works, also in a full store.
struct Limits {
  // Longest accepted key, in bytes of UTF-8. At most 65,535 (the record format's key field).
  size_t key_bytes_max = 256;
  // Largest accepted value, in bytes (1 MiB). At most 1 GiB.
  size_t value_bytes_max = 1 << 20;
  // Most keys the store may hold at once.
  size_t keys_max = 1024;
};

// How the write path reaches the disk.
enum class IoBackend : uint8_t {
  // The faster one for durable appends: pwrite + fdatasync. On every machine logkv has been
  // measured on, io_uring (which runs each fdatasync on a kernel worker thread) committed fewer
  // writes per second, one writer or many (README, "I/O backend").
  kAuto,
  // io_uring or fail the open with kNotSupported saying why.
  kIoUring,
  // pwrite + fdatasync.
  kPwrite,
};

struct Options {
  SyncMode sync_mode = SyncMode::kAlways;
  // With SyncMode::kInterval: time between background syncs. 1 to 60,000.
  uint32_t sync_interval_ms = 100;
  Limits limits;
  // Most bytes one query may return: keys() and list_keys() count the keys' bytes, get_many()
  // the requested keys' and found values' bytes. A larger result fails with kLimitExceeded and a
  // message containing "query result exceeds limit" (Spin's cap and wording). Default 128 MiB,
  // as in Spin.
  uint64_t result_bytes_max = 128ull << 20;
  // The active segment is closed and a new one started once it holds this many bytes. A record
  // larger than this still fits: a segment always takes at least one record. 4 KiB to 1 GiB.
  uint64_t segment_bytes_max = 64ull << 20;
  // Create the store folder (and its parents) when it does not exist.
  bool create_if_missing = true;
  // When another writer holds the store (another process, or another open in this one), wait up
  // to this long for it to close before failing with kLocked, as SQLite's busy timeout does.
  // 0 (the default): fail at once. At most 3,600,000 (an hour).
  uint32_t lock_wait_ms = 0;
  // Open for reading only, as `logkv check` and the tool's read commands do: the store folder
  // must exist; no lock is taken, so this works while a writer holds the store and writes; no
  // file is created, written, cut, renamed or removed (a torn tail stays, no hint file is
  // written, nothing is compacted). The store shows the log as it was at open: the sealed
  // segments plus the newest one up to its last complete record. Every write (and compact())
  // fails with kInvalidArgument. Damage does not fail the open: every key whose newest record
  // is intact is served, and a get of a key whose newest record is known to be damaged fails
  // with kCorruption naming the key, file and offset (docs/FORMAT.md, "Reading past damage").
  bool read_only = false;
  // Keep everything in memory; the path is only a name. Nothing survives close().
  bool in_memory = false;
  // How the write path reaches the disk (ignored with in_memory). With kAuto, the environment
  // variable LOGKV_IO_BACKEND, read at open, may choose instead: "pwrite" acts as kPwrite,
  // "io_uring" as kIoUring (the open fails with kNotSupported where io_uring is unusable), and
  // "auto" or an empty value as kAuto; any other value fails the open with kInvalidArgument
  // naming the variable and these values. It exists so that a test run can put every store on
  // one backend (docs/TESTING.md). An explicit kIoUring or kPwrite ignores the variable.
  IoBackend io_backend = IoBackend::kAuto;

  // Compaction (docs/DESIGN.md, "Compaction") copies the live records of old segments into new
  // ones and deletes the old ones, so that the log does not grow forever.
  //
  // Run compaction on a background thread whenever the thresholds below say so. Off: only
  // Store::compact() compacts, and sealed segments get hint files only from it.
  bool automatic_compaction = true;
  // Compact when the segment files hold more than this many times the live bytes (the newest
  // record of each key). Above 1.0, at most 100.
  double compaction_disk_ratio_max = 1.5;
  // Back-pressure: when the sealed segments alone hold more than this many times the live
  // bytes plus one segment (segment_bytes_max: the one compaction may be working on), and at
  // least compaction_dead_bytes_min of them are dead, a write first waits for the background
  // compaction to finish a round, so that writers faster than compaction cannot grow the disk
  // without bound. A write waits for at most two rounds. 0: never wait; otherwise
  // above 1.0 and at most 100, and a value below compaction_disk_ratio_max acts as that one.
  // Only with automatic_compaction.
  double compaction_disk_ratio_stall = 2.0;
  // Also compact any sealed segment whose dead bytes reach this fraction of it. Above 0, at
  // most 1.
  double compaction_segment_dead_fraction = 0.5;
  // Automatic compaction starts only once the sealed segments hold at least this many dead
  // bytes, so that a small store is not rewritten to save a few kilobytes. 0: no floor.
  uint64_t compaction_dead_bytes_min = 1ull << 20;
  // Every sealed segment of at least this many bytes gets a hint file (written by compaction
  // with its output segments, or by the background thread for segments the writer sealed), so
  // that open reads its keys instead of the whole segment. Reading a smaller segment whole costs
  // about as much, and its hint would only take disk space.
  uint64_t hint_segment_bytes_min = 1ull << 20;
  // A clean close saves the key directory in an index checkpoint (INDEX), so that the next open
  // loads it and reads only the log written after it (docs/DESIGN.md, "The index checkpoint"),
  // once the log an open would otherwise read reaches this many bytes; a stale checkpoint is
  // always replaced. 0: at every close; UINT64_MAX: never (an existing one is still used while
  // it fits the log).
  uint64_t index_checkpoint_bytes_min = 1ull << 20;
};

}  // namespace logkv

#endif  // LOGKV_OPTIONS_H_
