// `logkv`: the command-line tool for a logkv store.
// Parses the command line and hands each command to kv_commands; see docs/TOOL.md for the commands,
// their output and exit codes.
#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tools/backup_command.h"
#include "tools/batch_commands.h"
#include "tools/check_command.h"
#include "tools/copy_command.h"
#include "tools/dump_load_commands.h"
#include "tools/exit_codes.h"
#include "tools/kv_commands.h"
#include "tools/migration_commands.h"
#include "tools/repair_command.h"
#include "tools/serve_command.h"

namespace {

// $LOGKV_STORE names a store folder as --store does; without either, the tool goes through a
// Spin-style host whose default store is <state dir>/logkv/default, so that the tool, the
// examples and a Spin-style host all find the same data without configuration.
std::string store_path_from_environment() {
  const char* from_env = std::getenv("LOGKV_STORE");
  if (from_env != nullptr && *from_env != '\0') return from_env;
  return {};
}

// CLI11's own numeric checks let "-1" and numbers beyond 2^64 wrap around for unsigned options
// and print their range as a 300-digit double, so the limits get this plain check.
const CLI::Validator kPositiveWholeNumber(
    [](std::string& text) -> std::string {
      size_t number = 0;
      const char* end = text.data() + text.size();
      const auto [stop, error] = std::from_chars(text.data(), end, number);
      if (error == std::errc() && stop == end && number > 0) return "";
      if (error == std::errc::result_out_of_range) return "'" + text + "' is too large";
      return "must be a whole number of at least 1, not '" + text + "'";
    },
    "");

// DELTA of `incr`: any int64, negative ones included, with a plain message when out of range.
std::optional<int64_t> parse_delta(const std::string& text) {
  int64_t delta = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, delta);
  if (error != std::errc() || stop != end) return std::nullopt;
  return delta;
}

}  // namespace

