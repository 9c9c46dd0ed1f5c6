#include "tools/migration_commands.h"

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <ostream>
#include <vector>

#include "logkv/host.h"
#include "logkv/sqlite_migration.h"
#include "tools/progress_bar.h"

namespace logkv::tool {
namespace {

// "label: N rows, N bytes, checksum 0x..., verified"
void print_digest(CommandIo& io, const StoreDigest& digest) {
  char checksum[19];
  std::snprintf(checksum, sizeof checksum, "0x%016" PRIx64, digest.checksum);
  io.out << digest.label << ": " << digest.rows << " rows, " << digest.bytes << " bytes, checksum "
         << checksum << ", verified\n";
}

}  // namespace

ExitCode run_import_sqlite(const StoreSelection& selection, const std::string& sqlite_path,
                           bool raise_limits, CommandIo& io) {
  const std::string command = "import-sqlite '" + sqlite_path + "'";
  Result<std::unique_ptr<Host>> host = open_host(selection, /*migrate=*/false);
  if (!host.is_ok()) return report(io, command, host.status());
  if (!raise_limits) {
    Result<std::vector<LimitViolation>> violations = check_spin_sqlite_import(**host, sqlite_path);
    if (!violations.is_ok()) return report(io, command, violations.status());
    if (!violations->empty()) {
      for (const LimitViolation& violation : *violations) {
        io.err << "logkv: " << command << ": store '" << violation.label << "'";
        if (!violation.key.empty()) io.err << ", key " << violation.key;
        io.err << ": " << violation.bytes << " exceeds the limit; admitted by `"
               << violation.setting << "` in [key_value_store." << violation.label << "]\n";
      }
      return report(io, command,
                    Status::limit_exceeded(std::to_string(violations->size()) +
                                           " row(s) break the target stores' limits; nothing was "
                                           "written. Raise the limits in the runtime config, or "
                                           "import with --raise-limits"));
    }
  }
  ProgressBar progress = ProgressBar::for_stderr("import", 0, ProgressUnit::kItems);
  SqliteImportOptions options;
  options.raise_limits = raise_limits;
  options.progress = progress.callback();
  Result<SqliteImportReport> imported = import_spin_sqlite(**host, sqlite_path, options);
  progress.finish();
  if (!imported.is_ok()) return report(io, command, imported.status());
  for (const StoreDigest& digest : imported->imported) print_digest(io, digest);
  for (const LimitViolation& raised : imported->limits_raised) {
    io.out << raised.label << ": raised the limit for "
           << (raised.key.empty() ? std::string("the row count") : "key " + raised.key) << "; put `"
           << raised.setting << "` in [key_value_store." << raised.label
           << "] of the runtime config, or the store refuses it when opened\n";
  }
  return finish_output(io, ExitCode::kSuccess);
}

ExitCode run_export_sqlite(const StoreSelection& selection, const std::string& sqlite_path,
                           bool overwrite, CommandIo& io) {
  const std::string command = "export-sqlite '" + sqlite_path + "'";
  Result<std::unique_ptr<Host>> host = open_host(selection);
  if (!host.is_ok()) return report(io, command, host.status());
  Result<std::vector<StoreDigest>> exported =
      export_spin_sqlite(**host, sqlite_path, {}, overwrite);
  if (!exported.is_ok()) return report(io, command, exported.status());
  for (const StoreDigest& digest : *exported) print_digest(io, digest);
  return finish_output(io, ExitCode::kSuccess);
}

}  // namespace logkv::tool
