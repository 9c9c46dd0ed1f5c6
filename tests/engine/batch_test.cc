// Atomic write batches: all operations or none, after refusals and after any crash.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"

namespace logkv {
namespace {

using Model = std::map<std::string, std::string>;
using testing::FaultFileSystem;
using testing::OperationKind;

constexpr char kDir[] = "/store";

Model contents(Store& store) { return testing::store_contents(store); }

class BatchTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(std::shared_ptr<FileSystem> fs, const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = open_store(std::move(fs), kDir, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }
  std::shared_ptr<MemFileSystem> mem_ = std::make_shared<MemFileSystem>();
};

TEST_F(BatchTest, AppliesEveryOperationInOrder) {
  auto store = open(mem_);
  ASSERT_TRUE(store->set("old", "x").is_ok());
  WriteBatch batch;
  batch.set("a", "1");
  batch.set("b", "2");
  batch.del("old");
  batch.set("a", "3");  // a later set of the same key wins
  batch.del("never-there");
  ASSERT_TRUE(store->write(batch).is_ok());
  EXPECT_EQ(contents(*store), (Model{{"a", "3"}, {"b", "2"}}));
  store.reset();
  EXPECT_EQ(contents(*open(mem_)), (Model{{"a", "3"}, {"b", "2"}}));
}

TEST_F(BatchTest, EmptyBatchWritesNothing) {
  auto store = open(mem_);
  ASSERT_TRUE(store->write(WriteBatch()).is_ok());
  EXPECT_EQ(store->stats().last_sequence, 0u);
}

TEST_F(BatchTest, InvalidOperationRefusesTheWholeBatch) {
  auto store = open(mem_);
  WriteBatch batch;
  batch.set("fine", "1");
  batch.set(std::string(300, 'k'), "too long a key");
  const Status status = store->write(batch);
  EXPECT_EQ(status.code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store->get("fine").value(), std::nullopt);
  EXPECT_EQ(store->stats().last_sequence, 0u);
}

TEST_F(BatchTest, BatchThatWouldOverfillTheStoreWritesNothing) {
  Options options;
  options.limits.keys_max = 3;
  auto store = open(mem_, options);
  ASSERT_TRUE(store->set("a", "1").is_ok());
  WriteBatch batch;
  batch.set("b", "2");
  batch.set("c", "3");
  batch.set("d", "4");
  const Status status = store->write(batch);
  EXPECT_EQ(status.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(status.message().find("'d'"), std::string::npos) << status.message();
  EXPECT_EQ(contents(*store), (Model{{"a", "1"}}));

  WriteBatch fits;  // deletes earlier in a batch make room for later sets
  fits.del("a");
  fits.set("b", "2");
  fits.set("c", "3");
  fits.set("d", "4");
  EXPECT_TRUE(store->write(fits).is_ok());
  EXPECT_EQ(store->stats().keys, 3u);
}

// A batch spans many 512-byte sectors. Power fails before its sync, and the random power-loss
// model keeps, drops or garbles each unsynced sector: recovery must show all or none of it.
TEST_F(BatchTest, BatchIsAllOrNothingAfterRandomPowerLoss) {
  const uint64_t seed = testing::test_seed();
  int whole = 0;
  int none = 0;
  for (int round = 0; round < 300; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " seed " + std::to_string(seed));
    mem_ = std::make_shared<MemFileSystem>();
    auto faults = std::make_shared<FaultFileSystem>(mem_);
    Model before;
    {
      auto store = open(faults);
      for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(store->set("base" + std::to_string(i), "v").is_ok());
        before["base" + std::to_string(i)] = "v";
      }
      faults->set_hook([&](OperationKind kind, const std::string&) {
        if (kind == OperationKind::kSync)
          mem_->simulate_power_loss(seed + round, PowerLossMode::kRandom);
      });
      WriteBatch batch;
      for (int i = 0; i < 20; ++i)
        batch.set("batch" + std::to_string(i), std::string(300, 'a' + i));
      batch.del("base0");
      EXPECT_FALSE(store->write(batch).is_ok()) << "the sync after the crash must fail";
      faults->set_hook({});
    }
    const Model after = contents(*open(mem_));
    Model all = before;
    all.erase("base0");
    for (int i = 0; i < 20; ++i) all["batch" + std::to_string(i)] = std::string(300, 'a' + i);
    if (after == before) {
      ++none;
    } else {
      ASSERT_EQ(after, all) << "half a batch was applied";
      ++whole;
    }
  }
  std::cout << "batches kept whole: " << whole << ", dropped whole: " << none << std::endl;
  EXPECT_GT(none, 0);
}

// 16 threads write concurrently (group commit); the power fails before the n-th sync, for every
// n. Each thread's acknowledged writes must be present, its in-flight write all or nothing.
TEST_F(BatchTest, GroupCommitUnderSixteenThreadsLosesNothingAcknowledged) {
  constexpr int kThreads = 16;
  constexpr int kOpsPerThread = 6;
  const uint64_t seed = testing::test_seed();
  for (int crash_at = 1; crash_at <= kThreads * kOpsPerThread + 4; ++crash_at) {
    SCOPED_TRACE("crash before sync " + std::to_string(crash_at));
    mem_ = std::make_shared<MemFileSystem>();
    auto faults = std::make_shared<FaultFileSystem>(mem_);
    Options options;
    options.limits.keys_max = 10000;
    std::vector<Model> acknowledged(kThreads);
    std::vector<std::optional<std::pair<std::string, std::string>>> in_flight(kThreads);
    {
      auto store = open(faults, options);
      std::atomic<int> syncs{0};
      faults->set_hook([&](OperationKind kind, const std::string&) {
        if (kind == OperationKind::kSync && ++syncs == crash_at) {
          mem_->simulate_power_loss(seed + crash_at, PowerLossMode::kRandom);
        }
      });
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          for (int op = 0; op < kOpsPerThread; ++op) {
            const std::string key = "t" + std::to_string(t) + "k" + std::to_string(op % 3);
            const std::string value = std::to_string(op) + std::string(100, 'v');
            if (store->set(key, value).is_ok()) {
              acknowledged[t][key] = value;
            } else {
              in_flight[t] = {key, value};
              return;
            }
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
      faults->set_hook({});
    }
    auto store = open(mem_, options);
    ASSERT_NE(store, nullptr);
    const Model recovered = contents(*store);
    for (int t = 0; t < kThreads; ++t) {
      for (int k = 0; k < 3; ++k) {
        const std::string key = "t" + std::to_string(t) + "k" + std::to_string(k);
        auto got = recovered.find(key);
        auto want = acknowledged[t].find(key);
        const bool in_flight_here = in_flight[t] && in_flight[t]->first == key;
        if (got == recovered.end()) {
          EXPECT_TRUE(want == acknowledged[t].end()) << key << ": an acknowledged write was lost";
        } else if (want == acknowledged[t].end() || got->second != want->second) {
          EXPECT_TRUE(in_flight_here && got->second == in_flight[t]->second)
              << key << " holds a value never acknowledged nor in flight";
        }
      }
    }
  }
}

}  // namespace
}  // namespace logkv