int main(int argc, char** argv) {
  using logkv::tool::ExitCode;
  using logkv::tool::to_int;

  CLI::App app{"Reads and writes the keys of a logkv store.", "logkv"};
  app.require_subcommand(1);
  // Global options may follow the command too (`logkv get KEY --store DIR`).
  app.fallthrough();

  logkv::tool::StoreSelection selection;
  app.add_option("--store", selection.path,
                 "A store's folder, opened directly. Default: $LOGKV_STORE, else the store of "
                 "--label in the host of --config and --state-dir");
  app.add_option("--config", selection.config_path,
                 "A Spin runtime config (TOML) naming the stores (docs/HOST.md)");
  app.add_option("--state-dir", selection.state_dir,
                 "The host's state folder; the default store is STATE_DIR/logkv/default. "
                 "Empty: the default store is in memory")
      ->capture_default_str();
  app.add_option("--label", selection.label, "The store's label in the host")
      ->capture_default_str();
  double wait_seconds = 5;
  app.add_option("--wait", wait_seconds,
                 "Seconds to wait for another process that holds the store (0: fail at once)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  std::vector<std::string> seeds;
  app.add_option("--key-value", seeds,
                 "KEY=VALUE to set in the default store (or --store) before the command runs; "
                 "repeatable");
  CLI::Option* key_bytes_max = app.add_option("--key-bytes-max", selection.limits.key_bytes_max,
                                              "Longest key accepted, in bytes")
                                   ->check(kPositiveWholeNumber)
                                   ->capture_default_str();
  CLI::Option* value_bytes_max =
      app.add_option("--value-bytes-max", selection.limits.value_bytes_max,
                     "Largest value accepted, in bytes")
          ->check(kPositiveWholeNumber)
          ->capture_default_str();
  CLI::Option* keys_max =
      app.add_option("--keys-max", selection.limits.keys_max, "Most keys the store may hold")
          ->check(kPositiveWholeNumber)
          ->capture_default_str();

  std::string key;
  std::string value;

  CLI::App* set = app.add_subcommand("set", "Store VALUE (or all of standard input) under KEY");
  set->add_option("KEY", key, "The key (UTF-8)")->required();
  CLI::Option* value_option =
      set->add_option("VALUE", value, "The value; omit it to read the bytes from standard input");

  CLI::App* get =
      app.add_subcommand("get", "Write KEY's value to standard output; exit 1 if absent");
  get->add_option("KEY", key, "The key")->required();

  CLI::App* del = app.add_subcommand("delete", "Remove KEY (succeeds when it is absent)");
  del->add_option("KEY", key, "The key")->required();

  CLI::App* exists = app.add_subcommand("exists", "Print true (exit 0) or false (exit 1)");
  exists->add_option("KEY", key, "The key")->required();

  CLI::App* incr = app.add_subcommand(
      "incr", "Add DELTA (default 1) to the 8-byte counter under KEY; print the new value");
  incr->add_option("KEY", key, "The key")->required();
  std::string delta_text = "1";
  incr->add_option("DELTA", delta_text, "A whole number, negative to count down (default 1)");

  CLI::App* keys = app.add_subcommand(
      "keys", "Print the keys, one per line, sorted; with --limit one page and a cursor line");
  logkv::tool::KeysQuery keys_query;
  keys->add_option("--prefix", keys_query.prefix, "Only keys that start with this text");
  keys->add_option("--limit", keys_query.limit, "At most this many keys (1 to 100000)")
      ->check(kPositiveWholeNumber);
  keys->add_option("--cursor", keys_query.cursor,
                   "Continue after the page that printed this cursor");

  CLI::App* set_many = app.add_subcommand(
      "set-many", "Store every pair of a JSON object {\"key\": \"value\"} on stdin, atomically");
  CLI::App* get_many = app.add_subcommand(
      "get-many", "Print a JSON object with the values of a JSON array of keys on stdin");
  CLI::App* delete_many = app.add_subcommand(
      "delete-many", "Remove every key of a JSON array [\"key\", ...] on stdin, atomically");
  CLI::App* stats = app.add_subcommand("stats", "Print the store's counters, one per line");
  CLI::App* compact = app.add_subcommand(
      "compact", "Rewrite the store's files to hold only live data; print the sizes before/after");

  CLI::App* dump = app.add_subcommand(
      "dump", "Print every live key and its value in byte order, as JSON Lines or text");
  logkv::tool::DumpQuery dump_query;
  std::string dump_format = "jsonl";
  dump->add_option("--format", dump_format,
                   "jsonl: {\"key\":...,\"value_b64\":...} per line, for load; text: "
                   "key<TAB>value, escaped")
      ->check(CLI::IsMember({"jsonl", "text"}))
      ->capture_default_str();
  dump->add_option("--prefix", dump_query.prefix, "Only keys that start with this text");
  dump->add_flag("--keys-only", dump_query.keys_only, "The keys without their values");
  dump->add_flag("--all-versions", dump_query.all_versions,
                 "Every record on disk in log order (overwritten, deleted, batches), with its "
                 "segment, offset, sequence and kind; needs --store");
  CLI::App* load = app.add_subcommand(
      "load", "Store the records of a dump (JSON Lines) from FILE or standard input, in batches");
  logkv::tool::LoadOptions load_options;
  load->add_option("FILE", load_options.source, "The dump to read; - for standard input")
      ->capture_default_str();
  load->add_flag("--all-or-nothing", load_options.all_or_nothing,
                 "One atomic batch: a bad line leaves the store unchanged");
  load->add_option("--batch-keys", load_options.batch_keys, "Records per atomic batch")
      ->check(kPositiveWholeNumber)
      ->capture_default_str();
  logkv::tool::CheckRequest check_request;
  CLI::App* check = app.add_subcommand(
      "check",
      "Verify every checksum, hint file and the index without changing anything; print `ok` or "
      "each problem (exit 1)");
  check->add_flag("--quick", check_request.quick, "Hint files and segment headers only");
  check->add_flag("--json", check_request.json, "Print the report as one JSON object");

  std::string backup_dest;
  CLI::App* backup = app.add_subcommand(
      "backup", "Copy the store to the new folder DEST while writers go on (consistent, online)");
  backup->add_option("DEST", backup_dest, "A folder that does not exist yet, or an empty one")
      ->required();

  bool dry_run = false;
  CLI::App* repair = app.add_subcommand(
      "repair",
      "Fix a damaged store after copying every file it changes into lost+found; report lost keys");
  repair->add_flag("--dry-run", dry_run, "Print what would be done; change nothing");

  std::string sqlite_path;
  CLI::App* import_sqlite = app.add_subcommand(
      "import-sqlite",
      "Copy every store of Spin's SQLite database FILE into the host's stores, verified");
  import_sqlite->add_option("FILE", sqlite_path, "Spin's sqlite_key_value.db (read only)")
      ->required();
  bool raise_limits = false;
  import_sqlite->add_flag("--raise-limits", raise_limits,
                          "Admit rows over the stores' limits (prints the settings to keep)");
  CLI::App* export_sqlite = app.add_subcommand(
      "export-sqlite", "Write every store of the host into a new SQLite FILE with Spin's schema");
  export_sqlite->add_option("FILE", sqlite_path, "The database to write")->required();
  bool force = false;
  export_sqlite->add_flag("--force", force, "Replace FILE if it exists");
  logkv::tool::CopyRequest copy_request;
  CLI::App* copy = app.add_subcommand(
      "copy", "Copy every key of the store FROM_LABEL into the store TO_LABEL, verified");
  copy->add_option("FROM_LABEL", copy_request.from_label, "The label to copy from")->required();
  copy->add_option("TO_LABEL", copy_request.to_label, "The label to copy into")->required();
  copy->add_option("--prefix", copy_request.prefix, "Copy only the keys that start with P");
  copy->add_flag("--merge", copy_request.merge,
                 "Copy into a store that holds keys (overwriting the keys both hold)");

  CLI::App* serve = app.add_subcommand(
      "serve",
      "Answer HTTP requests for the store's keys (POST/GET/HEAD/DELETE /<key>, GET /_keys)");
  logkv::tool::ServeOptions serve_options;
  serve
      ->add_option("--listen", serve_options.listen,
                   "HOST:PORT to listen on; port 0 picks a free one (printed on stdout)")
      ->capture_default_str();
  serve->add_flag("--public", serve_options.public_address,
                  "Allow a --listen address that is not loopback (no authentication, no TLS)");
  serve
      ->add_option("--threads", serve_options.threads,
                   "Worker threads; each serves one open connection at a time")
      ->check(kPositiveWholeNumber)
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help is reported as a "parse error" with exit code 0: CLI11 prints the help text.
    if (error.get_exit_code() == 0) return app.exit(error);
    std::string problem = error.what();
    // CLI11 reports a mistyped command as "a subcommand is required"; name the word instead.
    const std::vector<std::string> unparsed = app.remaining();
    if (app.get_subcommands().empty() && !unparsed.empty()) {
      // Every command, in the order --help lists them, so that the list never goes stale.
      std::string commands;
      for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
        commands += (commands.empty() ? "" : ", ") + command->get_name();
      }
      problem = "unknown command '" + unparsed.front() + "' (commands: " + commands + ")";
    }
    std::cerr << "logkv: bad command line: " << problem << " (see `logkv --help`)\n";
    return to_int(ExitCode::kUsage);
  }

  if (selection.path.empty()) selection.path = store_path_from_environment();
  selection.lock_wait_ms = static_cast<uint32_t>(wait_seconds * 1000);
  selection.limits_given =
      key_bytes_max->count() > 0 || value_bytes_max->count() > 0 || keys_max->count() > 0;
  logkv::tool::CommandIo io{std::cin, std::cout, std::cerr};
  selection.notices = &std::cerr;
  if (const ExitCode seeded = logkv::tool::seed_key_values(selection, seeds, io);
      seeded != ExitCode::kSuccess) {
    return to_int(seeded);
  }

  ExitCode result = ExitCode::kUsage;
  if (set->parsed()) {
    std::optional<std::string> given;
    if (value_option->count() > 0) given = value;
    result = logkv::tool::run_set(selection, key, given, io);
  } else if (get->parsed()) {
    result = logkv::tool::run_get(selection, key, io);
  } else if (del->parsed()) {
    result = logkv::tool::run_delete(selection, key, io);
  } else if (exists->parsed()) {
    result = logkv::tool::run_exists(selection, key, io);
  } else if (incr->parsed()) {
    const std::optional<int64_t> delta = parse_delta(delta_text);
    if (!delta.has_value()) {
      std::cerr << "logkv: bad command line: DELTA must be a whole number from "
                << std::numeric_limits<int64_t>::min() << " to "
                << std::numeric_limits<int64_t>::max() << ", not '" << delta_text
                << "' (see `logkv --help`)\n";
      return to_int(ExitCode::kUsage);
    }
    result = logkv::tool::run_incr(selection, key, *delta, io);
  } else if (keys->parsed()) {
    result = logkv::tool::run_keys(selection, keys_query, io);
  } else if (set_many->parsed()) {
    result = logkv::tool::run_set_many(selection, io);
  } else if (get_many->parsed()) {
    result = logkv::tool::run_get_many(selection, io);
  } else if (delete_many->parsed()) {
    result = logkv::tool::run_delete_many(selection, io);
  } else if (stats->parsed()) {
    result = logkv::tool::run_stats(selection, io);
  } else if (compact->parsed()) {
    result = logkv::tool::run_compact(selection, io);
  } else if (dump->parsed()) {
    dump_query.format =
        dump_format == "text" ? logkv::tool::DumpFormat::kText : logkv::tool::DumpFormat::kJsonl;
    result = logkv::tool::run_dump(selection, dump_query, io);
  } else if (load->parsed()) {
    result = logkv::tool::run_load(selection, load_options, io);
  } else if (check->parsed()) {
    result = logkv::tool::run_check(selection, check_request, io);
  } else if (backup->parsed()) {
    result = logkv::tool::run_backup(selection, backup_dest, io);
  } else if (repair->parsed()) {
    result = logkv::tool::run_repair(selection, dry_run, io);
  } else if (import_sqlite->parsed()) {
    result = logkv::tool::run_import_sqlite(selection, sqlite_path, raise_limits, io);
  } else if (export_sqlite->parsed()) {
    result = logkv::tool::run_export_sqlite(selection, sqlite_path, force, io);
  } else if (serve->parsed()) {
    result = logkv::tool::run_serve(selection, serve_options, io);
  } else if (copy->parsed()) {
    result = logkv::tool::run_copy(selection, copy_request, io);
  }
  return to_int(result);
}
