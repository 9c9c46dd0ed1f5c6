// Host and ComponentStores (logkv/host.h): Spin's key-value test sequences through the host,
// grants and Spin's errors, where stores live, the store table and its handles, and when an
// on-disk store closes.
#include "logkv/host.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logkv/store.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

RuntimeConfig config_of(const std::string& text, const std::string& base_dir = "/nowhere") {
  Result<RuntimeConfig> config = RuntimeConfig::parse(text, base_dir, "rc.toml");
  EXPECT_TRUE(config.is_ok()) << config.status().to_string();
  return config.is_ok() ? std::move(config).value() : RuntimeConfig();
}

std::unique_ptr<Host> open_host(RuntimeConfig config, HostOptions options) {
  Result<std::unique_ptr<Host>> host = Host::open(std::move(config), std::move(options));
  EXPECT_TRUE(host.is_ok()) << host.status().to_string();
  return host.is_ok() ? std::move(host).value() : nullptr;
}

// A host whose default store is in memory and whose config is `text`.
std::unique_ptr<Host> memory_host(const std::string& text = "", size_t capacity = 256) {
  HostOptions options;
  options.state_dir = "";
  options.store_table_capacity = capacity;
  return open_host(config_of(text), options);
}

std::unique_ptr<ComponentStores> instantiate(Host& host, const std::vector<std::string>& labels) {
  Result<std::unique_ptr<ComponentStores>> component = host.instantiate(labels);
  EXPECT_TRUE(component.is_ok()) << component.status().to_string();
  return component.is_ok() ? std::move(component).value() : nullptr;
}

StoreHandle open_ok(ComponentStores& component, const std::string& label) {
  Result<StoreHandle> handle = component.open(label);
  EXPECT_TRUE(handle.is_ok()) << label << ": " << handle.status().to_string();
  return handle.is_ok() ? *handle : 0;
}

std::shared_ptr<Store> store_of(ComponentStores& component, StoreHandle handle) {
  Result<std::shared_ptr<Store>> store = component.store(handle);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  return store.is_ok() ? *store : nullptr;
}

std::optional<std::string> get(Store& store, const std::string& key) {
  Result<std::optional<std::string>> value = store.get(key);
  EXPECT_TRUE(value.is_ok()) << value.status().to_string();
  return value.is_ok() ? *value : std::nullopt;
}

// Whether a direct Store::open of `path` is refused because the host holds the folder's lock.
bool folder_locked(const std::string& path) {
  Options options;
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = Store::open(path, options);
  if (store.is_ok()) {
    EXPECT_TRUE((*store)->close().is_ok());
    return false;
  }
  EXPECT_EQ(store.status().code(), StatusCode::kLocked) << store.status().to_string();
  return true;
}

// --- Spin's key-value test sequences ---

TEST(HostTest, ForbiddenLabelIsAccessDeniedWhetherOrNotItExists) {
  std::unique_ptr<Host> host = memory_host("[key_value_store.cache]\ntype = \"spin\"\n");
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"default"});
  for (const std::string label : {"cache", "forbidden", "../x"}) {
    Result<StoreHandle> handle = component->open(label);
    ASSERT_FALSE(handle.is_ok()) << label;
    EXPECT_EQ(handle.status().code(), StatusCode::kAccessDenied);
    EXPECT_EQ(handle.status().to_string(),
              "access denied: label '" + label + "' is not granted to this component");
  }
  EXPECT_EQ(component->open_handles(), 0u);
}

TEST(HostTest, GrantedLabelWithoutBackendIsNoSuchStore) {
  std::unique_ptr<Host> host = memory_host();
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"default", "non-existent"});
  Result<StoreHandle> handle = component->open("non-existent");
  ASSERT_FALSE(handle.is_ok());
  EXPECT_EQ(handle.status().code(), StatusCode::kNoSuchStore);
  EXPECT_NE(handle.status().message().find("[key_value_store.non-existent]"), std::string::npos)
      << handle.status().message();
  EXPECT_EQ(component->open_handles(), 0u);
}

