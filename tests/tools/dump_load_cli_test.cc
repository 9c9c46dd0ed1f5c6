// Tests of `logkv dump` and `logkv load`, run as the built tool (LOGKV_BIN): the round trip of
// binary values, UTF-8 keys and empty values, the filters and formats of dump, and what load
// leaves stored after a bad line, with and without --all-or-nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/test_dir.h"
#include "tests/tools/process_runner.h"

namespace logkv::testing {
namespace {

class DumpLoadCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary_.empty()) << "LOGKV_BIN is not set; run this test with `meson test`";
  }

  // Runs `logkv --store <store> args...` with LOGKV_STORE unset.
  ProcessResult logkv(const std::string& store, std::vector<std::string> args,
                      std::string stdin_bytes = "") {
    args.insert(args.begin(), {"--store", store});
    ProcessSpec spec{
        binary_, std::move(args), std::move(stdin_bytes), "", {{"LOGKV_STORE", std::nullopt}}};
    return run_process(spec);
  }

  void set(const std::string& store, const std::string& key, const std::string& value) {
    ProcessResult result = logkv(store, {"set", key}, value);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  std::string write_file(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // Keys and values a dump must carry unchanged: every byte value, NUL, newlines, invalid
  // UTF-8, an empty value, and keys with UTF-8, quotes, a backslash and control characters.
  static std::map<std::string, std::string> awkward_pairs() {
    std::string every_byte;
    for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
    return {
        {"binary", every_byte},
        {"empty", ""},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "utf-8 key"},
        {"quote\"back\\slash\ttab\nnewline", std::string("nul\0inside", 10)},
        {"not-utf8-value", "\xff\xfe\x80"},
        {"z-last", std::string(100000, 'v')},
    };
  }

  const std::string binary_ = required_env("LOGKV_BIN");
  TestDir dir_;
};

