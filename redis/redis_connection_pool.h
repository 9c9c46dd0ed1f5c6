// RedisConnectionPool: connections to one Redis server, reused between calls.
//
// A call borrows a connection (a Lease) and gives it back when done. The pool keeps at most
// pool_size idle connections; a call finding none idle connects a new one, so concurrent calls
// never wait for each other (Redis itself serialises them). A connection that broke (lost,
// timed out) is dropped instead of returned, and an idle one that the server closed meanwhile (a
// restart) is dropped when next borrowed: after an outage, the first call connects again.
//
// Thread-safety: every method may be called from many threads at once.
#ifndef LOGKV_REDIS_REDIS_CONNECTION_POOL_H_
#define LOGKV_REDIS_REDIS_CONNECTION_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "logkv/status.h"
#include "redis/redis_connection.h"
#include "redis/redis_url.h"

namespace logkv {

class RedisConnectionPool {
 public:
  // A borrowed connection, given back to the pool (unless broken) when the lease ends.
  class Lease {
   public:
    Lease(RedisConnectionPool* pool, std::unique_ptr<RedisConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_ != nullptr) pool_->give_back(std::move(connection_));
    }
    RedisConnection* operator->() const { return connection_.get(); }
    RedisConnection& operator*() const { return *connection_; }
    // Takes the connection out of the pool's care (a compare-and-swap keeps it WATCHing).
    std::unique_ptr<RedisConnection> release() { return std::move(connection_); }

   private:
    RedisConnectionPool* pool_;
    std::unique_ptr<RedisConnection> connection_;
  };

  RedisConnectionPool(RedisAddress address, uint32_t timeout_ms, size_t pool_size)
      : address_(std::move(address)), timeout_ms_(timeout_ms), pool_size_(pool_size) {}

  // An idle connection, or a new one (the connection error when the server cannot be reached).
  Result<Lease> borrow();
  // Returns a connection taken with Lease::release(); dropped when broken or the pool is full.
  void give_back(std::unique_ptr<RedisConnection> connection);
  // Closes every idle connection.
  void clear();

  const RedisAddress& address() const { return address_; }

 private:
  const RedisAddress address_;
  const uint32_t timeout_ms_;
  const size_t pool_size_;

  std::mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // guarded by mu_
};

}  // namespace logkv

#endif  // LOGKV_REDIS_REDIS_CONNECTION_POOL_H_
