#include "host/host_impl.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include "fs/file_system.h"
#include "host/auto_migration.h"
#include "host/component_stores.h"

namespace logkv {
namespace {

std::string default_store_line(const StoreConfig& store) {
  // Not the url itself: it may hold a password.
  if (store.type == kStoreTypeRedis) return "Storing default key-value data to Redis";
  if (store.path.empty()) return "Storing default key-value data to memory";
  return "Storing default key-value data to \"" + store.path + "\"";
}

// A key that differs between hosts, so that one host's handles are not another's
// (host/handle_issuer.h). Not a secret: handles are checked against the table, never trusted.
uint32_t handle_key(const void* host) {
  const auto now =
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  const uint64_t mixed = now ^ reinterpret_cast<uintptr_t>(host);
  return HandleIssuer::scramble(static_cast<uint32_t>(mixed ^ (mixed >> 32)));
}

}  // namespace

StoreConfig default_store_config(std::string_view state_dir) {
  StoreConfig store;
  store.label = std::string(kDefaultStoreLabel);
  store.type = std::string(kStoreTypeSpin);
  // Spin does the same with its SQLite file: under the state folder, or in memory without one.
  if (!state_dir.empty()) store.path = join_path(state_dir, kDefaultStoreSubfolder);
  return store;
}

Result<std::unique_ptr<Host>> Host::open(RuntimeConfig config, HostOptions options) {
  return HostImpl::open(std::move(config), std::move(options));
}

Result<std::unique_ptr<Host>> HostImpl::open(RuntimeConfig config, HostOptions options) {
  if (options.store_table_capacity == 0 || options.store_table_capacity > kStoreTableCapacityMax) {
    return Status::invalid_argument("HostOptions::store_table_capacity is " +
                                    std::to_string(options.store_table_capacity) +
                                    "; it must be 1 to " + std::to_string(kStoreTableCapacityMax));
  }
  std::vector<StoreConfig> stores = config.stores();
  if (config.find(kDefaultStoreLabel) == nullptr)
    stores.push_back(default_store_config(options.state_dir));
  for (StoreConfig& store : stores) store.options.lock_wait_ms = options.lock_wait_ms;
  // Before any component can open a store: a label whose data is still in Spin's database would
  // otherwise be served empty.
  Result<std::vector<std::string>> migrated = options.migrate_spin_sqlite
                                                  ? migrate_spin_sqlite(stores, options.state_dir)
                                                  : std::vector<std::string>{};
  if (!migrated.is_ok()) return migrated.status();
  auto host = std::unique_ptr<HostImpl>(new HostImpl(stores, options));
  host->migration_messages_ = std::move(migrated).value();
  return std::unique_ptr<Host>(std::move(host));
}

HostImpl::HostImpl(const std::vector<StoreConfig>& stores, const HostOptions& options)
    : options_(options),
      registry_(std::make_shared<StoreRegistry>(stores)),
      issuer_(std::make_shared<HandleIssuer>(handle_key(this))),
      default_store_message_(default_store_line(*registry_->find(kDefaultStoreLabel))) {}

Result<std::unique_ptr<ComponentStores>> HostImpl::instantiate(
    const std::vector<std::string>& granted_labels) {
  for (const std::string& label : granted_labels) {
    if (Status valid = check_label(label); !valid.is_ok()) {
      return valid.with_context("cannot grant a label to a component");
    }
  }
  return std::unique_ptr<ComponentStores>(std::make_unique<ComponentStoresImpl>(
      registry_, issuer_, options_.store_table_capacity, granted_labels));
}

}  // namespace logkv
