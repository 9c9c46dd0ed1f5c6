#include "bench/engine_registry.h"

#include "bench/adapters/adapters.h"
#include "bench/bench_features.h"

namespace logkv::bench {

std::vector<EngineFactory> available_engines() {
  std::vector<EngineFactory> engines;
  engines.push_back({"logkv", make_logkv_adapter});
#if LOGKV_BENCH_HAVE_SQLITE
  engines.push_back({"sqlite-spin", [] { return make_sqlite_adapter(SqliteMode::kSpin); }});
  engines.push_back({"sqlite-wal", [] { return make_sqlite_adapter(SqliteMode::kWalFull); }});
#endif
#if LOGKV_BENCH_HAVE_ROCKSDB
  engines.push_back({"rocksdb", make_rocksdb_adapter});
#endif
#if LOGKV_BENCH_HAVE_LEVELDB
  engines.push_back({"leveldb", make_leveldb_adapter});
#endif
#if LOGKV_BENCH_HAVE_LMDB
  engines.push_back({"lmdb", make_lmdb_adapter});
#endif
#if LOGKV_BENCH_HAVE_REDIS
  engines.push_back({"redis-always", [] { return make_redis_adapter(RedisFsync::kAlways); }});
  engines.push_back({"redis-everysec", [] { return make_redis_adapter(RedisFsync::kEverySec); }});
#endif
  engines.push_back({"raw-log", make_raw_log_adapter});
  return engines;
}

}  // namespace logkv::bench
