// Tests of the `logkv` tool going through the Spin-style host (--config, --state-dir, --label,
// --key-value), run as a separate process: where data lands, and the exit codes and messages of
// config and label errors (docs/TOOL.md, "Which store"; docs/HOST.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "logkv/store.h"
#include "tests/support/test_dir.h"
#include "tests/tools/cli_expectations.h"
#include "tests/tools/process_runner.h"

namespace logkv::testing {
namespace {

// One "logkv: ..." line on stderr that mentions `needle`.
void expect_error_line(const ProcessResult& result, const std::string& needle) {
  expect_one_error_line(result);
  EXPECT_NE(result.err.find(needle), std::string::npos)
      << "no '" << needle << "' in " << result.err;
}

class HostCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
  }

  // Runs `logkv args...` in the test folder, with LOGKV_STORE unset, so that everything a
  // relative path names lands inside the test folder.
  ProcessResult logkv(std::vector<std::string> args, std::string stdin_bytes = "") {
    std::map<std::string, std::optional<std::string>> env;
    env.emplace("LOGKV_STORE", std::nullopt);
    ProcessSpec spec{binary_, std::move(args), std::move(stdin_bytes), dir_.path(), std::move(env)};
    return run_process(spec);
  }

  void write_config(const std::string& name, const std::string& text) {
    std::ofstream out(dir_.file(name), std::ios::binary);
    out << text;
  }

  // The value of `key` in the store folder `path`, opened directly (nullopt when absent).
  static std::optional<std::string> value_in_folder(const std::string& path,
                                                    const std::string& key) {
    Options options;
    options.create_if_missing = false;
    Result<std::unique_ptr<Store>> store = Store::open(path, options);
    EXPECT_TRUE(store.is_ok()) << path << ": " << store.status().to_string();
    if (!store.is_ok()) return std::nullopt;
    Result<std::optional<std::string>> value = (*store)->get(key);
    EXPECT_TRUE(value.is_ok()) << value.status().to_string();
    return value.is_ok() ? *value : std::nullopt;
  }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
};

