// RedisConnection: one connection to a Redis server through hiredis, with every failure as a
// Status that carries the server's own words.
//
// Every call is bounded: connecting waits at most timeout_ms, and each command's send and reply
// wait at most timeout_ms (socket timeouts), after which the call fails and the connection is
// broken (a late reply would otherwise be read as the answer to the next command). A connection
// that saw any transport error stays broken; the pool (redis_connection_pool.h) drops it and
// connects anew.
//
// Errors (all Spin's `other(text)`): kIOError for a refused, lost or timed-out connection and for
// a server's error reply (READONLY, LOADING, NOAUTH, WRONGPASS, OOM, ...), whose message is
// "redis at <address>: <COMMAND>: <server text>"; kInvalidArgument for WRONGTYPE (the key holds
// a hash, list, ... that this store cannot read). No message contains the password.
//
// Thread-safety: a connection is used by one thread at a time.
#ifndef LOGKV_REDIS_REDIS_CONNECTION_H_
#define LOGKV_REDIS_REDIS_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "logkv/status.h"
#include "redis/redis_url.h"

struct redisContext;
struct redisReply;

namespace logkv {

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const;
};
// A reply that is not an error reply (those become a Status).
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

class RedisConnection {
 public:
  // Connects, then authenticates (AUTH) and selects the database (SELECT) the address names.
  static Result<std::unique_ptr<RedisConnection>> connect(const RedisAddress& address,
                                                          uint32_t timeout_ms);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command (binary-safe arguments, the first is the command's name) and waits for
  // its reply.
  Result<RedisReply> command(std::span<const std::string_view> args);
  Result<RedisReply> command(std::initializer_list<std::string_view> args) {
    return command(std::span<const std::string_view>(args.begin(), args.size()));
  }

  // A transport error happened: the connection must not be used again.
  bool broken() const { return broken_; }
  // For a connection that sat idle in the pool: false when the server closed it meanwhile (it
  // restarted, or timed the client out), seen without waiting.
  bool still_open() const;

  // "redis at <address>" for messages.
  const std::string& where() const { return where_; }

 private:
  RedisConnection(redisContext* context, std::string where, uint32_t timeout_ms);
  Status transport_error(std::string_view command_name);

  redisContext* context_;
  const std::string where_;
  const uint32_t timeout_ms_;
  bool broken_ = false;
};

}  // namespace logkv

#endif  // LOGKV_REDIS_REDIS_CONNECTION_H_
