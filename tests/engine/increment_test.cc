// Store::increment: Spin-compatible 8-byte counters, atomic under concurrent writers, with clear
// refusals (wrong length, overflow, full store) that change nothing.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "logkv/store.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

constexpr char kDir[] = "/store";

// The encoding Spin's SQLite backend uses: i64, little-endian, 8 bytes.
std::string counter_bytes(int64_t value) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(static_cast<uint64_t>(value) >> (8 * i));
  return bytes;
}

class IncrementTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = open_store(fs_, kDir, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }
  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

TEST_F(IncrementTest, MissingKeyCountsAsZero) {
  auto store = open();
  Result<int64_t> value = store->increment("hits", 5);
  ASSERT_TRUE(value.is_ok()) << value.status().to_string();
  EXPECT_EQ(*value, 5);
  EXPECT_EQ(store->get("hits").value(), counter_bytes(5));
}

TEST_F(IncrementTest, ZeroDeltaOnMissingKeyStoresZero) {
  auto store = open();
  EXPECT_EQ(store->increment("zero", 0).value(), 0);
  EXPECT_EQ(store->get("zero").value(), counter_bytes(0));
}

TEST_F(IncrementTest, StoresEightBytesLittleEndianLikeSpin) {
  auto store = open();
  EXPECT_EQ(store->increment("c", -2).value(), -2);
  EXPECT_EQ(store->get("c").value(), std::string("\xfe\xff\xff\xff\xff\xff\xff\xff", 8));
  ASSERT_TRUE(store->set("spin", counter_bytes(0x0102030405060708)).is_ok());
  EXPECT_EQ(store->increment("spin", 1).value(), 0x0102030405060709);
}

TEST_F(IncrementTest, CounterSurvivesReopen) {
  {
    auto store = open();
    ASSERT_TRUE(store->increment("c", 40).is_ok());
    ASSERT_TRUE(store->increment("c", 2).is_ok());
  }
  auto store = open();
  EXPECT_EQ(store->increment("c", 0).value(), 42);
}

TEST_F(IncrementTest, ValueThatIsNotEightBytesIsRefusedAndKept) {
  auto store = open();
  ASSERT_TRUE(store->set("name", "abc").is_ok());
  const uint64_t sequence_before = store->stats().last_sequence;
  Result<int64_t> value = store->increment("name", 1);
  ASSERT_FALSE(value.is_ok());
  EXPECT_EQ(value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(value.status().message().find("'name'"), std::string::npos) << value.status().message();
  EXPECT_NE(value.status().message().find("3 bytes"), std::string::npos)
      << value.status().message();
  EXPECT_EQ(store->get("name").value(), "abc");
  EXPECT_EQ(store->stats().last_sequence, sequence_before);
}

TEST_F(IncrementTest, OverflowIsRefusedAndKept) {
  auto store = open();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  ASSERT_EQ(store->increment("high", kMax).value(), kMax);
  Result<int64_t> over = store->increment("high", 1);
  ASSERT_FALSE(over.is_ok());
  EXPECT_EQ(over.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(over.status().message().find("does not fit"), std::string::npos);
  EXPECT_EQ(store->get("high").value(), counter_bytes(kMax));

  ASSERT_EQ(store->increment("low", kMin).value(), kMin);
  EXPECT_EQ(store->increment("low", -1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->get("low").value(), counter_bytes(kMin));
  EXPECT_EQ(store->increment("low", kMax).value(), -1);  // the far end still works
}

TEST_F(IncrementTest, NewCounterInFullStoreIsRefused) {
  Options options;
  options.limits.keys_max = 1;
  auto store = open(options);
  ASSERT_TRUE(store->increment("first", 1).is_ok());
  EXPECT_EQ(store->increment("second", 1).status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store->exists("second").value(), false);
  EXPECT_EQ(store->increment("first", 1).value(), 2) << "an existing counter still counts";
}

TEST_F(IncrementTest, ValueLimitBelowEightBytesRefusesCounters) {
  Options options;
  options.limits.value_bytes_max = 4;
  auto store = open(options);
  EXPECT_EQ(store->increment("c", 1).status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store->exists("c").value(), false);
}

TEST_F(IncrementTest, InvalidKeyIsRefused) {
  auto store = open();
  EXPECT_EQ(store->increment("\xff", 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->increment(std::string(300, 'k'), 1).status().code(), StatusCode::kLimitExceeded);
}

// Eight threads add random deltas to two shared counters through durable group commit: no
// update may be lost, in memory or after reopening.
TEST(IncrementConcurrencyTest, EightThreadsNeverLoseAnUpdate) {
  constexpr int kThreads = 8;
  constexpr int kOpsPerThread = 250;
  const uint64_t seed = testing::test_seed();
  testing::TestDir dir;
  int64_t expected[2] = {0, 0};
  {
    auto store = std::move(Store::open(dir.path())).value();
    std::vector<std::vector<std::pair<int, int64_t>>> plans(kThreads);
    std::mt19937_64 random(seed);
    for (auto& plan : plans) {
      for (int op = 0; op < kOpsPerThread; ++op) {
        const int counter = static_cast<int>(random() % 2);
        const int64_t delta = static_cast<int64_t>(random() % 2001) - 1000;
        plan.emplace_back(counter, delta);
        expected[counter] += delta;
      }
    }
    std::vector<std::string> failures(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (const auto& [counter, delta] : plans[t]) {
          Result<int64_t> value = store->increment(counter == 0 ? "a" : "b", delta);
          if (!value.is_ok()) {
            failures[t] = value.status().to_string();
            return;
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (const std::string& failure : failures) ASSERT_EQ(failure, "");
    EXPECT_EQ(store->increment("a", 0).value(), expected[0]);
    EXPECT_EQ(store->increment("b", 0).value(), expected[1]);
  }
  auto reopened = std::move(Store::open(dir.path())).value();
  EXPECT_EQ(reopened->get("a").value(), counter_bytes(expected[0]));
  EXPECT_EQ(reopened->get("b").value(), counter_bytes(expected[1]));
}

}  // namespace
}  // namespace logkv
