// RedisStore: the Store of redis_store.h. Single-key and batch operations in redis_store_impl.cc,
// listings (SCAN) in redis_key_scan.cc, compare-and-swap in redis_compare_and_swap.cc.
#ifndef LOGKV_REDIS_REDIS_STORE_IMPL_H_
#define LOGKV_REDIS_REDIS_STORE_IMPL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logkv/store.h"
#include "redis/redis_connection_pool.h"
#include "redis/redis_store.h"

namespace logkv {

// Most compare-and-swaps begun and not yet swapped. Each holds a connection that WATCHes its key;
// beyond this the oldest is dropped, and its swap then fails as cas-failed with a fresh token.
inline constexpr size_t kRedisOpenCasMax = 64;

class RedisStore final : public Store {
 public:
  RedisStore(RedisStoreOptions options, RedisAddress address);
  ~RedisStore() override;

  Result<std::optional<std::string>> get(std::string_view key) override;
  Status set(std::string_view key, std::string_view value) override;
  Status del(std::string_view key) override;
  Status write(const WriteBatch& batch) override;
  Result<bool> exists(std::string_view key) override;
  Result<std::vector<std::string>> keys() override;
  Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys) override;
  Status set_many(std::span<const std::pair<std::string_view, std::string_view>> pairs) override;
  Status delete_many(std::span<const std::string_view> keys) override;
  Result<int64_t> increment(std::string_view key, int64_t delta) override;
  Result<CasToken> cas_begin(std::string_view key) override;
  Result<CasOutcome> cas_swap(const CasToken& token, std::string_view value) override;
  Result<KeyPage> list_keys(std::optional<std::string_view> cursor, size_t limit,
                            std::string_view prefix) override;
  StoreStats stats() override;
  Status compact(const CompactOptions& options = {}) override;
  Status close() override;

  // A PING on a fresh connection (Store::open's check that the server answers).
  Status ping();

 private:
  // A WATCHing connection of a compare-and-swap begun and not yet swapped.
  struct OpenCas {
    std::string key;
    std::unique_ptr<RedisConnection> connection;
  };

  Status check_open() const;
  std::string stored_key(std::string_view key) const;
  Status check_key_for(std::string_view key) const;
  Status check_value_for(std::string_view key, std::string_view value) const;
  // Calls `each` with every key under key_prefix + `prefix` (without key_prefix), as SCAN
  // returns them (a key may come twice).
  Status scan(std::string_view prefix, const std::function<void(std::string_view)>& each);

  const RedisStoreOptions options_;
  RedisConnectionPool pool_;
  std::atomic<bool> closed_{false};

  std::mutex cas_mu_;
  uint64_t next_cas_id_ = 1;              // guarded by cas_mu_
  std::map<uint64_t, OpenCas> open_cas_;  // guarded by cas_mu_; oldest first
};

}  // namespace logkv

#endif  // LOGKV_REDIS_REDIS_STORE_IMPL_H_
