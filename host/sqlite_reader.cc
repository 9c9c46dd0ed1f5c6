#include "host/sqlite_reader.h"

#include <set>

#include "logkv/key_text.h"

namespace logkv {
namespace {

std::string_view column_bytes(sqlite3_stmt* statement, int column) {
  // sqlite3_column_text converts to UTF-8 where the database is UTF-16 (Spin's never are) and
  // otherwise returns the stored bytes unchanged; BLOBs are read as they are.
  const void* data = sqlite3_column_type(statement, column) == SQLITE_TEXT
                         ? static_cast<const void*>(sqlite3_column_text(statement, column))
                         : sqlite3_column_blob(statement, column);
  const int size = sqlite3_column_bytes(statement, column);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(size)};
}

std::string type_name(int type) {
  switch (type) {
    case SQLITE_INTEGER:
      return "INTEGER";
    case SQLITE_FLOAT:
      return "REAL";
    case SQLITE_TEXT:
      return "TEXT";
    case SQLITE_BLOB:
      return "BLOB";
    default:
      return "NULL";
  }
}

}  // namespace

Result<std::unique_ptr<SqliteReader>> SqliteReader::open(const std::string& path) {
  Result<SqliteConnection> db = open_sqlite(path, SqliteOpenMode::kReadOnly);
  if (!db.is_ok()) return db.status();
  std::unique_ptr<SqliteReader> reader(new SqliteReader(path, std::move(*db)));
  // BEGIN alone takes no lock; the schema check's first read takes the shared lock, kept until
  // the reader ends.
  LOGKV_RETURN_IF_ERROR(exec_sqlite(reader->db_.get(), "BEGIN", path));
  LOGKV_RETURN_IF_ERROR(reader->check_schema());
  return reader;
}

