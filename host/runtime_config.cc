// RuntimeConfig (logkv/host.h): the `[key_value_store.<label>]` tables of a Spin runtime config.
//
// toml++ does the TOML; this file only reads the tables it produced. Spin's runtime config also
// holds tables for other factors (`[sqlite_database.x]`, `[llm_compute]`, ...), which are not
// ours to judge and are skipped; inside a key_value_store table, though, every key must be known,
// so that a typo ("max_key_byte") fails loudly instead of silently keeping the default. Errors
// are reported in source order (the first one in the file), each prefixed "<source>:<line>:
// <column>: " as compilers do, so that editors can jump to it.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/limits.h"
#include "fs/file_system.h"
#include "logkv/host.h"
#include "logkv/key_text.h"
#ifdef LOGKV_HAVE_REDIS
#include "redis/redis_url.h"
#endif

// toml++ chooses between exceptions and error results by whether the compiler allows exceptions;
// both ways are handled below, and no exception leaves this file.
#include <toml++/toml.h>

namespace logkv {
namespace {

constexpr std::string_view kStoreTablesKey = "key_value_store";
// A runtime config is a few lines; the cap keeps a wrong file (a disk image) out of memory.
constexpr uint64_t kConfigBytesMax = uint64_t{16} << 20;

constexpr std::string_view kKnownKeys =
    "type, path, max_key_bytes, max_value_bytes, max_keys, sync";
constexpr std::string_view kKnownRedisKeys =
    "type, url, key_prefix, timeout_ms, pool_size, max_key_bytes, max_value_bytes";
// A Redis store's timeout_ms and pool_size: generous ceilings that still catch a typo.
constexpr int64_t kRedisTimeoutMsMax = 600'000;
constexpr int64_t kRedisPoolSizeMax = 1024;
#ifdef LOGKV_HAVE_REDIS
constexpr std::string_view kSupportedTypes = "spin, logkv, redis";
#else
constexpr std::string_view kSupportedTypes = "spin, logkv";
#endif

// Builds errors that start with "<source>:<line>:<column>: ".
class ErrorPlace {
 public:
  explicit ErrorPlace(std::string_view source) : source_(source) {}

  Status invalid(const toml::source_region& where, std::string_view text) const {
    return Status::invalid_argument(prefix(where) + std::string(text));
  }
  Status not_supported(const toml::source_region& where, std::string_view text) const {
    return Status::not_supported(prefix(where) + std::string(text));
  }

 private:
  std::string prefix(const toml::source_region& where) const {
    return source_ + ":" + std::to_string(where.begin.line) + ":" +
           std::to_string(where.begin.column) + ": ";
  }

