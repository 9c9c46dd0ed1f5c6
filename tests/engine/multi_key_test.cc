// get_many, set_many and delete_many: answers in request order with none for missing keys,
// atomic batches (after refusals and after any crash), and the result-size cap.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_power_loss.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"

namespace logkv {
namespace {

using Model = std::map<std::string, std::string>;
using Pairs = std::vector<std::pair<std::string_view, std::string_view>>;
using testing::FaultFileSystem;
using testing::OperationKind;

constexpr char kDir[] = "/store";

Model contents(Store& store) { return testing::store_contents(store); }

class MultiKeyTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(std::shared_ptr<FileSystem> fs, const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = open_store(std::move(fs), kDir, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }
  std::shared_ptr<MemFileSystem> mem_ = std::make_shared<MemFileSystem>();
};

TEST_F(MultiKeyTest, GetManyAnswersInRequestOrderWithNoneForMissingKeys) {
  auto store = open(mem_);
  ASSERT_TRUE(store->set("b", "2").is_ok());
  ASSERT_TRUE(store->set("a", "1").is_ok());
  ASSERT_TRUE(store->set("empty", "").is_ok());
  const std::vector<std::string_view> keys = {"missing", "b", "a", "empty", "also-missing", "b"};
  Result<std::vector<std::optional<std::string>>> values = store->get_many(keys);
  ASSERT_TRUE(values.is_ok()) << values.status().to_string();
  const std::vector<std::optional<std::string>> expected = {std::nullopt, "2",          "1",
                                                            "",           std::nullopt, "2"};
  EXPECT_EQ(*values, expected);
}

TEST_F(MultiKeyTest, GetManyOfNoKeysIsEmpty) {
  auto store = open(mem_);
  EXPECT_TRUE(store->get_many({}).value().empty());
}

TEST_F(MultiKeyTest, GetManyRefusesAnInvalidKeyByName) {
  auto store = open(mem_);
  const std::vector<std::string_view> keys = {"fine", "bad\xff"};
  Result<std::vector<std::optional<std::string>>> values = store->get_many(keys);
  ASSERT_FALSE(values.is_ok());
  EXPECT_EQ(values.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(values.status().message().find("'bad\\xff'"), std::string::npos)
      << values.status().message();
}

TEST_F(MultiKeyTest, GetManyOverTheResultCapFailsWithSpinsWording) {
  Options options;
  options.result_bytes_max = 100;
  auto store = open(mem_, options);
  ASSERT_TRUE(store->set("a", std::string(60, 'x')).is_ok());
  ASSERT_TRUE(store->set("b", std::string(60, 'y')).is_ok());
  const std::vector<std::string_view> one = {"a"};
  EXPECT_TRUE(store->get_many(one).is_ok()) << "1 + 60 bytes fit";
  const std::vector<std::string_view> both = {"a", "b"};
  Result<std::vector<std::optional<std::string>>> values = store->get_many(both);
  ASSERT_FALSE(values.is_ok());
  EXPECT_EQ(values.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(values.status().message().find("query result exceeds limit"), std::string::npos)
      << values.status().message();
}

TEST_F(MultiKeyTest, SetManyStoresEveryPairLastValueWins) {
  auto store = open(mem_);
  const Pairs pairs = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  ASSERT_TRUE(store->set_many(pairs).is_ok());
  EXPECT_EQ(contents(*store), (Model{{"a", "3"}, {"b", "2"}}));
  store.reset();
  EXPECT_EQ(contents(*open(mem_)), (Model{{"a", "3"}, {"b", "2"}}));
}

TEST_F(MultiKeyTest, SetManyWithOneBadPairWritesNothing) {
  auto store = open(mem_);
  const std::string too_big((1 << 20) + 1, 'v');
  const Pairs pairs = {{"a", "1"}, {"b", too_big}};
  const Status status = store->set_many(pairs);
  EXPECT_EQ(status.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(status.message().find("'b'"), std::string::npos) << status.message();
  EXPECT_EQ(store->stats().last_sequence, 0u);
  EXPECT_TRUE(contents(*store).empty());
}

TEST_F(MultiKeyTest, SetManyThatWouldOverfillTheStoreWritesNothing) {
  Options options;
  options.limits.keys_max = 2;
  auto store = open(mem_, options);
  const Pairs pairs = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  EXPECT_EQ(store->set_many(pairs).code(), StatusCode::kLimitExceeded);
  EXPECT_TRUE(contents(*store).empty());
}

TEST_F(MultiKeyTest, DeleteManyRemovesEveryKeyAndSkipsMissingOnes) {
  auto store = open(mem_);
  const Pairs pairs = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  ASSERT_TRUE(store->set_many(pairs).is_ok());
  const uint64_t sequence_before = store->stats().last_sequence;
  const std::vector<std::string_view> keys = {"a", "never", "c"};
  ASSERT_TRUE(store->delete_many(keys).is_ok());
  EXPECT_EQ(contents(*store), (Model{{"b", "2"}}));
  EXPECT_EQ(store->stats().last_sequence, sequence_before + 2) << "missing keys write nothing";
  store.reset();
  EXPECT_EQ(contents(*open(mem_)), (Model{{"b", "2"}}));
}

TEST_F(MultiKeyTest, DeleteManyWithAnInvalidKeyRemovesNothing) {
  auto store = open(mem_);
  ASSERT_TRUE(store->set("a", "1").is_ok());
  const std::vector<std::string_view> keys = {"a", "\xc0"};
  EXPECT_EQ(store->delete_many(keys).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(contents(*store), (Model{{"a", "1"}}));
}

// set_many and then delete_many each lose power before their sync; the random power-loss model
// keeps, drops or garbles each unsynced sector. Recovery must show each batch whole or not at all.
TEST_F(MultiKeyTest, SetManyAndDeleteManyAreAllOrNothingAfterRandomPowerLoss) {
  const uint64_t seed = testing::test_seed();
  int kept = 0;
  int dropped = 0;
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " seed " + std::to_string(seed));
    const bool deleting = round % 2 == 1;
    // Each round its own layout (bytes before the batch, number of keys, value sizes), so that
    // over the rounds the power-loss model's sector boundaries fall between every pair of the
    // batch's records, the last two included.
    std::mt19937_64 layout(seed ^ (0x9e3779b97f4a7c15ull * (round + 1)));
    mem_ = std::make_shared<MemFileSystem>();
    auto faults = std::make_shared<FaultFileSystem>(mem_);
    const std::string other_value = "x" + std::string(layout() % 1024, 'p');
    const int count = 1 + static_cast<int>(layout() % 24);
    std::vector<std::string> keys;
    std::vector<std::string> values;
    for (int i = 0; i < count; ++i) {
      keys.push_back("k" + std::to_string(i));
      values.push_back(std::string(layout() % 700, static_cast<char>('a' + i)));
    }
    Model before;
    Model after_batch;
    {
      auto store = open(faults);
      ASSERT_TRUE(store->set("other", other_value).is_ok());
      before["other"] = other_value;
      Pairs pairs;
      for (int i = 0; i < count; ++i) pairs.emplace_back(keys[i], values[i]);
      if (deleting) {
        ASSERT_TRUE(store->set_many(pairs).is_ok());
        before = contents(*store);
        after_batch = {{"other", other_value}};
      } else {
        after_batch = before;
        for (int i = 0; i < count; ++i) after_batch[keys[i]] = values[i];
      }
      faults->set_hook([&](OperationKind kind, const std::string&) {
        if (kind == OperationKind::kSync) {
          simulate_power_loss(*mem_, seed + round, PowerLossMode::kRandom);
        }
      });
      const std::vector<std::string_view> key_views(keys.begin(), keys.end());
      const Status status = deleting ? store->delete_many(key_views) : store->set_many(pairs);
      EXPECT_FALSE(status.is_ok()) << "the sync after the power loss must fail";
      faults->set_hook({});
    }
    const Model recovered = contents(*open(mem_));
    if (recovered == before) {
      ++dropped;
    } else {
      ASSERT_EQ(recovered, after_batch) << "half a batch was applied";
      ++kept;
    }
  }
  std::cout << "batches kept whole: " << kept << ", dropped whole: " << dropped << std::endl;
  EXPECT_GT(dropped, 0);
  EXPECT_GT(kept, 0);
}

}  // namespace
}  // namespace logkv
