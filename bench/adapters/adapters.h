// Factories of the engine adapters. Each peer's factory exists only when its library was found
// at configure time (see bench/meson.build and the generated bench/bench_features.h).
#ifndef LOGKV_BENCH_ADAPTERS_ADAPTERS_H_
#define LOGKV_BENCH_ADAPTERS_ADAPTERS_H_

#include <memory>

#include "bench/engine_adapter.h"

namespace logkv::bench {

// logkv with SyncMode::kAlways; limits raised to what each workload declares in OpenParams.
std::unique_ptr<EngineAdapter> make_logkv_adapter();

enum class SqliteMode {
  kSpin,     // exactly as Spin uses it: rollback journal, synchronous=FULL (defaults), autocommit
  kWalFull,  // journal_mode=WAL, synchronous=FULL: the best-tuned durable SQLite
};
std::unique_ptr<EngineAdapter> make_sqlite_adapter(SqliteMode mode);

std::unique_ptr<EngineAdapter> make_rocksdb_adapter();  // WriteOptions.sync = true
std::unique_ptr<EngineAdapter> make_leveldb_adapter();  // WriteOptions.sync = true
std::unique_ptr<EngineAdapter> make_lmdb_adapter();     // default flags: commit syncs

// Redis (the `type = "redis"` store of redis/) against a redis-server it starts on loopback, with
// the append-only file fsynced on every write or once a second. Only in a build with hiredis.
enum class RedisFsync { kAlways, kEverySec };
std::unique_ptr<EngineAdapter> make_redis_adapter(RedisFsync fsync);

// Appends each set as one record to a file and fdatasyncs it: the physical limit of one
// durable writer. Writes only; it has no index.
std::unique_ptr<EngineAdapter> make_raw_log_adapter();

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_ADAPTERS_ADAPTERS_H_