// Spin's sequence itself runs on every backend: tests/support/store_conformance_cases.cc.

// --- the host's stores ---

TEST(HostTest, StoreTableCapacityOutOfRangeIsRefused) {
  for (const size_t capacity : {size_t{0}, size_t{65537}}) {
    HostOptions options;
    options.state_dir = "";
    options.store_table_capacity = capacity;
    Result<std::unique_ptr<Host>> host = Host::open(RuntimeConfig(), options);
    ASSERT_FALSE(host.is_ok()) << capacity;
    EXPECT_EQ(host.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(host.status().message().find("store_table_capacity is " + std::to_string(capacity) +
                                           "; it must be 1 to 65536"),
              std::string::npos)
        << host.status().message();
  }
  EXPECT_NE(memory_host("", 1), nullptr);
  EXPECT_NE(memory_host("", 65536), nullptr);
}

TEST(HostTest, DefaultStoreIsOnDiskUnderTheStateFolderOnceOpened) {
  testing::TestDir dir;
  const std::string state_dir = dir.file("state");
  HostOptions options;
  options.state_dir = state_dir;
  std::unique_ptr<Host> host = open_host(RuntimeConfig(), options);
  const std::string folder = state_dir + "/logkv/default";
  EXPECT_EQ(host->default_store_message(), "Storing default key-value data to \"" + folder + "\"");
  EXPECT_EQ(host->labels(), std::vector<std::string>{"default"});
  ASSERT_NE(host->store_config("default"), nullptr);
  EXPECT_EQ(host->store_config("default")->path, folder);
  EXPECT_EQ(host->store_config("nope"), nullptr);
  EXPECT_TRUE(host->migration_messages().empty());
  EXPECT_FALSE(std::filesystem::exists(state_dir)) << "Host::open creates nothing";

  std::unique_ptr<ComponentStores> component = instantiate(*host, {"default"});
  const StoreHandle handle = open_ok(*component, "default");
  ASSERT_TRUE(store_of(*component, handle)->set("k", "v").is_ok());
  EXPECT_TRUE(std::filesystem::is_directory(folder));
  ASSERT_TRUE(component->close(handle).is_ok());

  Result<std::unique_ptr<Store>> direct = Store::open(folder);
  ASSERT_TRUE(direct.is_ok()) << direct.status().to_string();
  EXPECT_EQ(get(**direct, "k"), "v");
}

TEST(HostTest, DefaultStoreIsInMemoryWithoutAStateFolder) {
  std::unique_ptr<Host> host = memory_host();
  EXPECT_EQ(host->default_store_message(), "Storing default key-value data to memory");
  ASSERT_NE(host->store_config("default"), nullptr);
  EXPECT_TRUE(host->store_config("default")->path.empty());
}

TEST(HostTest, ConfiguredDefaultReplacesTheBuiltInOne) {
  testing::TestDir dir;
  HostOptions options;
  options.state_dir = dir.file("state");
  std::unique_ptr<Host> host = open_host(
      config_of("[key_value_store.default]\ntype = \"spin\"\npath = \"mine\"\n", dir.path()),
      options);
  EXPECT_EQ(host->store_config("default")->path, dir.path() + "/mine");
  EXPECT_EQ(host->default_store_message(),
            "Storing default key-value data to \"" + dir.path() + "/mine\"");
  EXPECT_EQ(host->labels(), std::vector<std::string>{"default"});
}

TEST(HostTest, LabelsAreSorted) {
  std::unique_ptr<Host> host = memory_host(
      "[key_value_store.zeta]\ntype = \"spin\"\n[key_value_store.alpha]\ntype = \"logkv\"\n");
  EXPECT_EQ(host->labels(), (std::vector<std::string>{"alpha", "default", "zeta"}));
}

TEST(HostTest, ConfiguredPathsHoldTheDataExactlyThere) {
  testing::TestDir dir;
  const std::string absolute = dir.file("abs/deep/er/store");
  const std::string config_dir = dir.file("app");
  std::unique_ptr<Host> host = open_host(
      config_of("[key_value_store.absolute]\ntype = \"spin\"\npath = \"" + absolute +
                    "\"\n[key_value_store.relative]\ntype = \"spin\"\npath = \"data/rel\"\n",
                config_dir),
      HostOptions{.state_dir = "", .store_table_capacity = 8});
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"absolute", "relative"});
  const StoreHandle a = open_ok(*component, "absolute");
  const StoreHandle r = open_ok(*component, "relative");
  ASSERT_TRUE(store_of(*component, a)->set("where", "absolute").is_ok());
  ASSERT_TRUE(store_of(*component, r)->set("where", "relative").is_ok());
  ASSERT_TRUE(component->close(a).is_ok());
  ASSERT_TRUE(component->close(r).is_ok());

  Options existing;
  existing.create_if_missing = false;
  for (const auto& [path, value] :
       {std::pair{absolute, "absolute"}, std::pair{config_dir + "/data/rel", "relative"}}) {
    Result<std::unique_ptr<Store>> direct = Store::open(path, existing);
    ASSERT_TRUE(direct.is_ok()) << path << ": " << direct.status().to_string();
    EXPECT_EQ(get(**direct, "where"), value);
  }
}

