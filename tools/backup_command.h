// `logkv backup DEST`: an online, consistent copy of the store (logkv/backup.h).
#ifndef LOGKV_TOOLS_BACKUP_COMMAND_H_
#define LOGKV_TOOLS_BACKUP_COMMAND_H_

#include <string>

#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

// Copies the selected store to the new folder `dest` and prints what it copied. Exit 3 for a
// DEST that holds files, 4 when the store cannot be read or DEST written.
ExitCode run_backup(const StoreSelection& selection, const std::string& dest, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_BACKUP_COMMAND_H_
