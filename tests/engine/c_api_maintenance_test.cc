// Tests of the C API's maintenance calls: logkv_get_stats reports what the store did, and
// logkv_compact reclaims overwritten data without changing what is stored.
#include <gtest/gtest.h>

#include <string>

#include "logkv/logkv.h"
#include "tests/support/c_error_message.h"
#include "tests/support/test_dir.h"

namespace {

using logkv::testing::TestDir;

using ErrorMessage = logkv::testing::CErrorMessage;

class CApiMaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logkv_options options;
    logkv_options_init(&options);
    options.sync_mode = LOGKV_SYNC_NEVER;
    ASSERT_EQ(logkv_open(dir_.path().c_str(), &options, &store_, error_.out()), LOGKV_OK)
        << error_.str();
  }
  void TearDown() override { EXPECT_EQ(logkv_close(store_, error_.out()), LOGKV_OK); }

  void set(const std::string& key, const std::string& value) {
    ASSERT_EQ(logkv_set(store_, key.data(), key.size(), value.data(), value.size(), error_.out()),
              LOGKV_OK)
        << error_.str();
  }

  logkv_stats stats() {
    logkv_stats out{};
    EXPECT_EQ(logkv_get_stats(store_, &out, error_.out()), LOGKV_OK) << error_.str();
    return out;
  }

  std::string get(const std::string& key) {
    char* value = nullptr;
    size_t length = 0;
    EXPECT_EQ(logkv_get(store_, key.data(), key.size(), &value, &length, error_.out()), LOGKV_OK);
    std::string copy = value == nullptr ? "<absent>" : std::string(value, length);
    logkv_free(value);
    return copy;
  }

  TestDir dir_;
  logkv_store* store_ = nullptr;
  ErrorMessage error_;
};

TEST_F(CApiMaintenanceTest, StatsCountKeysAndWrittenBytes) {
  const logkv_stats empty = stats();
  EXPECT_EQ(empty.keys, 0u);
  EXPECT_EQ(empty.user_bytes_written, 0u);
  set("a", "1");
  set("b", "2");
  set("a", "3");
  const logkv_stats after = stats();
  EXPECT_EQ(after.keys, 2u);
  EXPECT_EQ(after.last_sequence, 3u);
  EXPECT_GT(after.user_bytes_written, 0u);
  EXPECT_EQ(after.disk_bytes, after.live_bytes + after.dead_bytes);
  EXPECT_GT(after.dead_bytes, 0u) << "the first value of 'a' is dead";
}

TEST_F(CApiMaintenanceTest, CompactReclaimsOverwrittenBytesAndKeepsValues) {
  const std::string big(4000, 'x');
  for (int i = 0; i < 100; ++i) set("k", big + std::to_string(i));
  set("other", "o");
  const logkv_stats before = stats();
  ASSERT_GT(before.dead_bytes, 99u * 4000u);
  ASSERT_EQ(logkv_compact(store_, error_.out()), LOGKV_OK) << error_.str();
  const logkv_stats after = stats();
  EXPECT_EQ(after.compactions, before.compactions + 1);
  EXPECT_LT(after.disk_bytes, before.disk_bytes / 10);
  EXPECT_GT(after.last_compaction_unix_ms, 0);
  EXPECT_EQ(get("k"), big + "99");
  EXPECT_EQ(get("other"), "o");
}

TEST_F(CApiMaintenanceTest, NullArgumentsAreRefusedWithAMessage) {
  logkv_stats out{};
  EXPECT_EQ(logkv_get_stats(nullptr, &out, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_NE(error_.str().find("logkv_get_stats"), std::string::npos) << error_.str();
  EXPECT_EQ(logkv_get_stats(store_, nullptr, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_NE(error_.str().find("stats_out"), std::string::npos) << error_.str();
  EXPECT_EQ(logkv_compact(nullptr, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_NE(error_.str().find("logkv_compact"), std::string::npos) << error_.str();
}

}  // namespace
