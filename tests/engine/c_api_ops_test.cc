// Tests of the C API's multi-key, counter, compare-and-swap and paging calls: results, buffer
// ownership, NULL handling, and that errors come back with messages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "logkv/logkv.h"
#include "tests/support/c_error_message.h"

namespace {

using ErrorMessage = logkv::testing::CErrorMessage;

// Pointer and length arrays over a list of strings, as the C calls take them.
struct CArrays {
  explicit CArrays(const std::vector<std::string>& strings) {
    for (const std::string& s : strings) {
      pointers.push_back(s.data());
      lengths.push_back(s.size());
    }
  }
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
};

class CApiOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logkv_options options;
    logkv_options_init(&options);
    options.in_memory = 1;
    ASSERT_EQ(logkv_open("c-api-ops", &options, &store_, error_.out()), LOGKV_OK) << error_.str();
  }
  void TearDown() override { EXPECT_EQ(logkv_close(store_, error_.out()), LOGKV_OK); }

  void set(const std::string& key, const std::string& value) {
    ASSERT_EQ(logkv_set(store_, key.data(), key.size(), value.data(), value.size(), error_.out()),
              LOGKV_OK)
        << error_.str();
  }

  std::vector<std::optional<std::string>> get_many(const std::vector<std::string>& keys) {
    CArrays arrays(keys);
    char** values = nullptr;
    size_t* lengths = nullptr;
    EXPECT_EQ(logkv_get_many(store_, arrays.pointers.data(), arrays.lengths.data(), keys.size(),
                             &values, &lengths, error_.out()),
              LOGKV_OK)
        << error_.str();
    std::vector<std::optional<std::string>> result;
    for (size_t i = 0; values != nullptr && i < keys.size(); ++i) {
      if (values[i] == nullptr) {
        EXPECT_EQ(lengths[i], 0u);
        result.emplace_back();
      } else {
        result.emplace_back(std::string(values[i], lengths[i]));
      }
    }
    logkv_free_values(values, lengths, keys.size());
    return result;
  }

  logkv_store* store_ = nullptr;
  ErrorMessage error_;
};

TEST_F(CApiOpsTest, GetManyAnswersInOrderWithNullForMissing) {
  set("a", "1");
  set("b", std::string("\0x", 2));
  const std::vector<std::optional<std::string>> expected = {"1", std::nullopt,
                                                            std::string("\0x", 2)};
  EXPECT_EQ(get_many({"a", "missing", "b"}), expected);
}

TEST_F(CApiOpsTest, GetManyOfNothingReturnsNullArrays) {
  char** values = reinterpret_cast<char**>(&values);  // anything but NULL
  size_t* lengths = nullptr;
  ASSERT_EQ(logkv_get_many(store_, nullptr, nullptr, 0, &values, &lengths, error_.out()), LOGKV_OK);
  EXPECT_EQ(values, nullptr);
  EXPECT_EQ(lengths, nullptr);
}

