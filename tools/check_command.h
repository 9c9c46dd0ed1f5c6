// `logkv check`: verifies a store without changing it (logkv/check.h) and prints what is wrong.
#ifndef LOGKV_TOOLS_CHECK_COMMAND_H_
#define LOGKV_TOOLS_CHECK_COMMAND_H_

#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

struct CheckRequest {
  bool quick = false;  // --quick: hint files and segment headers only
  bool json = false;   // --json: one JSON object instead of lines
};

// Prints `ok` (exit 0) when the store is clean; otherwise one line per problem and a summary
// (exit 1). Exit 4 when the store could not be read at all.
ExitCode run_check(const StoreSelection& selection, const CheckRequest& request, CommandIo& io);

// The folder of the selected store: --store, or the folder the host keeps the label's store in.
// kInvalidArgument for a store without a folder (in memory).
Result<std::string> selected_store_folder(const StoreSelection& selection);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_CHECK_COMMAND_H_
