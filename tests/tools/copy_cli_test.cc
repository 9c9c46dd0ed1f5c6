// `logkv copy` (tools/copy_command.h) run as a child process: embedded -> Redis -> embedded
// round-trips every key byte for byte, a non-empty target is refused unless --merge, and the
// request's own mistakes are refused before anything is written.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "logkv/store.h"
#include "tests/support/redis_server.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"
#include "tests/tools/cli_expectations.h"
#include "tests/tools/process_runner.h"

namespace logkv::testing {
namespace {

class CopyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
  }

  ProcessResult logkv(std::vector<std::string> args) {
    std::map<std::string, std::optional<std::string>> env;
    env.emplace("LOGKV_STORE", std::nullopt);
    ProcessSpec spec{binary_, std::move(args), "", dir_.path(), std::move(env)};
    return run_process(spec);
  }

  void write_config(const std::string& text) {
    std::ofstream out(dir_.file("rc.toml"), std::ios::binary);
    out << text;
  }

  // Every (key, value) of the store folder `path`, opened directly.
  static std::map<std::string, std::string> contents(const std::string& path) {
    std::map<std::string, std::string> pairs;
    Options options;
    options.create_if_missing = false;
    Result<std::unique_ptr<Store>> store = Store::open(path, options);
    EXPECT_TRUE(store.is_ok()) << path << ": " << store.status().to_string();
    if (!store.is_ok()) return pairs;
    Result<std::vector<std::string>> keys = (*store)->keys();
    EXPECT_TRUE(keys.is_ok()) << keys.status().to_string();
    if (!keys.is_ok()) return pairs;
    for (const std::string& key : *keys) pairs[key] = *(*store)->get(key).value();
    EXPECT_TRUE((*store)->close().is_ok());
    return pairs;
  }

  static void fill(const std::string& path, const std::map<std::string, std::string>& pairs) {
    Result<std::unique_ptr<Store>> store = Store::open(path);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    for (const auto& [key, value] : pairs) ASSERT_TRUE((*store)->set(key, value).is_ok());
    ASSERT_TRUE((*store)->close().is_ok());
  }

  TestDir dir_;
  const std::string binary_ = required_env("LOGKV_BIN");
};

// 1024 keys (the default max_keys) with random binary values of 0 to 2048 bytes.
std::map<std::string, std::string> random_pairs(uint64_t seed) {
  std::mt19937_64 random(seed);
  std::map<std::string, std::string> pairs;
  for (int i = 0; i < 1024; ++i) {
    std::string value(random() % 2049, '\0');
    for (char& byte : value) byte = static_cast<char>(random());
    pairs["key/" + std::to_string(i) + "/\xc3\xa9"] = value;
  }
  return pairs;
}

TEST_F(CopyCliTest, EmbeddedToRedisToEmbeddedRoundTripsByteForByte) {
  std::string why_not;
  std::unique_ptr<RedisServer> server = RedisServer::start(&why_not);
  if (server == nullptr) GTEST_SKIP() << "redis-server cannot start: " << why_not;
  const uint64_t seed = test_seed();
  const std::map<std::string, std::string> pairs = random_pairs(seed);
  fill(dir_.file("source"), pairs);
  write_config(
      "[key_value_store.source]\ntype = \"spin\"\npath = \"source\"\n"
      "[key_value_store.shared]\ntype = \"redis\"\nurl = \"" +
      server->url() +
      "\"\nkey_prefix = \"app:\"\n"
      "[key_value_store.back]\ntype = \"spin\"\npath = \"back\"\n");

  ProcessResult there = logkv({"--config", "rc.toml", "copy", "source", "shared"});
  ASSERT_EQ(there.exit_code, 0) << there.err << " seed " << seed;
  EXPECT_NE(there.out.find("copied 1024 keys"), std::string::npos) << there.out;
  EXPECT_NE(there.out.find("from 'source' to 'shared'"), std::string::npos) << there.out;
  EXPECT_NE(there.out.find(", verified\n"), std::string::npos) << there.out;

  ProcessResult back = logkv({"--config", "rc.toml", "copy", "shared", "back"});
  ASSERT_EQ(back.exit_code, 0) << back.err << " seed " << seed;
  // The same checksum both ways: the pairs went through Redis unchanged.
  EXPECT_EQ(there.out.substr(there.out.find("checksum")),
            back.out.substr(back.out.find("checksum")));
  EXPECT_TRUE(contents(dir_.file("back")) == pairs) << "seed " << seed;
}

TEST_F(CopyCliTest, NonEmptyTargetIsRefusedUnlessMerge) {
  fill(dir_.file("a"), {{"k1", "from a"}, {"k2", "also a"}});
  fill(dir_.file("b"), {{"k1", "old b"}, {"only-b", "kept"}});
  write_config(
      "[key_value_store.a]\ntype = \"spin\"\npath = \"a\"\n"
      "[key_value_store.b]\ntype = \"spin\"\npath = \"b\"\n");
  ProcessResult refused = logkv({"--config", "rc.toml", "copy", "a", "b"});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  expect_one_error_line(refused);
  EXPECT_NE(refused.err.find("'b' is not empty"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--merge"), std::string::npos) << refused.err;
  EXPECT_EQ(contents(dir_.file("b")),
            (std::map<std::string, std::string>{{"k1", "old b"}, {"only-b", "kept"}}))
      << "a refused copy writes nothing";

  ProcessResult merged = logkv({"--config", "rc.toml", "copy", "a", "b", "--merge"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_NE(merged.out.find("copied 2 keys"), std::string::npos) << merged.out;
  EXPECT_EQ(contents(dir_.file("b")), (std::map<std::string, std::string>{
                                          {"k1", "from a"}, {"k2", "also a"}, {"only-b", "kept"}}));
}

TEST_F(CopyCliTest, PrefixCopiesOnlyMatchingKeys) {
  fill(dir_.file("a"), {{"user:1", "x"}, {"user:2", "y"}, {"item:1", "z"}});
  write_config(
      "[key_value_store.a]\ntype = \"spin\"\npath = \"a\"\n"
      "[key_value_store.b]\ntype = \"spin\"\npath = \"b\"\n");
  ProcessResult copied = logkv({"--config", "rc.toml", "copy", "a", "b", "--prefix", "user:"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_NE(copied.out.find("copied 2 keys"), std::string::npos) << copied.out;
  EXPECT_EQ(contents(dir_.file("b")),
            (std::map<std::string, std::string>{{"user:1", "x"}, {"user:2", "y"}}));
}

TEST_F(CopyCliTest, SameLabelOrUnknownLabelIsRefused) {
  write_config("[key_value_store.a]\ntype = \"spin\"\npath = \"a\"\n");
  ProcessResult same = logkv({"--config", "rc.toml", "copy", "a", "a"});
  EXPECT_EQ(same.exit_code, 3) << same.err;
  EXPECT_NE(same.err.find("same store"), std::string::npos) << same.err;
  ProcessResult unknown = logkv({"--config", "rc.toml", "copy", "a", "nope"});
  EXPECT_NE(unknown.exit_code, 0);
  expect_one_error_line(unknown);
  EXPECT_NE(unknown.err.find("nope"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace logkv::testing
