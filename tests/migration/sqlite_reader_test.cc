// SqliteReader: what it accepts from Spin's database, byte for byte, and every file or row it
// refuses, with a message naming the file, label or key.
#include "host/sqlite_reader.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "host/sqlite_digest.h"
#include "tests/migration/spin_database.h"
#include "tests/support/test_dir.h"

namespace logkv {
namespace {

using testing::SpinDatabase;

// Spin's table as SPEC.md writes it, without NOT NULL: what a database made by another tool may
// look like, so that NULLs can be stored.
constexpr char kLooseSchema[] =
    "CREATE TABLE spin_key_value(store TEXT, key TEXT, value BLOB, PRIMARY KEY(store, key))";

class SqliteReaderTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteReader> open_reader() {
    Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(path_);
    EXPECT_TRUE(reader.is_ok()) << reader.status().to_string();
    return reader.is_ok() ? std::move(reader).value() : nullptr;
  }

  // Every row of `label`, or the error that stopped the reading.
  Result<std::map<std::string, std::string>> rows(std::string_view label) {
    std::unique_ptr<SqliteReader> reader = open_reader();
    if (reader == nullptr) return Status::io_error("no reader");
    std::map<std::string, std::string> rows;
    const Status status = reader->for_each_row(label, [&](std::string_view k, std::string_view v) {
      rows.emplace(k, v);
      return Status::ok();
    });
    if (!status.is_ok()) return status;
    return rows;
  }

  static void expect_mentions(const Status& status, std::string_view text) {
    EXPECT_NE(status.message().find(text), std::string::npos) << status.to_string();
  }

  testing::TestDir dir_;
  const std::string path_ = dir_.file("sqlite_key_value.db");
};

TEST_F(SqliteReaderTest, ReadsEveryRowOfALabelByteForByte) {
  const testing::SpinContents contents = testing::sample_contents(7, 1);
  SpinDatabase(path_).set_all(contents);
  for (const auto& [label, expected] : contents) {
    Result<std::map<std::string, std::string>> read = rows(label);
    ASSERT_TRUE(read.is_ok()) << read.status().to_string();
    EXPECT_EQ(*read, expected) << label;
  }
}

TEST_F(SqliteReaderTest, ListsLabelsAndCountsRows) {
  SpinDatabase(path_).set_all(testing::sample_contents(7, 2));
  std::unique_ptr<SqliteReader> reader = open_reader();
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->labels().value(), (std::vector<std::string>{"default", "large", "sessions"}));
  EXPECT_EQ(reader->row_count("sessions").value(), 1024u);
  EXPECT_EQ(reader->row_count("large").value(), 2u);
  EXPECT_EQ(reader->row_count("absent").value(), 0u);
}

TEST_F(SqliteReaderTest, MissingFileIsNotFoundAndNotCreated) {
  const Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(path_);
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
  expect_mentions(reader.status(), path_);
  EXPECT_FALSE(std::ifstream(path_).good());
}

TEST_F(SqliteReaderTest, FileThatIsNotSqliteIsRefusedNamingIt) {
  std::ofstream(path_) << "this is a text file, long enough to have an SQLite header's size....."
                          "......................................................................";
  const Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(path_);
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  expect_mentions(reader.status(), path_);
  expect_mentions(reader.status(), "not an SQLite database");
}

TEST_F(SqliteReaderTest, DatabaseWithoutSpinsTableIsRefused) {
  SpinDatabase(path_, "CREATE TABLE other(a, b)");
  const Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(path_);
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  expect_mentions(reader.status(), "no table spin_key_value");
  expect_mentions(reader.status(), path_);
}

TEST_F(SqliteReaderTest, TableWithoutTheValueColumnIsRefused) {
  SpinDatabase(path_, "CREATE TABLE spin_key_value(store TEXT, key TEXT, data BLOB)");
  const Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(path_);
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  expect_mentions(reader.status(), "no column 'value'");
}

