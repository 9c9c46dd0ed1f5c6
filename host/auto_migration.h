// Migration on first open: a host whose state folder holds Spin's SQLite database
// (<state_dir>/sqlite_key_value.db) imports, once, each label it serves from a store folder that
// does not exist yet, before any component can open it (docs/HOST.md, "Migration").
//
// "Once" is decided by the store folder: a label whose folder exists (even an empty store) is
// never imported again, so data written since is never overwritten, and the SQLite file is
// never changed, so a user can go back. Each label is imported crash-safely
// (host/sqlite_import.h: built beside the target, verified, published by rename).
//
// Thread-safety: called once by Host::open, before the host is shared.
#ifndef LOGKV_HOST_AUTO_MIGRATION_H_
#define LOGKV_HOST_AUTO_MIGRATION_H_

#include <string>
#include <vector>

#include "logkv/host.h"
#include "logkv/status.h"

namespace logkv {

// Imports the labels of `stores` that need it from <state_dir>/sqlite_key_value.db, if that file
// exists. Returns one line per label imported, for the host to log. Fails, naming the label and
// the reason (a limit the rows break and the setting that admits them, a damaged database), when
// one cannot be imported: the host must not serve a store whose data was left behind.
Result<std::vector<std::string>> migrate_spin_sqlite(const std::vector<StoreConfig>& stores,
                                                     const std::string& state_dir);

}  // namespace logkv

#endif  // LOGKV_HOST_AUTO_MIGRATION_H_
