// `logkv copy FROM_LABEL TO_LABEL`: every key of one store of the host (--config, --state-dir)
// into another, whatever their types (embedded <-> Redis, embedded <-> embedded), through the
// public Store API only (docs/TOOL.md, "copy").
//
// The copy runs in batches (list_keys pages, get_many, set_many: each batch atomic on the
// target, the whole copy not), then verifies: it reads back every copied key from both stores and
// compares their count and a checksum over the sorted (key, value) pairs. A target that holds
// keys is refused unless `merge` (copied keys then overwrite, others stay). Writers to either
// store during a copy make the verification fail, which says so; copy again once they stop.
//
// Thread-safety: one command at a time.
#ifndef LOGKV_TOOLS_COPY_COMMAND_H_
#define LOGKV_TOOLS_COPY_COMMAND_H_

#include <string>

#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

struct CopyRequest {
  std::string from_label;
  std::string to_label;
  // Only keys that start with it (all keys when empty); the keys are copied unchanged.
  std::string prefix;
  // Copy into a target that already holds keys.
  bool merge = false;
};

// Prints "copied N keys (B bytes) from 'FROM' to 'TO', checksum 0x..., verified" on success.
// Exit 3 for a refused request (same label, non-empty target without --merge, a key or value the
// target's limits refuse), 4 for a store error or a failed verification. Shows progress on stderr
// when it is a terminal.
ExitCode run_copy(const StoreSelection& selection, const CopyRequest& request, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_COPY_COMMAND_H_