// A writer that died mid-transaction leaves a hot journal, which only a writable connection may
// roll back: the reader reports it, with what to do, and leaves both files as they are.
TEST_F(SqliteReaderTest, HotJournalIsReportedAndNeitherFileIsTouched) {
  SpinDatabase(path_).set_all(testing::sample_contents(3, 0));
  std::fflush(nullptr);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    // A tiny cache makes SQLite write changed pages to the file before the commit, so that the
    // journal is needed to undo them.
    sqlite3_exec(db, "PRAGMA cache_size = 1; BEGIN; UPDATE spin_key_value SET value = x'00';",
                 nullptr, nullptr, nullptr);
    ::_exit(0);  // dies holding the transaction
  }
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(std::filesystem::exists(path_ + "-journal"));
  const auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  const std::string database = bytes(path_);
  const std::string journal = bytes(path_ + "-journal");

  const Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(path_);
  EXPECT_FALSE(reader.is_ok());
  expect_mentions(reader.status(), path_);
  expect_mentions(reader.status(), "interrupted transaction");
  EXPECT_EQ(bytes(path_), database);
  EXPECT_EQ(bytes(path_ + "-journal"), journal);
}

TEST_F(SqliteReaderTest, BlobKeyThatIsUtf8IsReadAsItsBytes) {
  SpinDatabase(path_).exec("INSERT INTO spin_key_value VALUES ('default', x'68690061', x'00ff')");
  Result<std::map<std::string, std::string>> read = rows("default");
  ASSERT_TRUE(read.is_ok()) << read.status().to_string();
  EXPECT_EQ(
      *read,
      (std::map<std::string, std::string>{{std::string("hi\0a", 4), std::string("\0\xff", 2)}}));
}

TEST_F(SqliteReaderTest, KeyThatIsNotUtf8IsRefusedNamingIt) {
  SpinDatabase(path_).exec("INSERT INTO spin_key_value VALUES ('default', x'ff61', x'00')");
  const Status status = rows("default").status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  expect_mentions(status, "\\xffa");
  expect_mentions(status, "not valid UTF-8");
}

TEST_F(SqliteReaderTest, NullValueIsRefusedNamingTheKey) {
  SpinDatabase(path_, kLooseSchema)
      .exec("INSERT INTO spin_key_value VALUES ('default', 'nothing', NULL)");
  const Status status = rows("default").status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  expect_mentions(status, "'nothing'");
  expect_mentions(status, "NULL");
}

TEST_F(SqliteReaderTest, IntegerValueIsRefused) {
  SpinDatabase(path_).exec("INSERT INTO spin_key_value VALUES ('default', 'n', 42)");
  const Status status = rows("default").status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  expect_mentions(status, "INTEGER");
}

TEST_F(SqliteReaderTest, SameKeyBytesAsTextAndBlobAreRefused) {
  SpinDatabase(path_).exec(
      "INSERT INTO spin_key_value VALUES ('default', 'a', x'01'), ('default', x'61', x'02')");
  const Status status = rows("default").status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  expect_mentions(status, "twice");
}

TEST_F(SqliteReaderTest, BlobLabelIsRefused) {
  SpinDatabase(path_).exec("INSERT INTO spin_key_value VALUES (x'6162', 'k', x'01')");
  std::unique_ptr<SqliteReader> reader = open_reader();
  ASSERT_NE(reader, nullptr);
  const Status status = reader->labels().status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  expect_mentions(status, "BLOB");
}

TEST_F(SqliteReaderTest, DigestIsIndependentOfOrderAndSeesTheKeyValueBoundary) {
  StoreDigest forward, backward, shifted;
  add_to_digest(forward, "ab", "c");
  add_to_digest(forward, "x", "y");
  add_to_digest(backward, "x", "y");
  add_to_digest(backward, "ab", "c");
  add_to_digest(shifted, "a", "bc");
  add_to_digest(shifted, "x", "y");
  EXPECT_EQ(forward.checksum, backward.checksum);
  EXPECT_EQ(forward.rows, 2u);
  EXPECT_EQ(forward.bytes, 5u);
  EXPECT_NE(forward.checksum, shifted.checksum);
  EXPECT_EQ(compare_digests(forward, shifted, "test").code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace logkv
