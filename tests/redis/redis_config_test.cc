// `[key_value_store.<label>] type = "redis"` in a runtime config (host/runtime_config.cc): its
// keys, their defaults, and the errors naming key and line.
#include <gtest/gtest.h>

#include <string>

#include "logkv/host.h"

namespace logkv {
namespace {

Result<RuntimeConfig> parse(const std::string& text) {
  return RuntimeConfig::parse(text, "/app", "rc.toml");
}

TEST(RedisConfigTest, EveryKeyIsRead) {
  Result<RuntimeConfig> config = parse(
      "[key_value_store.shared]\ntype = \"redis\"\nurl = \"redis://:pw@10.0.0.5:6380/1\"\n"
      "key_prefix = \"app:\"\ntimeout_ms = 250\npool_size = 8\nmax_key_bytes = 100\n"
      "max_value_bytes = 2048\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const StoreConfig* store = config->find("shared");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->type, "redis");
  EXPECT_EQ(store->url, "redis://:pw@10.0.0.5:6380/1");
  EXPECT_EQ(store->key_prefix, "app:");
  EXPECT_EQ(store->timeout_ms, 250u);
  EXPECT_EQ(store->pool_size, 8u);
  EXPECT_EQ(store->options.limits.key_bytes_max, 100u);
  EXPECT_EQ(store->options.limits.value_bytes_max, 2048u);
  EXPECT_TRUE(store->path.empty());
}

TEST(RedisConfigTest, DefaultsAreNoPrefixFiveSecondsAndFourConnections) {
  Result<RuntimeConfig> config =
      parse("[key_value_store.r]\ntype = \"redis\"\nurl = \"unix:///run/redis.sock\"\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const StoreConfig* store = config->find("r");
  EXPECT_EQ(store->key_prefix, "");
  EXPECT_EQ(store->timeout_ms, 5000u);
  EXPECT_EQ(store->pool_size, 4u);
}

void expect_refused(const std::string& text, StatusCode code, const std::string& where,
                    const std::string& why) {
  Result<RuntimeConfig> config = parse(text);
  ASSERT_FALSE(config.is_ok()) << text;
  EXPECT_EQ(config.status().code(), code) << config.status().to_string();
  EXPECT_EQ(config.status().message().rfind("rc.toml:" + where + ": ", 0), 0u)
      << config.status().message();
  EXPECT_NE(config.status().message().find(why), std::string::npos) << config.status().message();
  EXPECT_EQ(config.status().message().find("hunter2"), std::string::npos)
      << "a password is never printed: " << config.status().message();
}

TEST(RedisConfigTest, BadTablesAreRefusedNamingKeyAndLine) {
  const std::string head = "[key_value_store.r]\ntype = \"redis\"\n";
  const std::string url = "url = \"redis://:hunter2@127.0.0.1\"\n";
  expect_refused(head, StatusCode::kInvalidArgument, "1:18", "has no 'url'");
  expect_refused(head + "url = \"redis://:hunter2@h:99999\"\n", StatusCode::kInvalidArgument, "3:7",
                 "not 1 to 65535");
  expect_refused(head + "url = 6379\n", StatusCode::kInvalidArgument, "3:7",
                 "'url' must be a string");
  expect_refused(head + url + "timeout_ms = 0\n", StatusCode::kInvalidArgument, "4:14",
                 "'timeout_ms' is 0; it must be 1 to 600000");
  expect_refused(head + url + "pool_size = \"4\"\n", StatusCode::kInvalidArgument, "4:13",
                 "'pool_size' must be an integer");
  expect_refused(head + url + "max_keys = 10\n", StatusCode::kNotSupported, "4:1",
                 "'max_keys' is not supported by a redis store");
  expect_refused(head + url + "path = \"data\"\n", StatusCode::kInvalidArgument, "4:1",
                 "'path' is not a key of a redis store");
  expect_refused(head + url + "urll = \"x\"\n", StatusCode::kInvalidArgument, "4:1",
                 "unknown key 'urll'");
}

TEST(RedisConfigTest, RedisKeysAreUnknownInAnEmbeddedTable) {
  Result<RuntimeConfig> config =
      parse("[key_value_store.s]\ntype = \"spin\"\nurl = \"redis://h\"\n");
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("unknown key 'url'"), std::string::npos)
      << config.status().message();
}

}  // namespace
}  // namespace logkv
