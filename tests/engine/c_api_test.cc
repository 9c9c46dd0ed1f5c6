// Tests of the C API (include/logkv/logkv.h): ownership of returned buffers, error reporting,
// NULL handling, and that it behaves like the C++ Store it wraps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "logkv/logkv.h"
#include "tests/support/c_error_message.h"
#include "tests/support/test_dir.h"

namespace {

using logkv::testing::TestDir;

using ErrorMessage = logkv::testing::CErrorMessage;

class CApiTest : public ::testing::Test {
 protected:
  void TearDown() override { close(); }

  void open(const logkv_options* options = nullptr) {
    ASSERT_EQ(logkv_open(dir_.path().c_str(), options, &store_, error_.out()), LOGKV_OK)
        << error_.str();
  }

  void close() {
    if (store_ == nullptr) return;
    const logkv_status status = logkv_close(store_, error_.out());
    store_ = nullptr;
    EXPECT_EQ(status, LOGKV_OK) << error_.str();
  }

  logkv_status set(const std::string& key, const std::string& value) {
    return logkv_set(store_, key.data(), key.size(), value.data(), value.size(), error_.out());
  }

  // The stored value, nullopt when absent; fails the test on an error status.
  std::optional<std::string> get(const std::string& key) {
    char* value = nullptr;
    size_t value_len = 0;
    const logkv_status status =
        logkv_get(store_, key.data(), key.size(), &value, &value_len, error_.out());
    EXPECT_EQ(status, LOGKV_OK) << error_.str();
    if (value == nullptr) {
      EXPECT_EQ(value_len, 0u);
      return std::nullopt;
    }
    std::string copy(value, value_len);
    logkv_free(value);
    return copy;
  }

  // logkv_get_view's outputs, with values no successful call leaves.
  struct View {
    logkv_value* handle = reinterpret_cast<logkv_value*>(uintptr_t{1});
    const char* data = "unset";
    size_t len = 5;
  };
  View get_view(const std::string& key) {
    View view;
    EXPECT_EQ(logkv_get_view(store_, key.data(), key.size(), &view.handle, &view.data, &view.len,
                             error_.out()),
              LOGKV_OK)
        << error_.str();
    return view;
  }

  bool exists(const std::string& key) {
    int found = -1;
    EXPECT_EQ(logkv_exists(store_, key.data(), key.size(), &found, error_.out()), LOGKV_OK)
        << error_.str();
    EXPECT_TRUE(found == 0 || found == 1);
    return found == 1;
  }

  std::vector<std::string> sorted_keys() {
    char** keys = nullptr;
    size_t* lengths = nullptr;
    size_t count = 0;
    EXPECT_EQ(logkv_keys(store_, &keys, &lengths, &count, error_.out()), LOGKV_OK) << error_.str();
    std::vector<std::string> result;
    for (size_t i = 0; i < count; ++i) result.emplace_back(keys[i], lengths[i]);
    logkv_free_keys(keys, lengths, count);
    std::sort(result.begin(), result.end());
    return result;
  }

