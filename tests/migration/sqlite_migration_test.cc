// The public migration functions (logkv/sqlite_migration.h) against a Host: every label goes to
// the store the host serves for it (on disk or in memory), and every check (labels served, limits,
// targets empty) passes for all labels before anything is written. TestHost stands in for the
// real host.
#include "logkv/sqlite_migration.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/migration/spin_database.h"
#include "tests/migration/test_host.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

using testing::SpinContents;
using testing::SpinDatabase;
using testing::store_config_for;
using testing::TestHost;

class SqliteMigrationTest : public ::testing::Test {
 protected:
  // A host serving `default` and `sessions` on disk and `large` in memory.
  std::vector<StoreConfig> sample_configs() {
    return {store_config_for("default", folder("default")),
            store_config_for("sessions", folder("sessions")), store_config_for("large", "")};
  }

  std::string folder(const std::string& label) { return dir_.file("stores/" + label); }
  static bool exists(const std::string& path) { return std::filesystem::exists(path); }

  // What the host's store of `label` holds.
  static std::map<std::string, std::string> contents_of(TestHost& host, const std::string& label) {
    Result<std::shared_ptr<Store>> store = host.shared_store(label);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? testing::store_contents(**store) : std::map<std::string, std::string>{};
  }

  static void expect_mentions(const Status& status, std::string_view text) {
    EXPECT_NE(status.message().find(text), std::string::npos) << status.to_string();
  }

  testing::TestDir dir_;
  const std::string db_ = dir_.file("sqlite_key_value.db");
};

TEST_F(SqliteMigrationTest, EveryLabelGoesToTheStoreTheHostServesForIt) {
  const SpinContents contents = testing::sample_contents(testing::test_seed());
  SpinDatabase(db_).set_all(contents);
  TestHost host(sample_configs());
  Result<SqliteImportReport> report = import_spin_sqlite(host, db_);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  ASSERT_EQ(report->imported.size(), 3u);
  EXPECT_TRUE(report->limits_raised.empty());
  for (const StoreDigest& digest : report->imported) {
    EXPECT_EQ(digest.rows, contents.at(digest.label).size()) << digest.label;
    EXPECT_EQ(contents_of(host, digest.label), contents.at(digest.label)) << digest.label;
  }
  EXPECT_TRUE(exists(folder("default")));
  EXPECT_FALSE(exists(folder("large")));
}

TEST_F(SqliteMigrationTest, ProgressIsReportedAboutEveryThousandRowsAndAtTheEnd) {
  SpinContents contents = testing::sample_contents(1, 0);
  for (int i = 0; i < 1000; ++i) contents["default"]["more-" + std::to_string(i)] = "v";
  SpinDatabase(db_).set_all(contents);
  const uint64_t total = contents["default"].size() + contents["sessions"].size();
  TestHost host(sample_configs());
  std::vector<uint64_t> reported;
  SqliteImportOptions options;
  options.progress = [&](uint64_t done, uint64_t all) {
    EXPECT_EQ(all, total);
    reported.push_back(done);
  };
  ASSERT_TRUE(import_spin_sqlite(host, db_, options).is_ok());
  ASSERT_GE(reported.size(), 2u);
  EXPECT_EQ(reported.back(), total);
  uint64_t previous = 0;
  for (const uint64_t done : reported) {
    EXPECT_GE(done, previous);
    // One batch (kImportBatchRowsMax rows) past the step at most.
    EXPECT_LE(done - previous, 1000u + 256u);
    previous = done;
  }
}

TEST_F(SqliteMigrationTest, LabelsTheHostDoesNotServeAreNamedAndNothingIsWritten) {
  SpinDatabase(db_).set_all(testing::sample_contents(1, 1));
  TestHost host({store_config_for("default", folder("default"))});
  const Result<SqliteImportReport> refused = import_spin_sqlite(host, db_);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  expect_mentions(refused.status(), "'large', 'sessions'");
  EXPECT_FALSE(exists(folder("default")));
}