TEST_F(HostCliTest, LabelsWriteWhereTheRuntimeConfigSays) {
  const std::string absolute = dir_.file("elsewhere/cache-store");
  write_config("rc.toml",
               "[key_value_store.sessions]\ntype = \"spin\"\npath = \"data/sessions\"\n\n"
               "[key_value_store.cache]\ntype = \"logkv\"\npath = \"" +
                   absolute + "\"\n");
  ProcessResult set = logkv({"--config", "rc.toml", "--label", "sessions", "set", "k", "v1"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ProcessResult cached = logkv({"--config", "rc.toml", "--label", "cache", "set", "k", "v2"});
  ASSERT_EQ(cached.exit_code, 0) << cached.err;

  // Relative paths resolve against the config file's folder; parents are created.
  EXPECT_EQ(value_in_folder(dir_.file("data/sessions"), "k"), "v1");
  EXPECT_EQ(value_in_folder(absolute, "k"), "v2");
  ProcessResult get = logkv({"--config", "rc.toml", "--label", "sessions", "get", "k"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, "v1");
}

TEST_F(HostCliTest, DefaultLabelLivesInTheStateFolder) {
  ProcessResult set = logkv({"--state-dir", "state", "set", "greeting", "hello"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(value_in_folder(dir_.file("state/logkv/default"), "greeting"), "hello");
  // Without any option the state folder is .spin, as in Spin.
  ProcessResult plain = logkv({"set", "a", "b"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(value_in_folder(dir_.file(".spin/logkv/default"), "a"), "b");
}

TEST_F(HostCliTest, ReadingAStoreWithoutDataCreatesNothing) {
  ProcessResult get = logkv({"--state-dir", "state", "get", "k"});
  EXPECT_EQ(get.exit_code, 4) << get.err;
  expect_error_line(get, "has no data yet");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("state/logkv/default")));
}

TEST_F(HostCliTest, AnUndefinedLabelIsRefusedInput) {
  write_config("rc.toml", "[key_value_store.sessions]\ntype = \"spin\"\n");
  ProcessResult get = logkv({"--config", "rc.toml", "--label", "orders", "set", "k", "v"});
  EXPECT_EQ(get.exit_code, 3) << get.err;
  expect_error_line(get, "orders");
}

TEST_F(HostCliTest, HostileLabelsAreRefusedWithTheRule) {
  const std::vector<std::string> labels = {"../x", "a/b", "", "d\xc3\xa9j\xc3\xa0",
                                           std::string(300, 'a')};
  for (const std::string& label : labels) {
    ProcessResult set = logkv({"--state-dir", "state", "--label", label, "set", "k", "v"});
    EXPECT_EQ(set.exit_code, 3) << label << ": " << set.err;
    expect_error_line(set, "kebab-case");
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.file("x")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("state/logkv/default")));
}

TEST_F(HostCliTest, ConfigErrorsNameTheirPlaceAndExit3) {
  write_config("bad.toml", "[key_value_store.sessions]\ntype = \"spin\"\npath = \n");
  ProcessResult malformed = logkv({"--config", "bad.toml", "--label", "sessions", "keys"});
  EXPECT_EQ(malformed.exit_code, 3) << malformed.err;
  expect_error_line(malformed, "bad.toml:3");

  write_config("redis.toml",
               "[key_value_store.shared]\ntype = \"redis\"\nurl = \"redis://localhost\"\n"
               "max_keys = 5\n");
  ProcessResult redis = logkv({"--config", "redis.toml", "--label", "shared", "keys"});
  EXPECT_EQ(redis.exit_code, 3) << redis.err;
#ifdef LOGKV_HAVE_REDIS
  expect_error_line(redis, "redis.toml:4:1: 'max_keys' is not supported by a redis store");
#else
  expect_error_line(redis, "type 'redis' is not supported by this build");
#endif

  ProcessResult missing = logkv({"--config", "nowhere.toml", "keys"});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  expect_error_line(missing, "nowhere.toml");
}

TEST_F(HostCliTest, KeyValueSeedsTheDefaultStoreFirst) {
  ProcessResult seeded =
      logkv({"--state-dir", "state", "--key-value", "a=1", "--key-value", "b=x=y", "get", "b"});
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  EXPECT_EQ(seeded.out, "x=y") << "split at the first '='";
  ProcessResult again = logkv({"--state-dir", "state", "--key-value", "a=2", "get", "a"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "2") << "seeding overwrites";

  ProcessResult no_equals = logkv({"--state-dir", "state", "--key-value", "oops", "get", "a"});
  EXPECT_EQ(no_equals.exit_code, 3) << no_equals.err;
  expect_error_line(no_equals, "KEY=VALUE");
}

TEST_F(HostCliTest, ConfigLimitsApplyAndFlagsOverrideThem) {
  write_config("rc.toml",
               "[key_value_store.small]\ntype = \"spin\"\npath = \"small\"\nmax_value_bytes = 4\n");
  ProcessResult refused = logkv({"--config", "rc.toml", "--label", "small", "set", "k", "12345"});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  ProcessResult fits = logkv({"--config", "rc.toml", "--label", "small", "set", "k", "1234"});
  EXPECT_EQ(fits.exit_code, 0) << fits.err;
  ProcessResult raised = logkv(
      {"--config", "rc.toml", "--label", "small", "--value-bytes-max", "8", "set", "k", "12345"});
  EXPECT_EQ(raised.exit_code, 0) << raised.err;
}

// Two shells writing at once: every call waits for the other's lock (--wait, default 5 s)
// instead of failing. 2 threads x 25 processes, each setting its own key.
TEST_F(HostCliTest, ConcurrentWritersWaitForTheLock) {
  constexpr int kThreads = 2;
  constexpr int kCallsPerThread = 25;
  std::vector<std::vector<ProcessResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        results[t].push_back(logkv(
            {"--store", "shared", "set", "k" + std::to_string(t) + "-" + std::to_string(i), "v"}));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::vector<ProcessResult>& thread_results : results) {
    for (const ProcessResult& result : thread_results) EXPECT_EQ(result.exit_code, 0) << result.err;
  }
  ProcessResult keys = logkv({"--store", "shared", "keys"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_EQ(std::count(keys.out.begin(), keys.out.end(), '\n'), kThreads * kCallsPerThread);
}

TEST_F(HostCliTest, WaitZeroFailsAtOnceWhileAnotherProcessHoldsTheStore) {
  Result<std::unique_ptr<Store>> holder = Store::open(dir_.file("held"));
  ASSERT_TRUE(holder.is_ok()) << holder.status().to_string();
  ProcessResult set = logkv({"--store", "held", "--wait", "0", "set", "k", "v"});
  EXPECT_EQ(set.exit_code, 4) << set.err;
  expect_error_line(set, "in use by");
}

TEST_F(HostCliTest, StoreOptionBypassesTheHost) {
  write_config("bad.toml", "this is not toml");
  ProcessResult set = logkv({"--store", "direct", "set", "k", "v"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(value_in_folder(dir_.file("direct"), "k"), "v");
}

}  // namespace
}  // namespace logkv::testing
