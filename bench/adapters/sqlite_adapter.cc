// SQLite in two configurations: exactly as Spin's default key-value backend uses it, and with
// the write-ahead log (the best-tuned durable SQLite). Both use Spin's schema and statements.
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>

#include "bench/adapters/adapters.h"

namespace logkv::bench {
namespace {

// Spin keeps every store of an application in one table of one file; the store name is a column.
constexpr std::string_view kDatabaseFileName = "sqlite_key_value.db";
constexpr std::string_view kStoreName = "default";
constexpr int kBusyTimeoutMs = 5000;
constexpr uint64_t kBulkLoadRowsPerTransaction = 10000;

constexpr const char* kCreateTableSql =
    "CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value "
    "BLOB NOT NULL, PRIMARY KEY (store, key))";
constexpr const char* kSetSql =
    "INSERT INTO spin_key_value (store, key, value) VALUES ($1,$2,$3) ON CONFLICT(store, key) "
    "DO UPDATE SET value=$3";
constexpr const char* kGetSql = "SELECT value FROM spin_key_value WHERE store=$1 AND key=$2";
constexpr const char* kDeleteSql = "DELETE FROM spin_key_value WHERE store=$1 AND key=$2";
// Spin answers exists() by reading the value; kept so that the figure is Spin's.
constexpr const char* kExistsSql = kGetSql;
constexpr const char* kKeysSql = "SELECT key FROM spin_key_value WHERE store=$1";

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Resets a statement and its bindings when a call is done with it, on every return path.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementUse() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  sqlite3_stmt* statement_;
};

class SqliteAdapter final : public EngineAdapter {
 public:
  explicit SqliteAdapter(SqliteMode mode) : mode_(mode) {}

  EngineInfo info() const override {
    EngineInfo info;
    if (mode_ == SqliteMode::kSpin) {
      info.name = "sqlite-spin";
      info.settings =
          "as Spin: one file, table spin_key_value, no pragmas (rollback journal, "
          "synchronous=FULL), autocommit per statement, 5 s busy timeout, one connection "
          "behind a mutex";
    } else {
      info.name = "sqlite-wal";
      info.settings =
          "Spin's schema and statements with journal_mode=WAL, synchronous=FULL; one connection "
          "behind a mutex";
    }
    info.version = sqlite3_libversion();
    info.capabilities.writes_serialised_by_adapter = true;
    info.capabilities.reads_serialised_by_adapter = true;
    return info;
  }

  Status open(const OpenParams& params) override {
    std::lock_guard lock(mutex_);
    const std::string path = params.dir + "/" + std::string(kDatabaseFileName);
    sqlite3* raw_db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(raw_db);
    if (rc != SQLITE_OK) return error("open " + path);
    sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
    if (mode_ == SqliteMode::kWalFull) {
      LOGKV_RETURN_IF_ERROR(exec("PRAGMA journal_mode=WAL"));
      LOGKV_RETURN_IF_ERROR(exec("PRAGMA synchronous=FULL"));
    }
    // Untimed loading only: a store being filled before a measurement need not survive a crash.
    if (!params.durable) LOGKV_RETURN_IF_ERROR(exec("PRAGMA synchronous=OFF"));
    LOGKV_RETURN_IF_ERROR(exec(kCreateTableSql));
    LOGKV_RETURN_IF_ERROR(prepare(kSetSql, set_));
    LOGKV_RETURN_IF_ERROR(prepare(kGetSql, get_));
    LOGKV_RETURN_IF_ERROR(prepare(kDeleteSql, delete_));
    LOGKV_RETURN_IF_ERROR(prepare(kExistsSql, exists_));
    LOGKV_RETURN_IF_ERROR(prepare(kKeysSql, keys_));
    return Status::ok();
  }

  Status close() override {
    std::lock_guard lock(mutex_);
    for (Statement* statement : {&set_, &get_, &delete_, &exists_, &keys_}) statement->reset();
    if (db_ != nullptr && sqlite3_close_v2(db_.release()) != SQLITE_OK) {
      return Status::io_error("sqlite: close failed; the database file may hold a hot journal");
    }
    return Status::ok();
  }

  Status set(std::string_view key, std::string_view value) override {
    std::lock_guard lock(mutex_);
    return set_locked(key, value);
  }

