#include "host/store_registry.h"

#include <condition_variable>
#include <mutex>
#include <utility>

#include "logkv/key_text.h"
#ifdef LOGKV_HAVE_REDIS
#include "redis/redis_store.h"
#endif

namespace logkv {
namespace {

// The Store behind `config`: an embedded one (on disk, or in memory when `in_memory`) or, for
// type "redis", a connection pool to the server the url names.
Result<std::unique_ptr<Store>> open_configured_store(const StoreConfig& config, bool in_memory) {
  if (config.type == kStoreTypeRedis) {
#ifdef LOGKV_HAVE_REDIS
    RedisStoreOptions redis;
    redis.url = config.url;
    redis.key_prefix = config.key_prefix;
    redis.timeout_ms = config.timeout_ms;
    redis.pool_size = config.pool_size;
    redis.limits = config.options.limits;
    redis.result_bytes_max = config.options.result_bytes_max;
    return open_redis_store(redis);
#else
    return Status::not_supported(
        "type 'redis' is not supported by this build: it was built without hiredis (install "
        "libhiredis-dev and set up the build again)");
#endif
  }
  Options options = config.options;
  // An in-memory Store's path is only its name (include/logkv/options.h).
  options.in_memory = in_memory;
  return Store::open(in_memory ? std::string_view(config.label) : config.path, options);
}

}  // namespace

struct StoreRegistry::Entry {
  explicit Entry(StoreConfig store_config) : config(std::move(store_config)) {}

  const StoreConfig config;

  std::mutex mu;
  // Signalled when `opening` or `live` turns false.
  std::condition_variable changed;
  // The on-disk Store, while anybody holds it.
  std::weak_ptr<Store> open;  // guarded by mu
  // The in-memory Store, held for the registry's life once opened.
  std::shared_ptr<Store> pinned;  // guarded by mu
  // A thread is in Store::open for this label; others wait for its result.
  bool opening = false;  // guarded by mu
  // An on-disk Store object exists. It stays true after `open` expires until the Store's
  // deleter has closed it: between the two, the folder's lock is still held.
  bool live = false;  // guarded by mu
};

StoreRegistry::StoreRegistry(const std::vector<StoreConfig>& stores) {
  for (const StoreConfig& store : stores) {
    entries_.emplace(store.label, std::make_shared<Entry>(store));
  }
}

// In-memory Stores held in `pinned` close here unless a lent pointer still holds them; on-disk
// ones close with their last pointer, wherever it is.
StoreRegistry::~StoreRegistry() = default;

const StoreConfig* StoreRegistry::find(std::string_view label) const {
  const auto found = entries_.find(label);
  return found == entries_.end() ? nullptr : &found->second->config;
}

std::vector<std::string> StoreRegistry::labels() const {
  std::vector<std::string> labels;
  labels.reserve(entries_.size());
  for (const auto& [label, entry] : entries_) labels.push_back(label);
  return labels;
}

Result<std::shared_ptr<Store>> StoreRegistry::acquire(std::string_view label) {
  const auto found = entries_.find(label);
  if (found == entries_.end()) {
    return Status::no_such_store("no store is configured for label " + printable_key(label));
  }
  const std::shared_ptr<Entry>& entry = found->second;
  const StoreConfig& config = entry->config;
  // A Redis store is held like an in-memory one, for the registry's life: it holds no folder
  // lock that another open would need, only idle connections.
  const bool in_memory = config.path.empty();

  std::unique_lock lock(entry->mu);
  for (;;) {
    if (entry->pinned != nullptr) return entry->pinned;
    if (std::shared_ptr<Store> store = entry->open.lock()) return store;
    if (!entry->opening && !entry->live) break;
    entry->changed.wait(lock);
  }
  entry->opening = true;
  lock.unlock();

  Result<std::unique_ptr<Store>> opened = open_configured_store(config, in_memory);

  std::shared_ptr<Store> store;
  if (opened.is_ok() && in_memory) {
    store = std::shared_ptr<Store>(std::move(opened).value());
  } else if (opened.is_ok()) {
    // The deleter may run after the registry is gone, and it must not own the entry: the entry
    // holds a weak_ptr to this very control block, whose deleter lives as long as that weak_ptr,
    // so a strong capture would keep both alive for ever (LeakSanitizer found it). With the
    // registry gone nobody waits for the close, so there is nobody to tell.
    store = std::shared_ptr<Store>(opened->release(),
                                   [weak_entry = std::weak_ptr<Entry>(entry)](Store* closing) {
                                     // Nobody is left to hear a close error; the next open recovers
                                     // whatever it left.
                                     (void)closing->close();
                                     delete closing;
                                     if (std::shared_ptr<Entry> closed_entry = weak_entry.lock()) {
                                       std::lock_guard closed(closed_entry->mu);
                                       closed_entry->live = false;
                                       closed_entry->changed.notify_all();
                                     }
                                   });
  }

  lock.lock();
  entry->opening = false;
  entry->changed.notify_all();
  if (store == nullptr) {
    return opened.status().with_context("store of label " + printable_key(config.label));
  }
  if (in_memory) {
    entry->pinned = store;
  } else {
    entry->open = store;
    entry->live = true;
  }
  return store;
}

}  // namespace logkv
