// backup_store: an online, consistent copy of a store folder, as `logkv backup` makes.
//
// It takes no lock and works while a writer keeps writing. The copy holds the store as it was at
// one moment (the backup point, when backup_store lists the folder): the sealed segments then
// present (hard-linked when the destination is on the same file system, since a sealed segment
// never changes; copied otherwise), the newest segment copied up to its last complete record,
// and the intact hint files of the sealed segments. Every file and the folder are synced, and
// the copy is published by renaming a temporary folder, so DEST holds a whole backup or
// nothing. Every write acknowledged before the backup began is in it; none after the backup
// point is. docs/DESIGN.md ("Read-only opens, check and online backup") says why.
#ifndef LOGKV_BACKUP_H_
#define LOGKV_BACKUP_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "logkv/export.h"
#include "logkv/status.h"

namespace logkv {

struct BackupOptions {
  // Called from time to time with the bytes copied or linked so far and the total.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct BackupReport {
  uint64_t segments = 0;
  uint64_t hint_files = 0;
  uint64_t bytes_copied = 0;
  uint64_t bytes_linked = 0;  // sealed segments hard-linked instead of copied
  // The newest record in the copy: what the backup point is in the log.
  uint64_t last_sequence = 0;
};

// Copies the store in `store_dir` to the new folder `dest`. `dest` must not exist, or be an empty
// folder (kInvalidArgument otherwise); its parent must exist. kCorruption when the newest
// segment is damaged (run check); a sealed segment is copied as it is, damage included.
LOGKV_EXPORT Result<BackupReport> backup_store(std::string_view store_dir, std::string_view dest,
                                               const BackupOptions& options = {});

}  // namespace logkv

#endif  // LOGKV_BACKUP_H_
