// Migration on first open through the real host (host/auto_migration.h): a state folder that
// holds Spin's database gets each served label imported once, before any component can open it;
// never again once the store exists; never into a label the rows do not fit; and the SQLite file
// is never changed. Also import_spin_sqlite / export_spin_sqlite over the real host, round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "logkv/host.h"
#include "logkv/sqlite_migration.h"
#include "logkv/store.h"
#include "tests/migration/spin_database.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"

namespace logkv::testing {
namespace {

class AutoMigrationTest : public ::testing::Test {
 protected:
  std::string state_dir() const { return dir_.file("state"); }
  std::string database() const { return dir_.file("state/sqlite_key_value.db"); }

  // A runtime config serving `sessions` from state/stores/sessions (besides the default store).
  RuntimeConfig config() const {
    Result<RuntimeConfig> parsed = RuntimeConfig::parse(
        "[key_value_store.sessions]\ntype = \"spin\"\npath = \"stores/sessions\"\n", state_dir());
    EXPECT_TRUE(parsed.is_ok()) << parsed.status().to_string();
    return parsed.is_ok() ? std::move(parsed).value() : RuntimeConfig();
  }

  std::unique_ptr<Host> open_host(RuntimeConfig runtime_config) const {
    HostOptions options;
    options.state_dir = state_dir();
    Result<std::unique_ptr<Host>> host = Host::open(std::move(runtime_config), options);
    EXPECT_TRUE(host.is_ok()) << host.status().to_string();
    return host.is_ok() ? std::move(host).value() : nullptr;
  }

  // label -> key -> value, as the host serves it.
  static SpinContents served(Host& host, const std::vector<std::string>& labels) {
    SpinContents contents;
    std::unique_ptr<ComponentStores> component = host.instantiate(labels).value();
    for (const std::string& label : labels) {
      const StoreHandle handle = component->open(label).value();
      std::shared_ptr<Store> store = component->store(handle).value();
      for (const std::string& key : store->keys().value()) {
        contents[label][key] = store->get(key).value().value();
      }
      EXPECT_TRUE(component->close(handle).is_ok());
    }
    return contents;
  }

  TestDir dir_;
};

TEST_F(AutoMigrationTest, FirstOpenImportsEveryServedLabelOnceAndLeavesTheFileAlone) {
  const uint64_t seed = test_seed();
  std::filesystem::create_directories(state_dir());
  SpinContents contents = sample_contents(seed, /*large_values=*/2);
  contents.erase("large");  // not served by this host: it stays in the file only
  {
    SpinDatabase db(database());
    db.set_all(contents);
  }
  const std::string before = read_file_bytes(database());

  std::unique_ptr<Host> host = open_host(config());
  ASSERT_NE(host, nullptr);
  ASSERT_EQ(host->migration_messages().size(), 2u);
  EXPECT_NE(host->migration_messages()[0].find("Migrated"), std::string::npos);
  EXPECT_EQ(served(*host, {"default", "sessions"}), contents) << "seed " << seed;
  EXPECT_EQ(read_file_bytes(database()), before) << "the SQLite file must not change";

  // Written after the migration; a second open must neither import again nor overwrite it.
  {
    std::unique_ptr<ComponentStores> component = host->instantiate({"default"}).value();
    const StoreHandle handle = component->open("default").value();
    ASSERT_TRUE(component->store(handle).value()->set("counter", counter_bytes(7)).is_ok());
  }
  host.reset();
  std::unique_ptr<Host> again = open_host(config());
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->migration_messages().empty());
  EXPECT_EQ(served(*again, {"default"})["default"]["counter"], counter_bytes(7));
}

TEST_F(AutoMigrationTest, RowsOverTheLimitsKeepTheHostClosedAndWriteNothing) {
  std::filesystem::create_directories(state_dir());
  {
    SpinDatabase db(database());
    db.set("sessions", "big", std::string((1 << 20) + 1, 'x'));
  }
  HostOptions options;
  options.state_dir = state_dir();
  Result<std::unique_ptr<Host>> host = Host::open(config(), options);
  ASSERT_FALSE(host.is_ok());
  EXPECT_EQ(host.status().code(), StatusCode::kLimitExceeded) << host.status().to_string();
  EXPECT_NE(host.status().message().find("sessions"), std::string::npos);
  EXPECT_NE(host.status().message().find("max_value_bytes"), std::string::npos)
      << host.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir_.file("state/stores/sessions")));
}

TEST_F(AutoMigrationTest, ExplicitImportAndExportRoundTripThroughTheRealHost) {
  const uint64_t seed = test_seed();
  std::filesystem::create_directories(state_dir());
  const std::string source = dir_.file("spin.db");
  SpinContents contents = sample_contents(seed, /*large_values=*/1);
  contents.erase("large");
  {
    SpinDatabase db(source);
    db.set_all(contents);
  }
  std::unique_ptr<Host> host = open_host(config());
  ASSERT_NE(host, nullptr);
  Result<SqliteImportReport> imported = import_spin_sqlite(*host, source);
  ASSERT_TRUE(imported.is_ok()) << imported.status().to_string();
  EXPECT_EQ(imported->imported.size(), 2u);

  const std::string exported = dir_.file("back.db");
  Result<std::vector<StoreDigest>> written =
      export_spin_sqlite(*host, exported, {"default", "sessions"}, /*overwrite=*/false);
  ASSERT_TRUE(written.is_ok()) << written.status().to_string();
  EXPECT_EQ(read_spin_rows(exported), read_spin_rows(source)) << "seed " << seed;
}

}  // namespace
}  // namespace logkv::testing
