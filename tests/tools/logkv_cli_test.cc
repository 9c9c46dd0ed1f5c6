// Tests of the built `logkv` tool, run as a separate process (its path comes from LOGKV_BIN):
// output bytes, exit codes and error lines as docs/TOOL.md promises them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logkv/store.h"
#include "tests/support/test_dir.h"
#include "tests/tools/cli_expectations.h"
#include "tests/tools/process_runner.h"

namespace logkv::testing {
namespace {

class LogkvCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
    store_path_ = dir_.file("store");
  }

  // Runs `logkv --store <test store> args...`, with LOGKV_STORE unset so that nothing outside
  // the test folder can be touched.
  ProcessResult logkv(std::vector<std::string> args, std::string stdin_bytes = "") {
    args.insert(args.begin(), {"--store", store_path_});
    return run_raw(std::move(args), std::move(stdin_bytes));
  }

  ProcessResult run_raw(std::vector<std::string> args, std::string stdin_bytes = "",
                        std::map<std::string, std::optional<std::string>> env = {},
                        std::string working_dir = "") {
    env.emplace("LOGKV_STORE", std::nullopt);
    ProcessSpec spec{binary_, std::move(args), std::move(stdin_bytes), std::move(working_dir),
                     std::move(env)};
    return run_process(spec);
  }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
  std::string store_path_;
};

