// RedisStore's compare-and-swap: WATCH + GET at cas_begin, MULTI/SET/EXEC at cas_swap.
//
// WATCH makes EXEC fail (a nil reply) when any client wrote the key after the WATCH, also a
// write of the same bytes (A -> B -> A) and a set-and-delete of a key that was absent: the same
// promise as the embedded store's versions. WATCH belongs to a connection, so each token begun
// keeps its own connection until it is swapped; the token's version (absent_as_of for an absent
// key) is the number of that connection's entry here. A nil EXEC is `cas-failed` (Spin's Redis
// backend reads it as success). A token this store does not hold (already swapped, dropped as the
// oldest beyond kRedisOpenCasMax, from before a close) cannot prove that nothing changed, so its
// swap is refused the same way, with a fresh token to retry with.
#include <hiredis/hiredis.h>

#include <utility>

#include "redis/redis_store_impl.h"

namespace logkv {

Result<CasToken> RedisStore::cas_begin(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_key_for(key));
  Result<RedisConnectionPool::Lease> lease = pool_.borrow();
  if (!lease.is_ok()) return lease.status();
  const std::string stored = stored_key(key);
  LOGKV_RETURN_IF_ERROR((*lease)->command({"WATCH", stored}).status());
  Result<RedisReply> reply = (*lease)->command({"GET", stored});
  if (!reply.is_ok()) return reply.status();

  CasToken token;
  token.key = std::string(key);
  if ((*reply)->type == REDIS_REPLY_STRING) token.value.emplace((*reply)->str, (*reply)->len);
  std::unique_ptr<RedisConnection> watching = lease->release();
  OpenCas evicted;
  {
    std::lock_guard lock(cas_mu_);
    const uint64_t id = next_cas_id_++;
    (token.value ? token.version : token.absent_as_of) = id;
    open_cas_.emplace(id, OpenCas{token.key, std::move(watching)});
    if (open_cas_.size() > kRedisOpenCasMax) {
      evicted = std::move(open_cas_.begin()->second);
      open_cas_.erase(open_cas_.begin());
    }
  }
  // The evicted connection closes here, outside the lock; closing it ends its WATCH.
  return token;
}

Result<CasOutcome> RedisStore::cas_swap(const CasToken& token, std::string_view value) {
  LOGKV_RETURN_IF_ERROR(check_value_for(token.key, value));
  const uint64_t id = token.value ? token.version : token.absent_as_of;
  std::unique_ptr<RedisConnection> watching;
  {
    std::lock_guard lock(cas_mu_);
    const auto found = open_cas_.find(id);
    if (found != open_cas_.end() && found->second.key == token.key) {
      watching = std::move(found->second.connection);
      open_cas_.erase(found);
    }
  }
  CasOutcome outcome;
  if (watching != nullptr) {
    RedisConnection& redis = *watching;
    LOGKV_RETURN_IF_ERROR(redis.command({"MULTI"}).status());
    const Status queued = redis.command({"SET", stored_key(token.key), value}).status();
    if (!queued.is_ok()) {
      (void)redis.command({"DISCARD"});
      return queued;
    }
    Result<RedisReply> exec = redis.command({"EXEC"});
    if (!exec.is_ok()) return exec.status();
    // EXEC ended the WATCH either way: the connection is a plain one again.
    outcome.swapped = (*exec)->type == REDIS_REPLY_ARRAY;
    pool_.give_back(std::move(watching));
  }
  // The next token: for the value just written, or for the one that won.
  Result<CasToken> next = cas_begin(token.key);
  if (!next.is_ok()) {
    if (!outcome.swapped) return next.status();
    // The swap happened; only the follow-up token failed. Report the swap with a token that
    // this store does not hold, so that its swap is refused and the caller begins again.
    outcome.current.key = token.key;
    outcome.current.value = std::string(value);
    return outcome;
  }
  outcome.current = std::move(next).value();
  return outcome;
}

}  // namespace logkv
