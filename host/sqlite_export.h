// Exporting logkv stores into a new SQLite database with Spin's schema, so that a user can go
// back to Spin's own backend.
//
// The database is written as "<file>.tmp" (a stale one, and its journal, removed first): Spin's
// exact CREATE TABLE, then every key of every store in one transaction, keys as TEXT and values
// as BLOB with their exact bytes. SQLite syncs the file at commit (synchronous=FULL); it is
// synced once more through the FileSystem, read back and compared, label by label, with the
// digest of what was written, and only then renamed to `<file>` and its folder synced. A crash
// leaves the old file (or none) or the whole new one.
//
// A store that changes while it is exported is written as it was read: each key as one get()
// saw it; keys added meanwhile may be missing, keys deleted meanwhile are left out.
//
// Thread-safety: one export per file at a time.
#ifndef LOGKV_HOST_SQLITE_EXPORT_H_
#define LOGKV_HOST_SQLITE_EXPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "fs/file_system.h"
#include "logkv/sqlite_migration.h"
#include "logkv/status.h"
#include "logkv/store.h"

namespace logkv {

struct LabeledStore {
  std::string label;
  Store* store = nullptr;  // null: the label's store does not exist yet; it exports no rows
};

// Writes `stores` into the SQLite file `sqlite_path` as described above and returns one verified
// digest per store, in the order given. kInvalidArgument when the file exists and `overwrite` is
// false, and also with `overwrite` when a journal or WAL file of SQLite lies beside it (SQLite
// would apply it to the new file: open the old database once with sqlite3 to settle it), or when
// a label is given twice. `fs` must be the real file system the path is on (SQLite writes the
// file itself; `fs` syncs, renames and removes).
Result<std::vector<StoreDigest>> export_stores_to_sqlite(const std::shared_ptr<FileSystem>& fs,
                                                         const std::string& sqlite_path,
                                                         const std::vector<LabeledStore>& stores,
                                                         bool overwrite);

}  // namespace logkv

#endif  // LOGKV_HOST_SQLITE_EXPORT_H_
