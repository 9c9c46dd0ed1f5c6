// The data structures behind MemFileSystem (internal to fs/).
//
// Thread-safety: everything in State is guarded by State::mutex; every function here that takes
// a State expects the caller to hold it.
#ifndef LOGKV_FS_MEM_STATE_H_
#define LOGKV_FS_MEM_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "fs/mem_file_system.h"
#include "logkv/status.h"

namespace logkv::mem {

// A file's content. Invariant: durable_data is no longer than data, and unless `rewritten` is
// set it is a prefix of data (appends only add to data; sync and truncate make both equal).
struct Inode {
  std::string data;
  std::string durable_data;
  // Set by an OverwritableFile's write since the last sync: bytes of data before
  // durable_data.size() may differ from durable_data.
  bool rewritten = false;
};

using Entries = std::map<std::string, std::shared_ptr<Inode>>;

struct Directory {
  Entries entries;
  Entries durable_entries;
};

struct State {
  std::mutex mutex;
  // Every folder, by normalized path (see normalize_path); the roots "/" and "" always exist.
  std::map<std::string, Directory> directories;
  // Incremented by each simulated power loss; handles opened in an earlier epoch are dead.
  uint64_t epoch = 0;
  // Held locks: normalized lock-file path -> id of the FileLock that holds it.
  std::map<std::string, uint64_t> locks;
  uint64_t next_lock_id = 1;
};

// A path with repeated and trailing '/' and "." components removed and ".." resolved
// lexically: "/a//b/./c/" -> "/a/b/c", "./x" -> "x", "." -> "".
std::string normalize_path(std::string_view path);

// A normalized path split into its folder and its last name; nullopt for the roots.
struct PathParts {
  std::string dir;
  std::string name;
};
std::optional<PathParts> split_path(const std::string& normalized);

// The error for a handle used after a simulated power loss.
Status crashed_error(std::string_view operation, std::string_view path);

}  // namespace logkv::mem

#endif  // LOGKV_FS_MEM_STATE_H_
