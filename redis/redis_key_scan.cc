// RedisStore's listings: keys(), list_keys() and stats().keys, all by SCAN.
//
// SCAN walks the keyspace with a cursor in bounded steps, so a large database never blocks the
// server the way `KEYS *` does; it may return a key twice and has no order. list_keys() therefore
// pages exactly as the embedded store does (engine/key_listing.h): every page walks the keys once
// and keeps the smallest after the cursor, so a key present for the whole listing is returned
// exactly once, in byte order, however the keyspace changes between pages.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <string>
#include <unordered_set>

#include "engine/key_listing.h"
#include "engine/result_budget.h"
#include "redis/redis_store_impl.h"

namespace logkv {
namespace {

// Keys asked of the server per SCAN step: a hint to Redis, which may return more or fewer.
constexpr std::string_view kScanCount = "1000";

// A glob pattern matching exactly the keys that start with `prefix`.
std::string prefix_pattern(std::string_view prefix) {
  std::string pattern;
  pattern.reserve(prefix.size() + 1);
  for (char c : prefix) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('*');
  return pattern;
}

}  // namespace

Status RedisStore::scan(std::string_view prefix,
                        const std::function<void(std::string_view)>& each) {
  Result<RedisConnectionPool::Lease> connection = pool_.borrow();
  if (!connection.is_ok()) return connection.status();
  const std::string full_prefix = options_.key_prefix + std::string(prefix);
  const std::string pattern = prefix_pattern(full_prefix);
  std::string cursor = "0";
  do {
    Result<RedisReply> reply =
        (*connection)->command({"SCAN", cursor, "MATCH", pattern, "COUNT", kScanCount});
    if (!reply.is_ok()) return reply.status();
    const redisReply& step = **reply;
    if (step.type != REDIS_REPLY_ARRAY || step.elements != 2 ||
        step.element[0]->type != REDIS_REPLY_STRING || step.element[1]->type != REDIS_REPLY_ARRAY) {
      return Status::io_error((*connection)->where() + ": SCAN: unexpected reply shape");
    }
    cursor.assign(step.element[0]->str, step.element[0]->len);
    const redisReply& keys = *step.element[1];
    for (size_t i = 0; i < keys.elements; ++i) {
      const std::string_view key(keys.element[i]->str, keys.element[i]->len);
      // MATCH already filters; the check keeps a server that ignored it from leaking keys.
      if (key.substr(0, full_prefix.size()) != full_prefix) continue;
      each(key.substr(options_.key_prefix.size()));
    }
  } while (cursor != "0");
  return Status::ok();
}

Result<std::vector<std::string>> RedisStore::keys() {
  LOGKV_RETURN_IF_ERROR(check_open());
  ResultBudget budget(options_.result_bytes_max, "keys");
  std::unordered_set<std::string> seen;
  Status over_budget;
  LOGKV_RETURN_IF_ERROR(scan({}, [&](std::string_view key) {
    if (!over_budget.is_ok()) return;
    if (seen.emplace(key).second) over_budget = budget.charge(key.size());
  }));
  LOGKV_RETURN_IF_ERROR(over_budget);
  return std::vector<std::string>(seen.begin(), seen.end());
}

Result<KeyPage> RedisStore::list_keys(std::optional<std::string_view> cursor, size_t limit,
                                      std::string_view prefix) {
  LOGKV_RETURN_IF_ERROR(check_open());
  Result<KeyPageSelector> started = start_key_page(cursor, limit, prefix);
  if (!started.is_ok()) return started.status();
  KeyPageSelector& selector = *started;
  LOGKV_RETURN_IF_ERROR(scan(prefix, [&selector](std::string_view key) { selector.offer(key); }));
  KeyPage page = selector.take_page();
  // A key SCAN returned twice may sit twice among the candidates; the cursor (after the last
  // key) is right either way.
  page.keys.erase(std::unique(page.keys.begin(), page.keys.end()), page.keys.end());
  ResultBudget budget(options_.result_bytes_max, "list_keys");
  for (const std::string& key : page.keys) LOGKV_RETURN_IF_ERROR(budget.charge(key.size()));
  return page;
}

StoreStats RedisStore::stats() {
  StoreStats stats;
  stats.io_backend = "redis";
  if (!check_open().is_ok()) return stats;
  std::unordered_set<std::string> seen;
  // stats() has no error to return: an unreachable server shows as 0 keys.
  if (scan({}, [&seen](std::string_view key) { seen.emplace(key); }).is_ok()) {
    stats.keys = seen.size();
  }
  return stats;
}

}  // namespace logkv