TEST(HostTest, ConfiguredLimitsApplyToTheStore) {
  std::unique_ptr<Host> host =
      memory_host("[key_value_store.tiny]\ntype = \"spin\"\nmax_keys = 1\nmax_value_bytes = 4\n");
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"tiny"});
  std::shared_ptr<Store> store = store_of(*component, open_ok(*component, "tiny"));
  ASSERT_TRUE(store->set("a", "1234").is_ok());
  EXPECT_EQ(store->set("a", "12345").code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(store->set("b", "1").code(), StatusCode::kLimitExceeded);
}

TEST(HostTest, InMemoryStoreKeepsItsDataAcrossHandlesButNotAcrossHosts) {
  testing::TestDir dir;
  const std::string text = "[key_value_store.cache]\ntype = \"spin\"\n";
  {
    std::unique_ptr<Host> host = open_host(config_of(text, dir.path()), {.state_dir = ""});
    std::unique_ptr<ComponentStores> first = instantiate(*host, {"cache"});
    const StoreHandle handle = open_ok(*first, "cache");
    ASSERT_TRUE(store_of(*first, handle)->set("k", "v").is_ok());
    ASSERT_TRUE(first->close(handle).is_ok());
    first.reset();

    std::unique_ptr<ComponentStores> second = instantiate(*host, {"cache"});
    const StoreHandle again = open_ok(*second, "cache");
    EXPECT_EQ(get(*store_of(*second, again), "k"), "v");
  }
  std::unique_ptr<Host> other = open_host(config_of(text, dir.path()), {.state_dir = ""});
  std::unique_ptr<ComponentStores> component = instantiate(*other, {"cache"});
  EXPECT_EQ(get(*store_of(*component, open_ok(*component, "cache")), "k"), std::nullopt);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "an in-memory store writes no files";
}

TEST(HostTest, StoreThatCannotOpenIsOtherWithTheLabelAndTakesNoSeat) {
  testing::TestDir dir;
  const std::string folder = dir.file("held");
  Result<std::unique_ptr<Store>> holder = Store::open(folder);
  ASSERT_TRUE(holder.is_ok()) << holder.status().to_string();
  std::unique_ptr<Host> host =
      open_host(config_of("[key_value_store.held]\ntype = \"spin\"\npath = \"" + folder + "\"\n"),
                {.state_dir = "", .store_table_capacity = 1});
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"held"});
  Result<StoreHandle> refused = component->open("held");
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kLocked);
  EXPECT_EQ(refused.status().message().rfind("store of label 'held': ", 0), 0u)
      << refused.status().message();
  EXPECT_EQ(component->open_handles(), 0u);

  ASSERT_TRUE((*holder)->close().is_ok());
  EXPECT_TRUE(component->open("held").is_ok()) << "a failed open is not cached";
}