  TestDir dir_;
  logkv_store* store_ = nullptr;
  ErrorMessage error_;
};

TEST(CApiOptionsTest, InitGivesTheDocumentedDefaults) {
  logkv_options options;
  logkv_options_init(&options);
  EXPECT_EQ(options.sync_mode, LOGKV_SYNC_ALWAYS);
  EXPECT_EQ(options.key_bytes_max, 256u);
  EXPECT_EQ(options.value_bytes_max, 1u << 20);
  EXPECT_EQ(options.keys_max, 1024u);
  EXPECT_EQ(options.segment_bytes_max, 64u << 20);
  EXPECT_EQ(options.create_if_missing, 1);
  EXPECT_EQ(options.in_memory, 0);
}

TEST(CApiStatusTest, NamesMirrorTheCppCodes) {
  EXPECT_STREQ(logkv_status_name(LOGKV_OK), "ok");
  EXPECT_STREQ(logkv_status_name(LOGKV_LIMIT_EXCEEDED), "limit exceeded");
  EXPECT_STREQ(logkv_status_name(LOGKV_LOCKED), "locked");
  EXPECT_STREQ(logkv_status_name(LOGKV_OUT_OF_MEMORY), "out of memory");
  EXPECT_STREQ(logkv_status_name(static_cast<logkv_status>(200)), "unknown");
}

TEST(CApiStatusTest, SpinsHostErrorsHaveTheirOwnCodesAndNames) {
  EXPECT_STREQ(logkv_status_name(LOGKV_STORE_TABLE_FULL), "store table full");
  EXPECT_STREQ(logkv_status_name(LOGKV_NO_SUCH_STORE), "no such store");
  EXPECT_STREQ(logkv_status_name(LOGKV_ACCESS_DENIED), "access denied");
  EXPECT_STREQ(logkv_status_name(LOGKV_INVALID_STORE), "invalid store");
  EXPECT_STREQ(logkv_status_name(static_cast<logkv_status>(LOGKV_INVALID_STORE + 1)), "unknown");
}

TEST_F(CApiTest, SetThenGetReturnsAnOwnedCopyOfBinaryValue) {
  open();
  const std::string value("a\0b\xff\n", 5);
  ASSERT_EQ(set("k", value), LOGKV_OK) << error_.str();
  EXPECT_EQ(error_.text, nullptr);
  EXPECT_EQ(get("k"), value);
}

TEST_F(CApiTest, GetOfMissingKeyIsOkWithNullValue) {
  open();
  EXPECT_EQ(get("absent"), std::nullopt);
}

TEST_F(CApiTest, EmptyValueIsANonNullBufferOfLengthZero) {
  open();
  ASSERT_EQ(logkv_set(store_, "k", 1, nullptr, 0, error_.out()), LOGKV_OK) << error_.str();
  EXPECT_EQ(get("k"), std::string());
}

TEST_F(CApiTest, GetViewPointsAtTheSameBytesAsGetUntilFreed) {
  open();
  const std::string value = std::string("a\0b\xff\n", 5) + std::string((1 << 20) - 5, 'v');
  ASSERT_EQ(set("k", value), LOGKV_OK) << error_.str();
  const View view = get_view("k");
  ASSERT_NE(view.handle, nullptr);
  ASSERT_NE(view.data, nullptr);
  EXPECT_EQ(std::string(view.data, view.len), get("k"));
  // The bytes outlive an overwrite and the store's close.
  ASSERT_EQ(set("k", "newer"), LOGKV_OK) << error_.str();
  close();
  EXPECT_EQ(std::string(view.data, view.len), value);
  logkv_value_free(view.handle);
  logkv_value_free(nullptr);
}

TEST_F(CApiTest, GetViewOfMissingKeyIsOkWithNullOutputs) {
  open();
  const View view = get_view("absent");
  EXPECT_EQ(view.handle, nullptr);
  EXPECT_EQ(view.data, nullptr);
  EXPECT_EQ(view.len, 0u);
}

TEST_F(CApiTest, GetViewOfAnEmptyValueIsANonNullPointerOfLengthZero) {
  open();
  ASSERT_EQ(logkv_set(store_, "k", 1, nullptr, 0, error_.out()), LOGKV_OK) << error_.str();
  const View view = get_view("k");
  EXPECT_NE(view.handle, nullptr);
  EXPECT_NE(view.data, nullptr);
  EXPECT_EQ(view.len, 0u);
  logkv_value_free(view.handle);
}

TEST_F(CApiTest, SetOverwritesTheOlderValue) {
  open();
  ASSERT_EQ(set("k", "first"), LOGKV_OK);
  ASSERT_EQ(set("k", "second"), LOGKV_OK);
  EXPECT_EQ(get("k"), "second");
}

TEST_F(CApiTest, DeleteRemovesTheKey) {
  open();
  ASSERT_EQ(set("k", "v"), LOGKV_OK);
  ASSERT_EQ(logkv_delete(store_, "k", 1, error_.out()), LOGKV_OK) << error_.str();
  EXPECT_EQ(get("k"), std::nullopt);
  EXPECT_FALSE(exists("k"));
}

TEST_F(CApiTest, DeleteOfMissingKeySucceeds) {
  open();
  EXPECT_EQ(logkv_delete(store_, "never", 5, error_.out()), LOGKV_OK) << error_.str();
}

TEST_F(CApiTest, ExistsAnswersForPresentAndAbsentKeys) {
  open();
  ASSERT_EQ(set("here", "v"), LOGKV_OK);
  EXPECT_TRUE(exists("here"));
  EXPECT_FALSE(exists("gone"));
}

TEST_F(CApiTest, KeysListsEveryKeyWithItsLength) {
  open();
  ASSERT_EQ(set("b", "1"), LOGKV_OK);
  ASSERT_EQ(set("a", "2"), LOGKV_OK);
  ASSERT_EQ(set("c", "3"), LOGKV_OK);
  ASSERT_EQ(logkv_delete(store_, "c", 1, error_.out()), LOGKV_OK);
  EXPECT_EQ(sorted_keys(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(CApiTest, KeysWithoutLengthsAreNulTerminated) {
  open();
  ASSERT_EQ(set("only", "v"), LOGKV_OK);
  char** keys = nullptr;
  size_t count = 0;
  ASSERT_EQ(logkv_keys(store_, &keys, nullptr, &count, error_.out()), LOGKV_OK) << error_.str();
  ASSERT_EQ(count, 1u);
  EXPECT_STREQ(keys[0], "only");
  logkv_free_keys(keys, nullptr, count);
}

TEST_F(CApiTest, KeysOfAnEmptyStoreAreNullArrays) {
  open();
  // Outputs that start non-NULL, to see them overwritten.
  char* placeholder_key = nullptr;
  size_t placeholder_length = 0;
  char** keys = &placeholder_key;
  size_t* lengths = &placeholder_length;
  size_t count = 99;
  ASSERT_EQ(logkv_keys(store_, &keys, &lengths, &count, error_.out()), LOGKV_OK);
  EXPECT_EQ(keys, nullptr);
  EXPECT_EQ(lengths, nullptr);
  EXPECT_EQ(count, 0u);
}

TEST_F(CApiTest, ValuesSurviveCloseAndReopen) {
  open();
  ASSERT_EQ(set("durable", "yes"), LOGKV_OK);
  close();
  open();
  EXPECT_EQ(get("durable"), "yes");
}

TEST_F(CApiTest, OversizedKeyIsRefusedWithAMessageNamingTheLimit) {
  open();
  EXPECT_EQ(set(std::string(257, 'k'), "v"), LOGKV_LIMIT_EXCEEDED);
  EXPECT_NE(error_.str().find("key_bytes_max"), std::string::npos) << error_.str();
  EXPECT_TRUE(sorted_keys().empty());
}

TEST_F(CApiTest, OversizedValueIsRefused) {
  open();
  EXPECT_EQ(set("k", std::string((1 << 20) + 1, 'v')), LOGKV_LIMIT_EXCEEDED);
  EXPECT_FALSE(error_.str().empty());
  EXPECT_FALSE(exists("k"));
}

TEST_F(CApiTest, InvalidUtf8KeyIsRefused) {
  open();
  EXPECT_EQ(set("\xff\xfe", "v"), LOGKV_INVALID_ARGUMENT);
  EXPECT_FALSE(error_.str().empty());
}

TEST_F(CApiTest, RaisedLimitsAreHonoured) {
  logkv_options options;
  logkv_options_init(&options);
  options.keys_max = 2;
  options.value_bytes_max = 4 << 20;
  open(&options);
  EXPECT_EQ(set("big", std::string(2 << 20, 'v')), LOGKV_OK) << error_.str();
  EXPECT_EQ(set("second", "v"), LOGKV_OK) << error_.str();
  EXPECT_EQ(set("third", "v"), LOGKV_LIMIT_EXCEEDED);
  EXPECT_EQ(set("second", "overwrite in a full store"), LOGKV_OK) << error_.str();
}

TEST_F(CApiTest, ErrorMessageIsResetToNullOnSuccess) {
  open();
  ASSERT_EQ(set(std::string(300, 'k'), "v"), LOGKV_LIMIT_EXCEEDED);
  char* reused = error_.text;  // still owned (and freed) by error_: logkv must not free it
  ASSERT_EQ(logkv_set(store_, "k", 1, "v", 1, &reused), LOGKV_OK);
  EXPECT_EQ(reused, nullptr);
}

TEST_F(CApiTest, NullStoreHandleIsAnInvalidArgument) {
  char* value = nullptr;
  size_t value_len = 0;
  EXPECT_EQ(logkv_get(nullptr, "k", 1, &value, &value_len, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_NE(error_.str().find("NULL"), std::string::npos) << error_.str();
  EXPECT_EQ(logkv_set(nullptr, "k", 1, "v", 1, nullptr), LOGKV_INVALID_ARGUMENT);
}

TEST_F(CApiTest, NullKeyWithNonZeroLengthIsAnInvalidArgument) {
  open();
  EXPECT_EQ(logkv_set(store_, nullptr, 3, "v", 1, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(logkv_set(store_, "k", 1, nullptr, 3, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(logkv_delete(store_, nullptr, 1, error_.out()), LOGKV_INVALID_ARGUMENT);
}

TEST_F(CApiTest, NullOutputPointersAreInvalidArguments) {
  open();
  size_t value_len = 0;
  EXPECT_EQ(logkv_get(store_, "k", 1, nullptr, &value_len, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(logkv_exists(store_, "k", 1, nullptr, error_.out()), LOGKV_INVALID_ARGUMENT);
  const char* data = nullptr;
  EXPECT_EQ(logkv_get_view(store_, "k", 1, nullptr, &data, &value_len, error_.out()),
            LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(logkv_keys(store_, nullptr, nullptr, nullptr, error_.out()), LOGKV_INVALID_ARGUMENT);
  logkv_store* never_set = nullptr;
  EXPECT_EQ(logkv_open(nullptr, nullptr, &never_set, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(never_set, nullptr);
}

TEST_F(CApiTest, UnknownSyncModeIsRefusedAtOpen) {
  logkv_options options;
  logkv_options_init(&options);
  options.sync_mode = 7;
  logkv_store* store = nullptr;
  EXPECT_EQ(logkv_open(dir_.path().c_str(), &options, &store, error_.out()),
            LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(store, nullptr);
  EXPECT_NE(error_.str().find("sync_mode"), std::string::npos) << error_.str();
}

TEST_F(CApiTest, IntervalSyncModeOpensAndAZeroIntervalIsRefused) {
  logkv_options options;
  logkv_options_init(&options);
  EXPECT_EQ(options.sync_interval_ms, 100u);
  options.sync_mode = LOGKV_SYNC_INTERVAL;
  options.sync_interval_ms = 0;
  logkv_store* store = nullptr;
  EXPECT_EQ(logkv_open(dir_.path().c_str(), &options, &store, error_.out()),
            LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(store, nullptr);
  EXPECT_NE(error_.str().find("sync_interval_ms"), std::string::npos) << error_.str();
  options.sync_interval_ms = 5;
  ASSERT_EQ(logkv_open(dir_.path().c_str(), &options, &store, error_.out()), LOGKV_OK)
      << error_.str();
  EXPECT_EQ(logkv_set(store, "k", 1, "v", 1, error_.out()), LOGKV_OK) << error_.str();
  EXPECT_EQ(logkv_close(store, error_.out()), LOGKV_OK) << error_.str();
}

TEST_F(CApiTest, SecondOpenOfTheSameFolderIsLocked) {
  open();
  logkv_store* second = nullptr;
  EXPECT_EQ(logkv_open(dir_.path().c_str(), nullptr, &second, error_.out()), LOGKV_LOCKED);
  EXPECT_EQ(second, nullptr);
  EXPECT_FALSE(error_.str().empty());
}

TEST_F(CApiTest, OpenOfMissingFolderWithoutCreateIsNotFound) {
  logkv_options options;
  logkv_options_init(&options);
  options.create_if_missing = 0;
  logkv_store* store = nullptr;
  const std::string missing = dir_.file("does-not-exist");
  EXPECT_EQ(logkv_open(missing.c_str(), &options, &store, error_.out()), LOGKV_NOT_FOUND);
  EXPECT_EQ(store, nullptr);
}

TEST_F(CApiTest, InMemoryStoreKeepsNothingAfterClose) {
  logkv_options options;
  logkv_options_init(&options);
  options.in_memory = 1;
  open(&options);
  ASSERT_EQ(set("k", "v"), LOGKV_OK) << error_.str();
  EXPECT_EQ(get("k"), "v");
  close();
  open(&options);
  EXPECT_EQ(get("k"), std::nullopt);
}

TEST(CApiCloseTest, ClosingNullIsANoOp) {
  char* message = nullptr;
  EXPECT_EQ(logkv_close(nullptr, &message), LOGKV_OK);
  EXPECT_EQ(message, nullptr);
}

// Random sets, deletes and reopens, checked after every step against a std::map.
TEST_F(CApiTest, RandomOperationsMatchAModel) {
  uint64_t seed = std::random_device{}();
  if (const char* replay = std::getenv("LOGKV_TEST_SEED"))
    seed = std::strtoull(replay, nullptr, 10);
  RecordProperty("seed", std::to_string(seed));
  std::cout << "seed=" << seed << " (replay with LOGKV_TEST_SEED=" << seed << ")\n";
  std::mt19937_64 random(seed);

  open();
  std::map<std::string, std::string> model;
  for (int step = 0; step < 400; ++step) {
    const std::string key = "key-" + std::to_string(random() % 40);
    switch (random() % 8) {
      case 0:
      case 1:
      case 2: {
        std::string value(random() % 64, '\0');
        for (char& byte : value) byte = static_cast<char>(random());
        ASSERT_EQ(set(key, value), LOGKV_OK) << "step " << step << ": " << error_.str();
        model[key] = value;
        break;
      }
      case 3:
        ASSERT_EQ(logkv_delete(store_, key.data(), key.size(), error_.out()), LOGKV_OK)
            << error_.str();
        model.erase(key);
        break;
      case 4:
        ASSERT_NO_FATAL_FAILURE(close());
        ASSERT_NO_FATAL_FAILURE(open());
        break;
      default: {
        const auto expected = model.find(key);
        ASSERT_EQ(exists(key), expected != model.end()) << "step " << step << " key " << key;
        ASSERT_EQ(get(key), expected == model.end() ? std::nullopt
                                                    : std::optional<std::string>(expected->second))
            << "step " << step << " key " << key;
      }
    }
  }
  std::vector<std::string> expected_keys;
  for (const auto& [key, value] : model) expected_keys.push_back(key);
  EXPECT_EQ(sorted_keys(), expected_keys);
}

}  // namespace
