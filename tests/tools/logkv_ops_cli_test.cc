// Tests of the built `logkv` tool's incr, paged keys and JSON batch commands, run as a separate
// process (its path comes from LOGKV_BIN): output bytes, exit codes and error lines as
// docs/TOOL.md promises them.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "logkv/store.h"
#include "tests/support/test_dir.h"
#include "tests/tools/cli_expectations.h"
#include "tests/tools/process_runner.h"

namespace logkv::testing {
namespace {

class LogkvOpsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
    store_path_ = dir_.file("store");
  }

  // Runs `logkv --store <test store> args...` with LOGKV_STORE unset.
  ProcessResult logkv(std::vector<std::string> args, std::string stdin_bytes = "") {
    args.insert(args.begin(), {"--store", store_path_});
    ProcessSpec spec{
        binary_, std::move(args), std::move(stdin_bytes), "", {{"LOGKV_STORE", std::nullopt}}};
    return run_process(spec);
  }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
  std::string store_path_;
};

TEST_F(LogkvOpsCliTest, IncrCreatesTheStoreAndPrintsTheNewValue) {
  ProcessResult first = logkv({"incr", "visits"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "1\n");
  EXPECT_EQ(logkv({"incr", "visits", "41"}).out, "42\n");
  EXPECT_EQ(logkv({"incr", "visits", "-50"}).out, "-8\n");
  // The counter is Spin's encoding: 8 bytes, little-endian.
  EXPECT_EQ(logkv({"get", "visits"}).out, std::string("\xf8\xff\xff\xff\xff\xff\xff\xff", 8));
}

TEST_F(LogkvOpsCliTest, IncrOfAValueThatIsNotACounterExitsThreeAndKeepsIt) {
  ASSERT_EQ(logkv({"set", "name", "alice"}).exit_code, 0);
  ProcessResult incr = logkv({"incr", "name"});
  EXPECT_EQ(incr.exit_code, 3);
  EXPECT_EQ(incr.out, "");
  expect_one_error_line(incr);
  EXPECT_NE(incr.err.find("5 bytes"), std::string::npos) << incr.err;
  EXPECT_EQ(logkv({"get", "name"}).out, "alice");
}

TEST_F(LogkvOpsCliTest, IncrPastTheInt64RangeExitsThree) {
  ASSERT_EQ(logkv({"incr", "c", "9223372036854775807"}).exit_code, 0);
  ProcessResult over = logkv({"incr", "c"});
  EXPECT_EQ(over.exit_code, 3) << over.err;
  expect_one_error_line(over);
  EXPECT_EQ(logkv({"incr", "c", "0"}).out, "9223372036854775807\n");
}

TEST_F(LogkvOpsCliTest, IncrWithABadDeltaIsAUsageError) {
  for (const char* delta : {"x", "1.5", "9223372036854775808", ""}) {
    ProcessResult incr = logkv({"incr", "c", delta});
    EXPECT_EQ(incr.exit_code, 2) << delta << ": " << incr.err;
    expect_one_error_line(incr);
  }
}

TEST_F(LogkvOpsCliTest, KeysPagesWithCursorLinesUntilNoneRemain) {
  ASSERT_EQ(logkv({"set-many"}, R"({"e":"5","a":"1","d":"4","c":"3","b":"2"})").exit_code, 0);
  std::string listed;
  std::vector<std::string> args = {"keys", "--limit", "2"};
  for (int page = 0; page < 10; ++page) {
    ProcessResult keys = logkv(args);
    ASSERT_EQ(keys.exit_code, 0) << keys.err;
    const size_t cursor_line = keys.out.find("cursor: ");
    listed += keys.out.substr(0, cursor_line);
    if (cursor_line == std::string::npos) break;
    const std::string cursor =
        keys.out.substr(cursor_line + 8, keys.out.size() - cursor_line - 9);  // without '\n'
    ASSERT_EQ(keys.out.back(), '\n');
    args = {"keys", "--limit", "2", "--cursor", cursor};
  }
  EXPECT_EQ(listed, "a\nb\nc\nd\ne\n");
  EXPECT_EQ(logkv({"keys"}).out, "a\nb\nc\nd\ne\n") << "without --limit: every key, no cursor";
}

TEST_F(LogkvOpsCliTest, KeysWithPrefixPrintsOnlyMatchingKeys) {
  ASSERT_EQ(logkv({"set-many"}, R"({"user:2":"","order:1":"","user:1":"","user":""})").exit_code,
            0);
  EXPECT_EQ(logkv({"keys", "--prefix", "user:"}).out, "user:1\nuser:2\n");
  ProcessResult page = logkv({"keys", "--prefix", "user:", "--limit", "1"});
  EXPECT_EQ(page.out.substr(0, 7), "user:1\n");
  EXPECT_NE(page.out.find("\ncursor: v1."), std::string::npos) << page.out;
}

TEST_F(LogkvOpsCliTest, KeysWithABadCursorOrLimitFails) {
  ASSERT_EQ(logkv({"set", "k", "v"}).exit_code, 0);
  ProcessResult cursor = logkv({"keys", "--limit", "5", "--cursor", "v1.6b.0000000000000000"});
  EXPECT_EQ(cursor.exit_code, 3);
  expect_one_error_line(cursor);
  EXPECT_NE(cursor.err.find("is not one logkv issued"), std::string::npos) << cursor.err;
  EXPECT_EQ(logkv({"keys", "--limit", "0"}).exit_code, 2);
  EXPECT_EQ(logkv({"keys", "--limit", "100001"}).exit_code, 3);
}

TEST_F(LogkvOpsCliTest, SetManyThenGetManyRoundTripsJson) {
  ProcessResult set =
      logkv({"set-many"}, "{\"colour\": \"blue\", \"note\": \"a \\\"b\\\"\\n\\u00e9\"}");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "");
  ProcessResult get = logkv({"get-many"}, R"(["note", "missing", "colour"])");
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out,
            "{\"note\":\"a \\\"b\\\"\\n\xc3\xa9\",\"missing\":null,\"colour\":\"blue\"}\n");
  EXPECT_EQ(logkv({"get", "note"}).out, "a \"b\"\n\xc3\xa9");
}

