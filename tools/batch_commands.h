// The multi-key commands of the `logkv` tool: set-many, get-many, delete-many. Each reads JSON
// from `io.in` (see json_text.h for what is accepted), opens the store, does one atomic or
// read-only operation, closes the store and returns the tool's exit code.
//
// Output goes to `io.out` exactly as docs/TOOL.md shows it; every failure is one line on
// `io.err`: "logkv: <command>: <status>". Input that is not the expected JSON is refused with
// kRefusedInput before the store is opened.
//
// Thread-safety: as kv_commands.h. Durability: a set-many or delete-many that returns kSuccess
// is durable; a failure wrote nothing (the batch is atomic).
#ifndef LOGKV_TOOLS_BATCH_COMMANDS_H_
#define LOGKV_TOOLS_BATCH_COMMANDS_H_

#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

// Reads {"key": "value", ...} and stores every pair as one atomic batch. Creates a missing
// store folder, like `set`. Prints nothing on success.
ExitCode run_set_many(const StoreSelection& store, CommandIo& io);

// Reads ["key", ...] and prints one JSON object line with every requested key, in request
// order, mapped to its value or to null when it is not stored. A value that is not UTF-8 text
// cannot be written as JSON: the command then fails (kStoreError) naming the key.
ExitCode run_get_many(const StoreSelection& store, CommandIo& io);

// Reads ["key", ...] and removes every key as one atomic batch; missing keys are skipped.
ExitCode run_delete_many(const StoreSelection& store, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_BATCH_COMMANDS_H_
