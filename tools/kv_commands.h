// The key-value commands of the `logkv` tool: set, get, delete, exists, incr, keys, stats.
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

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

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

// Adds `delta` to the 8-byte little-endian counter under `key` (a missing key counts as 0) and
// prints the new value in decimal and a newline. Creates a missing store folder, like `set`. A
// value that is not a counter, or a sum that overflows int64, is refused (kRefusedInput) and
// changes nothing.
ExitCode run_incr(const StoreSelection& store, std::string_view key, int64_t delta, CommandIo& io);

// Which keys `keys` prints.
struct KeysQuery {
  std::string prefix;                 // only keys that start with it
  std::optional<size_t> limit;        // one page of at most this many keys; none: all keys
  std::optional<std::string> cursor;  // resume after the page that printed it
};

// Prints the keys that start with query.prefix, one per line, in byte order. With a limit it
// prints one page (after query.cursor, if any) and, when more keys remain, a last line
// "cursor: C" to pass back with --cursor. Without a limit it prints every such key (after the
// cursor, if any) and no cursor line.
ExitCode run_keys(const StoreSelection& store, const KeysQuery& query, CommandIo& io);

// Prints each StoreStats field as "name: value", one per line, and the compaction write
// amplification (compaction_bytes_written / user_bytes_written) with three decimals. The last
// compaction error is printed only when there is one.
ExitCode run_stats(const StoreSelection& store, CommandIo& io);

// Compacts the whole store (Store::compact()) and prints "disk_bytes_before: N",
// "disk_bytes_after: N" and "live_bytes: N", one per line.
ExitCode run_compact(const StoreSelection& store, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_KV_COMMANDS_H_