// --- the store table and its handles ---

TEST(HostTest, FullTableRefusesUntilAHandleIsClosed) {
  std::unique_ptr<Host> host = memory_host("[key_value_store.cache]\ntype = \"spin\"\n", 3);
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"default", "cache"});
  const StoreHandle first = open_ok(*component, "default");
  open_ok(*component, "cache");
  open_ok(*component, "default");
  EXPECT_EQ(component->open_handles(), 3u);
  for (const std::string label : {"default", "cache"}) {
    Result<StoreHandle> refused = component->open(label);
    ASSERT_FALSE(refused.is_ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kStoreTableFull);
    EXPECT_NE(refused.status().message().find("store_table_capacity"), std::string::npos)
        << refused.status().message();
  }
  // Grants are checked before the table: a full table does not hide access-denied.
  EXPECT_EQ(component->open("other").status().code(), StatusCode::kAccessDenied);

  ASSERT_TRUE(component->close(first).is_ok());
  EXPECT_TRUE(component->open("cache").is_ok());
  EXPECT_EQ(component->open_handles(), 3u);
  // The table is per instance.
  std::unique_ptr<ComponentStores> other = instantiate(*host, {"default"});
  EXPECT_TRUE(other->open("default").is_ok());
}

void expect_invalid(ComponentStores& component, StoreHandle handle) {
  Result<std::shared_ptr<Store>> store = component.store(handle);
  ASSERT_FALSE(store.is_ok()) << handle;
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidStore);
  const Status closed = component.close(handle);
  EXPECT_EQ(closed.code(), StatusCode::kInvalidStore);
  EXPECT_NE(closed.message().find("is not open in this component"), std::string::npos)
      << closed.message();
}

TEST(HostTest, ClosedHandleIsInvalidStore) {
  std::unique_ptr<Host> host = memory_host();
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"default"});
  const StoreHandle handle = open_ok(*component, "default");
  ASSERT_TRUE(component->close(handle).is_ok());
  expect_invalid(*component, handle);
  // Reopening the label issues a new value: the stale one stays invalid.
  const StoreHandle reopened = open_ok(*component, "default");
  EXPECT_NE(reopened, handle);
  expect_invalid(*component, handle);
  EXPECT_EQ(component->open_handles(), 1u);
}

TEST(HostTest, ForgedHandlesAreInvalidStore) {
  std::unique_ptr<Host> host = memory_host();
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"default"});
  const StoreHandle handle = open_ok(*component, "default");
  for (const StoreHandle forged :
       {StoreHandle{0}, StoreHandle{0xFFFFFFFF}, handle + 1, handle - 1, handle ^ 0x80000000u}) {
    if (forged == handle) continue;
    expect_invalid(*component, forged);
  }
  EXPECT_EQ(component->open_handles(), 1u);
  EXPECT_TRUE(component->store(handle).is_ok()) << "forged handles left the real one alone";
}

TEST(HostTest, HandleOfAnotherInstanceIsInvalidStore) {
  std::unique_ptr<Host> host = memory_host("[key_value_store.secret]\ntype = \"spin\"\n");
  std::unique_ptr<ComponentStores> owner = instantiate(*host, {"secret"});
  std::unique_ptr<ComponentStores> intruder = instantiate(*host, {"default"});
  const StoreHandle secret = open_ok(*owner, "secret");
  const StoreHandle mine = open_ok(*intruder, "default");
  expect_invalid(*intruder, secret);
  expect_invalid(*owner, mine);
  EXPECT_TRUE(owner->store(secret).is_ok());
  EXPECT_TRUE(intruder->store(mine).is_ok());
}

