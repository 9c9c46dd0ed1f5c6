// What a store folder may contain (the names are in wal/file_names.h), and the listing of its
// segment files.
#ifndef LOGKV_WAL_STORE_FOLDER_H_
#define LOGKV_WAL_STORE_FOLDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "fs/file_system.h"
#include "logkv/status.h"

namespace logkv {

struct StoreFolderListing {
  std::vector<uint64_t> segment_ids;  // ascending
  std::vector<uint64_t> hint_ids;     // segments with a hint file, ascending
  // Names of temporary files ("NNNNNNNNNN.log.tmp", "NNNNNNNNNN.hint.tmp", "INDEX.tmp") that a
  // compaction or a close was writing when the store was last closed or crashed: never
  // published, to be removed.
  std::vector<std::string> temp_names;
};

// Lists `dir`: segments, hint files, temporary files and the lock file. Any file logkv does not
// write is refused with kCorruption naming it (a store error, not a refused input: the folder
// is wrong, not the call), so that pointing a store at the wrong folder (a home directory,
// another program's data) fails loudly instead of mixing data.
Result<StoreFolderListing> list_store_folder(FileSystem& fs, const std::string& dir);

}  // namespace logkv

#endif  // LOGKV_WAL_STORE_FOLDER_H_
