// TestHost: a test double of logkv::Host for the migration tests only.
//
// The real host (host/, runtime config, grants, store tables) is another piece of work; the
// migration functions need only the Host interface: store_config(label), labels() and
// instantiate(). TestHost serves a fixed list of StoreConfigs: every label is granted to every
// instance, a store is opened with Store::open on first use and shared by all handles of its
// label (an on-disk store closes with its last handle; an in-memory one lives as long as the
// TestHost, as in Spin). No table bound, no default store.
#ifndef LOGKV_TESTS_MIGRATION_TEST_HOST_H_
#define LOGKV_TESTS_MIGRATION_TEST_HOST_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/host.h"

namespace logkv::testing {

// A "spin" store of `label` in folder `path` (empty: in memory) with default options.
StoreConfig store_config_for(std::string label, std::string path);

class TestHost final : public Host {
 public:
  explicit TestHost(std::vector<StoreConfig> stores);

  const std::string& default_store_message() const override { return no_message_; }
  const std::vector<std::string>& migration_messages() const override { return no_messages_; }
  std::vector<std::string> labels() const override;
  const StoreConfig* store_config(std::string_view label) const override;
  Result<std::unique_ptr<ComponentStores>> instantiate(
      const std::vector<std::string>& granted_labels) override;

  // The shared open store of a configured label, opened now if needed.
  Result<std::shared_ptr<Store>> shared_store(std::string_view label);

 private:
  std::map<std::string, StoreConfig, std::less<>> configs_;
  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<Store>, std::less<>> on_disk_;      // guarded by mutex_
  std::map<std::string, std::shared_ptr<Store>, std::less<>> in_memory_;  // guarded by mutex_
  const std::string no_message_;
  const std::vector<std::string> no_messages_;
};

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_MIGRATION_TEST_HOST_H_
