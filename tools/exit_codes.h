// The exit codes of the `logkv` tool, and how a Status maps to one.
//
// Scripts branch on these, so they are part of the tool's interface (docs/TOOL.md) and never
// change meaning: 1 is an answer ("not there"), 2 means the command line was wrong, 3 means the
// store refused the input and nothing was written, 4 means the store itself has a problem.
#ifndef LOGKV_TOOLS_EXIT_CODES_H_
#define LOGKV_TOOLS_EXIT_CODES_H_

#include "logkv/status.h"

namespace logkv::tool {

enum class ExitCode : int {
  kSuccess = 0,
  // `get` of a key that is not stored; `exists` answering false; `check` finding problems.
  kNotFoundOrFalse = 1,
  // The command line could not be parsed: unknown command, missing or extra argument.
  kUsage = 2,
  // The store refused the input (StatusCode::kInvalidArgument, kLimitExceeded). Nothing was
  // written; the message says which limit or rule, and how to raise or satisfy it.
  kRefusedInput = 3,
  // The store could not do the work: locked by another process, corrupt, I/O error, writes
  // stopped, or anything else not listed above.
  kStoreError = 4,
};

// The process exit status for `code`.
constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

// kSuccess for an ok status, kRefusedInput for a refused input, kStoreError for the rest.
// A missing key is not a Status (get() returns an empty optional), so kNotFoundOrFalse never
// comes from here: StatusCode::kNotFound means a missing store folder or file, a store error.
ExitCode exit_code_for(const Status& status);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_EXIT_CODES_H_
