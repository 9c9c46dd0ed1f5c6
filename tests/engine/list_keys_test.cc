// list_keys: pages in byte order, prefixes, cursors that resume exactly after the last key (also
// while other threads insert and delete), refusal of cursors logkv did not issue, and the
// result-size cap on keys() and list_keys().
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/key_listing.h"
#include "engine/store_impl.h"
#include "fs/mem_file_system.h"
#include "tests/support/seed.h"

namespace logkv {
namespace {

constexpr char kDir[] = "/store";

class ListKeysTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = open_store(fs_, kDir, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }

  // Every key, page by page; fails the test on an error or a page over `limit`.
  static std::vector<std::string> list_all(Store& store, size_t limit,
                                           std::string_view prefix = {}) {
    std::vector<std::string> keys;
    std::optional<std::string> cursor;
    for (int pages = 0; pages < 100000; ++pages) {
      Result<KeyPage> page = store.list_keys(cursor, limit, prefix);
      EXPECT_TRUE(page.is_ok()) << page.status().to_string();
      if (!page.is_ok()) break;
      EXPECT_LE(page->keys.size(), limit);
      keys.insert(keys.end(), page->keys.begin(), page->keys.end());
      if (!page->cursor) break;
      EXPECT_FALSE(page->keys.empty()) << "a page with a cursor must make progress";
      cursor = page->cursor;
    }
    return keys;
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

std::string numbered(std::string_view stem, int i) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%05d", i);
  return std::string(stem) + digits;
}

TEST_F(ListKeysTest, PagingOverAThousandKeysEqualsTheSortedKeys) {
  Options options;
  options.limits.keys_max = 2000;
  auto store = open(options);
  std::mt19937 random(7);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 1000; ++i) {
    // Varied lengths and bytes, so that byte order differs from length or insertion order.
    pairs.emplace_back(std::to_string(random()) + (i % 3 == 0 ? "\xc3\xa9" : ""), "v");
  }
  std::vector<std::pair<std::string_view, std::string_view>> views(pairs.begin(), pairs.end());
  ASSERT_TRUE(store->set_many(views).is_ok());
  std::vector<std::string> sorted = store->keys().value();
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(sorted.size(), 1000u);
  for (size_t limit : {size_t{1}, size_t{7}, size_t{999}, size_t{1000}, size_t{1001}}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    EXPECT_EQ(list_all(*store, limit), sorted);
  }
}

TEST_F(ListKeysTest, FullLastPageHasNoCursor) {
  auto store = open();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->set(numbered("k", i), "v").is_ok());
  Result<KeyPage> first = store->list_keys(std::nullopt, 2);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(first->keys, (std::vector<std::string>{"k00000", "k00001"}));
  ASSERT_TRUE(first->cursor.has_value());
  Result<KeyPage> second = store->list_keys(first->cursor, 2);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->keys, (std::vector<std::string>{"k00002", "k00003"}));
  EXPECT_FALSE(second->cursor.has_value()) << "nothing remains after an exactly full page";
}

TEST_F(ListKeysTest, EmptyStoreGivesAnEmptyPageWithoutCursor) {
  auto store = open();
  Result<KeyPage> page = store->list_keys(std::nullopt, 10);
  ASSERT_TRUE(page.is_ok());
  EXPECT_TRUE(page->keys.empty());
  EXPECT_FALSE(page->cursor.has_value());
}

TEST_F(ListKeysTest, PrefixSelectsOnlyMatchingKeysAcrossPages) {
  auto store = open();
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(store->set(numbered(i % 2 == 0 ? "user:" : "order:", i), "v").is_ok());
  }
  ASSERT_TRUE(store->set("user", "no colon").is_ok());
  ASSERT_TRUE(store->set("use", "shorter").is_ok());
  const std::vector<std::string> users = list_all(*store, 4, "user:");
  ASSERT_EQ(users.size(), 15u);
  EXPECT_TRUE(std::is_sorted(users.begin(), users.end()));
  for (const std::string& key : users) EXPECT_EQ(key.rfind("user:", 0), 0u) << key;
  EXPECT_TRUE(list_all(*store, 10, "nobody").empty());
  EXPECT_EQ(list_all(*store, 100, "").size(), 32u);
}

TEST_F(ListKeysTest, CursorOfADeletedKeyStillResumesAfterIt) {
  auto store = open();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(store->set(numbered("k", i), "v").is_ok());
  Result<KeyPage> first = store->list_keys(std::nullopt, 3);
  ASSERT_TRUE(first.is_ok());
  ASSERT_TRUE(store->del("k00002").is_ok());  // the key the cursor names
  Result<KeyPage> second = store->list_keys(first->cursor, 3);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_EQ(second->keys, (std::vector<std::string>{"k00003", "k00004", "k00005"}));
}

TEST_F(ListKeysTest, LimitOutsideOneToOneHundredThousandIsRefused) {
  auto store = open();
  for (size_t limit : {size_t{0}, kListKeysLimitMax + 1}) {
    Result<KeyPage> page = store->list_keys(std::nullopt, limit);
    ASSERT_FALSE(page.is_ok());
    EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(page.status().message().find("limit"), std::string::npos);
  }
  EXPECT_TRUE(store->list_keys(std::nullopt, kListKeysLimitMax).is_ok());
}

