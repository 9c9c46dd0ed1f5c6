// HostImpl: the Host of logkv/host.h. It turns a RuntimeConfig and HostOptions into the stores
// it serves (adding the default store), and makes component instances that open them.
//
// What the host owns is shared with the instances it made (StoreRegistry, HandleIssuer), so an
// instance used after its host is gone still works on the stores it holds rather than crashing;
// the contract in logkv/host.h still asks for the host to outlive them.
//
// Thread-safety: immutable after open() except for what StoreRegistry and HandleIssuer guard
// themselves; every method may be called from many threads at once.
#ifndef LOGKV_HOST_HOST_IMPL_H_
#define LOGKV_HOST_HOST_IMPL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/handle_issuer.h"
#include "host/store_registry.h"
#include "logkv/host.h"

namespace logkv {

// The folder of the default store under a state folder: <state_dir>/logkv/default.
inline constexpr std::string_view kDefaultStoreLabel = "default";
inline constexpr std::string_view kDefaultStoreSubfolder = "logkv/default";
// HostOptions::store_table_capacity may be 1 to this.
inline constexpr size_t kStoreTableCapacityMax = 65536;

class HostImpl final : public Host {
 public:
  // As Host::open.
  static Result<std::unique_ptr<Host>> open(RuntimeConfig config, HostOptions options);

  const std::string& default_store_message() const override { return default_store_message_; }
  const std::vector<std::string>& migration_messages() const override {
    return migration_messages_;
  }
  std::vector<std::string> labels() const override { return registry_->labels(); }
  const StoreConfig* store_config(std::string_view label) const override {
    return registry_->find(label);
  }
  Result<std::unique_ptr<ComponentStores>> instantiate(
      const std::vector<std::string>& granted_labels) override;

 private:
  HostImpl(const std::vector<StoreConfig>& stores, const HostOptions& options);

  const HostOptions options_;
  const std::shared_ptr<StoreRegistry> registry_;
  const std::shared_ptr<HandleIssuer> issuer_;
  std::string default_store_message_;
  // Filled by the migration from Spin's SQLite database (include/logkv/sqlite_migration.h) once
  // Host::open runs it; empty until then.
  std::vector<std::string> migration_messages_;
};

}  // namespace logkv

#endif  // LOGKV_HOST_HOST_IMPL_H_
