#include "redis/redis_connection_pool.h"

#include <utility>

namespace logkv {

Result<RedisConnectionPool::Lease> RedisConnectionPool::borrow() {
  for (;;) {
    std::unique_ptr<RedisConnection> connection;
    {
      std::lock_guard lock(mu_);
      if (idle_.empty()) break;
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
    // Closed outside the lock; every idle connection is tried at most once.
    if (connection->still_open()) return Lease(this, std::move(connection));
  }
  Result<std::unique_ptr<RedisConnection>> fresh = RedisConnection::connect(address_, timeout_ms_);
  if (!fresh.is_ok()) return fresh.status();
  return Lease(this, std::move(fresh).value());
}

void RedisConnectionPool::give_back(std::unique_ptr<RedisConnection> connection) {
  if (connection == nullptr || connection->broken()) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < pool_size_) idle_.push_back(std::move(connection));
  // Otherwise it closes here (a burst of concurrent calls opened more than the pool keeps).
}

void RedisConnectionPool::clear() {
  std::vector<std::unique_ptr<RedisConnection>> closing;
  std::lock_guard lock(mu_);
  closing.swap(idle_);
}

}  // namespace logkv
