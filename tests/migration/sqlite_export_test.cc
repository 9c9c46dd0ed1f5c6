// Exporting stores into Spin's SQLite schema (host/sqlite_export.h): import then export gives
// back the same rows byte for byte, keys as TEXT and values as BLOB under Spin's exact schema,
// and an existing file is only ever replaced whole.
#include "host/sqlite_export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "host/sqlite_import.h"
#include "tests/migration/spin_database.h"
#include "tests/support/seed.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

using testing::read_file_bytes;
using testing::SpinContents;
using testing::SpinDatabase;

class SqliteExportTest : public ::testing::Test {
 protected:
  // Stores holding `contents`, one per label, in folders of the test's folder.
  void make_stores(const SpinContents& contents) {
    for (const auto& [label, rows] : contents) {
      Result<std::unique_ptr<Store>> store = Store::open(dir_.file("stores/" + label));
      ASSERT_TRUE(store.is_ok()) << store.status().to_string();
      for (const auto& [key, value] : rows) ASSERT_TRUE((*store)->set(key, value).is_ok());
      stores_.push_back(std::move(*store));
      labeled_.push_back({label, stores_.back().get()});
    }
  }

  Result<std::vector<StoreDigest>> export_to(const std::string& path, bool overwrite = false) {
    return export_stores_to_sqlite(posix_file_system(), path, labeled_, overwrite);
  }

  static void expect_mentions(const Status& status, std::string_view text) {
    EXPECT_NE(status.message().find(text), std::string::npos) << status.to_string();
  }

  testing::TestDir dir_;
  const std::string out_ = dir_.file("exported.db");
  std::vector<std::unique_ptr<Store>> stores_;
  std::vector<LabeledStore> labeled_;
};

TEST_F(SqliteExportTest, ImportThenExportGivesBackEveryRowByteForByte) {
  const std::string original = dir_.file("sqlite_key_value.db");
  SpinDatabase(original).set_all(testing::sample_contents(testing::test_seed()));
  for (const std::string label : {"default", "sessions", "large"}) {
    const std::string folder = dir_.file("stores/" + label);
    ASSERT_TRUE(
        import_spin_sqlite_label(posix_file_system(), original, label, folder, Options{}, false)
            .is_ok());
    Result<std::unique_ptr<Store>> store = Store::open(folder);
    ASSERT_TRUE(store.is_ok());
    stores_.push_back(std::move(*store));
    labeled_.push_back({label, stores_.back().get()});
  }
  Result<std::vector<StoreDigest>> digests = export_to(out_);
  ASSERT_TRUE(digests.is_ok()) << digests.status().to_string();
  ASSERT_EQ(digests->size(), 3u);
  EXPECT_EQ((*digests)[1].rows, 1024u);

  EXPECT_EQ(testing::read_spin_rows(out_), testing::read_spin_rows(original));
  const std::string schema = "SELECT sql FROM sqlite_master WHERE name = 'spin_key_value'";
  EXPECT_EQ(testing::query_one(out_, schema), testing::query_one(original, schema));
  EXPECT_EQ(testing::query_one(out_,
                               "SELECT count(*) FROM spin_key_value WHERE typeof(key) <> "
                               "'text' OR typeof(value) <> 'blob' OR typeof(store) <> "
                               "'text'"),
            "0");
  // Spin's own get, with the key bound as text, finds the rows.
  EXPECT_EQ(testing::query_one(
                out_, "SELECT value FROM spin_key_value WHERE store = 'default' AND key = 'hello'"),
            "world");
  EXPECT_FALSE(std::filesystem::exists(out_ + ".tmp"));
  EXPECT_FALSE(std::filesystem::exists(out_ + ".tmp-journal"));
}

TEST_F(SqliteExportTest, ExistingFileIsRefusedUnlessOverwriteThenReplacedWhole) {
  make_stores({{"default", {{"k", "v"}}}});
  std::ofstream(out_) << "older file";
  const Result<std::vector<StoreDigest>> refused = export_to(out_);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  expect_mentions(refused.status(), out_);
  EXPECT_EQ(read_file_bytes(out_), "older file");

  ASSERT_TRUE(export_to(out_, /*overwrite=*/true).is_ok());
  EXPECT_EQ(testing::read_spin_rows(out_), (std::vector<testing::SpinRow>{{"default", "k", "v"}}));
}

TEST_F(SqliteExportTest, JournalBesideTheFileIsRefusedEvenWithOverwrite) {
  make_stores({{"default", {{"k", "v"}}}});
  std::ofstream(out_) << "older file";
  std::ofstream(out_ + "-journal") << "hot journal";
  const Result<std::vector<StoreDigest>> refused = export_to(out_, /*overwrite=*/true);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  expect_mentions(refused.status(), "-journal");
  EXPECT_EQ(read_file_bytes(out_), "older file");
}

TEST_F(SqliteExportTest, StaleTemporaryFileAndItsJournalAreRemovedFirst) {
  make_stores({{"default", {{"k", "v"}}}});
  std::ofstream(out_ + ".tmp") << "stale";
  std::ofstream(out_ + ".tmp-journal") << "stale journal that must never be rolled back";
  ASSERT_TRUE(export_to(out_).is_ok());
  EXPECT_EQ(testing::read_spin_rows(out_), (std::vector<testing::SpinRow>{{"default", "k", "v"}}));
  EXPECT_FALSE(std::filesystem::exists(out_ + ".tmp-journal"));
}

TEST_F(SqliteExportTest, MissingOrEmptyStoreExportsNoRows) {
  make_stores({{"empty", {}}});
  labeled_.push_back({"never-created", nullptr});
  Result<std::vector<StoreDigest>> digests = export_to(out_);
  ASSERT_TRUE(digests.is_ok()) << digests.status().to_string();
  EXPECT_EQ((*digests)[0].rows, 0u);
  EXPECT_EQ((*digests)[1].rows, 0u);
  EXPECT_EQ(testing::query_one(out_, "SELECT count(*) FROM spin_key_value"), "0");
}

TEST_F(SqliteExportTest, LabelGivenTwiceIsRefused) {
  make_stores({{"default", {{"k", "v"}}}});
  labeled_.push_back(labeled_.front());
  EXPECT_EQ(export_to(out_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(out_));
}

}  // namespace
}  // namespace logkv
