#include "tests/migration/spin_database.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>

namespace logkv::testing {
namespace {

void check(sqlite3* db, int rc, std::string_view what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    ADD_FAILURE() << what << ": " << (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  }
}

std::string column(sqlite3_stmt* statement, int index) {
  const void* data = sqlite3_column_blob(statement, index);
  const int size = sqlite3_column_bytes(statement, index);
  return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
}

// Runs `sql` on the file at `path` and calls `row` with each result row.
template <typename Row>
void query(const std::string& path, const std::string& sql, Row row) {
  sqlite3* db = nullptr;
  check(db, sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), "open " + path);
  sqlite3_stmt* statement = nullptr;
  check(db, sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), sql);
  int rc = SQLITE_DONE;
  while (statement != nullptr && (rc = sqlite3_step(statement)) == SQLITE_ROW) row(statement);
  if (statement != nullptr) check(db, rc, sql);
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

}  // namespace

SpinDatabase::SpinDatabase(const std::string& path, const char* schema) {
  check(db_,
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        "create " + path);
  exec(schema);
}

SpinDatabase::~SpinDatabase() { sqlite3_close(db_); }

void SpinDatabase::exec(const std::string& sql) {
  check(db_, sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), sql);
}

void SpinDatabase::set(std::string_view label, std::string_view key, std::string_view value) {
  set_all({{std::string(label), {{std::string(key), std::string(value)}}}});
}

void SpinDatabase::set_all(const SpinContents& contents) {
  // Spin's statement for set.
  const char* sql =
      "INSERT INTO spin_key_value (store, key, value) VALUES ($1, $2, $3) ON CONFLICT(store, "
      "key) DO UPDATE SET value=$3";
  exec("BEGIN");
  sqlite3_stmt* statement = nullptr;
  check(db_, sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr), sql);
  for (const auto& [label, rows] : contents) {
    for (const auto& [key, value] : rows) {
      sqlite3_bind_text(statement, 1, label.data(), static_cast<int>(label.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(statement, 2, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
      // A zero-length blob, never NULL, for an empty value.
      sqlite3_bind_blob(statement, 3, value.empty() ? "" : value.data(),
                        static_cast<int>(value.size()), SQLITE_TRANSIENT);
      check(db_, sqlite3_step(statement), "insert");
      sqlite3_reset(statement);
    }
  }
  sqlite3_finalize(statement);
  exec("COMMIT");
}

std::vector<SpinRow> read_spin_rows(const std::string& path) {
  std::vector<SpinRow> rows;
  query(path, "SELECT store, key, value FROM spin_key_value", [&](sqlite3_stmt* statement) {
    rows.push_back({column(statement, 0), column(statement, 1), column(statement, 2)});
  });
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string query_one(const std::string& path, const std::string& sql) {
  std::string result;
  bool first = true;
  query(path, sql, [&](sqlite3_stmt* statement) {
    if (first) result = column(statement, 0);
    first = false;
  });
  return result;
}

SpinContents as_contents(const std::vector<SpinRow>& rows) {
  SpinContents contents;
  for (const SpinRow& row : rows) contents[row.label][row.key] = row.value;
  return contents;
}

std::string counter_bytes(int64_t value) {
  std::string bytes(8, '\0');
  const auto bits = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  return bytes;
}

SpinContents sample_contents(uint64_t seed, size_t large_values) {
  std::mt19937_64 random(seed);
  const auto bytes = [&](size_t n) {
    std::string text(n, '\0');
    for (char& c : text) c = static_cast<char>(random());
    return text;
  };
  SpinContents contents;
  auto& defaults = contents["default"];
  defaults["hello"] = "world";
  defaults["ключ"] = bytes(100);
  defaults["日本語のキー"] = std::string("\0\x01\xff\0binary\0", 11);
  defaults["emoji-\xf0\x9f\x98\x80"] = bytes(3000);
  defaults[""] = "the empty key";
  defaults[std::string("nul\0inside", 10)] = bytes(17);
  defaults[std::string(256, 'k')] = "longest key";
  defaults["empty-value"] = "";
  defaults["counter"] = counter_bytes(41);
  auto& sessions = contents["sessions"];
  for (int i = 0; i < 1024; ++i) {
    sessions["session-" + std::to_string(i)] = bytes(static_cast<size_t>(random() % 200));
  }
  auto& large = contents["large"];
  for (size_t i = 0; i < large_values; ++i) large["blob-" + std::to_string(i)] = bytes(1 << 20);
  return contents;
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace logkv::testing
