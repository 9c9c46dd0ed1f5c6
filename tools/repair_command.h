// `logkv repair [--dry-run]`: makes a damaged store whole again, keeping every original in
// lost+found (logkv/repair.h), then checks it.
#ifndef LOGKV_TOOLS_REPAIR_COMMAND_H_
#define LOGKV_TOOLS_REPAIR_COMMAND_H_

#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

// Prints each action, each key whose newest version was lost and what is served for it now,
// and check's verdict. Exit 0 when the store checks ok afterwards (or, with --dry-run, when the
// plan was printed), 1 when problems remain, 4 when the store cannot be read or is held.
ExitCode run_repair(const StoreSelection& selection, bool dry_run, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_REPAIR_COMMAND_H_
