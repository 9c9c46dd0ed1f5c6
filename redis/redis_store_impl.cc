#include "redis/redis_store_impl.h"

#include <hiredis/hiredis.h>

#include <utility>

#include "engine/limits.h"
#include "engine/result_budget.h"

namespace logkv {
namespace {

// A bulk-string reply as bytes; nil as none.
std::optional<std::string> bulk(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_STRING) return std::string(reply.str, reply.len);
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<Store>> open_redis_store(const RedisStoreOptions& options) {
  Result<RedisAddress> address = parse_redis_url(options.url);
  if (!address.is_ok()) return address.status();
  auto store = std::make_unique<RedisStore>(options, std::move(address).value());
  LOGKV_RETURN_IF_ERROR(store->ping());
  return std::unique_ptr<Store>(std::move(store));
}

RedisStore::RedisStore(RedisStoreOptions options, RedisAddress address)
    : options_(std::move(options)),
      pool_(std::move(address), options_.timeout_ms, options_.pool_size) {}

RedisStore::~RedisStore() { (void)close(); }

Status RedisStore::ping() {
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  return (*connection)->command({"PING"}).status();
}

Status RedisStore::check_open() const {
  if (closed_.load()) {
    return Status::invalid_argument("the Redis store at " + pool_.address().printable() +
                                    " is closed");
  }
  return Status::ok();
}

std::string RedisStore::stored_key(std::string_view key) const {
  return options_.key_prefix + std::string(key);
}

Status RedisStore::check_key_for(std::string_view key) const {
  LOGKV_RETURN_IF_ERROR(check_open());
  return check_key(key, options_.limits);
}

Status RedisStore::check_value_for(std::string_view key, std::string_view value) const {
  LOGKV_RETURN_IF_ERROR(check_key_for(key));
  return check_value(key, value, options_.limits);
}

Result<std::optional<std::string>> RedisStore::get(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_key_for(key));
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  Result<RedisReply> reply = (*connection)->command({"GET", stored_key(key)});
  if (!reply.is_ok()) return reply.status();
  return bulk(**reply);
}

Status RedisStore::set(std::string_view key, std::string_view value) {
  LOGKV_RETURN_IF_ERROR(check_value_for(key, value));
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  return (*connection)->command({"SET", stored_key(key), value}).status();
}

Status RedisStore::del(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_key_for(key));
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  return (*connection)->command({"DEL", stored_key(key)}).status();
}