  std::string source_;
};

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// A table's entries in the order they appear in the file (toml++ keeps them sorted by name), so
// that the error reported is the first one a reader meets.
std::vector<std::pair<const toml::key*, const toml::node*>> in_source_order(
    const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [key, node] : table) entries.emplace_back(&key, &node);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const toml::source_position& pa = a.first->source().begin;
    const toml::source_position& pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return entries;
}

// A store's `path`: absolute as given, relative joined to base_dir. Purely lexical: nothing is
// looked up, so ".." stays and symbolic links are followed only when the store opens.
std::string resolve_path(std::string_view base_dir, std::string_view path) {
  if (path.front() == '/' || base_dir.empty()) return std::string(path);
  return join_path(base_dir, path);
}

Status check_type(const ErrorPlace& place, const std::string& table_name, const toml::key& key,
                  const toml::table& table) {
  const toml::node* type = table.get("type");
  if (type == nullptr) {
    return place.invalid(key.source(), table_name + " has no 'type'; add type = \"spin\"");
  }
  const std::optional<std::string> text = type->value<std::string>();
  if (!text) {
    return place.invalid(type->source(),
                         "'type' must be a string, not " + std::string(type_name(*type)));
  }
  if (*text == kStoreTypeSpin || *text == kStoreTypeLogkv) return Status::ok();
  const std::string shown = printable_key(*text);
#ifdef LOGKV_HAVE_REDIS
  if (*text == kStoreTypeRedis) return Status::ok();
#else
  if (*text == kStoreTypeRedis) {
    return place.not_supported(type->source(),
                               "type 'redis' is not supported by this build: it was built without "
                               "hiredis (install libhiredis-dev and set up the build again; "
                               "supported types: " +
                                   std::string(kSupportedTypes) + ")");
  }
#endif
  if (*text == "azure_cosmos" || *text == "aws_dynamo") {
    return place.not_supported(type->source(), "type " + shown +
                                                   " is not supported by this build (supported "
                                                   "types: " +
                                                   std::string(kSupportedTypes) + ")");
  }
  return place.invalid(type->source(),
                       "the store type " + shown +
                           " is not known (known types: spin, logkv, redis, azure_cosmos, "
                           "aws_dynamo)");
}

// A positive integer no larger than `max`.
Result<size_t> read_count(const ErrorPlace& place, std::string_view name, const toml::node& node,
                          int64_t max) {
  const std::optional<int64_t> number = node.value_exact<int64_t>();
  if (!number) {
    return place.invalid(node.source(), "'" + std::string(name) + "' must be an integer, not " +
                                            std::string(type_name(node)));
  }
  if (*number < 1 || *number > max) {
    return place.invalid(node.source(), "'" + std::string(name) + "' is " +
                                            std::to_string(*number) + "; it must be 1 to " +
                                            std::to_string(max));
  }
  return static_cast<size_t>(*number);
}

Result<std::string> read_string(const ErrorPlace& place, std::string_view name,
                                const toml::node& node) {
  std::optional<std::string> text = node.value_exact<std::string>();
  if (!text) {
    return place.invalid(node.source(), "'" + std::string(name) + "' must be a string, not " +
                                            std::string(type_name(node)));
  }
  return std::move(*text);
}

// The keys of a `type = "redis"` table (after `type`, which the caller read).
Status parse_redis_entry(const ErrorPlace& place, const std::string& table_name,
                         const toml::key& entry_key, const toml::node& value, StoreConfig& store) {
  const std::string_view name = entry_key.str();
  if (name == "url") {
    Result<std::string> url = read_string(place, name, value);
    if (!url.is_ok()) return url.status();
#ifdef LOGKV_HAVE_REDIS
    if (Result<RedisAddress> address = parse_redis_url(*url); !address.is_ok()) {
      return place.invalid(value.source(), address.status().message());
    }
#endif
    store.url = std::move(url).value();
  } else if (name == "key_prefix") {
    Result<std::string> prefix = read_string(place, name, value);
    if (!prefix.is_ok()) return prefix.status();
    store.key_prefix = std::move(prefix).value();
  } else if (name == "timeout_ms") {
    Result<size_t> n = read_count(place, name, value, kRedisTimeoutMsMax);
    if (!n.is_ok()) return n.status();
    store.timeout_ms = static_cast<uint32_t>(*n);
  } else if (name == "pool_size") {
    Result<size_t> n = read_count(place, name, value, kRedisPoolSizeMax);
    if (!n.is_ok()) return n.status();
    store.pool_size = *n;
  } else if (name == "max_key_bytes") {
    Result<size_t> n = read_count(place, name, value, kKeyBytesCeiling);
    if (!n.is_ok()) return n.status();
    store.options.limits.key_bytes_max = *n;
  } else if (name == "max_value_bytes") {
    Result<size_t> n = read_count(place, name, value, kValueBytesCeiling);
    if (!n.is_ok()) return n.status();
    store.options.limits.value_bytes_max = *n;
  } else if (name == "max_keys") {
    return place.not_supported(entry_key.source(),
                               "'max_keys' is not supported by a redis store: logkv does not count "
                               "a Redis server's keys (bound them with the server's maxmemory); "
                               "remove the line");
  } else if (name == "path" || name == "sync") {
    return place.invalid(entry_key.source(),
                         "'" + std::string(name) + "' is not a key of a redis store " + table_name +
                             ": the data lives in the server that 'url' names (known keys: " +
                             std::string(kKnownRedisKeys) + ")");
  } else {
    return place.invalid(entry_key.source(),
                         "unknown key " + printable_key(name) + " in " + table_name +
                             " (known keys: " + std::string(kKnownRedisKeys) + ")");
  }
  return Status::ok();
}

Result<StoreConfig> parse_store(const ErrorPlace& place, std::string_view base_dir,
                                const toml::key& key, const toml::node& node) {
  const std::string table_name = "[key_value_store." + std::string(key.str()) + "]";
  if (Status label = check_label(key.str()); !label.is_ok()) {
    return place.invalid(key.source(), label.message());
  }
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return place.invalid(key.source(), "key_value_store." + std::string(key.str()) +
                                           " must be a table, not " + std::string(type_name(node)));
  }
  // The type first: a table of a type this build refuses (redis with its `url`) should be told
  // so, not that `url` is unknown.
  LOGKV_RETURN_IF_ERROR(check_type(place, table_name, key, *table));

