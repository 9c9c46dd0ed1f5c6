// RuntimeConfig::parse and ::load (logkv/host.h): the [key_value_store.<label>] tables of a Spin
// runtime config, what they set, and every error with its place in the file.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <string_view>

#include "logkv/host.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

Result<RuntimeConfig> parse(std::string_view text, std::string_view base_dir = "/app") {
  return RuntimeConfig::parse(text, base_dir, "rc.toml");
}

// Expects `text` to fail with `code` and a message that starts with `place` ("rc.toml:L:C: ")
// and contains `words`.
void expect_error(std::string_view text, StatusCode code, std::string_view place,
                  std::string_view words) {
  Result<RuntimeConfig> config = parse(text);
  ASSERT_FALSE(config.is_ok()) << text;
  EXPECT_EQ(config.status().code(), code) << config.status().to_string();
  const std::string& message = config.status().message();
  EXPECT_EQ(message.substr(0, place.size()), place) << message;
  EXPECT_NE(message.find(words), std::string::npos) << message;
}

TEST(RuntimeConfigTest, EmptyTextHasNoStores) {
  Result<RuntimeConfig> config = parse("");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_TRUE(config->stores().empty());
  EXPECT_EQ(config->find("default"), nullptr);
}

TEST(RuntimeConfigTest, OtherTablesOfSpinsRuntimeConfigAreIgnored) {
  Result<RuntimeConfig> config = parse(
      "[sqlite_database.default]\ntype = \"libsql\"\nurl = \"https://x\"\n"
      "[llm_compute]\ntype = \"remote_http\"\n[variables_provider]\nanything = [1, 2]\n"
      "[key_value_store.cache]\ntype = \"spin\"\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  ASSERT_EQ(config->stores().size(), 1u);
  EXPECT_EQ(config->stores()[0].label, "cache");
}

TEST(RuntimeConfigTest, StoreWithoutPathIsInMemoryWithDefaultOptions) {
  Result<RuntimeConfig> config = parse("[key_value_store.cache]\ntype = \"spin\"\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const StoreConfig* store = config->find("cache");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->label, "cache");
  EXPECT_EQ(store->type, "spin");
  EXPECT_TRUE(store->path.empty());
  const Options defaults;
  EXPECT_EQ(store->options.limits.key_bytes_max, defaults.limits.key_bytes_max);
  EXPECT_EQ(store->options.limits.value_bytes_max, defaults.limits.value_bytes_max);
  EXPECT_EQ(store->options.limits.keys_max, defaults.limits.keys_max);
  EXPECT_EQ(store->options.sync_mode, SyncMode::kAlways);
  EXPECT_FALSE(store->options.in_memory) << "the host decides in_memory from the empty path";
}

TEST(RuntimeConfigTest, LogkvTypeIsAccepted) {
  Result<RuntimeConfig> config = parse("[key_value_store.a]\ntype = \"logkv\"\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->find("a")->type, "logkv");
}

TEST(RuntimeConfigTest, LimitsAndSyncModeAreParsedIntoOptions) {
  Result<RuntimeConfig> config = parse(
      "[key_value_store.big]\ntype = \"spin\"\nmax_key_bytes = 65535\n"
      "max_value_bytes = 1073741824\nmax_keys = 5000\nsync = \"interval\"\n"
      "[key_value_store.fast]\ntype = \"spin\"\nsync = \"never\"\n"
      "[key_value_store.safe]\ntype = \"spin\"\nsync = \"always\"\nmax_keys = 1\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const StoreConfig* big = config->find("big");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->options.limits.key_bytes_max, 65535u);
  EXPECT_EQ(big->options.limits.value_bytes_max, size_t{1} << 30);
  EXPECT_EQ(big->options.limits.keys_max, 5000u);
  EXPECT_EQ(big->options.sync_mode, SyncMode::kInterval);
  EXPECT_EQ(config->find("fast")->options.sync_mode, SyncMode::kNever);
  EXPECT_EQ(config->find("safe")->options.sync_mode, SyncMode::kAlways);
  EXPECT_EQ(config->find("safe")->options.limits.keys_max, 1u);
}

TEST(RuntimeConfigTest, StoresKeepTheOrderOfTheFile) {
  Result<RuntimeConfig> config =
      parse("[key_value_store.zeta]\ntype = \"spin\"\n[key_value_store.alpha]\ntype = \"spin\"\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  ASSERT_EQ(config->stores().size(), 2u);
  EXPECT_EQ(config->stores()[0].label, "zeta");
  EXPECT_EQ(config->stores()[1].label, "alpha");
}

TEST(RuntimeConfigTest, RelativePathIsExactlyBaseDirJoinedWithIt) {
  const std::string text = "[key_value_store.a]\ntype = \"spin\"\npath = \"data/kv\"\n";
  EXPECT_EQ(RuntimeConfig::parse(text, "/srv/app", "rc")->find("a")->path, "/srv/app/data/kv");
  EXPECT_EQ(RuntimeConfig::parse(text, "/srv/app/", "rc")->find("a")->path, "/srv/app/data/kv");
  EXPECT_EQ(RuntimeConfig::parse(text, "rel", "rc")->find("a")->path, "rel/data/kv");
  EXPECT_EQ(RuntimeConfig::parse(text, "", "rc")->find("a")->path, "data/kv");
  // Lexical: nothing is normalised or looked up.
  const std::string up = "[key_value_store.a]\ntype = \"spin\"\npath = \"../x/./y\"\n";
  EXPECT_EQ(RuntimeConfig::parse(up, "/srv/app", "rc")->find("a")->path, "/srv/app/../x/./y");
}

TEST(RuntimeConfigTest, AbsolutePathIsKeptAsGiven) {
  Result<RuntimeConfig> config =
      parse("[key_value_store.a]\ntype = \"spin\"\npath = \"/var/lib/kv//a/\"\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->find("a")->path, "/var/lib/kv//a/");
}

TEST(RuntimeConfigTest, MalformedTomlNamesLineAndColumn) {
  expect_error("x = 1\n[key_value_store.cache\ntype = 1\n", StatusCode::kInvalidArgument,
               "rc.toml:2:23: ", "malformed TOML");
  expect_error("[key_value_store.a]\ntype = \"spin\nx = 1\n", StatusCode::kInvalidArgument,
               "rc.toml:2:", "malformed TOML");
}

TEST(RuntimeConfigTest, TableDefinedTwiceIsRefusedByTheParser) {
  expect_error("[key_value_store.a]\ntype='spin'\n[key_value_store.a]\ntype='spin'\n",
               StatusCode::kInvalidArgument, "rc.toml:3:1: ", "malformed TOML");
}

TEST(RuntimeConfigTest, MissingTypeNamesTheTable) {
  expect_error("\n[key_value_store.cache]\npath = \"x\"\n", StatusCode::kInvalidArgument,
               "rc.toml:2:18: ", "[key_value_store.cache] has no 'type'");
}

TEST(RuntimeConfigTest, TypeMustBeAString) {
  expect_error("[key_value_store.cache]\ntype = 3\n", StatusCode::kInvalidArgument,
               "rc.toml:2:8: ", "'type' must be a string, not an integer");
}

TEST(RuntimeConfigTest, SpinsOtherTypesAreNotSupported) {
  for (const std::string type : {"azure_cosmos", "aws_dynamo"}) {
    expect_error("[key_value_store.cache]\ntype = \"" + type + "\"\n", StatusCode::kNotSupported,
                 "rc.toml:2:8: ", "type '" + type + "' is not supported by this build");
  }
}

#ifndef LOGKV_HAVE_REDIS
// A build with hiredis serves Redis tables: tests/redis/redis_config_test.cc.
TEST(RuntimeConfigTest, RedisTableIsRefusedForItsTypeNotForItsUrlWithoutHiredis) {
  expect_error("[key_value_store.cache]\nurl = \"redis://localhost\"\ntype = \"redis\"\n",
               StatusCode::kNotSupported, "rc.toml:3:8: ",
               "type 'redis' is not supported by this build: it was built without hiredis");
}
#endif

TEST(RuntimeConfigTest, UnknownTypeListsTheKnownTypes) {
  expect_error("[key_value_store.cache]\ntype = \"memcached\"\n", StatusCode::kInvalidArgument,
               "rc.toml:2:8: ",
               "the store type 'memcached' is not known (known types: spin, logkv, redis, "
               "azure_cosmos, aws_dynamo)");
}

TEST(RuntimeConfigTest, UnknownKeyNamesTheKeyAndItsLine) {
  expect_error("[key_value_store.cache]\ntype = \"spin\"\n\n  colour = 1\n",
               StatusCode::kInvalidArgument, "rc.toml:4:3: ",
               "unknown key 'colour' in [key_value_store.cache] (known keys: type, path, "
               "max_key_bytes, max_value_bytes, max_keys, sync)");
}

TEST(RuntimeConfigTest, FirstUnknownKeyInTheFileIsReported) {
  expect_error("[key_value_store.cache]\ntype = \"spin\"\nzzz = 1\naaa = 2\n",
               StatusCode::kInvalidArgument, "rc.toml:3:1: ", "unknown key 'zzz'");
}

TEST(RuntimeConfigTest, SubTableOfAStoreIsAnUnknownKey) {
  expect_error("[key_value_store.cache]\ntype = \"spin\"\n[key_value_store.cache.sub]\n",
               StatusCode::kInvalidArgument, "rc.toml:3:24: ", "unknown key 'sub'");
}

TEST(RuntimeConfigTest, OutOfRangeLimitsAreRefusedWithTheirRange) {
  const std::string head = "[key_value_store.a]\ntype = \"spin\"\n";
  expect_error(head + "max_key_bytes = 0\n", StatusCode::kInvalidArgument,
               "rc.toml:3:17: ", "'max_key_bytes' is 0; it must be 1 to 65535");
  expect_error(head + "max_key_bytes = 65536\n", StatusCode::kInvalidArgument,
               "rc.toml:3:17: ", "'max_key_bytes' is 65536; it must be 1 to 65535");
  expect_error(head + "max_value_bytes = 1073741825\n", StatusCode::kInvalidArgument,
               "rc.toml:3:19: ", "'max_value_bytes' is 1073741825; it must be 1 to 1073741824");
  expect_error(head + "max_value_bytes = -1\n", StatusCode::kInvalidArgument,
               "rc.toml:3:19: ", "'max_value_bytes' is -1");
  expect_error(head + "max_keys = 0\n", StatusCode::kInvalidArgument,
               "rc.toml:3:12: ", "'max_keys' is 0; it must be 1 to");
}

TEST(RuntimeConfigTest, LimitsOfTheWrongTypeAreRefused) {
  const std::string head = "[key_value_store.a]\ntype = \"spin\"\n";
  expect_error(head + "max_keys = \"10\"\n", StatusCode::kInvalidArgument,
               "rc.toml:3:12: ", "'max_keys' must be an integer, not a string");
  expect_error(head + "max_value_bytes = 1.5\n", StatusCode::kInvalidArgument, "rc.toml:3:19: ",
               "'max_value_bytes' must be an integer, not a floating-point number");
}

TEST(RuntimeConfigTest, LimitsThatDoNotFitTogetherAreRefused) {
  expect_error(
      "[key_value_store.a]\ntype = \"spin\"\nmax_key_bytes = 65535\n"
      "max_keys = 9223372036854775807\n",
      StatusCode::kInvalidArgument,
      "rc.toml:1:18: ", "the limits of [key_value_store.a] do not fit together");
}

TEST(RuntimeConfigTest, BadSyncModeIsRefused) {
  expect_error(
      "[key_value_store.a]\ntype = \"spin\"\nsync = \"sometimes\"\n", StatusCode::kInvalidArgument,
      "rc.toml:3:8: ", "'sync' is 'sometimes'; it must be \"always\", \"interval\" or \"never\"");
  expect_error("[key_value_store.a]\ntype = \"spin\"\nsync = true\n", StatusCode::kInvalidArgument,
               "rc.toml:3:8: ", "'sync' must be a string, not a boolean");
}

TEST(RuntimeConfigTest, EmptyPathIsRefused) {
  expect_error("[key_value_store.a]\ntype = \"spin\"\npath = \"\"\n", StatusCode::kInvalidArgument,
               "rc.toml:3:8: ", "'path' must name a folder (omit it for an in-memory store)");
  expect_error("[key_value_store.a]\ntype = \"spin\"\npath = \"a\\u0000b\"\n",
               StatusCode::kInvalidArgument, "rc.toml:3:8: ", "'path' must name a folder");
  expect_error("[key_value_store.a]\ntype = \"spin\"\npath = 7\n", StatusCode::kInvalidArgument,
               "rc.toml:3:8: ", "'path' must be a string, not an integer");
}

TEST(RuntimeConfigTest, HostileLabelsAreRefusedWithTheRule) {
  const std::string rule = "a label is 1 to 64 characters of lower-case ASCII letters";
  const std::string long_label(300, 'a');
  struct Case {
    std::string header;
    std::string shown;
  };
  const Case cases[] = {
      {"[key_value_store.\"../x\"]", "label '../x'"},
      {"[key_value_store.\"a/b\"]", "label 'a/b'"},
      {"[key_value_store." + long_label + "]", "label '" + std::string(64, 'a') + "...'"},
      {"[key_value_store.\"\"]", "label ''"},
      {"[key_value_store.\"d\xc3\xa9j\xc3\xa0\"]", "label 'd\\xc3\\xa9j\\xc3\\xa0'"},
      {"[key_value_store.Upper]", "label 'Upper'"},
      {"[key_value_store.a-b_c]", "label 'a-b_c'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    expect_error("\n" + c.header + "\ntype = \"spin\"\n", StatusCode::kInvalidArgument,
                 "rc.toml:2:18: ", c.shown);
    expect_error("\n" + c.header + "\ntype = \"spin\"\n", StatusCode::kInvalidArgument,
                 "rc.toml:2:18: ", rule);
  }
}

TEST(RuntimeConfigTest, StoreThatIsNotATableIsRefused) {
  expect_error("key_value_store.b = 5\n", StatusCode::kInvalidArgument,
               "rc.toml:1:17: ", "key_value_store.b must be a table, not an integer");
  expect_error("key_value_store = 5\n", StatusCode::kInvalidArgument, "rc.toml:1:19: ",
               "'key_value_store' must hold tables [key_value_store.<label>], not an integer");
  expect_error("[[key_value_store]]\ntype = \"spin\"\n", StatusCode::kInvalidArgument,
               "rc.toml:1:", "not an array");
}

TEST(RuntimeConfigTest, InlineTablesAreAccepted) {
  Result<RuntimeConfig> config = parse("key_value_store = { c = { type = 'spin', path = 'c' } }\n");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->find("c")->path, "/app/c");
}

TEST(RuntimeConfigTest, MessagesStartWithTheDefaultSourceName) {
  Result<RuntimeConfig> config = RuntimeConfig::parse("[key_value_store.a]\n", "/app");
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().message().rfind("runtime config:1:18: ", 0), 0u)
      << config.status().message();
}

TEST(RuntimeConfigTest, LoadResolvesPathsAgainstTheFilesFolder) {
  testing::TestDir dir;
  const std::string file = dir.file("rc.toml");
  std::ofstream(file) << "[key_value_store.a]\ntype = \"spin\"\npath = \"stores/a\"\n";
  Result<RuntimeConfig> config = RuntimeConfig::load(file);
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->find("a")->path, dir.path() + "/stores/a");
}

TEST(RuntimeConfigTest, LoadNamesTheFileInErrors) {
  testing::TestDir dir;
  const std::string file = dir.file("rc.toml");
  std::ofstream(file) << "[key_value_store.a]\ntype = \"spin\"\nbogus = 1\n";
  Result<RuntimeConfig> config = RuntimeConfig::load(file);
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().message().rfind(file + ":3:1: unknown key 'bogus'", 0), 0u)
      << config.status().message();
}

TEST(RuntimeConfigTest, LoadOfAMissingFileIsNotFound) {
  testing::TestDir dir;
  Result<RuntimeConfig> config = RuntimeConfig::load(dir.file("absent.toml"));
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().code(), StatusCode::kNotFound) << config.status().to_string();
  EXPECT_NE(config.status().message().find("absent.toml"), std::string::npos)
      << config.status().message();
}

}  // namespace
}  // namespace logkv
