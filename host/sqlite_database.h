// A connection to an SQLite file with Spin's key-value schema: RAII handles for the connection
// and its statements, SQLite errors as Status, and the schema itself.
//
// SQLite does its own file I/O; it does not go through the FileSystem seam (fs/). Import and
// export therefore take real paths for the database, while the logkv side of a migration may run
// on any FileSystem.
//
// Thread-safety: a connection and its statements belong to one thread at a time.
#ifndef LOGKV_HOST_SQLITE_DATABASE_H_
#define LOGKV_HOST_SQLITE_DATABASE_H_

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "logkv/status.h"

namespace logkv {

// Spin's statement, byte for byte (spinframework/spin, crates/key-value-spin/src/store.rs,
// KeyValueSqlite::create_connection), so that sqlite_master of an exported file reads exactly as
// in a database Spin created itself.
inline constexpr char kSpinCreateTableSql[] =
    "CREATE TABLE IF NOT EXISTS spin_key_value (\n"
    "                           store TEXT NOT NULL,\n"
    "                           key   TEXT NOT NULL,\n"
    "                           value BLOB NOT NULL,\n"
    "\n"
    "                           PRIMARY KEY (store, key)\n"
    "                        )";
inline constexpr std::string_view kSpinTableName = "spin_key_value";
// Spin's busy timeout: how long a statement waits for another connection's lock.
inline constexpr int kSpinBusyTimeoutMs = 5000;

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using SqliteConnection = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

enum class SqliteOpenMode : uint8_t {
  // Never creates the file and never writes to it (a `file:` URI with mode=ro and immutable=0,
  // so that SQLite still takes its shared lock and sees other connections' commits).
  kReadOnly,
  // Creates the file when missing.
  kReadWriteCreate,
};

// Opens `path`. With kReadOnly a missing file is kNotFound. Opening is lazy in SQLite: a file
// that is not a database is only reported by the first statement (see sqlite_error).
Result<SqliteConnection> open_sqlite(const std::string& path, SqliteOpenMode mode);

// The Status for SQLite result code `rc` on `db` (which may be null): "<what>: <SQLite's message>
// (<code name>)", with advice for the codes a user can act on. Not a database or a damaged one
// -> kCorruption; locked by another connection -> kLocked; anything else -> kIOError.
Status sqlite_error(sqlite3* db, int rc, std::string_view what);

// Prepares one statement; the error names `path` and the statement.
Result<SqliteStatement> prepare_sqlite(sqlite3* db, std::string_view sql, std::string_view path);

// Runs statements that return no rows; the error names `path` and the statements.
Status exec_sqlite(sqlite3* db, const char* sql, std::string_view path);

// Binds `bytes` to parameter `index` as TEXT (`as_text`) or BLOB, copying nothing (the bytes
// must outlive the step). Empty bytes bind an empty value, never NULL.
Status bind_sqlite_bytes(sqlite3_stmt* statement, int index, std::string_view bytes, bool as_text,
                         std::string_view path);

}  // namespace logkv

#endif  // LOGKV_HOST_SQLITE_DATABASE_H_
