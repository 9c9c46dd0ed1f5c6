#include "host/auto_migration.h"

#include <algorithm>
#include <memory>

#include "fs/file_system.h"
#include "fs/posix_file_system.h"
#include "host/sqlite_import.h"
#include "host/sqlite_reader.h"
#include "logkv/sqlite_migration.h"

namespace logkv {

Result<std::vector<std::string>> migrate_spin_sqlite(const std::vector<StoreConfig>& stores,
                                                     const std::string& state_dir) {
  std::vector<std::string> messages;
  if (state_dir.empty()) return messages;
  PosixFileSystemOptions fs_options;
  fs_options.backend = IoBackend::kPwrite;  // a one-off copy: no probe, no preallocation
  Result<std::shared_ptr<FileSystem>> fs = make_posix_file_system(fs_options);
  if (!fs.is_ok()) return fs.status();
  const std::string sqlite_path = join_path(state_dir, std::string(kSpinSqliteFileName));
  if (Result<uint64_t> size = (*fs)->file_size(sqlite_path); !size.is_ok()) {
    if (size.status().code() == StatusCode::kNotFound) return messages;
    return size.status();
  }
  Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(sqlite_path);
  if (!reader.is_ok()) return reader.status();
  Result<std::vector<std::string>> labels = (*reader)->labels();
  if (!labels.is_ok()) return labels.status();

  for (const StoreConfig& store : stores) {
    // In-memory stores start empty in every process, as in Spin: nothing to migrate into.
    if (store.path.empty()) continue;
    if (std::find(labels->begin(), labels->end(), store.label) == labels->end()) continue;
    Result<std::vector<std::string>> existing = (*fs)->list_dir(store.path);
    if (existing.is_ok()) continue;  // the store exists: migrated before, or written since
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();

    Result<StoreDigest> imported = import_spin_sqlite_label(
        *fs, sqlite_path, store.label, store.path, store.options, /*raise_limits=*/false);
    if (!imported.is_ok()) {
      return imported.status().with_context(
          "cannot migrate label '" + store.label + "' from Spin's database '" + sqlite_path +
          "' (the file is unchanged; raise the limits in the runtime config, or import it with "
          "`logkv import-sqlite --raise-limits`)");
    }
    messages.push_back("Migrated " + std::to_string(imported->rows) + " key-value pairs of '" +
                       store.label + "' from \"" + sqlite_path + "\" to \"" + store.path + "\"");
  }
  return messages;
}

}  // namespace logkv
