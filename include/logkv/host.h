// The Spin-style host: named stores from a runtime config, component grants, a bounded table of
// open stores per component instance, and Spin's errors (docs/HOST.md).
//
// A host serves labels. `default` always exists (at <state_dir>/logkv/default/, or in memory
// when the state folder is empty) unless the runtime config defines it; every other label comes
// from a `[key_value_store.<label>]` table of the config. A component instance is created with
// the labels granted to it and opens stores by label; each open store is a handle in the
// instance's table. Several handles to one label, in one instance or in several, share one
// open Store; an on-disk store closes when its last handle (and the last pointer borrowed from
// a handle) is gone. An in-memory store lives as long as the host, as in Spin.
//
// Errors are Spin's variants, as StatusCode values:
//   kStoreTableFull  the instance's table holds HostOptions::store_table_capacity handles
//   kNoSuchStore     the label is granted but no store is configured for it
//   kAccessDenied    the label is not granted to this instance (whether or not it exists)
//   kInvalidStore    a handle that was never issued, was closed, or belongs to another instance
//   anything else    Spin's `other(text)`: the Status message is the text
// (Spin's v1 `no-such-key` is a get of a missing key: get() returns an empty optional.)
//
// Thread-safety: a Host and its ComponentStores may be used from many threads at once. A Host
// must outlive the ComponentStores it made.
#ifndef LOGKV_HOST_H_
#define LOGKV_HOST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/export.h"
#include "logkv/options.h"
#include "logkv/status.h"
#include "logkv/store.h"

namespace logkv {

// ok, or kInvalidArgument stating the rule: a label is 1 to 64 characters of lower-case ASCII
// letters and digits in words joined by single '-' (kebab-case) or single '_' (snake_case), not
// both, starting with a letter ("default", "user-sessions", "cache_v2"). So a label can never
// name a path ("..", "a/b") or anything outside the folders the config names.
LOGKV_EXPORT Status check_label(std::string_view label);

// The store types a runtime config may name. "spin" and "logkv" are this engine; "redis" is a
// Redis server (docs/HOST.md, "Redis stores"), refused as not supported by a build without
// hiredis; "azure_cosmos" and "aws_dynamo" are Spin's other types, recognised and refused as not
// supported.
inline constexpr std::string_view kStoreTypeSpin = "spin";
inline constexpr std::string_view kStoreTypeLogkv = "logkv";
inline constexpr std::string_view kStoreTypeRedis = "redis";

// One `[key_value_store.<label>]` table of a runtime config.
struct StoreConfig {
  std::string label;
  std::string type;  // "spin", "logkv" or "redis"
  // The store folder, with a relative `path` resolved against the config file's folder; empty
  // for an in-memory store (no `path` in the table) and for a Redis store.
  std::string path;
  // Limits and sync mode from the table; everything else the defaults. in_memory stays false
  // here: the host sets it for a store without a path. A Redis store uses only the key and
  // value limits.
  Options options;

  // type "redis" only. The server: redis://[[user]:password@]host[:port][/db] or
  // unix://[[user]:password@]/path[?db=N]. Holds a password: never print it.
  std::string url;
  // Prepended to every key in Redis; empty (the default) stores the keys as Spin does.
  std::string key_prefix;
  // Longest wait for a connection and for each command's reply.
  uint32_t timeout_ms = 5000;
  // Idle connections to the server kept for reuse.
  size_t pool_size = 4;
};

// A parsed runtime config (TOML). Parsing reads nothing but the text and creates nothing.
class LOGKV_EXPORT RuntimeConfig {
 public:
  // An empty config: only the default store.
  RuntimeConfig() = default;

  // Parses `text`. Relative paths resolve against `base_dir`; `source` names the text in
  // messages (a file name). kInvalidArgument naming line and column for malformed TOML, the key
  // and line for an unknown key or a bad value, the rule for a bad label; kNotSupported for a
  // type this build does not support; an unknown type lists the known ones.
  static Result<RuntimeConfig> parse(std::string_view text, std::string_view base_dir,
                                     std::string_view source = "runtime config");
  // Reads and parses the file `path` (relative paths resolve against its folder). kNotFound
  // when it does not exist.
  static Result<RuntimeConfig> load(const std::string& path);