  StoreConfig store;
  store.label = std::string(key.str());
  if (*table->get("type")->value<std::string>() == kStoreTypeRedis) {
    store.type = std::string(kStoreTypeRedis);
    for (const auto& [entry_key, value] : in_source_order(*table)) {
      if (entry_key->str() == "type") continue;
      LOGKV_RETURN_IF_ERROR(parse_redis_entry(place, table_name, *entry_key, *value, store));
    }
    if (store.url.empty()) {
      return place.invalid(key.source(), table_name +
                                             " has no 'url'; a redis store needs one, e.g. "
                                             "url = \"redis://127.0.0.1:6379\"");
    }
    return store;
  }
  for (const auto& [entry_key, value] : in_source_order(*table)) {
    const std::string_view name = entry_key->str();
    if (name == "type") {
      store.type = *value->value<std::string>();
    } else if (name == "path") {
      Result<std::string> path = read_string(place, name, *value);
      if (!path.is_ok()) return path.status();
      if (path->empty() || path->find('\0') != std::string::npos) {
        return place.invalid(value->source(),
                             "'path' must name a folder (omit it for an in-memory store)");
      }
      store.path = resolve_path(base_dir, *path);
    } else if (name == "max_key_bytes") {
      Result<size_t> n = read_count(place, name, *value, kKeyBytesCeiling);
      if (!n.is_ok()) return n.status();
      store.options.limits.key_bytes_max = *n;
    } else if (name == "max_value_bytes") {
      Result<size_t> n = read_count(place, name, *value, kValueBytesCeiling);
      if (!n.is_ok()) return n.status();
      store.options.limits.value_bytes_max = *n;
    } else if (name == "max_keys") {
      Result<size_t> n = read_count(place, name, *value, INT64_MAX);
      if (!n.is_ok()) return n.status();
      store.options.limits.keys_max = *n;
    } else if (name == "sync") {
      Result<std::string> mode = read_string(place, name, *value);
      if (!mode.is_ok()) return mode.status();
      if (*mode == "always") {
        store.options.sync_mode = SyncMode::kAlways;
      } else if (*mode == "interval") {
        store.options.sync_mode = SyncMode::kInterval;
      } else if (*mode == "never") {
        store.options.sync_mode = SyncMode::kNever;
      } else {
        return place.invalid(value->source(), "'sync' is " + printable_key(*mode) +
                                                  "; it must be \"always\", \"interval\" or "
                                                  "\"never\"");
      }
    } else {
      return place.invalid(entry_key->source(),
                           "unknown key " + printable_key(name) + " in " + table_name +
                               " (known keys: " + std::string(kKnownKeys) + ")");
    }
  }
  // Each limit is in range on its own; together they must fit the in-memory index.
  if (Status options = check_options(store.options); !options.is_ok()) {
    return place.invalid(
        key.source(), "the limits of " + table_name + " do not fit together: " + options.message());
  }
  return store;
}

}  // namespace

Result<RuntimeConfig> RuntimeConfig::parse(std::string_view text, std::string_view base_dir,
                                           std::string_view source) {
  const ErrorPlace place(source);
  toml::table document;
#if TOML_EXCEPTIONS
  try {
    document = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    return place.invalid(error.source(), "malformed TOML: " + std::string(error.description()));
  } catch (const std::exception& error) {
    // Only resource exhaustion (std::bad_alloc) is expected here.
    return Status::invalid_argument(std::string(source) + ": cannot parse: " + error.what());
  }
#else
  toml::parse_result parsed = toml::parse(text, source);
  if (!parsed) {
    return place.invalid(parsed.error().source(),
                         "malformed TOML: " + std::string(parsed.error().description()));
  }
  document = std::move(parsed).table();
#endif

  RuntimeConfig config;
  const toml::node* stores = document.get(kStoreTablesKey);
  if (stores == nullptr) return config;
  const toml::table* store_tables = stores->as_table();
  if (store_tables == nullptr) {
    return place.invalid(stores->source(),
                         "'key_value_store' must hold tables [key_value_store.<label>], not " +
                             std::string(type_name(*stores)));
  }
  // TOML itself refuses a table defined twice, so labels are unique here.
  for (const auto& [key, node] : in_source_order(*store_tables)) {
    Result<StoreConfig> store = parse_store(place, base_dir, *key, *node);
    if (!store.is_ok()) return store.status();
    config.stores_.push_back(std::move(store).value());
  }
  return config;
}

Result<RuntimeConfig> RuntimeConfig::load(const std::string& path) {
  const std::shared_ptr<FileSystem> fs = posix_file_system();
  Result<uint64_t> size = fs->file_size(path);
  if (!size.is_ok()) return size.status().with_context("cannot read runtime config");
  if (*size > kConfigBytesMax) {
    return Status::invalid_argument(path + ": a runtime config is at most " +
                                    std::to_string(kConfigBytesMax) + " bytes; this file holds " +
                                    std::to_string(*size));
  }
  Result<std::unique_ptr<RandomAccessFile>> file = fs->open_random_access(path);
  if (!file.is_ok()) return file.status().with_context("cannot read runtime config");
  std::string text(static_cast<size_t>(*size), '\0');
  Result<std::string_view> bytes = (*file)->read(0, text.size(), text.data());
  if (!bytes.is_ok()) return bytes.status().with_context("cannot read runtime config");
  text.assign(bytes->data(), bytes->size());

  // The folder of the file, lexically: "rc.toml" -> "" (the working folder, as the path itself
  // is relative to it), "/rc.toml" -> "/".
  const size_t slash = path.rfind('/');
  const std::string base_dir = slash == std::string::npos ? ""
                               : slash == 0               ? "/"
                                                          : path.substr(0, slash);
  return parse(text, base_dir, path);
}

const StoreConfig* RuntimeConfig::find(std::string_view label) const {
  for (const StoreConfig& store : stores_) {
    if (store.label == label) return &store;
  }
  return nullptr;
}

void RuntimeConfig::put(StoreConfig store) {
  for (StoreConfig& existing : stores_) {
    if (existing.label == store.label) {
      existing = std::move(store);
      return;
    }
  }
  stores_.push_back(std::move(store));
}

}  // namespace logkv