Result<bool> RedisStore::exists(std::string_view key) {
  LOGKV_RETURN_IF_ERROR(check_key_for(key));
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  Result<RedisReply> reply = (*connection)->command({"EXISTS", stored_key(key)});
  if (!reply.is_ok()) return reply.status();
  return (*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer > 0;
}

Status RedisStore::write(const WriteBatch& batch) {
  LOGKV_RETURN_IF_ERROR(check_open());
  for (const WriteBatch::Operation& op : batch.operations()) {
    LOGKV_RETURN_IF_ERROR(op.kind == WriteBatch::Operation::Kind::kSet
                              ? check_value_for(op.key, op.value)
                              : check_key_for(op.key));
  }
  if (batch.empty()) return Status::ok();
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  RedisConnection& redis = **connection;
  // MULTI/EXEC: Redis applies the queued commands as one step that no other client interleaves.
  LOGKV_RETURN_IF_ERROR(redis.command({"MULTI"}).status());
  for (const WriteBatch::Operation& op : batch.operations()) {
    const std::string key = stored_key(op.key);
    Status queued = op.kind == WriteBatch::Operation::Kind::kSet
                        ? redis.command({"SET", key, op.value}).status()
                        : redis.command({"DEL", key}).status();
    if (!queued.is_ok()) {
      (void)redis.command({"DISCARD"});
      return queued;
    }
  }
  Result<RedisReply> exec = redis.command({"EXEC"});
  if (!exec.is_ok()) return exec.status();
  if ((*exec)->type != REDIS_REPLY_ARRAY) {
    return Status::io_error(redis.where() + ": EXEC: the batch was not applied");
  }
  return Status::ok();
}

Result<std::vector<std::optional<std::string>>> RedisStore::get_many(
    std::span<const std::string_view> keys) {
  LOGKV_RETURN_IF_ERROR(check_open());
  ResultBudget budget(options_.result_bytes_max, "get_many");
  std::vector<std::string> stored;
  stored.reserve(keys.size());
  for (std::string_view key : keys) {
    LOGKV_RETURN_IF_ERROR(check_key_for(key));
    LOGKV_RETURN_IF_ERROR(budget.charge(key.size()));
    stored.push_back(stored_key(key));
  }
  std::vector<std::optional<std::string>> values;
  if (keys.empty()) return values;
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  std::vector<std::string_view> args = {"MGET"};
  args.insert(args.end(), stored.begin(), stored.end());
  Result<RedisReply> reply = (*connection)->command(args);
  if (!reply.is_ok()) return reply.status();
  const redisReply& array = **reply;
  if (array.type != REDIS_REPLY_ARRAY || array.elements != keys.size()) {
    return Status::io_error((*connection)->where() + ": MGET: expected " +
                            std::to_string(keys.size()) + " values in the reply");
  }
  values.reserve(keys.size());
  for (size_t i = 0; i < array.elements; ++i) {
    std::optional<std::string> value = bulk(*array.element[i]);
    if (value) LOGKV_RETURN_IF_ERROR(budget.charge(value->size()));
    values.push_back(std::move(value));
  }
  return values;
}

Status RedisStore::set_many(std::span<const std::pair<std::string_view, std::string_view>> pairs) {
  LOGKV_RETURN_IF_ERROR(check_open());
  for (const auto& [key, value] : pairs) LOGKV_RETURN_IF_ERROR(check_value_for(key, value));
  if (pairs.empty()) return Status::ok();
  std::vector<std::string> stored;
  stored.reserve(pairs.size());
  for (const auto& pair : pairs) stored.push_back(stored_key(pair.first));
  std::vector<std::string_view> args = {"MSET"};
  for (size_t i = 0; i < pairs.size(); ++i) {
    args.push_back(stored[i]);
    args.push_back(pairs[i].second);
  }
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  return (*connection)->command(args).status();
}

Status RedisStore::delete_many(std::span<const std::string_view> keys) {
  LOGKV_RETURN_IF_ERROR(check_open());
  for (std::string_view key : keys) LOGKV_RETURN_IF_ERROR(check_key_for(key));
  if (keys.empty()) return Status::ok();
  std::vector<std::string> stored;
  stored.reserve(keys.size());
  for (std::string_view key : keys) stored.push_back(stored_key(key));
  std::vector<std::string_view> args = {"DEL"};
  args.insert(args.end(), stored.begin(), stored.end());
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  return (*connection)->command(args).status();
}

Result<int64_t> RedisStore::increment(std::string_view key, int64_t delta) {
  LOGKV_RETURN_IF_ERROR(check_key_for(key));
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  const std::string amount = std::to_string(delta);
  Result<RedisReply> reply = (*connection)->command({"INCRBY", stored_key(key), amount});
  if (!reply.is_ok()) {
    const std::string& message = reply.status().message();
    // Redis's words for a value that is not decimal integer text, and for a sum past int64.
    if (message.find("not an integer") != std::string::npos ||
        message.find("overflow") != std::string::npos) {
      return Status::invalid_argument(
          "increment of " + printable_key(key) +
          " refused, nothing written: the stored value is not a decimal integer counter, or the "
          "sum does not fit in a signed 64-bit integer (" +
          message + ")");
    }
    return reply.status();
  }
  if ((*reply)->type != REDIS_REPLY_INTEGER) {
    return Status::io_error((*connection)->where() + ": INCRBY: the reply is not an integer");
  }
  return static_cast<int64_t>((*reply)->integer);
}

Status RedisStore::compact(const CompactOptions& /*options*/) {
  LOGKV_RETURN_IF_ERROR(check_open());
  return Status::not_supported(
      "compact: a Redis store has no log of logkv's to compact; the Redis server rewrites its "
      "own append-only file (BGREWRITEAOF)");
}

Status RedisStore::close() {
  if (closed_.exchange(true)) return Status::ok();
  pool_.clear();
  std::map<uint64_t, OpenCas> dropped;
  std::lock_guard lock(cas_mu_);
  dropped.swap(open_cas_);
  return Status::ok();
}

}  // namespace logkv
