// SqliteReader: reads Spin's key-value database without ever changing it.
//
// The file is opened read-only (never created) and checked to be an SQLite database with Spin's
// table (spin_key_value with columns store, key and value). All reads run in one read
// transaction that lasts as long as the reader, so that the checks before an import, the copy and
// its verification all see the same rows. While it lasts, a writer of the database (a running
// Spin) cannot commit and waits up to its busy timeout: stop Spin before migrating.
//
// What a row must be for logkv to hold it (Spin writes nothing else, but a database edited by
// hand or by another program may differ; each case is an error naming the label and key):
//   - the key is TEXT or BLOB, and its bytes are valid UTF-8 (logkv keys are UTF-8 text); its
//     bytes are taken exactly, NULs included;
//   - the value is BLOB or TEXT, taken byte for byte; a NULL value is refused rather than read as
//     empty, because Spin's schema forbids NULL and a silent conversion would change the data;
//   - no two keys of one label have the same bytes (SQLite keeps a TEXT 'a' and a BLOB x'61'
//     apart; logkv cannot);
//   - the label is TEXT.
//
// Thread-safety: one thread at a time.
#ifndef LOGKV_HOST_SQLITE_READER_H_
#define LOGKV_HOST_SQLITE_READER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/sqlite_database.h"
#include "logkv/status.h"

namespace logkv {

class SqliteReader {
 public:
  // Called with each row; the views are valid during the call only. A non-ok return stops the
  // reading and is returned.
  using RowFunction = std::function<Status(std::string_view key, std::string_view value)>;

  // Opens `path` read-only and starts the read transaction. kNotFound when the file does not
  // exist; kInvalidArgument naming the file when it is not an SQLite database or has no
  // spin_key_value table with columns store, key and value; kLocked when a writer holds it
  // longer than the busy timeout.
  static Result<std::unique_ptr<SqliteReader>> open(const std::string& path);

  ~SqliteReader();
  SqliteReader(const SqliteReader&) = delete;
  SqliteReader& operator=(const SqliteReader&) = delete;

  const std::string& path() const { return path_; }

  // Every label that has rows, in byte order.
  Result<std::vector<std::string>> labels();

  // Rows of `label`.
  Result<uint64_t> row_count(std::string_view label);

  // Calls `fn` with every row of `label`, in key order (as SQLite sorts keys: TEXT before BLOB,
  // each by its bytes). Errors for the rows described at the top of this file.
  Status for_each_row(std::string_view label, const RowFunction& fn);

 private:
  SqliteReader(std::string path, SqliteConnection db)
      : path_(std::move(path)), db_(std::move(db)) {}
  Status check_schema();
  // kInvalidArgument naming a key that two rows of `label` hold with the same bytes.
  Status check_unique_key_bytes(std::string_view label);
  Status error(int rc, std::string_view what) const;

  std::string path_;
  SqliteConnection db_;
};

}  // namespace logkv

#endif  // LOGKV_HOST_SQLITE_READER_H_
