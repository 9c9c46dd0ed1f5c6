// The store's semantics as applications see them (Spin's key-value contract).
#include "logkv/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_dir.h"

namespace logkv {
namespace {

std::vector<std::string> sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

class StoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = Store::open(path_, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }

  testing::TestDir dir_;
  std::string path_ = dir_.path() + "/store";
};

TEST_F(StoreTest, GetOfMissingKeyIsNoneNotAnError) {
  auto store = open();
  Result<std::optional<std::string>> value = store->get("missing");
  ASSERT_TRUE(value.is_ok()) << value.status().to_string();
  EXPECT_EQ(*value, std::nullopt);
}

TEST_F(StoreTest, SetThenGetReturnsTheValue) {
  auto store = open();
  ASSERT_TRUE(store->set("/hello", "world").is_ok());
  EXPECT_EQ(store->get("/hello").value(), "world");
}

TEST_F(StoreTest, ValuesAreBinarySafe) {
  auto store = open();
  const std::string value("\0\xff\x01zero\0", 8);
  ASSERT_TRUE(store->set("bin", value).is_ok());
  EXPECT_EQ(store->get("bin").value(), value);
}

TEST_F(StoreTest, EmptyKeyAndEmptyValueAreStored) {
  auto store = open();
  ASSERT_TRUE(store->set("", "").is_ok());
  EXPECT_EQ(store->get("").value(), std::string());
  EXPECT_TRUE(store->exists("").value());
}

TEST_F(StoreTest, SetOverwrites) {
  auto store = open();
  ASSERT_TRUE(store->set("k", "one").is_ok());
  ASSERT_TRUE(store->set("k", "two").is_ok());
  EXPECT_EQ(store->get("k").value(), "two");
  EXPECT_EQ(store->stats().keys, 1u);
}

TEST_F(StoreTest, DeleteOfMissingKeySucceedsAndWritesNothing) {
  auto store = open();
  const StoreStats before = store->stats();
  EXPECT_TRUE(store->del("never-set").is_ok());
  EXPECT_EQ(store->stats().disk_bytes, before.disk_bytes);
  EXPECT_EQ(store->stats().last_sequence, before.last_sequence);
}

TEST_F(StoreTest, DeleteRemovesTheKey) {
  auto store = open();
  ASSERT_TRUE(store->set("k", "v").is_ok());
  ASSERT_TRUE(store->del("k").is_ok());
  EXPECT_EQ(store->get("k").value(), std::nullopt);
  EXPECT_FALSE(store->exists("k").value());
}

TEST_F(StoreTest, ExistsReflectsSetAndDelete) {
  auto store = open();
  EXPECT_FALSE(store->exists("k").value());
  ASSERT_TRUE(store->set("k", "v").is_ok());
  EXPECT_TRUE(store->exists("k").value());
}

TEST_F(StoreTest, KeysListsLiveKeysAfterDeletes) {
  auto store = open();
  for (const char* key : {"a", "b", "c", "d"}) ASSERT_TRUE(store->set(key, "v").is_ok());
  ASSERT_TRUE(store->del("b").is_ok());
  ASSERT_TRUE(store->del("d").is_ok());
  ASSERT_TRUE(store->set("a", "again").is_ok());
  EXPECT_EQ(sorted(store->keys().value()), (std::vector<std::string>{"a", "c"}));
}

TEST_F(StoreTest, ReadYourWritesAcrossReopen) {
  {
    auto store = open();
    ASSERT_TRUE(store->set("kept", "1").is_ok());
    ASSERT_TRUE(store->set("changed", "old").is_ok());
    ASSERT_TRUE(store->set("changed", "new").is_ok());
    ASSERT_TRUE(store->set("deleted", "x").is_ok());
    ASSERT_TRUE(store->del("deleted").is_ok());
    ASSERT_TRUE(store->close().is_ok());
  }
  auto store = open();
  EXPECT_EQ(store->get("kept").value(), "1");
  EXPECT_EQ(store->get("changed").value(), "new");
  EXPECT_EQ(store->get("deleted").value(), std::nullopt);
  EXPECT_EQ(sorted(store->keys().value()), (std::vector<std::string>{"changed", "kept"}));
  EXPECT_EQ(store->stats().last_sequence, 5u);
}

TEST_F(StoreTest, ReopenWithoutCloseRecoversEverything) {
  {
    auto store = open();
    ASSERT_TRUE(store->set("k", "v").is_ok());
    // The destructor closes; what matters is that the record was durable at set().
  }
  auto store = open();
  EXPECT_EQ(store->get("k").value(), "v");
}

TEST_F(StoreTest, ManySegmentsRollAndRecover) {
  Options options;
  options.segment_bytes_max = 4096;
  options.limits.keys_max = 10000;
  {
    auto store = open(options);
    for (int i = 0; i < 500; ++i) {
      ASSERT_TRUE(
          store->set("key" + std::to_string(i % 200), std::string(100, 'a' + i % 26)).is_ok());
    }
    EXPECT_GT(store->stats().segments, 10u);
  }
  auto store = open(options);
  EXPECT_EQ(store->stats().keys, 200u);
  for (int i = 300; i < 500; ++i) {
    EXPECT_EQ(store->get("key" + std::to_string(i % 200)).value(), std::string(100, 'a' + i % 26));
  }
}

TEST_F(StoreTest, RecordLargerThanASegmentIsStored) {
  Options options;
  options.segment_bytes_max = 4096;
  auto store = open(options);
  const std::string value(100000, 'x');
  ASSERT_TRUE(store->set("big", value).is_ok());
  ASSERT_TRUE(store->set("small", "s").is_ok());
  EXPECT_EQ(store->get("big").value(), value);
}

TEST_F(StoreTest, CallsAfterCloseFailClearly) {
  auto store = open();
  ASSERT_TRUE(store->close().is_ok());
  EXPECT_TRUE(store->close().is_ok());
  const Status status = store->set("k", "v");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("closed"), std::string::npos);
  EXPECT_FALSE(store->get("k").is_ok());
}

TEST_F(StoreTest, MissingFolderWithoutCreateIsNotFound) {
  Options options;
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = Store::open(path_, options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, InMemoryStoreKeepsNothingAfterClose) {
  Options options;
  options.in_memory = true;
  {
    auto store = open(options);
    ASSERT_TRUE(store->set("k", "v").is_ok());
    EXPECT_EQ(store->get("k").value(), "v");
  }
  auto store = open(options);
  EXPECT_EQ(store->get("k").value(), std::nullopt);
}

TEST_F(StoreTest, SyncModeNeverStillRecoversAfterClose) {
  Options options;
  options.sync_mode = SyncMode::kNever;
  {
    auto store = open(options);
    ASSERT_TRUE(store->set("k", "v").is_ok());
    ASSERT_TRUE(store->close().is_ok());
  }
  auto store = open(options);
  EXPECT_EQ(store->get("k").value(), "v");
}

}  // namespace
}  // namespace logkv

namespace logkv {
namespace {

TEST_F(StoreTest, LeftoverIoUringProbeFileDoesNotBlockOpen) {
  { auto store = open(); }
  // A process that died between creating and unlinking its io_uring probe file.
  std::FILE* leftover = std::fopen((path_ + "/.logkv-io-uring-probe-abc123").c_str(), "w");
  ASSERT_NE(leftover, nullptr);
  std::fclose(leftover);
  EXPECT_NE(open(), nullptr);
}

}  // namespace
}  // namespace logkv
