// Importing one label into a store folder (host/sqlite_import.h): the copy is exact, the limits
// are checked first and every violation reported with nothing written, the target and the
// temporary folder are handled as documented, and the SQLite file is never changed.
#include "host/sqlite_import.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "fs/mem_file_system.h"
#include "tests/migration/spin_database.h"
#include "tests/support/seed.h"
#include "tests/support/store_contents.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

using testing::read_file_bytes;
using testing::SpinContents;
using testing::SpinDatabase;

class SqliteImportTest : public ::testing::Test {
 protected:
  Result<StoreDigest> import(std::string_view label, const std::string& target,
                             bool raise_limits = false, const Options& options = {}) {
    return import_spin_sqlite_label(posix_file_system(), db_, label, target, options, raise_limits);
  }

  std::unique_ptr<Store> open(const std::string& path, const Options& options = {}) {
    Result<std::unique_ptr<Store>> store = Store::open(path, options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }

  static bool exists(const std::string& path) { return std::filesystem::exists(path); }

  static void expect_mentions(const Status& status, std::string_view text) {
    EXPECT_NE(status.message().find(text), std::string::npos) << status.to_string();
  }

  testing::TestDir dir_;
  const std::string db_ = dir_.file("sqlite_key_value.db");
};

TEST_F(SqliteImportTest, EveryLabelIsCopiedByteForByte) {
  const SpinContents contents = testing::sample_contents(testing::test_seed());
  SpinDatabase(db_).set_all(contents);
  for (const auto& [label, rows] : contents) {
    const std::string target = dir_.file(label);
    Result<StoreDigest> digest = import(label, target);
    ASSERT_TRUE(digest.is_ok()) << digest.status().to_string();
    EXPECT_EQ(digest->rows, rows.size());
    std::unique_ptr<Store> store = open(target);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(testing::store_contents(*store), rows) << label;
    EXPECT_FALSE(exists(import_temp_dir(target)));
  }
}

TEST_F(SqliteImportTest, CounterContinuesAfterImport) {
  SpinDatabase(db_).set("default", "counter", testing::counter_bytes(41));
  ASSERT_TRUE(import("default", dir_.file("default")).is_ok());
  std::unique_ptr<Store> store = open(dir_.file("default"));
  EXPECT_EQ(store->increment("counter", 1).value(), 42);
  EXPECT_EQ(store->get("counter").value(), testing::counter_bytes(42));
}

TEST_F(SqliteImportTest, FullStoreKeepsItsLimitAfterImport) {
  SpinDatabase(db_).set_all(testing::sample_contents(1, 0));
  ASSERT_TRUE(import("sessions", dir_.file("sessions")).is_ok());
  std::unique_ptr<Store> store = open(dir_.file("sessions"));
  EXPECT_EQ(store->stats().keys, 1024u);
  EXPECT_EQ(store->set("one-too-many", "v").code(), StatusCode::kLimitExceeded);
  EXPECT_TRUE(store->set("session-0", "overwritten").is_ok());
}

TEST_F(SqliteImportTest, SqliteFileIsNeverChanged) {
  SpinDatabase(db_).set_all(testing::sample_contents(2, 1));
  const std::string before = read_file_bytes(db_);
  struct stat stat_before, stat_after;
  ASSERT_EQ(::stat(db_.c_str(), &stat_before), 0);
  ASSERT_TRUE(import("default", dir_.file("default")).is_ok());
  ASSERT_EQ(::stat(db_.c_str(), &stat_after), 0);
  EXPECT_EQ(read_file_bytes(db_), before);
  EXPECT_EQ(stat_after.st_mtim.tv_sec, stat_before.st_mtim.tv_sec);
  EXPECT_EQ(stat_after.st_mtim.tv_nsec, stat_before.st_mtim.tv_nsec);
  EXPECT_FALSE(exists(db_ + "-journal"));
  EXPECT_FALSE(exists(db_ + "-wal"));
}

TEST_F(SqliteImportTest, EveryLimitViolationIsReportedWithItsSettingAndNothingIsWritten) {
  SpinContents contents;
  contents["default"]["ok"] = "fine";
  contents["default"][std::string(257, 'k')] = "key one byte too long";
  contents["default"]["big-1"] = std::string((1 << 20) + 1, 'v');
  contents["default"]["big-2"] = std::string((1 << 20) + 7, 'v');
  SpinDatabase(db_).set_all(contents);

  Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(db_);
  ASSERT_TRUE(reader.is_ok());
  Result<SqliteLabelScan> scan = scan_sqlite_label(**reader, "default", Limits{});
  ASSERT_TRUE(scan.is_ok()) << scan.status().to_string();
  ASSERT_EQ(scan->violations.size(), 3u);
  EXPECT_EQ(scan->violations[0].setting, "max_value_bytes = 1048577");
  EXPECT_EQ(scan->violations[0].key, "'big-1'");
  EXPECT_EQ(scan->violations[1].setting, "max_value_bytes = 1048583");
  EXPECT_EQ(scan->violations[2].setting, "max_key_bytes = 257");
  EXPECT_EQ(scan->violations[2].bytes, 257u);
  EXPECT_EQ(scan->needed.value_bytes_max, (1u << 20) + 7);
  EXPECT_EQ(scan->needed.key_bytes_max, 257u);
  reader->reset();

  const std::string target = dir_.file("default");
  const Result<StoreDigest> refused = import("default", target);
  EXPECT_EQ(refused.status().code(), StatusCode::kLimitExceeded);
  for (const char* setting :
       {"max_value_bytes = 1048577", "max_value_bytes = 1048583", "max_key_bytes = 257"}) {
    expect_mentions(refused.status(), setting);
  }
  expect_mentions(refused.status(), "nothing was imported");
  EXPECT_FALSE(exists(target));
  EXPECT_FALSE(exists(import_temp_dir(target)));
}

TEST_F(SqliteImportTest, TooManyRowsIsOneViolationNamingMaxKeys) {
  SpinContents contents;
  for (int i = 0; i < 1025; ++i) contents["many"]["k" + std::to_string(i)] = "v";
  SpinDatabase(db_).set_all(contents);
  const Result<StoreDigest> refused = import("many", dir_.file("many"));
  EXPECT_EQ(refused.status().code(), StatusCode::kLimitExceeded);
  expect_mentions(refused.status(), "label 'many': 1025 keys (needs max_keys = 1025)");
  EXPECT_FALSE(exists(dir_.file("many")));
}

TEST_F(SqliteImportTest, RaisingTheLimitsAdmitsEveryRow) {
  SpinContents contents;
  contents["default"][std::string(300, 'k')] = "long key";
  contents["default"]["big"] = std::string((1 << 20) + 1, 'v');
  for (int i = 0; i < 1100; ++i) contents["default"]["k" + std::to_string(i)] = "v";
  SpinDatabase(db_).set_all(contents);
  ASSERT_TRUE(import("default", dir_.file("default"), /*raise_limits=*/true).is_ok());
  Options raised;
  raised.limits = {300, (1 << 20) + 1, 1102};
  std::unique_ptr<Store> store = open(dir_.file("default"), raised);
  EXPECT_EQ(testing::store_contents(*store), contents["default"]);
}

TEST_F(SqliteImportTest, TargetHoldingKeysIsRefusedAndKept) {
  SpinDatabase(db_).set("default", "new", "value");
  const std::string target = dir_.file("default");
  ASSERT_TRUE(open(target)->set("existing", "keep me").is_ok());
  const Result<StoreDigest> refused = import("default", target);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  expect_mentions(refused.status(), target);
  expect_mentions(refused.status(), "1 keys");
  std::unique_ptr<Store> store = open(target);
  EXPECT_EQ(testing::store_contents(*store),
            (std::map<std::string, std::string>{{"existing", "keep me"}}));
}

TEST_F(SqliteImportTest, EmptyTargetStoreIsReplaced) {
  SpinDatabase(db_).set("default", "new", "value");
  const std::string target = dir_.file("default");
  ASSERT_TRUE(open(target)->close().is_ok());  // a store without keys
  ASSERT_TRUE(import("default", target).is_ok());
  EXPECT_EQ(testing::store_contents(*open(target)),
            (std::map<std::string, std::string>{{"new", "value"}}));
}

TEST_F(SqliteImportTest, TargetThatIsNotAStoreIsRefused) {
  SpinDatabase(db_).set("default", "new", "value");
  const std::string target = dir_.file("default");
  std::filesystem::create_directories(target);
  std::ofstream(target + "/notes.txt") << "mine";
  const Result<StoreDigest> refused = import("default", target);
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  expect_mentions(refused.status(), "notes.txt");
  EXPECT_EQ(read_file_bytes(target + "/notes.txt"), "mine");
}

TEST_F(SqliteImportTest, StaleTemporaryFolderIsEmptiedFirst) {
  SpinDatabase(db_).set("default", "new", "value");
  const std::string target = dir_.file("default");
  ASSERT_TRUE(open(import_temp_dir(target))->set("stale", "from an interrupted import").is_ok());
  ASSERT_TRUE(import("default", target).is_ok());
  EXPECT_EQ(testing::store_contents(*open(target)),
            (std::map<std::string, std::string>{{"new", "value"}}));
  EXPECT_FALSE(exists(import_temp_dir(target)));
}

TEST_F(SqliteImportTest, ForeignFileInTheTemporaryFolderIsNeverRemoved) {
  SpinDatabase(db_).set("default", "new", "value");
  const std::string target = dir_.file("default");
  std::filesystem::create_directories(import_temp_dir(target));
  std::ofstream(import_temp_dir(target) + "/notes.txt") << "mine";
  const Result<StoreDigest> refused = import("default", target);
  EXPECT_FALSE(refused.is_ok());
  expect_mentions(refused.status(), "notes.txt");
  EXPECT_EQ(read_file_bytes(import_temp_dir(target) + "/notes.txt"), "mine");
  EXPECT_FALSE(exists(target));
}

TEST_F(SqliteImportTest, FileSystemThatCannotRenameFoldersPublishesNothing) {
  SpinDatabase(db_).set("default", "new", "value");
  const auto mem = std::make_shared<MemFileSystem>();
  const Result<StoreDigest> refused =
      import_spin_sqlite_label(mem, db_, "default", "/stores/default", Options{}, false);
  EXPECT_EQ(refused.status().code(), StatusCode::kNotSupported);
  expect_mentions(refused.status(), "target is unchanged");
  EXPECT_EQ(mem->list_dir("/stores/default").status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteImportTest, LabelWithoutRowsIsNotFound) {
  SpinDatabase(db_).set("default", "k", "v");
  EXPECT_EQ(import("other", dir_.file("other")).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(exists(dir_.file("other")));
}

TEST_F(SqliteImportTest, OpenEmptyStoreIsFilledAndVerified) {
  const SpinContents contents = testing::sample_contents(testing::test_seed(), 1);
  SpinDatabase(db_).set_all(contents);
  Options in_memory;
  in_memory.in_memory = true;
  std::unique_ptr<Store> store = open("memory", in_memory);
  Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(db_);
  ASSERT_TRUE(reader.is_ok());
  Result<SqliteLabelScan> scan = scan_sqlite_label(**reader, "default", Limits{});
  ASSERT_TRUE(scan.is_ok());
  uint64_t progress_calls = 0;
  Result<StoreDigest> digest =
      import_sqlite_label_into_store(*store, **reader, *scan, [&](uint64_t) { ++progress_calls; });
  ASSERT_TRUE(digest.is_ok()) << digest.status().to_string();
  EXPECT_GT(progress_calls, 0u);
  EXPECT_EQ(testing::store_contents(*store), contents.at("default"));
  // A second import into the same store is refused: it holds keys now.
  EXPECT_EQ(import_sqlite_label_into_store(*store, **reader, *scan).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace logkv
