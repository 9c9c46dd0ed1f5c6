// ComponentStoresImpl: one component instance's grants and its bounded table of open stores
// (logkv/host.h, ComponentStores).
//
// The table maps each open handle to the label's shared Store (host/store_registry.h) and holds
// at most `capacity` entries; opens still running count against the capacity too, so that
// concurrent opens can never overfill it. Handle values come from the host's HandleIssuer
// (host/handle_issuer.h): a value this table does not hold is kInvalidStore, whatever it is.
//
// Thread-safety: every method may be called from many threads at once. One mutex guards the
// table; it is never held while a Store opens (StoreRegistry::acquire) or closes (a Store
// pointer is dropped only after the mutex is released). Lock order: this mutex, then a label's
// mutex in the registry (docs/HOST.md, "Thread-safety").
#ifndef LOGKV_HOST_COMPONENT_STORES_H_
#define LOGKV_HOST_COMPONENT_STORES_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "host/handle_issuer.h"
#include "host/store_registry.h"
#include "logkv/host.h"

namespace logkv {

class ComponentStoresImpl final : public ComponentStores {
 public:
  // `granted_labels` must be valid labels (check_label). `registry` and `issuer` are the host's;
  // holding them here keeps the instance safe to use even if the host is destroyed first.
  ComponentStoresImpl(std::shared_ptr<StoreRegistry> registry, std::shared_ptr<HandleIssuer> issuer,
                      size_t capacity, std::vector<std::string> granted_labels);
  ~ComponentStoresImpl() override;

  Result<StoreHandle> open(std::string_view label) override;
  Status close(StoreHandle handle) override;
  Result<std::shared_ptr<Store>> store(StoreHandle handle) override;
  size_t open_handles() const override;

 private:
  bool is_granted(std::string_view label) const;
  static Status not_open(StoreHandle handle);

  const std::shared_ptr<StoreRegistry> registry_;
  const std::shared_ptr<HandleIssuer> issuer_;
  const size_t capacity_;
  const std::vector<std::string> granted_;  // sorted, without duplicates

  mutable std::mutex mu_;
  std::unordered_map<StoreHandle, std::shared_ptr<Store>> table_;  // guarded by mu_
  // Seats taken by opens that are waiting for their Store.
  size_t opens_running_ = 0;  // guarded by mu_
};

}  // namespace logkv

#endif  // LOGKV_HOST_COMPONENT_STORES_H_