TEST_F(CApiOpsTest, NullKeyArraysWithACountAreRefused) {
  char** values = nullptr;
  EXPECT_EQ(logkv_get_many(store_, nullptr, nullptr, 2, &values, nullptr, error_.out()),
            LOGKV_INVALID_ARGUMENT);
  EXPECT_NE(error_.str().find("must not be NULL"), std::string::npos) << error_.str();
  const char* keys[] = {nullptr};
  const size_t lengths[] = {3};
  EXPECT_EQ(logkv_delete_many(store_, keys, lengths, 1, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_NE(error_.str().find("keys[0]"), std::string::npos) << error_.str();
}

TEST_F(CApiOpsTest, SetManyAndDeleteManyApplyWholeBatches) {
  const std::vector<std::string> keys = {"a", "b", "c"};
  const std::vector<std::string> values = {"1", "2", "3"};
  CArrays k(keys);
  CArrays v(values);
  ASSERT_EQ(logkv_set_many(store_, k.pointers.data(), k.lengths.data(), v.pointers.data(),
                           v.lengths.data(), 3, error_.out()),
            LOGKV_OK)
      << error_.str();
  EXPECT_EQ(get_many(keys), (std::vector<std::optional<std::string>>{"1", "2", "3"}));
  ASSERT_EQ(logkv_delete_many(store_, k.pointers.data(), k.lengths.data(), 2, error_.out()),
            LOGKV_OK);
  EXPECT_EQ(get_many(keys),
            (std::vector<std::optional<std::string>>{std::nullopt, std::nullopt, "3"}));
}

TEST_F(CApiOpsTest, SetManyWithAnOversizedValueWritesNothing) {
  const std::vector<std::string> keys = {"a", "b"};
  const std::vector<std::string> values = {"1", std::string((1 << 20) + 1, 'v')};
  CArrays k(keys);
  CArrays v(values);
  EXPECT_EQ(logkv_set_many(store_, k.pointers.data(), k.lengths.data(), v.pointers.data(),
                           v.lengths.data(), 2, error_.out()),
            LOGKV_LIMIT_EXCEEDED);
  EXPECT_NE(error_.str().find("'b'"), std::string::npos) << error_.str();
  EXPECT_EQ(get_many({"a"}), (std::vector<std::optional<std::string>>{std::nullopt}));
}

TEST_F(CApiOpsTest, IncrementCountsAndRefusesNonCounters) {
  int64_t value = 0;
  ASSERT_EQ(logkv_increment(store_, "n", 1, 41, &value, error_.out()), LOGKV_OK) << error_.str();
  ASSERT_EQ(logkv_increment(store_, "n", 1, 1, &value, error_.out()), LOGKV_OK);
  EXPECT_EQ(value, 42);
  set("text", "abc");
  value = -7;
  EXPECT_EQ(logkv_increment(store_, "text", 4, 1, &value, error_.out()), LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(value, -7) << "outputs are unchanged on failure";
  EXPECT_NE(error_.str().find("'text'"), std::string::npos) << error_.str();
  EXPECT_EQ(logkv_increment(store_, "n", 1, 1, nullptr, error_.out()), LOGKV_INVALID_ARGUMENT);
}

TEST_F(CApiOpsTest, CompareAndSwapDetectsAChangeAndRefreshesTheToken) {
  set("k", "A");
  logkv_cas* cas = nullptr;
  ASSERT_EQ(logkv_cas_begin(store_, "k", 1, &cas, error_.out()), LOGKV_OK) << error_.str();
  const char* current = nullptr;
  size_t current_len = 0;
  ASSERT_EQ(logkv_cas_current(cas, &current, &current_len), 1);
  EXPECT_EQ(std::string(current, current_len), "A");

  set("k", "B");
  set("k", "A");
  int swapped = -1;
  ASSERT_EQ(logkv_cas_swap(store_, cas, "C", 1, &swapped, error_.out()), LOGKV_OK);
  EXPECT_EQ(swapped, 0) << "A -> B -> A must be detected";
  ASSERT_EQ(logkv_cas_current(cas, &current, &current_len), 1);
  EXPECT_EQ(std::string(current, current_len), "A");

  ASSERT_EQ(logkv_cas_swap(store_, cas, "C", 1, &swapped, error_.out()), LOGKV_OK);
  EXPECT_EQ(swapped, 1) << "the refreshed token swaps";
  logkv_cas_free(cas);
  char* value = nullptr;
  size_t value_len = 0;
  ASSERT_EQ(logkv_get(store_, "k", 1, &value, &value_len, error_.out()), LOGKV_OK);
  EXPECT_EQ(std::string(value, value_len), "C");
  logkv_free(value);
}

TEST_F(CApiOpsTest, CompareAndSwapOnAnAbsentKey) {
  logkv_cas* cas = nullptr;
  ASSERT_EQ(logkv_cas_begin(store_, "new", 3, &cas, error_.out()), LOGKV_OK);
  const char* current = "not null";
  size_t current_len = 9;
  EXPECT_EQ(logkv_cas_current(cas, &current, &current_len), 0);
  EXPECT_EQ(current, nullptr);
  EXPECT_EQ(current_len, 0u);
  set("new", "theirs");
  int swapped = -1;
  ASSERT_EQ(logkv_cas_swap(store_, cas, "mine", 4, &swapped, error_.out()), LOGKV_OK);
  EXPECT_EQ(swapped, 0);
  logkv_cas_free(cas);
  EXPECT_EQ(logkv_cas_current(nullptr, nullptr, nullptr), 0);
  logkv_cas_free(nullptr);
}

TEST_F(CApiOpsTest, ListKeysPagesWithCursorsUntilNoneRemain) {
  for (const char* key : {"d", "a", "c", "b", "e"}) set(key, "v");
  std::vector<std::string> listed;
  char* cursor = nullptr;
  int pages = 0;
  do {
    char** keys = nullptr;
    size_t* lengths = nullptr;
    size_t count = 0;
    char* next = nullptr;
    ASSERT_EQ(logkv_list_keys(store_, cursor, 2, nullptr, 0, &keys, &lengths, &count, &next,
                              error_.out()),
              LOGKV_OK)
        << error_.str();
    for (size_t i = 0; i < count; ++i) listed.emplace_back(keys[i], lengths[i]);
    logkv_free_keys(keys, lengths, count);
    logkv_free(cursor);
    cursor = next;
    ++pages;
  } while (cursor != nullptr && pages < 10);
  EXPECT_EQ(listed, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(pages, 3);
}

TEST_F(CApiOpsTest, ListKeysWithPrefixAndBadArguments) {
  for (const char* key : {"x:1", "x:2", "y:1"}) set(key, "v");
  char** keys = nullptr;
  size_t count = 0;
  char* next = nullptr;
  ASSERT_EQ(
      logkv_list_keys(store_, nullptr, 10, "x:", 2, &keys, nullptr, &count, &next, error_.out()),
      LOGKV_OK);
  ASSERT_EQ(count, 2u);
  EXPECT_STREQ(keys[0], "x:1");
  EXPECT_STREQ(keys[1], "x:2");
  EXPECT_EQ(next, nullptr);
  logkv_free_keys(keys, nullptr, count);

  EXPECT_EQ(
      logkv_list_keys(store_, "v1.zz", 10, nullptr, 0, &keys, nullptr, &count, &next, error_.out()),
      LOGKV_INVALID_ARGUMENT);
  EXPECT_NE(error_.str().find("is not one logkv issued"), std::string::npos) << error_.str();
  EXPECT_EQ(
      logkv_list_keys(store_, nullptr, 0, nullptr, 0, &keys, nullptr, &count, &next, error_.out()),
      LOGKV_INVALID_ARGUMENT);
  EXPECT_EQ(logkv_list_keys(store_, nullptr, 10, nullptr, 0, &keys, nullptr, &count, nullptr,
                            error_.out()),
            LOGKV_INVALID_ARGUMENT);
}

}  // namespace
