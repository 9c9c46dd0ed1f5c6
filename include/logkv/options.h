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
  // last interval (plus the time one fdatasync takes), and what survives is a prefix of the
  // log: never a torn record, never half a batch.
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
  // io_uring when the kernel and sandbox allow it (checked at open), else pwrite + fdatasync.
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
  // Keep everything in memory; the path is only a name. Nothing survives close().
  bool in_memory = false;
  IoBackend io_backend = IoBackend::kAuto;
};

}  // namespace logkv

#endif  // LOGKV_OPTIONS_H_
