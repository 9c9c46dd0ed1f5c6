// Spin's SQLite key-value database as the migration tests build and read it, with SQLite's own
// API and Spin's own statements (spinframework/spin, crates/key-value-spin/src/store.rs), written
// here independently of host/, so that the tests check the production code against Spin rather
// than against itself.
#ifndef LOGKV_TESTS_MIGRATION_SPIN_DATABASE_H_
#define LOGKV_TESTS_MIGRATION_SPIN_DATABASE_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace logkv::testing {

// Spin's CREATE TABLE, byte for byte.
inline constexpr char kSpinSchema[] =
    "CREATE TABLE IF NOT EXISTS spin_key_value (\n"
    "                           store TEXT NOT NULL,\n"
    "                           key   TEXT NOT NULL,\n"
    "                           value BLOB NOT NULL,\n"
    "\n"
    "                           PRIMARY KEY (store, key)\n"
    "                        )";

struct SpinRow {
  std::string label;
  std::string key;
  std::string value;
  friend bool operator==(const SpinRow&, const SpinRow&) = default;
  friend bool operator<(const SpinRow& a, const SpinRow& b) {
    return std::tie(a.label, a.key, a.value) < std::tie(b.label, b.key, b.value);
  }
};

// label -> key -> value
using SpinContents = std::map<std::string, std::map<std::string, std::string>>;

// An SQLite file the test writes. Every call fails the test (ADD_FAILURE) on an SQLite error.
class SpinDatabase {
 public:
  // Creates `path` and runs `schema` (Spin's unless a test needs another).
  explicit SpinDatabase(const std::string& path, const char* schema = kSpinSchema);
  ~SpinDatabase();
  SpinDatabase(const SpinDatabase&) = delete;
  SpinDatabase& operator=(const SpinDatabase&) = delete;

  // Spin's set: key bound as TEXT, value as BLOB, in one transaction per call here.
  void set(std::string_view label, std::string_view key, std::string_view value);
  void set_all(const SpinContents& contents);
  // Runs SQL that returns no rows.
  void exec(const std::string& sql);

 private:
  sqlite3* db_ = nullptr;
};

// Every row of the file at `path`, sorted by label, key bytes and value.
std::vector<SpinRow> read_spin_rows(const std::string& path);
// The first column of the first row of `sql` as bytes ("" when no row).
std::string query_one(const std::string& path, const std::string& sql);
SpinContents as_contents(const std::vector<SpinRow>& rows);

// Every byte of the file at `path` ("" when it cannot be read): to show a file was not changed.
std::string read_file_bytes(const std::string& path);

// 8 bytes little-endian, as Spin stores a counter.
std::string counter_bytes(int64_t value);

// Spin-shaped contents, values drawn from `seed`:
//   "default"  UTF-8 keys (Cyrillic, CJK, emoji, the empty key, a key holding a NUL, a key of
//              exactly 256 bytes), binary values with NULs, an empty value, and the counter 41
//              under "counter" (8 bytes little-endian);
//   "sessions" exactly 1024 keys, the default Limits::keys_max;
//   "large"    `large_values` values of exactly 1 MiB, the default Limits::value_bytes_max.
SpinContents sample_contents(uint64_t seed, size_t large_values = 4);

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_MIGRATION_SPIN_DATABASE_H_