TEST_F(LogkvOpsCliTest, GetManyOfNoKeysPrintsAnEmptyObject) {
  ASSERT_EQ(logkv({"set", "k", "v"}).exit_code, 0);
  EXPECT_EQ(logkv({"get-many"}, "[]").out, "{}\n");
}

TEST_F(LogkvOpsCliTest, GetManyOfABinaryValueFailsNamingTheKey) {
  ASSERT_EQ(logkv({"incr", "counter", "-1"}).exit_code, 0);  // eight 0xff bytes
  ProcessResult get = logkv({"get-many"}, R"(["counter"])");
  EXPECT_EQ(get.exit_code, 4);
  EXPECT_EQ(get.out, "");
  expect_one_error_line(get);
  EXPECT_NE(get.err.find("'counter'"), std::string::npos) << get.err;
}

TEST_F(LogkvOpsCliTest, SetManyOverALimitWritesNothing) {
  ASSERT_EQ(logkv({"set", "keep", "v"}).exit_code, 0);
  ProcessResult set = logkv({"--keys-max", "2", "set-many"}, R"({"a":"1","b":"2"})");
  EXPECT_EQ(set.exit_code, 3);
  expect_one_error_line(set);
  EXPECT_NE(set.err.find("--keys-max"), std::string::npos) << set.err;
  EXPECT_EQ(logkv({"keys"}).out, "keep\n");
}

TEST_F(LogkvOpsCliTest, MalformedJsonIsRefusedBeforeTheStoreIsOpened) {
  for (const char* command : {"set-many", "get-many", "delete-many"}) {
    ProcessResult result = logkv({command}, "{\"a\": 1,}");
    EXPECT_EQ(result.exit_code, 3) << command;
    expect_one_error_line(result);
    EXPECT_NE(result.err.find("JSON input at byte"), std::string::npos) << result.err;
  }
  EXPECT_EQ(logkv({"keys"}).exit_code, 4) << "set-many must not have created the store";
}

TEST_F(LogkvOpsCliTest, DeleteManyRemovesTheKeysAndSkipsMissingOnes) {
  ASSERT_EQ(logkv({"set-many"}, R"({"a":"1","b":"2","c":"3"})").exit_code, 0);
  ProcessResult del = logkv({"delete-many"}, R"(["a","missing","c"])");
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(del.out, "");
  EXPECT_EQ(logkv({"keys"}).out, "b\n");
}

TEST_F(LogkvOpsCliTest, ReadCommandsDoNotCreateAMissingStore) {
  for (const char* command : {"get-many", "delete-many"}) {
    ProcessResult result = logkv({command}, "[\"k\"]");
    EXPECT_EQ(result.exit_code, 4) << command;
    expect_one_error_line(result);
  }
  EXPECT_EQ(logkv({"keys", "--limit", "3"}).exit_code, 4);
}

TEST_F(LogkvOpsCliTest, HelpListsTheNewCommands) {
  ProcessResult help = logkv({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* command : {"incr", "set-many", "get-many", "delete-many"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
}

}  // namespace
}  // namespace logkv::testing
