#include "host/sqlite_database.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

namespace logkv {
namespace {

// A `file:` URI for `path`. Every byte but unreserved ones and '/' is percent-encoded, so that a
// '?', '#' or '%' in a file name cannot be read as URI syntax. An absolute path gets an empty
// authority ("file:///a"), so that a path starting with "//" is not read as a host name.
std::string file_uri(const std::string& path, std::string_view query) {
  std::string uri = path.starts_with('/') ? "file://" : "file:";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || c == '/';
    if (unreserved) {
      uri += c;
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
      uri += escaped;
    }
  }
  uri += '?';
  uri += query;
  return uri;
}

}  // namespace

Result<SqliteConnection> open_sqlite(const std::string& path, SqliteOpenMode mode) {
  const bool read_only = mode == SqliteOpenMode::kReadOnly;
  if (read_only) {
    struct stat info;
    if (::stat(path.c_str(), &info) != 0 && errno == ENOENT) {
      return Status::not_found("SQLite database '" + path +
                               "' does not exist; give the path of Spin's sqlite_key_value.db "
                               "(in the app's .spin folder by default)");
    }
  }
  const std::string uri = file_uri(path, read_only ? "mode=ro&immutable=0" : "mode=rwc");
  const int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
                    (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(uri.c_str(), &raw, flags, nullptr);
  // SQLite hands out a connection also when the open fails, to carry the message.
  SqliteConnection db(raw);
  if (rc != SQLITE_OK)
    return sqlite_error(db.get(), rc, "cannot open SQLite database '" + path + "'");
  sqlite3_busy_timeout(db.get(), kSpinBusyTimeoutMs);
  // Damage is reported as SQLITE_CORRUPT instead of being read past.
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Status sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  message += " (";
  message += sqlite3_errstr(rc);
  message += ")";
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      return Status::invalid_argument(message +
                                      "; the file is not an SQLite database: give the path of "
                                      "Spin's sqlite_key_value.db");
    case SQLITE_CORRUPT:
      return Status::corruption(message +
                                "; the database is damaged: check it with `sqlite3 FILE "
                                "'PRAGMA integrity_check'` and salvage it with `.recover`");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::locked(message +
                            "; another program (a running Spin?) is writing to it: "
                            "stop it and try again");
    default:
      break;
  }
  if (rc == SQLITE_READONLY_ROLLBACK || rc == SQLITE_READONLY_RECOVERY) {
    return Status::io_error(message +
                            "; an interrupted transaction must be recovered first: open the "
                            "database once with `sqlite3 FILE 'PRAGMA integrity_check'` (or run "
                            "Spin) and try again");
  }
  return Status::io_error(message);
}

Result<SqliteStatement> prepare_sqlite(sqlite3* db, std::string_view sql, std::string_view path) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  SqliteStatement statement(raw);
  if (rc != SQLITE_OK) {
    return sqlite_error(db, rc,
                        "'" + std::string(path) + "': cannot prepare `" + std::string(sql) + "`");
  }
  return statement;
}

Status exec_sqlite(sqlite3* db, const char* sql, std::string_view path) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return sqlite_error(db, rc, "'" + std::string(path) + "': `" + std::string(sql) + "` failed");
  }
  return Status::ok();
}

Status bind_sqlite_bytes(sqlite3_stmt* statement, int index, std::string_view bytes, bool as_text,
                         std::string_view path) {
  // A null pointer would bind NULL; an empty view may have one.
  const char* data = bytes.empty() ? "" : bytes.data();
  const int rc = as_text ? sqlite3_bind_text64(statement, index, data, bytes.size(), SQLITE_STATIC,
                                               SQLITE_UTF8)
                         : sqlite3_bind_blob64(statement, index, data, bytes.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) {
    return sqlite_error(
        sqlite3_db_handle(statement), rc,
        "'" + std::string(path) + "': cannot bind " + std::to_string(bytes.size()) + " bytes");
  }
  return Status::ok();
}

}  // namespace logkv