  Result<std::optional<std::string>> get(std::string_view key) override {
    std::lock_guard lock(mutex_);
    return read_value(get_.get(), key);
  }

  Status del(std::string_view key) override {
    std::lock_guard lock(mutex_);
    StatementUse use(delete_.get());
    bind_store_and_key(delete_.get(), key);
    if (sqlite3_step(delete_.get()) != SQLITE_DONE) return error("delete key " + std::string(key));
    return Status::ok();
  }

  Result<bool> exists(std::string_view key) override {
    std::lock_guard lock(mutex_);
    Result<std::optional<std::string>> value = read_value(exists_.get(), key);
    if (!value.is_ok()) return value.status();
    return value->has_value();
  }

  Result<std::vector<std::string>> keys() override {
    std::lock_guard lock(mutex_);
    StatementUse use(keys_.get());
    sqlite3_bind_text(keys_.get(), 1, kStoreName.data(), static_cast<int>(kStoreName.size()),
                      SQLITE_STATIC);
    std::vector<std::string> keys;
    int rc;
    while ((rc = sqlite3_step(keys_.get())) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(keys_.get(), 0));
      keys.emplace_back(text, static_cast<size_t>(sqlite3_column_bytes(keys_.get(), 0)));
    }
    if (rc != SQLITE_DONE) return error("list keys");
    return keys;
  }

  // Rows go in transactions of kBulkLoadRowsPerTransaction: untimed, and far faster than one
  // journal round trip per row.
  Status bulk_load(uint64_t count, const KeyValueSource& source) override {
    std::lock_guard lock(mutex_);
    std::string_view key;
    std::string_view value;
    for (uint64_t first = 0; first < count; first += kBulkLoadRowsPerTransaction) {
      LOGKV_RETURN_IF_ERROR(exec("BEGIN"));
      const uint64_t end = std::min(count, first + kBulkLoadRowsPerTransaction);
      for (uint64_t i = first; i < end; ++i) {
        source(i, key, value);
        Status status = set_locked(key, value);
        if (!status.is_ok()) {
          (void)exec("ROLLBACK");
          return status;
        }
      }
      LOGKV_RETURN_IF_ERROR(exec("COMMIT"));
    }
    return Status::ok();
  }

 private:
  Status set_locked(std::string_view key, std::string_view value) {
    StatementUse use(set_.get());
    bind_store_and_key(set_.get(), key);
    sqlite3_bind_blob(set_.get(), 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    if (sqlite3_step(set_.get()) != SQLITE_DONE) return error("set key " + std::string(key));
    return Status::ok();
  }

  Result<std::optional<std::string>> read_value(sqlite3_stmt* statement, std::string_view key) {
    StatementUse use(statement);
    bind_store_and_key(statement, key);
    const int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    if (rc != SQLITE_ROW) return error("read key " + std::string(key));
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, 0));
    const auto size = static_cast<size_t>(sqlite3_column_bytes(statement, 0));
    return std::optional<std::string>(std::string(bytes == nullptr ? "" : bytes, size));
  }

  static void bind_store_and_key(sqlite3_stmt* statement, std::string_view key) {
    sqlite3_bind_text(statement, 1, kStoreName.data(), static_cast<int>(kStoreName.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(statement, 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  }

  Status exec(const char* sql) {
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return error(std::string("run '") + sql + "'");
    }
    return Status::ok();
  }

  Status prepare(const char* sql, Statement& statement) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    statement.reset(raw);
    if (rc != SQLITE_OK) return error(std::string("prepare '") + sql + "'");
    return Status::ok();
  }

  Status error(const std::string& what) const {
    return Status::io_error("sqlite: " + what + " failed: " +
                            (db_ == nullptr ? "out of memory" : sqlite3_errmsg(db_.get())));
  }

  const SqliteMode mode_;
  // One connection serves every thread, as in Spin (its connection sits behind a mutex).
  std::mutex mutex_;
  Database db_;
  Statement set_;
  Statement get_;
  Statement delete_;
  Statement exists_;
  Statement keys_;
};

}  // namespace

std::unique_ptr<EngineAdapter> make_sqlite_adapter(SqliteMode mode) {
  return std::make_unique<SqliteAdapter>(mode);
}

}  // namespace logkv::bench
