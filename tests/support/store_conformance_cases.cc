// The store conformance cases (store_conformance.h): what every backend behind a label does,
// through the host's API only.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/seed.h"
#include "tests/support/store_conformance.h"

namespace logkv::testing {

void StoreConformanceTest::SetUp() {
  std::string why_not;
  if (!GetParam().available(&why_not)) GTEST_SKIP() << GetParam().name << ": " << why_not;
  table_ = GetParam().table(scratch_.path());
}

std::shared_ptr<Store> StoreConformanceTest::open_store(const std::string& limit_lines) {
  const std::string text = "[key_value_store.conformance]\n" + table_ + limit_lines;
  Result<RuntimeConfig> config = RuntimeConfig::parse(text, scratch_.path(), "rc.toml");
  EXPECT_TRUE(config.is_ok()) << config.status().to_string();
  if (!config.is_ok()) return nullptr;
  HostOptions options;
  options.state_dir = "";
  Result<std::unique_ptr<Host>> host = Host::open(std::move(config).value(), options);
  EXPECT_TRUE(host.is_ok()) << host.status().to_string();
  if (!host.is_ok()) return nullptr;
  Result<std::unique_ptr<ComponentStores>> component = (*host)->instantiate({"conformance"});
  EXPECT_TRUE(component.is_ok()) << component.status().to_string();
  if (!component.is_ok()) return nullptr;
  Result<StoreHandle> handle = (*component)->open("conformance");
  EXPECT_TRUE(handle.is_ok()) << handle.status().to_string();
  if (!handle.is_ok()) return nullptr;
  Result<std::shared_ptr<Store>> store = (*component)->store(*handle);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  hosts_.push_back(std::move(host).value());
  components_.push_back(std::move(component).value());
  return store.is_ok() ? *store : nullptr;
}

std::string conformance_backend_name(const ::testing::TestParamInfo<ConformanceBackend>& info) {
  return info.param.name;
}

namespace {

std::optional<std::string> get(Store& store, std::string_view key) {
  Result<std::optional<std::string>> value = store.get(key);
  EXPECT_TRUE(value.is_ok()) << value.status().to_string();
  return value.is_ok() ? *value : std::nullopt;
}

bool exists(Store& store, std::string_view key) {
  Result<bool> found = store.exists(key);
  EXPECT_TRUE(found.is_ok()) << found.status().to_string();
  return found.is_ok() && *found;
}

std::vector<std::string> sorted_keys(Store& store) {
  Result<std::vector<std::string>> keys = store.keys();
  EXPECT_TRUE(keys.is_ok()) << keys.status().to_string();
  if (!keys.is_ok()) return {};
  std::vector<std::string> sorted = *keys;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

std::string numbered(std::string_view stem, int i) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%05d", i);
  return std::string(stem) + digits;
}

// --- Spin's key-value test sequence ---

TEST_P(StoreConformanceTest, SpinSequence) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(sorted_keys(*store).empty()) << "the store starts empty";
  EXPECT_TRUE(store->del("bar").is_ok()) << "deleting a missing key is not an error";
  EXPECT_FALSE(exists(*store, "bar"));
  EXPECT_EQ(get(*store, "bar"), std::nullopt);
  EXPECT_TRUE(sorted_keys(*store).empty());

  ASSERT_TRUE(store->set("bar", "baz").is_ok());
  EXPECT_TRUE(exists(*store, "bar"));
  EXPECT_EQ(get(*store, "bar"), "baz");
  EXPECT_EQ(sorted_keys(*store), std::vector<std::string>{"bar"});

  ASSERT_TRUE(store->set("bar", "wow").is_ok());
  EXPECT_EQ(get(*store, "bar"), "wow");
  EXPECT_EQ(sorted_keys(*store), std::vector<std::string>{"bar"});

  ASSERT_TRUE(store->del("bar").is_ok());
  ASSERT_TRUE(store->del("bar").is_ok()) << "a second delete is not an error";
  EXPECT_FALSE(exists(*store, "bar"));
  EXPECT_EQ(get(*store, "bar"), std::nullopt);
  EXPECT_TRUE(sorted_keys(*store).empty());