  const std::vector<StoreConfig>& stores() const { return stores_; }
  const StoreConfig* find(std::string_view label) const;
  // Adds the table of `store.label`, or replaces it (for a tool that takes a store's settings
  // on its command line). The label must pass check_label; the caller checks.
  void put(StoreConfig store);

 private:
  std::vector<StoreConfig> stores_;
};

struct HostOptions {
  // Where the default store lives (<state_dir>/logkv/default/) and where Spin's SQLite database
  // (<state_dir>/sqlite_key_value.db) is looked for. Empty: the default store is in memory and
  // nothing is migrated.
  std::string state_dir = ".spin";
  // Most handles one component instance may hold open at once: 1 to 65,536.
  size_t store_table_capacity = 256;
  // Options::lock_wait_ms of every on-disk store the host opens: how long an open waits for
  // another process that holds the store.
  uint32_t lock_wait_ms = 0;
  // Import, at open, each label whose store folder does not exist yet from Spin's database in
  // the state folder (docs/HOST.md, "Migration"). Off for a caller that imports explicitly.
  bool migrate_spin_sqlite = true;
};

// The `default` store a host serves when the runtime config does not define it: on disk at
// <state_dir>/logkv/default, or in memory when `state_dir` is empty.
LOGKV_EXPORT StoreConfig default_store_config(std::string_view state_dir);

// A handle in a component instance's store table. 0 is never issued, and a value is issued at
// most once in 2^32 opens of a host: a closed handle or one of another instance is kInvalidStore,
// and no value, forged or guessed, reaches a store the instance did not open itself (docs/HOST.md,
// "Store table and handles").
using StoreHandle = uint32_t;

class Host;

// One component instance: the labels granted to it and its table of open stores.
class LOGKV_EXPORT ComponentStores {
 public:
  virtual ~ComponentStores() = default;

  // Opens the store of `label`: kAccessDenied when not granted, kNoSuchStore when granted but
  // not configured, kStoreTableFull when the table is full; the store's own error (as
  // `other`) when it cannot be opened.
  virtual Result<StoreHandle> open(std::string_view label) = 0;
  // Closes the handle: kInvalidStore when it is not open in this instance.
  virtual Status close(StoreHandle handle) = 0;
  // The store behind an open handle, for every store operation (include/logkv/store.h);
  // kInvalidStore when the handle is not open in this instance. The pointer keeps the store
  // open after the handle is closed, until it is dropped.
  virtual Result<std::shared_ptr<Store>> store(StoreHandle handle) = 0;
  // Handles open now.
  virtual size_t open_handles() const = 0;
};

class LOGKV_EXPORT Host {
 public:
  virtual ~Host() = default;

  // Opens a host for `config`. Creates nothing until a store is opened, except that a label
  // whose on-disk store does not exist yet, while <state_dir>/sqlite_key_value.db holds rows of
  // that label, is migrated from it first (docs/HOST.md, "Migration"). kInvalidArgument for bad
  // options.
  static Result<std::unique_ptr<Host>> open(RuntimeConfig config, HostOptions options = {});

  // The line Spin logs for the default store: `Storing default key-value data to "<path>"`, the
  // store folder as the host got it, or `Storing default key-value data to memory` for an
  // in-memory default store. The host prints nothing itself.
  virtual const std::string& default_store_message() const = 0;
  // One line per label migrated from Spin's SQLite database when the host opened.
  virtual const std::vector<std::string>& migration_messages() const = 0;
  // Every label the host serves, sorted.
  virtual std::vector<std::string> labels() const = 0;
  // The configuration of `label` (the default store's included); nullptr when not served.
  virtual const StoreConfig* store_config(std::string_view label) const = 0;

  // A new component instance granted `granted_labels`. kInvalidArgument when one breaks the
  // label rule (check_label).
  virtual Result<std::unique_ptr<ComponentStores>> instantiate(
      const std::vector<std::string>& granted_labels) = 0;
};

}  // namespace logkv

#endif  // LOGKV_HOST_H_
