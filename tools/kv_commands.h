// The key-value commands of the `logkv` tool: set, get, delete, exists, keys, stats.
//
// Each command opens the store, does one thing, closes the store and returns the tool's exit
// code. Output goes to `io.out` exactly as docs/TOOL.md shows it; every failure is one line on
// `io.err`: "logkv: <what failed>: <status>".
//
// Thread-safety: the functions share no state; each call opens its own Store. The store's
// folder lock makes a second process (or a second open in this one) fail with kLocked.
// Durability: a `set` or `delete` that returns kSuccess is durable (the store's default sync
// mode); a failure wrote nothing, or (exit 4 on close) the store reports why it cannot tell.
#ifndef LOGKV_TOOLS_KV_COMMANDS_H_
#define LOGKV_TOOLS_KV_COMMANDS_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "logkv/options.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

// The streams a command uses: the process's stdin/stdout/stderr in the tool, strings in tests.
// The streams must be binary-safe (no newline translation), as they are on POSIX.
struct CommandIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Which store a command works on, and the limits it is opened with.
struct StoreSelection {
  std::string path;
  Limits limits;
};

// Stores `value` under `key`; with no value, stores all of `io.in` (any bytes, including NUL).
// Input longer than limits.value_bytes_max is refused without reading the rest.
ExitCode run_set(const StoreSelection& store, std::string_view key,
                 const std::optional<std::string>& value, CommandIo& io);

// Writes the value's bytes to `io.out`, with nothing added. kNotFoundOrFalse when the key is not
// stored (and a line on `io.err` saying so).
ExitCode run_get(const StoreSelection& store, std::string_view key, CommandIo& io);

// Removes `key`; succeeds when it was not stored. Fails (kStoreError) when the store folder
// does not exist, like every command but `set`.
ExitCode run_delete(const StoreSelection& store, std::string_view key, CommandIo& io);

// Prints "true" or "false" and a newline; kSuccess for true, kNotFoundOrFalse for false.
ExitCode run_exists(const StoreSelection& store, std::string_view key, CommandIo& io);

// Prints every key, one per line, in byte order (sorted so that output can be compared).
ExitCode run_keys(const StoreSelection& store, CommandIo& io);

// Prints each StoreStats field as "name: value", one per line.
ExitCode run_stats(const StoreSelection& store, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_KV_COMMANDS_H_