SqliteReader::~SqliteReader() {
  // A read transaction has nothing to commit; ending it releases the shared lock.
  if (db_ != nullptr) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status SqliteReader::error(int rc, std::string_view what) const {
  return sqlite_error(db_.get(), rc, "'" + path_ + "': " + std::string(what));
}

Status SqliteReader::check_schema() {
  Result<SqliteStatement> columns =
      prepare_sqlite(db_.get(), "SELECT name FROM pragma_table_info('spin_key_value')", path_);
  if (!columns.is_ok()) return columns.status();
  std::set<std::string> names;
  int rc;
  while ((rc = sqlite3_step(columns->get())) == SQLITE_ROW) {
    names.emplace(column_bytes(columns->get(), 0));
  }
  if (rc != SQLITE_DONE) return error(rc, "cannot read the schema");
  if (names.empty()) {
    return Status::invalid_argument("'" + path_ +
                                    "' has no table spin_key_value, so it is not Spin's key-value "
                                    "database; give the path of Spin's sqlite_key_value.db");
  }
  for (const char* wanted : {"store", "key", "value"}) {
    if (!names.contains(wanted)) {
      return Status::invalid_argument("'" + path_ + "': table spin_key_value has no column '" +
                                      wanted +
                                      "', so it is not Spin's schema (store TEXT, key TEXT, value "
                                      "BLOB); give the path of Spin's sqlite_key_value.db");
    }
  }
  return Status::ok();
}

Result<std::vector<std::string>> SqliteReader::labels() {
  Result<SqliteStatement> query = prepare_sqlite(
      db_.get(), "SELECT DISTINCT store, typeof(store) FROM spin_key_value ORDER BY store", path_);
  if (!query.is_ok()) return query.status();
  std::vector<std::string> labels;
  int rc;
  while ((rc = sqlite3_step(query->get())) == SQLITE_ROW) {
    const int type = sqlite3_column_type(query->get(), 0);
    std::string label(column_bytes(query->get(), 0));
    // Rows are read by `store = ?` bound as TEXT, which would never match a BLOB label: refuse it
    // instead of leaving its rows behind.
    if (type != SQLITE_TEXT) {
      return Status::invalid_argument("'" + path_ + "': rows whose store (label) is " +
                                      type_name(type) +
                                      (type == SQLITE_NULL ? "" : " " + printable_key(label)) +
                                      "; Spin writes labels as TEXT: fix or delete those rows");
    }
    labels.push_back(std::move(label));
  }
  if (rc != SQLITE_DONE) return error(rc, "cannot list the labels");
  return labels;
}

Result<uint64_t> SqliteReader::row_count(std::string_view label) {
  Result<SqliteStatement> query =
      prepare_sqlite(db_.get(), "SELECT count(*) FROM spin_key_value WHERE store = ?1", path_);
  if (!query.is_ok()) return query.status();
  LOGKV_RETURN_IF_ERROR(bind_sqlite_bytes(query->get(), 1, label, /*as_text=*/true, path_));
  const int rc = sqlite3_step(query->get());
  if (rc != SQLITE_ROW) return error(rc, "cannot count the rows of label " + printable_key(label));
  return static_cast<uint64_t>(sqlite3_column_int64(query->get(), 0));
}

Status SqliteReader::check_unique_key_bytes(std::string_view label) {
  Result<SqliteStatement> query = prepare_sqlite(
      db_.get(),
      "SELECT CAST(key AS BLOB) AS bytes FROM spin_key_value WHERE store = ?1 AND key IS NOT NULL "
      "GROUP BY bytes HAVING count(*) > 1 LIMIT 1",
      path_);
  if (!query.is_ok()) return query.status();
  LOGKV_RETURN_IF_ERROR(bind_sqlite_bytes(query->get(), 1, label, /*as_text=*/true, path_));
  const int rc = sqlite3_step(query->get());
  if (rc == SQLITE_DONE) return Status::ok();
  if (rc != SQLITE_ROW) return error(rc, "cannot check the keys of label " + printable_key(label));
  return Status::invalid_argument(
      "'" + path_ + "': label " + printable_key(label) + " holds key " +
      printable_key(column_bytes(query->get(), 0)) +
      " twice, as TEXT and as BLOB; logkv keys are unique byte strings: delete one of the two "
      "rows");
}

Status SqliteReader::for_each_row(std::string_view label, const RowFunction& fn) {
  LOGKV_RETURN_IF_ERROR(check_unique_key_bytes(label));
  Result<SqliteStatement> query = prepare_sqlite(
      db_.get(), "SELECT key, value FROM spin_key_value WHERE store = ?1 ORDER BY key", path_);
  if (!query.is_ok()) return query.status();
  LOGKV_RETURN_IF_ERROR(bind_sqlite_bytes(query->get(), 1, label, /*as_text=*/true, path_));
  sqlite3_stmt* row = query->get();
  const std::string where = "'" + path_ + "': label " + printable_key(label);
  int rc;
  while ((rc = sqlite3_step(row)) == SQLITE_ROW) {
    const int key_type = sqlite3_column_type(row, 0);
    const int value_type = sqlite3_column_type(row, 1);
    const std::string_view key = column_bytes(row, 0);
    if (key_type != SQLITE_TEXT && key_type != SQLITE_BLOB) {
      return Status::invalid_argument(where + " has a row whose key is " + type_name(key_type) +
                                      "; logkv keys are UTF-8 text: fix or delete that row");
    }
    if (std::optional<size_t> bad = first_invalid_utf8_offset(key)) {
      return Status::invalid_argument(where + ": key " + printable_key(key) +
                                      " is not valid UTF-8 (at byte " + std::to_string(*bad) +
                                      "); logkv keys are UTF-8 text: rename the key in SQLite");
    }
    if (value_type == SQLITE_NULL) {
      return Status::invalid_argument(
          where + ": the value of key " + printable_key(key) +
          " is NULL, which Spin never writes and logkv will not guess a value for (an empty "
          "value is not the same): set it to a BLOB or delete that row");
    }
    if (value_type != SQLITE_BLOB && value_type != SQLITE_TEXT) {
      return Status::invalid_argument(
          where + ": the value of key " + printable_key(key) + " is " + type_name(value_type) +
          ", not bytes; Spin stores values as BLOB: fix or delete that row");
    }
    LOGKV_RETURN_IF_ERROR(fn(key, column_bytes(row, 1)));
  }
  if (rc != SQLITE_DONE) return error(rc, "cannot read the rows of label " + printable_key(label));
  return Status::ok();
}

}  // namespace logkv