TEST_F(DumpLoadCliTest, DumpThenLoadGivesAnIdenticalStore) {
  const std::string source = dir_.file("source");
  const std::string copy = dir_.file("copy");
  const auto pairs = awkward_pairs();
  for (const auto& [key, value] : pairs) set(source, key, value);
  set(source, "deleted", "gone");
  ASSERT_EQ(logkv(source, {"delete", "deleted"}).exit_code, 0);

  ProcessResult dump = logkv(source, {"dump"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  ProcessResult load = logkv(copy, {"load", "-"}, dump.out);
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_EQ(load.out, "loaded 6 records\n");

  ProcessResult second_dump = logkv(copy, {"dump"});
  ASSERT_EQ(second_dump.exit_code, 0) << second_dump.err;
  EXPECT_EQ(second_dump.out, dump.out);
  for (const auto& [key, value] : pairs) {
    ProcessResult get = logkv(copy, {"get", key});
    EXPECT_EQ(get.exit_code, 0) << get.err;
    EXPECT_EQ(get.out, value) << "key " << key;
  }
  EXPECT_EQ(logkv(copy, {"exists", "deleted"}).exit_code, 1);
}

TEST_F(DumpLoadCliTest, DumpIsOneJsonLinePerLiveKeyInByteOrder) {
  const std::string store = dir_.file("store");
  set(store, "b", "2");
  set(store, "a", "hello");
  set(store, "c", "");
  set(store, "b", "two");  // an overwrite: only the newest value is dumped
  ProcessResult dump = logkv(store, {"dump"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_EQ(dump.out,
            "{\"key\":\"a\",\"value_b64\":\"aGVsbG8=\"}\n"
            "{\"key\":\"b\",\"value_b64\":\"dHdv\"}\n"
            "{\"key\":\"c\",\"value_b64\":\"\"}\n");
}

TEST_F(DumpLoadCliTest, PrefixKeysOnlyAndTextFormat) {
  const std::string store = dir_.file("store");
  set(store, "user:1", "ann");
  set(store, "user:2", std::string("b\to\\b\n\xc3\xa9", 8));
  set(store, "zone", "x");
  ProcessResult keys = logkv(store, {"dump", "--prefix", "user:", "--keys-only"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_EQ(keys.out, "{\"key\":\"user:1\"}\n{\"key\":\"user:2\"}\n");
  ProcessResult text = logkv(store, {"dump", "--format", "text", "--prefix", "user:"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "user:1\tann\nuser:2\tb\\x09o\\x5cb\\x0a\\xc3\\xa9\n");
  ProcessResult text_keys = logkv(store, {"dump", "--format", "text", "--keys-only"});
  EXPECT_EQ(text_keys.out, "user:1\nuser:2\nzone\n");
}

TEST_F(DumpLoadCliTest, DumpOfAMissingStoreFails) {
  ProcessResult dump = logkv(dir_.file("nowhere"), {"dump"});
  EXPECT_EQ(dump.exit_code, 4);
  EXPECT_EQ(dump.out, "");
}

TEST_F(DumpLoadCliTest, BadLineIsReportedByNumberAndTheLinesBeforeItAreStored) {
  const std::string store = dir_.file("store");
  const std::string input =
      "{\"key\":\"k1\",\"value_b64\":\"MQ==\"}\n"
      "{\"key\":\"k2\",\"value_b64\":\"Mg==\"}\n"
      "\n"
      "{\"key\":\"k3\",\"value_b64\":1}\n"
      "{\"key\":\"k4\",\"value_b64\":\"NA==\"}\n";
  ProcessResult load = logkv(store, {"load", "--batch-keys", "1"}, input);
  EXPECT_EQ(load.exit_code, 3);
  EXPECT_NE(load.err.find("line 4: JSON input at byte 24"), std::string::npos) << load.err;
  EXPECT_NE(load.err.find("2 records from the lines before 4 were stored"), std::string::npos)
      << load.err;
  ProcessResult dump = logkv(store, {"dump", "--keys-only"});
  EXPECT_EQ(dump.out, "{\"key\":\"k1\"}\n{\"key\":\"k2\"}\n");
}

TEST_F(DumpLoadCliTest, EachKindOfMalformedLineIsNamed) {
  const std::map<std::string, std::string> cases = {
      {"not json", "line 1: JSON input at byte 1"},
      {"{\"key\":\"k\"}", "line 1: the line has no \"value_b64\""},
      {"{\"value_b64\":\"\"}", "line 1: the line has no \"key\""},
      {"{\"key\":\"k\",\"value_b64\":\"\",\"extra\":\"\"}", "unknown member \"extra\""},
      {"{\"key\":\"k\",\"value_b64\":\"@@@@\"}", "not valid at character 0"},
      {"{\"key\":\"k\",\"key\":\"k\",\"value_b64\":\"\"}", "\"key\" appears twice"},
      {"{\"key\":\"\xff\",\"value_b64\":\"\"}", "not valid UTF-8"},
  };
  for (const auto& [line, expected] : cases) {
    const std::string store = dir_.file("store");
    ProcessResult load = logkv(store, {"load"}, line + "\n");
    EXPECT_EQ(load.exit_code, 3) << line;
    EXPECT_NE(load.err.find(expected), std::string::npos) << line << ": " << load.err;
  }
}

TEST_F(DumpLoadCliTest, AllOrNothingLeavesTheStoreUnchanged) {
  const std::string store = dir_.file("store");
  set(store, "k1", "before");
  const std::string file = write_file("input.jsonl",
                                      "{\"key\":\"k1\",\"value_b64\":\"YWZ0ZXI=\"}\n"
                                      "{\"key\":\"k2\",\"value_b64\":\"Mg==\"}\n"
                                      "{\"key\":\"k3\",\"value_b64\":\"bad\"}\n");
  ProcessResult dump_before = logkv(store, {"dump"});
  ProcessResult load = logkv(store, {"load", file, "--all-or-nothing", "--batch-keys", "1"});
  EXPECT_EQ(load.exit_code, 3);
  EXPECT_NE(load.err.find("line 3:"), std::string::npos) << load.err;
  EXPECT_NE(load.err.find("nothing was stored (--all-or-nothing)"), std::string::npos) << load.err;
  EXPECT_EQ(logkv(store, {"dump"}).out, dump_before.out);
  EXPECT_EQ(logkv(store, {"get", "k1"}).out, "before");

  // Without the flag the same input stores the first two records.
  ProcessResult partial = logkv(store, {"load", file, "--batch-keys", "1"});
  EXPECT_EQ(partial.exit_code, 3);
  EXPECT_EQ(logkv(store, {"get", "k1"}).out, "after");
  EXPECT_EQ(logkv(store, {"get", "k2"}).out, "2");
}

TEST_F(DumpLoadCliTest, LimitsAreEnforcedAndNameTheFlagThatRaisesThem) {
  const std::string store = dir_.file("store");
  const std::string big_value_line =
      "{\"key\":\"big\",\"value_b64\":\"" + std::string(8, 'A') + "\"}\n";  // 6 bytes
  ProcessResult value = logkv(store, {"--value-bytes-max", "5", "load"}, big_value_line);
  EXPECT_EQ(value.exit_code, 3);
  EXPECT_NE(value.err.find("line 1:"), std::string::npos) << value.err;
  EXPECT_NE(value.err.find("--value-bytes-max"), std::string::npos) << value.err;
  ProcessResult raised = logkv(store, {"--value-bytes-max", "6", "load"}, big_value_line);
  EXPECT_EQ(raised.exit_code, 0) << raised.err;

  const std::string long_key = "{\"key\":\"" + std::string(300, 'k') + "\",\"value_b64\":\"\"}\n";
  ProcessResult key = logkv(store, {"load"}, long_key);
  EXPECT_EQ(key.exit_code, 3);
  EXPECT_NE(key.err.find("--key-bytes-max"), std::string::npos) << key.err;

  const std::string three =
      "{\"key\":\"a\",\"value_b64\":\"\"}\n{\"key\":\"b\",\"value_b64\":\"\"}\n"
      "{\"key\":\"c\",\"value_b64\":\"\"}\n";
  const std::string small = dir_.file("small");
  ProcessResult full = logkv(small, {"--keys-max", "2", "load", "--all-or-nothing"}, three);
  EXPECT_EQ(full.exit_code, 3);
  EXPECT_NE(full.err.find("--keys-max"), std::string::npos) << full.err;
  EXPECT_EQ(logkv(small, {"dump"}).out, "");
}

TEST_F(DumpLoadCliTest, AllVersionsListsEveryRecordInLogOrder) {
  const std::string store = dir_.file("store");
  set(store, "a", "1");
  set(store, "b", "2");
  set(store, "a", "11");
  ASSERT_EQ(logkv(store, {"delete", "b"}).exit_code, 0);
  ASSERT_EQ(logkv(store, {"set-many"}, R"({"x":"1","y":"2"})").exit_code, 0);
  ProcessResult dump = logkv(store, {"dump", "--all-versions"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_EQ(
      dump.out,
      "{\"segment\":1,\"offset\":32,\"sequence\":1,\"kind\":\"set\",\"batch_continues\":false,"
      "\"key\":\"a\",\"value_b64\":\"MQ==\"}\n"
      "{\"segment\":1,\"offset\":62,\"sequence\":2,\"kind\":\"set\",\"batch_continues\":false,"
      "\"key\":\"b\",\"value_b64\":\"Mg==\"}\n"
      "{\"segment\":1,\"offset\":92,\"sequence\":3,\"kind\":\"set\",\"batch_continues\":false,"
      "\"key\":\"a\",\"value_b64\":\"MTE=\"}\n"
      "{\"segment\":1,\"offset\":123,\"sequence\":4,\"kind\":\"delete\",\"batch_continues\":"
      "false,\"key\":\"b\"}\n"
      "{\"segment\":1,\"offset\":152,\"sequence\":5,\"kind\":\"set\",\"batch_continues\":true,"
      "\"key\":\"x\",\"value_b64\":\"MQ==\"}\n"
      "{\"segment\":1,\"offset\":182,\"sequence\":6,\"kind\":\"set\",\"batch_continues\":"
      "false,\"key\":\"y\",\"value_b64\":\"Mg==\"}\n");
  ProcessResult text =
      logkv(store, {"dump", "--all-versions", "--format", "text", "--prefix", "a", "--keys-only"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "1\t32\t1\tset\t-\ta\n1\t92\t3\tset\t-\ta\n");
  // Read without opening the store: the live-key dump still works afterwards and agrees.
  EXPECT_EQ(logkv(store, {"dump", "--keys-only"}).out,
            "{\"key\":\"a\"}\n{\"key\":\"x\"}\n{\"key\":\"y\"}\n");
}

TEST_F(DumpLoadCliTest, AllVersionsReportsDamageWithFileAndOffset) {
  const std::string store = dir_.file("store");
  set(store, "a", "1");
  set(store, "b", "2");
  set(store, "c", "3");
  // Flip a byte inside the second record (offset 62); the intact third record after it makes
  // this damage, not a torn tail.
  {
    std::fstream segment(store + "/0000000001.log",
                         std::ios::in | std::ios::out | std::ios::binary);
    segment.seekg(70);
    char byte = 0;
    segment.read(&byte, 1);
    segment.seekp(70);
    byte = static_cast<char>(byte ^ 0x40);
    segment.write(&byte, 1);
  }
  ProcessResult dump = logkv(store, {"dump", "--all-versions", "--keys-only"});
  EXPECT_EQ(dump.exit_code, 4);
  EXPECT_EQ(
      dump.out,
      "{\"segment\":1,\"offset\":32,\"sequence\":1,\"kind\":\"set\",\"batch_continues\":false,"
      "\"key\":\"a\"}\n");
  EXPECT_NE(dump.err.find("0000000001.log"), std::string::npos) << dump.err;
  EXPECT_NE(dump.err.find("offset 62"), std::string::npos) << dump.err;
}

TEST_F(DumpLoadCliTest, LoadOfAMissingFileIsRefused) {
  ProcessResult load = logkv(dir_.file("store"), {"load", dir_.file("no-such.jsonl")});
  EXPECT_EQ(load.exit_code, 3);
  EXPECT_NE(load.err.find("cannot open"), std::string::npos) << load.err;
}

}  // namespace
}  // namespace logkv::testing
