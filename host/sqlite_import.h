// Importing one label of Spin's SQLite database into a logkv store: the checks that come before
// anything is written, the crash-safe copy into a store folder, and the copy into an open store.
//
// Into a folder (import_sqlite_label_into_folder), the store is built beside the target, in the
// sibling folder "<target>.import-tmp" (a stale one from an interrupted import is emptied
// first), written without syncs (SyncMode::kNever) in batches, closed (which syncs the active
// segment; every earlier segment was synced when it was sealed) and its folder synced. It is then
// opened again and its digest compared with SQLite's. Only then is it published: the temporary
// folder is renamed to the target and the target's parent folder synced. A crash at any point
// leaves the target as it was (absent, or an empty folder or store) or holding the whole,
// verified store; never part of it.
//
// The rename moves a folder, so the FileSystem's rename() must move folders: PosixFileSystem's
// does (rename(2)); MemFileSystem's refuses with kNotSupported, and the import then fails before
// anything reaches the target.
//
// Thread-safety: run one import per target at a time (the temporary folder is not locked
// between its cleaning and the store's own lock).
#ifndef LOGKV_HOST_SQLITE_IMPORT_H_
#define LOGKV_HOST_SQLITE_IMPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_system.h"
#include "host/sqlite_reader.h"
#include "logkv/options.h"
#include "logkv/sqlite_migration.h"
#include "logkv/status.h"
#include "logkv/store.h"

namespace logkv {

// Called after each batch with the rows of this label copied so far.
using ImportProgress = std::function<void(uint64_t rows_done)>;

// A batch is written once it holds this many rows or this many key and value bytes, so that
// 1 MiB values do not make a batch of hundreds of MiB.
inline constexpr size_t kImportBatchRowsMax = 256;
inline constexpr size_t kImportBatchBytesMax = size_t{8} << 20;

// The sibling folder an import into `target_dir` builds its store in.
std::string import_temp_dir(std::string_view target_dir);

// What one label of the database holds, checked against a store's limits.
struct SqliteLabelScan {
  StoreDigest digest;  // the label's rows in SQLite
  // Every row `limits` refuse (in key order), and the label's row count when it is above
  // Limits::keys_max, each with the runtime-config setting that admits it.
  std::vector<LimitViolation> violations;
  Limits needed;  // `limits`, raised just enough to admit every row
};

// Reads every row of `label` once. Fails with the reader's errors (a row logkv cannot hold at any
// limit: a key that is not UTF-8, a NULL value, ...).
Result<SqliteLabelScan> scan_sqlite_label(SqliteReader& reader, std::string_view label,
                                          const Limits& limits);

// ok when `violations` is empty; otherwise kLimitExceeded saying that nothing was written,
// listing the first 20 violations with their settings and what to do.
Status limit_violations_error(std::string_view sqlite_path,
                              const std::vector<LimitViolation>& violations);

// ok when an import may write `target_dir`: it does not exist, or is an empty folder, or holds a
// logkv store without keys. kInvalidArgument naming it when it holds keys; the store's own error
// (with the folder named) when it is not a store or cannot be opened (kLocked while a host has
// it open). Opens an existing store to count its keys; creates nothing where nothing is.
Status check_import_target(const std::shared_ptr<FileSystem>& fs, const std::string& target_dir,
                           const Options& options);

// Copies `label` into a new store at `target_dir`, as described at the top of this file, and
// returns its verified digest (equal to scan.digest). `scan` must come from `reader` (the same
// read transaction). When scan.violations is not empty: fails with limit_violations_error,
// nothing written, unless `raise_limits`, in which case the store is written with scan.needed.
// `options` are the target store's (limits, segment size); the import itself never syncs before
// closing and never compacts. Fails when check_import_target does; on any failure the target is
// unchanged and the temporary folder is emptied where possible.
Result<StoreDigest> import_sqlite_label_into_folder(const std::shared_ptr<FileSystem>& fs,
                                                    SqliteReader& reader,
                                                    const SqliteLabelScan& scan,
                                                    const std::string& target_dir,
                                                    const Options& options, bool raise_limits,
                                                    const ImportProgress& progress = {});

// Copies `label` into `store`, an open store that must hold no keys (kInvalidArgument otherwise)
// and whose limits admit every row (scan.violations empty; kLimitExceeded otherwise, since the
// limits of an open store cannot be raised), and verifies it. For in-memory stores: there is
// nothing to crash-proof, and a failure leaves the rows written so far.
Result<StoreDigest> import_sqlite_label_into_store(Store& store, SqliteReader& reader,
                                                   const SqliteLabelScan& scan,
                                                   const ImportProgress& progress = {});

// One label from the file `sqlite_path` into the folder `target_dir`: open the reader, scan,
// import_sqlite_label_into_folder. kNotFound when the database has no row of `label`.
Result<StoreDigest> import_spin_sqlite_label(const std::shared_ptr<FileSystem>& fs,
                                             const std::string& sqlite_path, std::string_view label,
                                             const std::string& target_dir, const Options& options,
                                             bool raise_limits,
                                             const ImportProgress& progress = {});

}  // namespace logkv

#endif  // LOGKV_HOST_SQLITE_IMPORT_H_
