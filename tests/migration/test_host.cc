#include "tests/migration/test_host.h"

#include <set>
#include <utility>

namespace logkv::testing {
namespace {

class TestComponentStores final : public ComponentStores {
 public:
  TestComponentStores(TestHost& host, std::vector<std::string> granted)
      : host_(host), granted_(granted.begin(), granted.end()) {}

  Result<StoreHandle> open(std::string_view label) override {
    if (!granted_.contains(std::string(label))) return Status::access_denied("not granted");
    if (host_.store_config(label) == nullptr) return Status::no_such_store("not configured");
    Result<std::shared_ptr<Store>> store = host_.shared_store(label);
    if (!store.is_ok()) return store.status();
    std::lock_guard lock(mutex_);
    const StoreHandle handle = next_handle_++;
    handles_[handle] = std::move(*store);
    return handle;
  }

  Status close(StoreHandle handle) override {
    std::lock_guard lock(mutex_);
    if (handles_.erase(handle) == 0) return Status::invalid_store("no such handle");
    return Status::ok();
  }

  Result<std::shared_ptr<Store>> store(StoreHandle handle) override {
    std::lock_guard lock(mutex_);
    const auto found = handles_.find(handle);
    if (found == handles_.end()) return Status::invalid_store("no such handle");
    return found->second;
  }

  size_t open_handles() const override {
    std::lock_guard lock(mutex_);
    return handles_.size();
  }

 private:
  TestHost& host_;
  const std::set<std::string> granted_;
  mutable std::mutex mutex_;
  std::map<StoreHandle, std::shared_ptr<Store>> handles_;
  StoreHandle next_handle_ = 1;
};

}  // namespace

StoreConfig store_config_for(std::string label, std::string path) {
  StoreConfig config;
  config.label = std::move(label);
  config.type = std::string(kStoreTypeSpin);
  config.path = std::move(path);
  return config;
}

TestHost::TestHost(std::vector<StoreConfig> stores) {
  for (StoreConfig& config : stores) {
    std::string label = config.label;
    configs_.emplace(std::move(label), std::move(config));
  }
}

std::vector<std::string> TestHost::labels() const {
  std::vector<std::string> labels;
  for (const auto& [label, config] : configs_) labels.push_back(label);
  return labels;
}

const StoreConfig* TestHost::store_config(std::string_view label) const {
  const auto found = configs_.find(label);
  return found == configs_.end() ? nullptr : &found->second;
}

Result<std::unique_ptr<ComponentStores>> TestHost::instantiate(
    const std::vector<std::string>& granted_labels) {
  return std::unique_ptr<ComponentStores>(
      std::make_unique<TestComponentStores>(*this, granted_labels));
}

Result<std::shared_ptr<Store>> TestHost::shared_store(std::string_view label) {
  const StoreConfig* config = store_config(label);
  if (config == nullptr) return Status::no_such_store("not configured");
  std::lock_guard lock(mutex_);
  if (config->path.empty()) {
    if (const auto found = in_memory_.find(label); found != in_memory_.end()) return found->second;
  } else if (const auto found = on_disk_.find(label); found != on_disk_.end()) {
    if (std::shared_ptr<Store> store = found->second.lock()) return store;
  }
  Options options = config->options;
  options.in_memory = config->path.empty();
  Result<std::unique_ptr<Store>> opened =
      Store::open(options.in_memory ? "memory/" + config->label : config->path, options);
  if (!opened.is_ok()) return opened.status();
  std::shared_ptr<Store> store = std::move(*opened);
  if (options.in_memory) {
    in_memory_[config->label] = store;
  } else {
    on_disk_[config->label] = store;
  }
  return store;
}

}  // namespace logkv::testing
