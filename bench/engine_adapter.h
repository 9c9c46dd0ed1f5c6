// EngineAdapter: the one interface through which the benchmark drives every storage engine.
//
// Each engine (logkv, SQLite as Spin uses it, RocksDB, ...) gets an adapter that maps the
// Spin key-value operations onto the engine. Workloads only see this interface, so a workload
// runs unchanged against every engine that has the capabilities it needs, and an engine that
// lacks one gets an "n/a" row instead of an invented figure.
//
// Optional operations (increment, and those added by later issues) have default
// implementations that return kNotSupported; an adapter that overrides one also sets the
// matching flag in Capabilities so that workloads can decide up front which rows apply.
//
// Thread-safety: after open() returns, every operation may be called from many threads at once.
// Adapters of engines that are not safe for concurrent use serialise calls with a mutex and
// say so in Capabilities (writes_serialised_by_adapter / reads_serialised_by_adapter), which
// the report prints next to their figures. open() and close() are called by one thread while
// no other call is running.
//
// Durability: with OpenParams::durable set (every timed phase), an acknowledged set()/del() is
// on stable storage when the call returns, using the engine's own durable setting.
#ifndef LOGKV_BENCH_ENGINE_ADAPTER_H_
#define LOGKV_BENCH_ENGINE_ADAPTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logkv/status.h"

namespace logkv::bench {

// What an engine can do beyond set(). Workloads consult these before running a row.
struct Capabilities {
  bool point_reads = true;        // get() and exists()
  bool listing = true;            // keys()
  bool reopen = true;             // data survives close(); open() of the same folder finds it
  bool native_increment = false;  // increment() is one atomic engine operation
  // The engine keeps its whole index in process memory, so resident-set growth per key is
  // a meaningful figure (for engines that page an on-disk index it measures their caches).
  bool in_memory_index = false;
  bool explicit_compaction = false;  // compact() runs the engine's compaction
  // get_many() is one batched read of the engine (Redis MGET, logkv's get_many); otherwise it
  // is one get() per key, which the get-many row says.
  bool native_get_many = false;
  // set_batch() is one atomic batch of the engine (logkv's set_many, a LevelDB or RocksDB
  // WriteBatch, one LMDB write transaction): with OpenParams::durable, one sync per batch.
  bool batched_writes = false;
  bool writes_serialised_by_adapter = false;  // the adapter holds a mutex around writes
  bool reads_serialised_by_adapter = false;   // the adapter holds a mutex around reads
};

// Static facts about an engine, printed in the report and stored in the JSON.
struct EngineInfo {
  std::string name;      // short name used by --engines, e.g. "sqlite-spin"
  std::string settings;  // the durable configuration the engine runs with, one line
  std::string version;   // library version, when the library reports one
  // How the engine reaches the disk where it chooses at open (logkv: "io_uring" or "pwrite",
  // EngineStats::io_backend), learnt by opening a store on the run's file system before the
  // workloads start; every store of the run lives on that file system, so they all get the same
  // answer. Empty for engines without a choice, and in --list, which opens nothing.
  std::string io_backend;
  Capabilities capabilities;
};

// How a workload wants a store opened.
struct OpenParams {
  // A folder that belongs to this adapter alone. It exists and may be empty; the adapter keeps
  // every file it writes inside it.
  std::string dir;
  // True for every timed phase: the engine's durable setting. False only while a workload
  // loads data it does not time; the adapter may then skip syncs.
  bool durable = true;
  // How many keys the workload will store at most, and the largest value. Engines with
  // capacity limits raise them to fit; others ignore these.
  uint64_t keys_max = 1024;
  uint64_t value_bytes_max = 100;
  // For engines that write their data as a log of rolling segment files and compact it (logkv):
  // the segment size to use, and, when compaction starts only after some dead bytes, that
  // threshold too. 0: the engine's defaults. A store as small as Spin's 1024 keys needs
  // segments far below the 64 MiB default for its disk use to stay near its live bytes; the
  // workload that sets this says so in its row. Other engines ignore it.
  uint64_t log_segment_bytes = 0;
};

// Figures only some engines report about themselves.
struct EngineStats {
  uint64_t keys = 0;
  uint64_t disk_bytes = 0;
  uint64_t live_bytes = 0;
  uint64_t index_bytes = 0;
  // Bytes the engine wrote for the user's writes, and bytes its compaction rewrote, since
  // open: compaction's write amplification is their quotient.
  uint64_t user_bytes_written = 0;
  uint64_t compaction_bytes_written = 0;
  uint64_t compactions = 0;
  uint64_t segments = 0;           // data files
  uint64_t hint_files_loaded = 0;  // files open read instead of the data they describe
  std::string io_backend;          // see EngineInfo::io_backend; empty: the engine has no choice
};

// Produces the i-th key and value of a bulk load. The views must stay valid until the next
// call of the source.
using KeyValueSource =
    std::function<void(uint64_t i, std::string_view& key, std::string_view& value)>;

class EngineAdapter {
 public:
  EngineAdapter() = default;
  EngineAdapter(const EngineAdapter&) = delete;
  EngineAdapter& operator=(const EngineAdapter&) = delete;
  // Closes the store if it is still open; errors are dropped (call close() to see them).
  virtual ~EngineAdapter() = default;

  virtual EngineInfo info() const = 0;

  // Opens (creating when empty) the store in params.dir. An adapter is opened at most once at
  // a time; after close() it may be opened again, on the same folder or another.
  virtual Status open(const OpenParams& params) = 0;
  virtual Status close() = 0;

  virtual Status set(std::string_view key, std::string_view value) = 0;
  // The value of `key`, or an empty optional when it is not stored.
  virtual Result<std::optional<std::string>> get(std::string_view key);
  virtual Status del(std::string_view key);
  virtual Result<bool> exists(std::string_view key);
  virtual Result<std::vector<std::string>> keys();

  // One result per key, in order, an empty optional for a missing key (Spin's get-many). The
  // default calls get() per key.
  virtual Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys);
  // Adds `delta` to the counter under `key` (a missing key counts as 0) and returns the new
  // value, atomically. Only when Capabilities::native_increment.
  virtual Result<int64_t> increment(std::string_view key, int64_t delta);

  // Stores every pair as one atomic batch, durable on return with OpenParams::durable: one
  // sync for the whole batch. Only when Capabilities::batched_writes.
  virtual Status set_batch(std::span<const std::pair<std::string_view, std::string_view>> pairs);

  // Stores `count` pairs from `source`. Untimed: used to prepare a store before a measurement.
  // The default calls set() for each pair; adapters override it to use the engine's cheapest
  // correct way (transactions, batches).
  virtual Status bulk_load(uint64_t count, const KeyValueSource& source);

  // The engine's own counters, when it reports them.
  virtual std::optional<EngineStats> stats();

  // Reclaims the space of overwritten and deleted data now, returning when it is done. Only
  // when Capabilities::explicit_compaction.
  virtual Status compact();
};

// Creates adapters of one engine. Every workload row gets a fresh adapter.
struct EngineFactory {
  std::string name;
  std::function<std::unique_ptr<EngineAdapter>()> make;
};

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_ENGINE_ADAPTER_H_
