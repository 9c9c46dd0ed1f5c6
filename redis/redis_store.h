// A logkv::Store kept in a Redis server (the `type = "redis"` stores of a runtime config).
//
// Each operation is the Redis command Spin's Redis backend sends, except where Spin's is wrong
// (docs/HOST.md, "Redis stores"): get GET, set SET, delete DEL, exists EXISTS, keys() and
// list_keys() SCAN with a cursor (never KEYS), get_many MGET, set_many MSET, delete_many DEL,
// write() MULTI/EXEC, increment INCRBY (the counter is decimal text, as Spin's Redis backend
// stores it), compare-and-swap WATCH + GET, then MULTI/SET/EXEC where a nil EXEC is `cas-failed`.
// Keys are stored as key_prefix + key (no prefix by default: the keys Spin writes), and listings
// see only keys under the prefix.
//
// Limits: keys and values are checked against Limits::key_bytes_max / value_bytes_max before
// anything is sent; Limits::keys_max is not enforced (the runtime config refuses max_keys for a
// Redis store: Redis holds what its maxmemory allows). Query results are capped at
// result_bytes_max like the embedded store's.
//
// Durability is the server's: a write is acknowledged when Redis has applied it, and reaches
// the disk as its appendonly/appendfsync settings say.
//
// Failures: every call returns within about timeout_ms per command it sends (a listing sends one
// SCAN per batch of keys); connection loss, timeouts and error replies (READONLY, LOADING, auth)
// are errors with the server's message, and the next call connects again.
//
// Thread-safety: like every Store, used from many threads at once.
#ifndef LOGKV_REDIS_REDIS_STORE_H_
#define LOGKV_REDIS_REDIS_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "logkv/options.h"
#include "logkv/status.h"
#include "logkv/store.h"

namespace logkv {

struct RedisStoreOptions {
  // redis://[[user]:password@]host[:port][/db] or unix://[[user]:password@]/path[?db=N].
  std::string url;
  // Prepended to every key; listings see only keys that start with it.
  std::string key_prefix;
  // Longest wait for a connection and for each command's reply.
  uint32_t timeout_ms = 5000;
  // Idle connections kept for reuse.
  size_t pool_size = 4;
  // key_bytes_max and value_bytes_max are enforced; keys_max is not.
  Limits limits;
  uint64_t result_bytes_max = 128ull << 20;
};

// Connects (and PINGs) the server; kInvalidArgument for a bad url, the connection's error
// (kIOError, with the server's message) when it cannot be reached or refuses the credentials.
Result<std::unique_ptr<Store>> open_redis_store(const RedisStoreOptions& options);

}  // namespace logkv

#endif  // LOGKV_REDIS_REDIS_STORE_H_
