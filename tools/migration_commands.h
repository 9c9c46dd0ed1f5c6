// `logkv import-sqlite` and `logkv export-sqlite`: Spin's SQLite key-value database into the
// host's stores and back (logkv/sqlite_migration.h, docs/HOST.md "Migration").
//
// Thread-safety: one command at a time.
#ifndef LOGKV_TOOLS_MIGRATION_COMMANDS_H_
#define LOGKV_TOOLS_MIGRATION_COMMANDS_H_

#include <string>

#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

// Imports every label of the database `sqlite_path` into the host of `selection` (--config,
// --state-dir). Rows the targets' limits refuse are listed, one line each with the setting that
// admits them, and nothing is written (exit 3), unless `raise_limits`. Prints one verified
// summary line per label. Shows progress on stderr when it is a terminal.
ExitCode run_import_sqlite(const StoreSelection& selection, const std::string& sqlite_path,
                           bool raise_limits, CommandIo& io);

// Writes every store the host serves into a new SQLite file with Spin's schema (an existing
// file only with `overwrite`). Prints one verified summary line per label.
ExitCode run_export_sqlite(const StoreSelection& selection, const std::string& sqlite_path,
                           bool overwrite, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_MIGRATION_COMMANDS_H_
