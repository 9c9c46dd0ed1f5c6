#include "host/component_stores.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "logkv/key_text.h"

namespace logkv {

ComponentStoresImpl::ComponentStoresImpl(std::shared_ptr<StoreRegistry> registry,
                                         std::shared_ptr<HandleIssuer> issuer, size_t capacity,
                                         std::vector<std::string> granted_labels)
    : registry_(std::move(registry)),
      issuer_(std::move(issuer)),
      capacity_(capacity),
      granted_([&granted_labels] {
        std::sort(granted_labels.begin(), granted_labels.end());
        granted_labels.erase(std::unique(granted_labels.begin(), granted_labels.end()),
                             granted_labels.end());
        return std::move(granted_labels);
      }()) {}

// The table's Store pointers go with it; each on-disk Store closes here unless another handle
// or a lent pointer still holds it.
ComponentStoresImpl::~ComponentStoresImpl() = default;

bool ComponentStoresImpl::is_granted(std::string_view label) const {
  return std::binary_search(granted_.begin(), granted_.end(), label);
}

Status ComponentStoresImpl::not_open(StoreHandle handle) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", handle);
  return Status::invalid_store("store handle " + std::string(text) +
                               " is not open in this component (never issued to it, or closed)");
}

Result<StoreHandle> ComponentStoresImpl::open(std::string_view label) {
  // Access first, so that a component learns nothing about labels it was not granted.
  if (!is_granted(label)) {
    return Status::access_denied("label " + printable_key(label) +
                                 " is not granted to this component");
  }
  if (registry_->find(label) == nullptr) {
    return Status::no_such_store("label " + printable_key(label) +
                                 " is granted but no store is configured for it; add "
                                 "[key_value_store." +
                                 std::string(label) + "] to the runtime config");
  }
  {
    std::lock_guard lock(mu_);
    if (table_.size() + opens_running_ >= capacity_) {
      return Status::store_table_full(
          "this component has " + std::to_string(table_.size() + opens_running_) +
          " stores open, the capacity of its store table (HostOptions::store_table_capacity); "
          "close one first");
    }
    ++opens_running_;
  }

  Result<std::shared_ptr<Store>> store = registry_->acquire(label);

  std::lock_guard lock(mu_);
  --opens_running_;
  if (!store.is_ok()) return store.status();
  StoreHandle handle = issuer_->next();
  // Only after 2^32 opens of the host can a serial come round to a handle still open here.
  while (table_.contains(handle)) handle = issuer_->next();
  table_.emplace(handle, std::move(store).value());
  return handle;
}

Status ComponentStoresImpl::close(StoreHandle handle) {
  std::shared_ptr<Store> store;
  {
    std::lock_guard lock(mu_);
    const auto found = table_.find(handle);
    if (found == table_.end()) return not_open(handle);
    store = std::move(found->second);
    table_.erase(found);
  }
  // Dropped here, outside the lock: if it was the last pointer, the Store closes now (a sync),
  // and other threads of this component need not wait for that.
  store.reset();
  return Status::ok();
}

Result<std::shared_ptr<Store>> ComponentStoresImpl::store(StoreHandle handle) {
  std::lock_guard lock(mu_);
  const auto found = table_.find(handle);
  if (found == table_.end()) return not_open(handle);
  return found->second;
}

size_t ComponentStoresImpl::open_handles() const {
  std::lock_guard lock(mu_);
  return table_.size();
}

}  // namespace logkv