  ASSERT_TRUE(store->set("bar", "baz").is_ok());
  ASSERT_TRUE(store->set("qux", "quux").is_ok());
  ASSERT_TRUE(store->set("corge", std::string("\0\xff", 2)).is_ok());
  EXPECT_EQ(sorted_keys(*store), (std::vector<std::string>{"bar", "corge", "qux"}));
  EXPECT_EQ(get(*store, "corge"), std::string("\0\xff", 2));
  ASSERT_TRUE(store->set("empty", "").is_ok());
  EXPECT_EQ(get(*store, "empty"), "") << "an empty value is a value, not a missing key";
}

// --- batches ---

TEST_P(StoreConformanceTest, GetManyAnswersInRequestOrderWithNoneForMissing) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("a", "1").is_ok());
  ASSERT_TRUE(store->set("c", "3").is_ok());
  const std::vector<std::string_view> keys = {"c", "missing", "a", "c"};
  Result<std::vector<std::optional<std::string>>> values = store->get_many(keys);
  ASSERT_TRUE(values.is_ok()) << values.status().to_string();
  EXPECT_EQ(*values, (std::vector<std::optional<std::string>>{"3", std::nullopt, "1", "3"}));
  Result<std::vector<std::optional<std::string>>> none = store->get_many({});
  ASSERT_TRUE(none.is_ok()) << none.status().to_string();
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, SetManyLastValueWinsAndDeleteManySkipsMissingKeys) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  const std::vector<std::pair<std::string_view, std::string_view>> pairs = {
      {"x", "1"}, {"y", "2"}, {"x", "3"}};
  ASSERT_TRUE(store->set_many(pairs).is_ok());
  EXPECT_EQ(get(*store, "x"), "3");
  EXPECT_EQ(get(*store, "y"), "2");
  const std::vector<std::string_view> doomed = {"x", "never-there"};
  ASSERT_TRUE(store->delete_many(doomed).is_ok());
  EXPECT_EQ(sorted_keys(*store), std::vector<std::string>{"y"});
}

TEST_P(StoreConformanceTest, BatchWithOneOversizedValueWritesNothing) {
  std::shared_ptr<Store> store = open_store("max_value_bytes = 4\n");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("kept", "old").is_ok());
  const std::vector<std::pair<std::string_view, std::string_view>> pairs = {{"kept", "new"},
                                                                            {"big", "12345"}};
  EXPECT_EQ(store->set_many(pairs).code(), StatusCode::kLimitExceeded);
  WriteBatch batch;
  batch.del("kept");
  batch.set("big", "12345");
  EXPECT_EQ(store->write(batch).code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(get(*store, "kept"), "old");
  EXPECT_EQ(sorted_keys(*store), std::vector<std::string>{"kept"});
}

TEST_P(StoreConformanceTest, WriteAppliesSetsAndDeletesInOrder) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("gone", "1").is_ok());
  WriteBatch batch;
  batch.set("k", "first");
  batch.del("gone");
  batch.set("k", "second");
  batch.set("tmp", "x");
  batch.del("tmp");
  ASSERT_TRUE(store->write(batch).is_ok());
  EXPECT_EQ(get(*store, "k"), "second");
  EXPECT_EQ(sorted_keys(*store), std::vector<std::string>{"k"});
  EXPECT_TRUE(store->write(WriteBatch()).is_ok()) << "an empty batch succeeds";
}

// --- increment ---

TEST_P(StoreConformanceTest, IncrementCountsFromZeroForAMissingKey) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  Result<int64_t> first = store->increment("hits", 5);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(*first, 5);
  Result<int64_t> second = store->increment("hits", -7);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_EQ(*second, -2);
  EXPECT_TRUE(exists(*store, "hits"));
  Result<int64_t> zero = store->increment("zero", 0);
  ASSERT_TRUE(zero.is_ok()) << zero.status().to_string();
  EXPECT_EQ(*zero, 0);
  EXPECT_TRUE(exists(*store, "zero")) << "a zero increment of a missing key stores 0";
}

TEST_P(StoreConformanceTest, IncrementOfANonCounterIsRefusedAndKept) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("name", "abc").is_ok());
  Result<int64_t> refused = store->increment("name", 1);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("name"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(get(*store, "name"), "abc");
}