TEST_F(LogkvCliTest, SetThenGetRoundTripsTheValue) {
  ProcessResult set = logkv({"set", "greeting", "hello world"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "");
  ProcessResult get = logkv({"get", "greeting"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, "hello world");  // no newline added
}

TEST_F(LogkvCliTest, SetReadsEveryByteValueFromStdin) {
  std::string value;
  for (int byte = 0; byte < 256; ++byte) value += static_cast<char>(byte);
  value += std::string("\0\0tail\n", 7);
  ProcessResult set = logkv({"set", "binary"}, value);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ProcessResult get = logkv({"get", "binary"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, value);
}

TEST_F(LogkvCliTest, EmptyValueArgumentStoresEmptyValueWithoutReadingStdin) {
  ProcessResult set = logkv({"set", "empty", ""}, "not this");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ProcessResult get = logkv({"get", "empty"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, "");
}

TEST_F(LogkvCliTest, SetOverwritesTheOlderValue) {
  ASSERT_EQ(logkv({"set", "k", "old"}).exit_code, 0);
  ASSERT_EQ(logkv({"set", "k", "new"}).exit_code, 0);
  EXPECT_EQ(logkv({"get", "k"}).out, "new");
}

TEST_F(LogkvCliTest, GetOfMissingKeyExitsOne) {
  ASSERT_EQ(logkv({"set", "other", "v"}).exit_code, 0);
  ProcessResult get = logkv({"get", "missing"});
  EXPECT_EQ(get.exit_code, 1);
  EXPECT_EQ(get.out, "");
  expect_one_error_line(get);
  EXPECT_NE(get.err.find("missing"), std::string::npos) << get.err;
}

TEST_F(LogkvCliTest, ReadingAStoreThatDoesNotExistIsAStoreErrorAndCreatesNothing) {
  ProcessResult get = logkv({"get", "k"});
  EXPECT_EQ(get.exit_code, 4) << get.err;
  expect_one_error_line(get);
  EXPECT_NE(get.err.find(store_path_), std::string::npos) << get.err;
  EXPECT_FALSE(std::filesystem::exists(store_path_));
}

TEST_F(LogkvCliTest, DeleteInAStoreThatDoesNotExistIsAStoreErrorAndCreatesNothing) {
  ProcessResult del = logkv({"delete", "k"});
  EXPECT_EQ(del.exit_code, 4) << del.err;
  expect_one_error_line(del);
  EXPECT_FALSE(std::filesystem::exists(store_path_));
}

TEST_F(LogkvCliTest, DeleteOfMissingKeyExitsZero) {
  ASSERT_EQ(logkv({"set", "other", "v"}).exit_code, 0);
  ProcessResult del = logkv({"delete", "never-stored"});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(del.err, "");
}

TEST_F(LogkvCliTest, DeleteRemovesTheKey) {
  ASSERT_EQ(logkv({"set", "k", "v"}).exit_code, 0);
  ASSERT_EQ(logkv({"delete", "k"}).exit_code, 0);
  EXPECT_EQ(logkv({"get", "k"}).exit_code, 1);
}

TEST_F(LogkvCliTest, ExistsPrintsTrueAndExitsZeroForAStoredKey) {
  ASSERT_EQ(logkv({"set", "k", "v"}).exit_code, 0);
  ProcessResult exists = logkv({"exists", "k"});
  EXPECT_EQ(exists.exit_code, 0) << exists.err;
  EXPECT_EQ(exists.out, "true\n");
}

TEST_F(LogkvCliTest, ExistsPrintsFalseAndExitsOneForAMissingKey) {
  ASSERT_EQ(logkv({"set", "k", "v"}).exit_code, 0);
  ProcessResult exists = logkv({"exists", "nope"});
  EXPECT_EQ(exists.exit_code, 1) << exists.err;
  EXPECT_EQ(exists.out, "false\n");
  EXPECT_EQ(exists.err, "");
}

TEST_F(LogkvCliTest, KeysListsTheRemainingKeysSortedAfterDeletes) {
  for (const char* key : {"pear", "apple", "fig", "kiwi"}) {
    ASSERT_EQ(logkv({"set", key, "v"}).exit_code, 0);
  }
  ASSERT_EQ(logkv({"delete", "fig"}).exit_code, 0);
  ASSERT_EQ(logkv({"delete", "pear"}).exit_code, 0);
  ProcessResult keys = logkv({"keys"});
  EXPECT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_EQ(keys.out, "apple\nkiwi\n");
}

TEST_F(LogkvCliTest, KeysOfAnEmptyStorePrintsNothing) {
  ASSERT_EQ(logkv({"set", "k", "v"}).exit_code, 0);
  ASSERT_EQ(logkv({"delete", "k"}).exit_code, 0);
  ProcessResult keys = logkv({"keys"});
  EXPECT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_EQ(keys.out, "");
}

TEST_F(LogkvCliTest, OversizedKeyExitsThreeNamingTheLimit) {
  ProcessResult set = logkv({"set", std::string(257, 'k'), "v"});
  EXPECT_EQ(set.exit_code, 3) << set.err;
  expect_one_error_line(set);
  EXPECT_NE(set.err.find("key_bytes_max"), std::string::npos) << set.err;
  EXPECT_EQ(logkv({"keys"}).out, "");
}

TEST_F(LogkvCliTest, RaisedKeyLimitAcceptsALongerKey) {
  const std::string key(300, 'k');
  ProcessResult set = logkv({"--key-bytes-max", "512", "set", key, "v"});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(logkv({"--key-bytes-max", "512", "get", key}).out, "v");
}

TEST_F(LogkvCliTest, OversizedValueOnStdinExitsThreeNamingTheLimit) {
  ProcessResult set = logkv({"set", "big"}, std::string((1 << 20) + 1, 'v'));
  EXPECT_EQ(set.exit_code, 3) << set.err;
  expect_one_error_line(set);
  EXPECT_NE(set.err.find("value_bytes_max"), std::string::npos) << set.err;
}

TEST_F(LogkvCliTest, ValueOfExactlyTheLimitIsAccepted) {
  const std::string value(1 << 20, 'v');
  ASSERT_EQ(logkv({"set", "big"}, value).exit_code, 0);
  EXPECT_EQ(logkv({"get", "big"}).out, value);
}

TEST_F(LogkvCliTest, FullStoreRefusesANewKeyNamingTheFlagThatRaisesTheLimit) {
  ASSERT_EQ(logkv({"--keys-max", "1", "set", "first", "v"}).exit_code, 0);
  ProcessResult set = logkv({"--keys-max", "1", "set", "second", "v"});
  EXPECT_EQ(set.exit_code, 3) << set.err;
  expect_one_error_line(set);
  EXPECT_NE(set.err.find("--keys-max"), std::string::npos) << set.err;
  EXPECT_EQ(logkv({"--keys-max", "1", "set", "first", "overwrite"}).exit_code, 0);
  EXPECT_EQ(logkv({"keys"}).out, "first\n");
}

TEST_F(LogkvCliTest, InvalidUtf8KeyExitsThree) {
  ProcessResult set = logkv({"set", "bad\xff\xfekey", "v"});
  EXPECT_EQ(set.exit_code, 3) << set.err;
  expect_one_error_line(set);
}

TEST_F(LogkvCliTest, UnknownCommandExitsTwoNamingIt) {
  ProcessResult result = logkv({"frobnicate"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  expect_one_error_line(result);
  EXPECT_NE(result.err.find("unknown command 'frobnicate'"), std::string::npos) << result.err;
}

TEST_F(LogkvCliTest, LimitThatIsNotAPositiveNumberExitsTwo) {
  for (const char* bad : {"-1", "0", "12kb", "99999999999999999999999"}) {
    ProcessResult result = logkv({"--keys-max", bad, "keys"});
    EXPECT_EQ(result.exit_code, 2) << bad << ": " << result.err;
    expect_one_error_line(result);
  }
}

TEST_F(LogkvCliTest, LimitAboveTheFormatCeilingExitsThree) {
  ProcessResult result = logkv({"--key-bytes-max", "100000", "set", "k", "v"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  expect_one_error_line(result);
  EXPECT_NE(result.err.find("key_bytes_max"), std::string::npos) << result.err;
}

TEST_F(LogkvCliTest, MissingCommandExitsTwo) {
  ProcessResult result = logkv({});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  expect_one_error_line(result);
}

TEST_F(LogkvCliTest, MissingKeyArgumentExitsTwo) {
  ProcessResult result = logkv({"get"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  expect_one_error_line(result);
}

TEST_F(LogkvCliTest, ExtraArgumentExitsTwo) {
  ProcessResult result = logkv({"get", "a", "b"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
}

TEST_F(LogkvCliTest, HelpListsTheCommandsAndExitsZero) {
  ProcessResult help = run_raw({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* command : {"set", "get", "delete", "exists", "keys", "stats"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
}

// Writes wait for the holder (--wait) and then fail naming it; reads open read-only and work.
TEST_F(LogkvCliTest, StoreLockedByAnotherProcessExitsFourNamingThePid) {
  ASSERT_EQ(logkv({"set", "k", "v"}).exit_code, 0);
  Result<std::unique_ptr<Store>> holder = Store::open(store_path_);
  ASSERT_TRUE(holder.is_ok()) << holder.status().to_string();
  ProcessResult get = logkv({"get", "k"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out, "v");
  ProcessResult set = logkv({"set", "k", "changed"});
  EXPECT_EQ(set.exit_code, 4) << set.err;
  expect_one_error_line(set);
  EXPECT_NE(set.err.find(std::to_string(::getpid())), std::string::npos) << set.err;
  ASSERT_TRUE((*holder)->close().is_ok());
  EXPECT_EQ(logkv({"get", "k"}).out, "v");
}

TEST_F(LogkvCliTest, StatsPrintsEveryCounter) {
  ASSERT_EQ(logkv({"set", "a", "1"}).exit_code, 0);
  ASSERT_EQ(logkv({"set", "b", "2"}).exit_code, 0);
  ProcessResult stats = logkv({"stats"});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("keys: 2\n"), std::string::npos) << stats.out;
  for (const char* field : {"segments: ",
                            "disk_bytes: ",
                            "live_bytes: ",
                            "index_bytes: ",
                            "last_sequence: ",
                            "torn_bytes_dropped: ",
                            "dead_bytes: ",
                            "user_bytes_written: ",
                            "compactions: ",
                            "compaction_bytes_written: ",
                            "hint_bytes_written: ",
                            "compaction_failures: ",
                            "write_stalls: ",
                            "last_compaction_unix_ms: ",
                            "hint_files_loaded: ",
                            "hint_files_rejected: ",
                            "hint_file_bytes: ",
                            "damaged_keys: 0\n",
                            "compaction_write_amplification: ",
                            "io_backend: "}) {
    EXPECT_NE(stats.out.find(field), std::string::npos) << field << " missing in\n" << stats.out;
  }
}

TEST_F(LogkvCliTest, CompactKeepsTheDataAndShrinksAnOverwrittenStore) {
  const std::string value(1000, 'v');
  for (int i = 0; i < 50; ++i)
    ASSERT_EQ(logkv({"set", "k", value + std::to_string(i)}).exit_code, 0);
  ASSERT_EQ(logkv({"set", "other", "o"}).exit_code, 0);
  ProcessResult compact = logkv({"compact"});
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  uint64_t before = 0;
  uint64_t after = 0;
  ASSERT_EQ(std::sscanf(compact.out.c_str(), "disk_bytes_before: %lu\ndisk_bytes_after: %lu",
                        &before, &after),
            2)
      << compact.out;
  EXPECT_GT(before, 50u * 1000u);
  EXPECT_LT(after, 3000u) << "only the two live records and segment headers should remain";
  EXPECT_EQ(logkv({"get", "k"}).out, value + "49");
  EXPECT_EQ(logkv({"get", "other"}).out, "o");
}

TEST_F(LogkvCliTest, CompactOfAMissingStoreFailsAndCreatesNothing) {
  ProcessResult compact = run_raw({"--store", dir_.file("absent"), "compact"});
  EXPECT_EQ(compact.exit_code, 4) << compact.err;
  EXPECT_FALSE(compact.err.empty());
  EXPECT_FALSE(std::filesystem::exists(dir_.file("absent")));
}

TEST_F(LogkvCliTest, StoreComesFromLogkvStoreEnvironmentVariable) {
  const std::string from_env = dir_.file("env-store");
  ProcessResult set = run_raw({"set", "k", "v"}, "", {{"LOGKV_STORE", from_env}});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_TRUE(std::filesystem::is_directory(from_env));
  EXPECT_EQ(run_raw({"--store", from_env, "get", "k"}).out, "v");
}

TEST_F(LogkvCliTest, StoreDefaultsToSpinFolderInTheWorkingDirectory) {
  ProcessResult set = run_raw({"set", "k", "v"}, "", {}, dir_.path());
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_TRUE(std::filesystem::is_directory(dir_.file(".spin/logkv/default")));
  EXPECT_EQ(run_raw({"get", "k"}, "", {}, dir_.path()).out, "v");
}

TEST_F(LogkvCliTest, StoreOptionMayFollowTheCommand) {
  ProcessResult set = run_raw({"set", "k", "v", "--store", store_path_});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(logkv({"get", "k"}).out, "v");
}

TEST_F(LogkvCliTest, KeyStartingWithDashIsAcceptedAfterDoubleDash) {
  ASSERT_EQ(logkv({"set", "--", "-dash", "v"}).exit_code, 0);
  EXPECT_EQ(logkv({"get", "--", "-dash"}).out, "v");
}

}  // namespace
}  // namespace logkv::testing