TEST(HostTest, HandlesToOneLabelShareOneStoreUntilTheLastCloses) {
  testing::TestDir dir;
  const std::string folder = dir.file("shared");
  std::unique_ptr<Host> host =
      open_host(config_of("[key_value_store.shared]\ntype = \"spin\"\npath = \"" + folder + "\"\n"),
                {.state_dir = ""});
  std::unique_ptr<ComponentStores> one = instantiate(*host, {"shared"});
  std::unique_ptr<ComponentStores> two = instantiate(*host, {"shared"});
  const StoreHandle a = open_ok(*one, "shared");
  const StoreHandle b = open_ok(*one, "shared");
  const StoreHandle c = open_ok(*two, "shared");
  EXPECT_NE(a, b);
  ASSERT_TRUE(store_of(*one, a)->set("from-a", "1").is_ok());
  ASSERT_TRUE(store_of(*two, c)->set("from-c", "3").is_ok());
  EXPECT_EQ(get(*store_of(*one, b), "from-c"), "3");
  EXPECT_EQ(get(*store_of(*two, c), "from-a"), "1");
  EXPECT_EQ(store_of(*one, a), store_of(*two, c)) << "one Store behind every handle";

  EXPECT_TRUE(folder_locked(folder));
  ASSERT_TRUE(one->close(a).is_ok());
  EXPECT_TRUE(folder_locked(folder));
  ASSERT_TRUE(two->close(c).is_ok());
  EXPECT_TRUE(folder_locked(folder));
  ASSERT_TRUE(one->close(b).is_ok());
  EXPECT_FALSE(folder_locked(folder)) << "the last close closes the Store";

  // And it opens again, with its data.
  const StoreHandle d = open_ok(*two, "shared");
  EXPECT_EQ(get(*store_of(*two, d), "from-a"), "1");
}

TEST(HostTest, LentStorePointerKeepsTheStoreOpenUntilDropped) {
  testing::TestDir dir;
  const std::string folder = dir.file("lent");
  std::unique_ptr<Host> host =
      open_host(config_of("[key_value_store.lent]\ntype = \"spin\"\npath = \"" + folder + "\"\n"),
                {.state_dir = ""});
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"lent"});
  const StoreHandle handle = open_ok(*component, "lent");
  std::shared_ptr<Store> lent = store_of(*component, handle);
  ASSERT_TRUE(component->close(handle).is_ok());
  EXPECT_TRUE(folder_locked(folder));
  ASSERT_TRUE(lent->set("still", "works").is_ok());
  lent.reset();
  EXPECT_FALSE(folder_locked(folder));
}

TEST(HostTest, DestroyingAnInstanceClosesItsStores) {
  testing::TestDir dir;
  const std::string folder = dir.file("s");
  std::unique_ptr<Host> host =
      open_host(config_of("[key_value_store.s]\ntype = \"spin\"\npath = \"" + folder + "\"\n"),
                {.state_dir = ""});
  std::unique_ptr<ComponentStores> component = instantiate(*host, {"s"});
  open_ok(*component, "s");
  open_ok(*component, "s");
  EXPECT_TRUE(folder_locked(folder));
  component.reset();
  EXPECT_FALSE(folder_locked(folder));
}

TEST(HostTest, HostileGrantsAreRefusedWithTheRule) {
  std::unique_ptr<Host> host = memory_host();
  const std::vector<std::string> labels = {
      "../x", "a/b", std::string(300, 'a'), "", "d\xc3\xa9j\xc3\xa0", "Upper", "a-b_c"};
  for (const std::string& label : labels) {
    Result<std::unique_ptr<ComponentStores>> component = host->instantiate({"default", label});
    ASSERT_FALSE(component.is_ok()) << label;
    EXPECT_EQ(component.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(component.status().message().find(
                  "a label is 1 to 64 characters of lower-case ASCII letters and digits"),
              std::string::npos)
        << component.status().message();
  }
}

TEST(HostTest, DuplicateGrantsAreOneGrant) {
  std::unique_ptr<Host> host = memory_host();
  std::unique_ptr<ComponentStores> component =
      instantiate(*host, {"default", "default", "default"});
  EXPECT_TRUE(component->open("default").is_ok());
}

}  // namespace
}  // namespace logkv
