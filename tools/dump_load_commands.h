// `logkv dump` and `logkv load`: a store's live keys out as JSON Lines (or readable text), and
// JSON Lines back in. The line format is tools/jsonl_records.h; docs/TOOL.md shows both.
//
// Thread-safety: the functions share no state; each call opens its own Store.
// Durability: load's batches are each atomic and durable once written (the store's default sync
// mode); see run_load for what a bad line leaves stored.
#ifndef LOGKV_TOOLS_DUMP_LOAD_COMMANDS_H_
#define LOGKV_TOOLS_DUMP_LOAD_COMMANDS_H_

#include <cstddef>
#include <string>

#include "tools/command_support.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

enum class DumpFormat { kJsonl, kText };

struct DumpQuery {
  DumpFormat format = DumpFormat::kJsonl;
  std::string prefix;      // only keys that start with it
  bool keys_only = false;  // the keys without their values
  // Every record on disk instead of the live keys (logkv/log_records.h): needs the store's
  // folder (--store), which it reads without opening the store.
  bool all_versions = false;
};

// Prints every live key that starts with query.prefix, in byte order, one line each: JSON Lines
// ({"key":...,"value_b64":...}, or {"key":...} with keys_only) or text (key TAB value, escaped).
// Fails (kStoreError) when the store folder does not exist.
//
// With query.all_versions: every intact record in log order (segments by id, records by
// offset), live or not, one line each with its segment, offset, sequence, kind ("set" or
// "delete") and whether more records of its atomic batch follow:
//   {"segment":1,"offset":32,"sequence":1,"kind":"set","batch_continues":false,"key":...,
//    "value_b64":...}
// (no value_b64 for a delete or with keys_only); text form: the same fields TAB-separated.
// Damage stops it with kStoreError naming the file and offset, after the records before it.
ExitCode run_dump(const StoreSelection& store, const DumpQuery& query, CommandIo& io);

struct LoadOptions {
  std::string source = "-";  // a file, or "-" for standard input
  bool all_or_nothing = false;
  size_t batch_keys = 1000;  // records per atomic batch (ignored with all_or_nothing)
};

// Reads JSON Lines as `dump` writes them and stores each record, creating a missing store.
// Records are stored in atomic batches of options.batch_keys (a batch also ends after 64 MiB of
// values). Empty lines are skipped. A record whose key is stored already is overwritten; a key
// given twice keeps its later value.
//
// A bad line (not a dump record, or over a limit of the store) stops the load: every record
// before it is stored, nothing from it on, and the error names its line number (kRefusedInput).
// A batch the store refuses (the store would be full) or fails to write is not stored; the
// batches before it are, and the error says up to which line. With all_or_nothing the whole
// input is one batch: any bad line or refusal leaves the store exactly as it was.
// Prints "loaded N records" on success.
ExitCode run_load(const StoreSelection& store, const LoadOptions& options, CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_DUMP_LOAD_COMMANDS_H_