TEST_P(StoreConformanceTest, IncrementOverflowIsRefusedAndKept) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  Result<int64_t> top = store->increment("c", std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(top.is_ok()) << top.status().to_string();
  const std::optional<std::string> before = get(*store, "c");
  Result<int64_t> over = store->increment("c", 1);
  ASSERT_FALSE(over.is_ok());
  EXPECT_EQ(over.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(get(*store, "c"), before);
  Result<int64_t> down = store->increment("c", -1);
  ASSERT_TRUE(down.is_ok()) << down.status().to_string();
  EXPECT_EQ(*down, std::numeric_limits<int64_t>::max() - 1);
}

// --- compare-and-swap ---

TEST_P(StoreConformanceTest, CasSwapOfAnUnchangedKeySucceedsAndHandsOnAToken) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  Result<CasToken> absent = store->cas_begin("k");
  ASSERT_TRUE(absent.is_ok()) << absent.status().to_string();
  EXPECT_EQ(absent->value, std::nullopt);
  Result<CasOutcome> created = store->cas_swap(*absent, "v1");
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_TRUE(created->swapped) << "a key still absent is swapped";
  EXPECT_EQ(created->current.value, "v1");

  Result<CasOutcome> next = store->cas_swap(created->current, "v2");
  ASSERT_TRUE(next.is_ok()) << next.status().to_string();
  EXPECT_TRUE(next->swapped) << "the outcome's token is ready for the next swap";
  EXPECT_EQ(get(*store, "k"), "v2");
}

TEST_P(StoreConformanceTest, CasSwapAfterAnotherWriteFailsWithTheWinningValue) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("k", "base").is_ok());
  Result<CasToken> token = store->cas_begin("k");
  ASSERT_TRUE(token.is_ok()) << token.status().to_string();
  EXPECT_EQ(token->value, "base");
  ASSERT_TRUE(store->set("k", "winner").is_ok());
  Result<CasOutcome> lost = store->cas_swap(*token, "loser");
  ASSERT_TRUE(lost.is_ok()) << lost.status().to_string();
  EXPECT_FALSE(lost->swapped);
  EXPECT_EQ(lost->current.value, "winner");
  EXPECT_EQ(get(*store, "k"), "winner");

  Result<CasOutcome> retry = store->cas_swap(lost->current, "retried");
  ASSERT_TRUE(retry.is_ok()) << retry.status().to_string();
  EXPECT_TRUE(retry->swapped) << "the refused outcome's token is ready for a retry";
  EXPECT_EQ(get(*store, "k"), "retried");
}

TEST_P(StoreConformanceTest, CasDetectsABAAndASetAndDeleteOfAnAbsentKey) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("k", "A").is_ok());
  Result<CasToken> token = store->cas_begin("k");
  ASSERT_TRUE(token.is_ok()) << token.status().to_string();
  ASSERT_TRUE(store->set("k", "B").is_ok());
  ASSERT_TRUE(store->set("k", "A").is_ok());
  Result<CasOutcome> aba = store->cas_swap(*token, "C");
  ASSERT_TRUE(aba.is_ok()) << aba.status().to_string();
  EXPECT_FALSE(aba->swapped) << "A -> B -> A is a change";
  EXPECT_EQ(get(*store, "k"), "A");

  Result<CasToken> absent = store->cas_begin("new");
  ASSERT_TRUE(absent.is_ok()) << absent.status().to_string();
  ASSERT_TRUE(store->set("new", "x").is_ok());
  ASSERT_TRUE(store->del("new").is_ok());
  Result<CasOutcome> came_and_went = store->cas_swap(*absent, "y");
  ASSERT_TRUE(came_and_went.is_ok()) << came_and_went.status().to_string();
  EXPECT_FALSE(came_and_went->swapped) << "a set and delete of an absent key is a change";
  EXPECT_FALSE(exists(*store, "new"));

  Result<CasOutcome> used_twice = store->cas_swap(*token, "D");
  ASSERT_TRUE(used_twice.is_ok()) << used_twice.status().to_string();
  EXPECT_FALSE(used_twice->swapped) << "a spent token never swaps";
}

// --- list-keys ---

std::vector<std::string> list_all(Store& store, size_t limit, std::string_view prefix = {}) {
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

TEST_P(StoreConformanceTest, ListKeysPagesInByteOrderWithinAPrefix) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  std::vector<std::string> users;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(store->set(numbered("user:", 49 - i), "v").is_ok());
    ASSERT_TRUE(store->set(numbered("item:", i), "v").is_ok());
    users.push_back(numbered("user:", i));
  }
  EXPECT_EQ(list_all(*store, 7, "user:"), users);
  EXPECT_EQ(list_all(*store, 1000).size(), 100u);
  EXPECT_TRUE(list_all(*store, 3, "nobody").empty());
}

