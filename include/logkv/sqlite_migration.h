// Spin's SQLite key-value database, into logkv and back (docs/HOST.md, "Migration").
//
// Spin keeps every store of an application in <state_dir>/sqlite_key_value.db, one table
//   spin_key_value(store TEXT, key TEXT, value BLOB, PRIMARY KEY(store, key))
// where `store` is the label. Import copies each label's rows, byte for byte, into the logkv
// store the host serves for that label; export writes the same schema back, so that a user can
// return to Spin's own backend. The SQLite file is opened read-only by import and never changed.
//
// Thread-safety: the functions may run on any thread; run one import or export per host at a
// time.
#ifndef LOGKV_SQLITE_MIGRATION_H_
#define LOGKV_SQLITE_MIGRATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/export.h"
#include "logkv/host.h"
#include "logkv/status.h"

namespace logkv {

// The file name of Spin's database in its state folder.
inline constexpr std::string_view kSpinSqliteFileName = "sqlite_key_value.db";

// What one label holds, to verify a copy: rows, key and value bytes, and an order-independent
// checksum over every (key, value) pair.
struct StoreDigest {
  std::string label;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t checksum = 0;
};

// A row the target store's limits refuse, and the setting that would admit it.
struct LimitViolation {
  std::string label;
  std::string key;      // as printable_key() shows it; empty for the label's row count
  uint64_t bytes = 0;   // the key's or the value's size, or the label's row count
  std::string setting;  // e.g. "max_value_bytes = 2097152", as in [key_value_store.<label>]
};

struct SqliteImportOptions {
  // Raise the target stores' limits to admit every row instead of failing.
  bool raise_limits = false;
  // Called now and then (about every 1000 rows, and once at the end) with rows copied so far and
  // rows in all (for a progress bar).
  std::function<void(uint64_t rows_done, uint64_t rows_total)> progress;
};

struct SqliteImportReport {
  std::vector<StoreDigest> imported;  // one per label, verified against the database
  // With raise_limits: the rows the configured limits refuse, admitted by raising the limits
  // of the import. Put each `setting` in the label's [key_value_store.<label>] table: the host
  // opens the store with its configured limits, which refuse those keys (a key longer than
  // max_key_bytes cannot even be read).
  std::vector<LimitViolation> limits_raised;
};

// Checks the database against the host's stores without writing anything: returns every row the
// targets' limits refuse (empty when import_spin_sqlite would not refuse any). Fails as
// import_spin_sqlite does for everything else.
LOGKV_EXPORT Result<std::vector<LimitViolation>> check_spin_sqlite_import(
    Host& host, const std::string& sqlite_path);

// Imports every label of the database `sqlite_path` into `host`'s stores. A label the host does
// not serve is an error naming it (configure it, or it would be lost). A target store that holds
// keys already is refused. When the targets' limits refuse rows, nothing is written and the call
// fails with kLimitExceeded, its message listing them (the first 20) with the setting that
// admits each (check_spin_sqlite_import lists them all), unless options.raise_limits: then the
// on-disk stores are written with raised limits and report.limits_raised lists the settings
// (an in-memory store is already open with its limits, so it is still refused). All these
// checks pass for every label before anything is written. Each on-disk store is written in a
// temporary folder, synced and published by rename, so a crash leaves no half store. Every copy
// is verified (rows, bytes, checksum) before the call succeeds. A failure while copying leaves
// the labels copied before it imported (a second import refuses them: they hold keys).
LOGKV_EXPORT Result<SqliteImportReport> import_spin_sqlite(Host& host,
                                                           const std::string& sqlite_path,
                                                           const SqliteImportOptions& options = {});

// Writes every store of `labels` (all the host serves when empty) into a new SQLite database
// `sqlite_path` with Spin's schema. kInvalidArgument when the file exists, unless `overwrite`
// (then it is replaced atomically: written beside it, synced, renamed), or when a label is not
// served. An on-disk store that was never created exports no rows (and is not created).
// Returns what was written, verified by reading it back.
LOGKV_EXPORT Result<std::vector<StoreDigest>> export_spin_sqlite(
    Host& host, const std::string& sqlite_path, const std::vector<std::string>& labels,
    bool overwrite);

}  // namespace logkv

#endif  // LOGKV_SQLITE_MIGRATION_H_