TEST(ListCursorTest, RoundTripsAnyKeyIncludingEmptyAndBinary) {
  for (const std::string& key : {std::string(), std::string("plain"), std::string("\0\xff.v1", 5),
                                 std::string(65535, '\x80')}) {
    Result<std::string> decoded = decode_list_cursor(encode_list_cursor(key));
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
    EXPECT_EQ(*decoded, key);
  }
}

TEST_F(ListKeysTest, MalformedOrEditedCursorsAreRefused) {
  auto store = open();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->set(numbered("k", i), "v").is_ok());
  const std::string good = *store->list_keys(std::nullopt, 2)->cursor;
  std::string edited_key = good;
  edited_key[3] = edited_key[3] == '6' ? '7' : '6';  // first hex digit of the key
  std::string edited_check = good;
  edited_check.back() = edited_check.back() == '0' ? '1' : '0';
  std::string upper = good;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  const std::vector<std::string> bad = {
      "",
      "garbage",
      "v2." + good.substr(3),
      good.substr(0, good.size() - 1),
      good.substr(0, good.rfind('.')),
      good.substr(0, 4) + good.substr(5),  // odd number of key digits
      edited_key,
      edited_check,
      upper,
      good + "0",
      "v1.zz." + good.substr(good.rfind('.') + 1),
  };
  for (const std::string& cursor : bad) {
    SCOPED_TRACE("cursor '" + cursor + "'");
    Result<KeyPage> page = store->list_keys(cursor, 2);
    ASSERT_FALSE(page.is_ok());
    EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(page.status().message().find("is not one logkv issued"), std::string::npos)
        << page.status().message();
  }
  EXPECT_TRUE(store->list_keys(good, 2).is_ok());
}

TEST_F(ListKeysTest, KeysAndListKeysRespectTheResultCap) {
  Options options;
  options.result_bytes_max = 50;
  auto store = open(options);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store->set(numbered("key", i), "v").is_ok());  // 8 B
  Result<std::vector<std::string>> keys = store->keys();
  ASSERT_FALSE(keys.is_ok());
  EXPECT_EQ(keys.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(keys.status().message().find("query result exceeds limit"), std::string::npos)
      << keys.status().message();

  Result<KeyPage> big = store->list_keys(std::nullopt, 10);
  ASSERT_FALSE(big.is_ok());
  EXPECT_EQ(big.status().code(), StatusCode::kLimitExceeded);
  EXPECT_NE(big.status().message().find("query result exceeds limit"), std::string::npos);
  EXPECT_EQ(list_all(*store, 6).size(), 10u) << "pages of 6 x 8 bytes fit under 50";
}

// Writers insert and delete "churn" keys between and during page reads, while a reader pages
// through the store. Every "stable" key (present throughout) must appear exactly once, and the
// listing must be strictly ascending (no key twice).
TEST_F(ListKeysTest, KeysPresentThroughoutAppearExactlyOnceDespiteConcurrentWrites) {
  constexpr int kStableKeys = 600;
  constexpr int kWriters = 3;
  const uint64_t seed = testing::test_seed();
  Options options;
  options.limits.keys_max = 100000;
  options.sync_mode = SyncMode::kNever;  // churn fast; durability is not under test
  auto store = open(options);
  std::set<std::string> stable;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < kStableKeys; ++i) {
    stable.insert(numbered("s", i * 3));
    pairs.emplace_back(numbered("s", i * 3), "v");
  }
  std::vector<std::pair<std::string_view, std::string_view>> views(pairs.begin(), pairs.end());
  ASSERT_TRUE(store->set_many(views).is_ok());

  for (int listing = 0; listing < 5; ++listing) {
    SCOPED_TRACE("listing " + std::to_string(listing) + " seed " + std::to_string(seed));
    std::atomic<bool> done{false};
    std::vector<std::thread> writers;
    std::vector<std::string> failures(kWriters);
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        std::mt19937_64 random(seed + listing * kWriters + w);
        // At least a few hundred operations, and on until the reader has finished.
        for (int op = 0; op < 300 || !done.load(); ++op) {
          // Churn keys sit between and around the stable ones ("s00001", "s00002", "r...", "t...").
          const int n = static_cast<int>(random() % (kStableKeys * 3));
          std::string key = n % 3 == 0 ? numbered(random() % 2 ? "r" : "t", n) : numbered("s", n);
          const Status status = random() % 2 ? store->set(key, "c") : store->del(key);
          if (!status.is_ok()) {
            failures[w] = status.to_string();
            return;
          }
        }
      });
    }
    const std::vector<std::string> listed = list_all(*store, 1 + listing * 13);
    done = true;
    for (std::thread& writer : writers) writer.join();
    for (const std::string& failure : failures) ASSERT_EQ(failure, "");

    EXPECT_TRUE(std::adjacent_find(listed.begin(), listed.end(), std::greater_equal<>()) ==
                listed.end())
        << "the listing must be strictly ascending";
    std::map<std::string, int> seen;
    for (const std::string& key : listed) ++seen[key];
    for (const std::string& key : stable) EXPECT_EQ(seen[key], 1) << key;
  }
}

}  // namespace
}  // namespace logkv
