// Many threads opening, using and closing store handles at once (logkv/host.h, thread-safety):
// no open ever meets the lock of a store that is still closing, tables never overfill, and every
// acknowledged write is found afterwards. Randomised: the seed is printed (tests/support/seed.h).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "logkv/host.h"
#include "logkv/store.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

constexpr int kThreads = 8;
constexpr int kIterations = 150;
constexpr size_t kCapacity = 8;  // four threads share an instance and hold up to 3 handles each
const std::vector<std::string> kLabels = {"alpha", "beta", "gamma"};

std::unique_ptr<Host> open_host(const std::string& folder) {
  Result<RuntimeConfig> config = RuntimeConfig::parse(
      "[key_value_store.alpha]\ntype = \"spin\"\npath = \"alpha\"\nmax_keys = 100000\n"
      "[key_value_store.beta]\ntype = \"spin\"\npath = \"beta\"\nsync = \"never\"\n"
      "max_keys = 100000\n"
      "[key_value_store.gamma]\ntype = \"spin\"\nmax_keys = 100000\n",
      folder, "rc.toml");
  EXPECT_TRUE(config.is_ok()) << config.status().to_string();
  Result<std::unique_ptr<Host>> host =
      Host::open(std::move(config).value(), {.state_dir = "", .store_table_capacity = kCapacity});
  EXPECT_TRUE(host.is_ok()) << host.status().to_string();
  return std::move(host).value();
}

struct ThreadTally {
  uint64_t opens = 0;
  uint64_t closes = 0;
  uint64_t table_full = 0;
  uint64_t failures = 0;  // anything unexpected; must stay 0
  std::map<std::string, std::map<std::string, std::string>> written;  // label -> key -> value
};

void run_thread(int id, uint64_t seed, ComponentStores& component, ThreadTally& tally) {
  std::mt19937_64 random(seed + static_cast<uint64_t>(id));
  struct Held {
    StoreHandle handle;
    std::string label;
  };
  std::vector<Held> held;
  for (int i = 0; i < kIterations; ++i) {
    const std::string& label = kLabels[random() % kLabels.size()];
    if (held.size() < 3 && random() % 3 != 0) {
      Result<StoreHandle> handle = component.open(label);
      if (handle.is_ok()) {
        ++tally.opens;
        held.push_back({*handle, label});
        if (component.open_handles() > kCapacity) ++tally.failures;
      } else if (handle.status().code() == StatusCode::kStoreTableFull) {
        ++tally.table_full;
      } else {
        ADD_FAILURE() << "open " << label << ": " << handle.status().to_string();
        ++tally.failures;
      }
    }
    if (held.empty()) continue;
    const Held& use = held[random() % held.size()];
    Result<std::shared_ptr<Store>> store = component.store(use.handle);
    if (!store.is_ok()) {
      ADD_FAILURE() << store.status().to_string();
      ++tally.failures;
      continue;
    }
    const std::string key = "t" + std::to_string(id) + "-" + std::to_string(i);
    const std::string value = std::to_string(random());
    if (Status set = (*store)->set(key, value); set.is_ok()) {
      tally.written[use.label][key] = value;
    } else {
      ADD_FAILURE() << set.to_string();
      ++tally.failures;
    }
    Result<std::optional<std::string>> read = (*store)->get(key);
    if (!read.is_ok() || *read != value) ++tally.failures;
    if (random() % 2 == 0) {
      const size_t which = random() % held.size();
      const StoreHandle handle = held[which].handle;
      held.erase(held.begin() + static_cast<std::ptrdiff_t>(which));
      if (component.close(handle).is_ok()) {
        ++tally.closes;
      } else {
        ++tally.failures;
      }
      // The closed handle is dead at once, whatever other threads do.
      if (component.store(handle).status().code() != StatusCode::kInvalidStore) ++tally.failures;
    }
  }
  for (const Held& h : held) {
    if (component.close(h.handle).is_ok()) ++tally.closes;
  }
}

TEST(HostConcurrencyTest, ThreadsOpenUseAndCloseHandlesOfThreeLabelsInTwoInstances) {
  const uint64_t seed = testing::test_seed();
  testing::TestDir dir;
  std::unique_ptr<Host> host = open_host(dir.path());
  std::vector<std::unique_ptr<ComponentStores>> instances;
  for (int i = 0; i < 2; ++i) instances.push_back(std::move(host->instantiate(kLabels)).value());

  std::vector<ThreadTally> tallies(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(run_thread, t, seed, std::ref(*instances[t % 2]), std::ref(tallies[t]));
  }
  for (std::thread& thread : threads) thread.join();

  std::map<std::string, std::map<std::string, std::string>> expected;
  uint64_t opens = 0;
  uint64_t table_full = 0;
  for (const ThreadTally& tally : tallies) {
    EXPECT_EQ(tally.failures, 0u);
    EXPECT_EQ(tally.opens, tally.closes);
    opens += tally.opens;
    table_full += tally.table_full;
    for (const auto& [label, pairs] : tally.written)
      expected[label].insert(pairs.begin(), pairs.end());
  }
  std::cout << "opens=" << opens << " table_full=" << table_full << std::endl;
  EXPECT_GT(opens, 0u);
  for (const auto& instance : instances) EXPECT_EQ(instance->open_handles(), 0u);

  // Every acknowledged write is there, and nothing else; on-disk stores are reopened for it.
  std::unique_ptr<ComponentStores> reader = std::move(host->instantiate(kLabels)).value();
  for (const std::string& label : kLabels) {
    Result<StoreHandle> handle = reader->open(label);
    ASSERT_TRUE(handle.is_ok()) << handle.status().to_string();
    EXPECT_EQ(testing::store_contents(*reader->store(*handle).value()), expected[label]) << label;
  }
}

TEST(HostConcurrencyTest, ReopenWhileTheLastHandleClosesNeverMeetsTheStoresOwnLock) {
  testing::TestDir dir;
  std::unique_ptr<Host> host = open_host(dir.path());
  constexpr int kOpeners = 4;
  constexpr int kRounds = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kOpeners; ++t) {
    threads.emplace_back([&host, &failures, t] {
      std::unique_ptr<ComponentStores> component = std::move(host->instantiate({"beta"})).value();
      for (int i = 0; i < kRounds; ++i) {
        Result<StoreHandle> handle = component->open("beta");
        if (!handle.is_ok()) {
          ADD_FAILURE() << handle.status().to_string();
          ++failures;
          continue;
        }
        const std::string key = std::to_string(t) + "-" + std::to_string(i);
        if (!component->store(*handle).value()->set(key, "v").is_ok()) ++failures;
        if (!component->close(*handle).is_ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::unique_ptr<ComponentStores> reader = std::move(host->instantiate({"beta"})).value();
  Result<StoreHandle> handle = reader->open("beta");
  ASSERT_TRUE(handle.is_ok()) << handle.status().to_string();
  EXPECT_EQ(testing::store_contents(*reader->store(*handle).value()).size(),
            size_t{kOpeners * kRounds});
}

}  // namespace
}  // namespace logkv