TEST_F(SqliteMigrationTest, LimitViolationsOfOneLabelStopEveryLabel) {
  SpinContents contents;
  contents["default"]["fine"] = "v";
  contents["sessions"][std::string(300, 'k')] = "v";
  contents["sessions"]["big"] = std::string((1 << 20) + 1, 'v');
  SpinDatabase(db_).set_all(contents);
  TestHost host(sample_configs());

  Result<std::vector<LimitViolation>> violations = check_spin_sqlite_import(host, db_);
  ASSERT_TRUE(violations.is_ok()) << violations.status().to_string();
  ASSERT_EQ(violations->size(), 2u);
  EXPECT_EQ((*violations)[0].label, "sessions");
  EXPECT_EQ((*violations)[0].setting, "max_value_bytes = 1048577");
  EXPECT_EQ((*violations)[1].setting, "max_key_bytes = 300");

  const Result<SqliteImportReport> refused = import_spin_sqlite(host, db_);
  EXPECT_EQ(refused.status().code(), StatusCode::kLimitExceeded);
  expect_mentions(refused.status(), "max_value_bytes = 1048577");
  expect_mentions(refused.status(), "max_key_bytes = 300");
  EXPECT_FALSE(exists(folder("default")));
  EXPECT_FALSE(exists(folder("sessions")));
}

TEST_F(SqliteMigrationTest, RaisedLimitsAreReportedAsTheSettingsToConfigure) {
  SpinContents contents;
  contents["sessions"]["big"] = std::string((1 << 20) + 1, 'v');
  SpinDatabase(db_).set_all(contents);
  TestHost host(sample_configs());
  SqliteImportOptions options;
  options.raise_limits = true;
  Result<SqliteImportReport> report = import_spin_sqlite(host, db_, options);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  ASSERT_EQ(report->limits_raised.size(), 1u);
  EXPECT_EQ(report->limits_raised[0].setting, "max_value_bytes = 1048577");
  Options raised;
  raised.limits.value_bytes_max = (1 << 20) + 1;
  Result<std::unique_ptr<Store>> store = Store::open(folder("sessions"), raised);
  ASSERT_TRUE(store.is_ok());
  EXPECT_EQ(testing::store_contents(**store), contents["sessions"]);
}

TEST_F(SqliteMigrationTest, InMemoryStoreCannotHaveItsLimitsRaised) {
  SpinContents contents;
  contents["default"]["fine"] = "v";
  contents["large"]["big"] = std::string((1 << 20) + 1, 'v');
  SpinDatabase(db_).set_all(contents);
  TestHost host(sample_configs());
  SqliteImportOptions options;
  options.raise_limits = true;
  const Result<SqliteImportReport> refused = import_spin_sqlite(host, db_, options);
  EXPECT_EQ(refused.status().code(), StatusCode::kLimitExceeded);
  expect_mentions(refused.status(), "in-memory");
  EXPECT_FALSE(exists(folder("default")));
}

TEST_F(SqliteMigrationTest, TargetHoldingKeysStopsEveryLabel) {
  SpinDatabase(db_).set_all({{"default", {{"k", "v"}}}, {"sessions", {{"s", "v"}}}});
  TestHost host(sample_configs());
  ASSERT_TRUE(host.shared_store("sessions").value()->set("existing", "keep").is_ok());
  const Result<SqliteImportReport> refused = import_spin_sqlite(host, db_);
  EXPECT_FALSE(refused.is_ok());
  expect_mentions(refused.status(), folder("sessions"));
  EXPECT_FALSE(exists(folder("default")));
}

TEST_F(SqliteMigrationTest, ExportWritesEveryServedLabelAndCreatesNoStore) {
  const SpinContents contents = testing::sample_contents(testing::test_seed(), 2);
  SpinDatabase(db_).set_all(contents);
  std::vector<StoreConfig> configs = sample_configs();
  configs.push_back(store_config_for("unused", folder("unused")));
  TestHost host(configs);
  ASSERT_TRUE(import_spin_sqlite(host, db_).is_ok());

  const std::string out = dir_.file("exported.db");
  Result<std::vector<StoreDigest>> exported = export_spin_sqlite(host, out, {}, false);
  ASSERT_TRUE(exported.is_ok()) << exported.status().to_string();
  EXPECT_EQ(exported->size(), 4u);
  EXPECT_EQ(testing::read_spin_rows(out), testing::read_spin_rows(db_));
  EXPECT_FALSE(exists(folder("unused")));

  const std::string one = dir_.file("one.db");
  ASSERT_TRUE(export_spin_sqlite(host, one, {"large"}, false).is_ok());
  EXPECT_EQ(testing::as_contents(testing::read_spin_rows(one)),
            (SpinContents{{"large", contents.at("large")}}));
}

TEST_F(SqliteMigrationTest, ExportOfALabelTheHostDoesNotServeIsRefused) {
  TestHost host(sample_configs());
  const std::string out = dir_.file("exported.db");
  const Result<std::vector<StoreDigest>> refused =
      export_spin_sqlite(host, out, {"default", "nope"}, false);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  expect_mentions(refused.status(), "'nope'");
  EXPECT_FALSE(exists(out));
}

}  // namespace
}  // namespace logkv