TEST_P(StoreConformanceTest, ListKeysReturnsKeysPresentThroughoutExactlyOnceDespiteMutations) {
  const uint64_t seed = test_seed();
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  std::mt19937_64 random(seed);
  std::set<std::string> stable;
  for (int i = 0; i < 200; ++i) {
    stable.insert(numbered("s", i * 3));
    ASSERT_TRUE(store->set(numbered("s", i * 3), "v").is_ok());
  }
  std::vector<std::string> listed;
  std::optional<std::string> cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    Result<KeyPage> page = store->list_keys(cursor, 9);
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    listed.insert(listed.end(), page->keys.begin(), page->keys.end());
    if (!page->cursor) break;
    cursor = page->cursor;
    // Between pages, churn keys around and between the stable ones, before and after the cursor.
    for (int op = 0; op < 10; ++op) {
      const int n = static_cast<int>(random() % 600);
      const std::string key = n % 3 == 0 ? numbered(random() % 2 ? "r" : "t", n) : numbered("s", n);
      ASSERT_TRUE((random() % 2 ? store->set(key, "c") : store->del(key)).is_ok())
          << "seed " << seed;
    }
  }
  EXPECT_TRUE(std::adjacent_find(listed.begin(), listed.end(), std::greater_equal<>()) ==
              listed.end())
      << "strictly ascending; seed " << seed;
  std::map<std::string, int> seen;
  for (const std::string& key : listed) ++seen[key];
  for (const std::string& key : stable) EXPECT_EQ(seen[key], 1) << key << " seed " << seed;
}

TEST_P(StoreConformanceTest, ListKeysRefusesCursorsItDidNotIssueAndBadLimits) {
  std::shared_ptr<Store> store = open_store();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->set(numbered("k", i), "v").is_ok());
  Result<KeyPage> first = store->list_keys(std::nullopt, 2);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_TRUE(first->cursor.has_value());
  std::string edited = *first->cursor;
  edited.back() = edited.back() == '0' ? '1' : '0';
  for (const std::string& bad : {std::string("garbage"), edited, std::string()}) {
    Result<KeyPage> page = store->list_keys(bad, 2);
    ASSERT_FALSE(page.is_ok()) << "'" << bad << "'";
    EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(store->list_keys(std::nullopt, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->list_keys(std::nullopt, kListKeysLimitMax + 1).status().code(),
            StatusCode::kInvalidArgument);
}

// --- limits ---

TEST_P(StoreConformanceTest, KeyAndValueLimitsRefuseOversizedWritesAndWriteNothing) {
  std::shared_ptr<Store> store = open_store("max_key_bytes = 8\nmax_value_bytes = 16\n");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("12345678", std::string(16, 'v')).is_ok()) << "exactly the limits";
  EXPECT_EQ(store->set("123456789", "v").code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store->set("k", std::string(17, 'v')).code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store->get("123456789").status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store->increment("123456789", 1).status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store->set(std::string("bad\xff", 4), "v").code(), StatusCode::kInvalidArgument)
      << "a key must be UTF-8";
  EXPECT_EQ(sorted_keys(*store), std::vector<std::string>{"12345678"});
}

TEST_P(StoreConformanceTest, FullStoreRefusesANewKeyButOverwritesAndDeletes) {
  if (!GetParam().enforces_max_keys) {
    GTEST_SKIP() << GetParam().name << " stores do not count keys (max_keys is refused in their "
                 << "config; docs/HOST.md)";
  }
  std::shared_ptr<Store> store = open_store("max_keys = 2\n");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->set("a", "1").is_ok());
  ASSERT_TRUE(store->set("b", "2").is_ok());
  EXPECT_EQ(store->set("c", "3").code(), StatusCode::kLimitExceeded);
  EXPECT_TRUE(store->set("a", "again").is_ok());
  EXPECT_TRUE(store->del("b").is_ok());
  EXPECT_TRUE(store->set("c", "3").is_ok());
}

}  // namespace
}  // namespace logkv::testing
