// Every capacity limit at its boundary: the limit itself works, one more is refused with an
// error naming the limit and its option, and nothing is written on refusal.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "logkv/store.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

class LimitsTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open_store(const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = Store::open(dir_.path() + "/store", options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }

  // Asserts the store holds exactly what it held before a refused write.
  static void expect_unchanged(Store& store, const StoreStats& before) {
    const StoreStats after = store.stats();
    EXPECT_EQ(after.keys, before.keys);
    EXPECT_EQ(after.disk_bytes, before.disk_bytes);
    EXPECT_EQ(after.last_sequence, before.last_sequence);
  }

  testing::TestDir dir_;
};

TEST_F(LimitsTest, DefaultsAreSpinsDocumentedCapacities) {
  const Limits limits;
  EXPECT_EQ(limits.key_bytes_max, 256u);
  EXPECT_EQ(limits.value_bytes_max, 1048576u);
  EXPECT_EQ(limits.keys_max, 1024u);
}

TEST_F(LimitsTest, KeyOfExactlyTheLimitIsStored) {
  auto store = open_store();
  const std::string key(256, 'k');
  ASSERT_TRUE(store->set(key, "v").is_ok());
  EXPECT_EQ(store->get(key).value(), "v");
}

TEST_F(LimitsTest, KeyOneByteOverTheLimitIsRefused) {
  auto store = open_store();
  const StoreStats before = store->stats();
  const Status status = store->set(std::string(257, 'k'), "v");
  EXPECT_EQ(status.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(status.message().find("257"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("key_bytes_max"), std::string::npos) << status.message();
  expect_unchanged(*store, before);
}

TEST_F(LimitsTest, MultiByteKeyIsMeasuredInBytes) {
  auto store = open_store();
  std::string key;
  for (int i = 0; i < 128; ++i) key += "\xc3\xa9";  // 128 x 'é' = 256 bytes
  EXPECT_TRUE(store->set(key, "v").is_ok());
  EXPECT_EQ(store->set(key + "\xc3\xa9", "v").code(), StatusCode::kLimitExceeded);
}

TEST_F(LimitsTest, ValueOfExactlyTheLimitIsStored) {
  auto store = open_store();
  const std::string value(1 << 20, 'v');
  ASSERT_TRUE(store->set("big", value).is_ok());
  EXPECT_EQ(store->get("big").value(), value);
}

TEST_F(LimitsTest, ValueOneByteOverTheLimitIsRefused) {
  auto store = open_store();
  const StoreStats before = store->stats();
  const Status status = store->set("big", std::string((1 << 20) + 1, 'v'));
  EXPECT_EQ(status.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(status.message().find("value_bytes_max"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("'big'"), std::string::npos) << status.message();
  expect_unchanged(*store, before);
  EXPECT_EQ(store->get("big").value(), std::nullopt);
}

TEST_F(LimitsTest, StoreAcceptsExactlyKeysMaxKeys) {
  auto store = open_store();
  for (int i = 0; i < 1024; ++i) ASSERT_TRUE(store->set("key" + std::to_string(i), "v").is_ok());
  EXPECT_EQ(store->stats().keys, 1024u);
  const StoreStats before = store->stats();
  const Status status = store->set("one-too-many", "v");
  EXPECT_EQ(status.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(status.message().find("keys_max"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("1024"), std::string::npos) << status.message();
  expect_unchanged(*store, before);
  EXPECT_EQ(store->exists("one-too-many").value(), false);
}

TEST_F(LimitsTest, OverwriteAndDeleteWorkInAFullStore) {
  Options options;
  options.limits.keys_max = 3;
  auto store = open_store(options);
  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(store->set(key, "1").is_ok());
  EXPECT_TRUE(store->set("b", "2").is_ok());
  EXPECT_EQ(store->get("b").value(), "2");
  EXPECT_TRUE(store->del("a").is_ok());
  EXPECT_TRUE(store->set("d", "1").is_ok()) << "a delete must free a place";
  EXPECT_EQ(store->set("e", "1").code(), StatusCode::kLimitExceeded);
}

TEST_F(LimitsTest, RefusalSurvivesReopen) {
  Options options;
  options.limits.keys_max = 1;
  {
    auto store = open_store(options);
    ASSERT_TRUE(store->set("a", "1").is_ok());
    ASSERT_EQ(store->set("b", "1").code(), StatusCode::kLimitExceeded);
    ASSERT_TRUE(store->close().is_ok());
  }
  auto store = open_store(options);
  EXPECT_EQ(store->keys().value(), std::vector<std::string>{"a"});
}

TEST_F(LimitsTest, RaisedLimitsAreHonoured) {
  Options options;
  options.limits.key_bytes_max = 1000;
  options.limits.value_bytes_max = 4 << 20;
  options.limits.keys_max = 5000;
  auto store = open_store(options);
  EXPECT_TRUE(store->set(std::string(1000, 'k'), std::string(4 << 20, 'v')).is_ok());
  for (int i = 0; i < 4999; ++i) ASSERT_TRUE(store->set(std::to_string(i), "v").is_ok());
  EXPECT_EQ(store->set("5001st", "v").code(), StatusCode::kLimitExceeded);
}

TEST_F(LimitsTest, InvalidUtf8KeyIsRefusedWithOffset) {
  auto store = open_store();
  const Status status = store->set("bad\xff", "v");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("UTF-8"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("offset 3"), std::string::npos) << status.message();
  EXPECT_EQ(store->stats().last_sequence, 0u);
}

TEST_F(LimitsTest, OutOfRangeOptionsAreRefusedAtOpen) {
  Options options;
  options.limits.key_bytes_max = 70000;
  Result<std::unique_ptr<Store>> store = Store::open(dir_.path() + "/store", options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("key_bytes_max"), std::string::npos);

  options = Options();
  options.limits.keys_max = size_t{1} << 40;  // more keys than the index could ever hold
  store = Store::open(dir_.path() + "/store", options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_NE(store.status().message().find("keys_max"), std::string::npos);

  options = Options();
  options.segment_bytes_max = 100;
  store = Store::open(dir_.path() + "/store", options);
  ASSERT_FALSE(store.is_ok());
  EXPECT_NE(store.status().message().find("segment_bytes_max"), std::string::npos);
}

}  // namespace
}  // namespace logkv
