#include "host/sqlite_import.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "engine/store_impl.h"
#include "host/sqlite_digest.h"
#include "logkv/key_text.h"
#include "logkv/write_batch.h"
#include "wal/file_names.h"
#include "wal/store_folder.h"

namespace logkv {
namespace {

constexpr size_t kViolationsInMessageMax = 20;

std::string without_trailing_slashes(std::string_view dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  return std::string(dir);
}

std::string parent_dir(const std::string& dir) {
  const size_t slash = dir.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : dir.substr(0, slash);
}

std::string describe_violation(const LimitViolation& violation) {
  std::string text = "label " + printable_key(violation.label);
  const std::string bytes = std::to_string(violation.bytes);
  if (violation.setting.starts_with("max_keys")) {
    text += ": " + bytes + " keys";
  } else {
    text += " key " + violation.key + ": " +
            (violation.setting.starts_with("max_key_bytes") ? "key" : "value") + " of " + bytes +
            " bytes";
  }
  return text + " (needs " + violation.setting + ")";
}

// Removes every file a store writes (segments, hints, temporary files, the lock file, the space
// reserve, the markers, the manifest, the index checkpoint) from `dir`, which must hold nothing
// else: a foreign file is kCorruption naming it, and nothing is removed, so that a wrong path never
// costs a user's files. Does not sync the folder.
Status remove_store_files(FileSystem& fs, const std::string& dir) {
  Result<StoreFolderListing> listing = list_store_folder(fs, dir);
  if (!listing.is_ok()) return listing.status();
  std::vector<std::string> names = std::move(listing->temp_names);
  for (const uint64_t id : listing->segment_ids) names.push_back(segment_file_name(id));
  for (const uint64_t id : listing->hint_ids) names.push_back(hint_file_name(id));
  names.emplace_back(kLockFileName);
  names.emplace_back(kReserveFileName);
  names.emplace_back(temp_file_name(kReserveFileName));
  names.emplace_back(kCloseMarkerFileName);
  names.emplace_back(temp_file_name(kCloseMarkerFileName));
  names.emplace_back(kManifestFileName);
  names.emplace_back(temp_file_name(kManifestFileName));
  names.emplace_back(kSyncedMarkerFileName);
  names.emplace_back(kIndexCheckpointFileName);
  names.emplace_back(temp_file_name(kIndexCheckpointFileName));
  for (const std::string& name : names) {
    const Status removed = fs.remove(join_path(dir, name));
    if (!removed.is_ok() && removed.code() != StatusCode::kNotFound) return removed;
  }
  return Status::ok();
}

// Writes every row of `label` into `store`, in batches.
Status copy_rows(SqliteReader& reader, std::string_view label, Store& store,
                 const ImportProgress& progress) {
  WriteBatch batch;
  uint64_t rows_done = 0;
  const auto flush = [&]() -> Status {
    if (batch.empty()) return Status::ok();
    LOGKV_RETURN_IF_ERROR(store.write(batch));
    rows_done += batch.size();
    batch.clear();
    if (progress) progress(rows_done);
    return Status::ok();
  };
  LOGKV_RETURN_IF_ERROR(
      reader.for_each_row(label, [&](std::string_view key, std::string_view value) -> Status {
        batch.set(key, value);
        if (batch.size() < kImportBatchRowsMax && batch.bytes() < kImportBatchBytesMax) {
          return Status::ok();
        }
        return flush();
      }));
  return flush();
}

// Closes `store`, keeping the first error.
Status close_after(Store& store, Status status) {
  const Status closed = store.close();
  return status.is_ok() ? closed : status;
}

// Builds the store of scan's label in `temp_dir` (emptied first), closed and synced, and
// verifies it by opening it again. Returns its digest.
Result<StoreDigest> build_verified_store(const std::shared_ptr<FileSystem>& fs,
                                         SqliteReader& reader, const SqliteLabelScan& scan,
                                         const std::string& temp_dir, const Options& options,
                                         const ImportProgress& progress) {
  const std::string& label = scan.digest.label;
  Result<std::vector<std::string>> stale = fs->list_dir(temp_dir);
  if (stale.is_ok()) {
    const Status emptied = remove_store_files(*fs, temp_dir);
    if (!emptied.is_ok()) {
      return emptied.with_context("cannot reuse the import folder '" + temp_dir +
                                  "' left by an earlier import; remove it yourself");
    }
  } else if (stale.status().code() != StatusCode::kNotFound) {
    return stale.status();
  }
  LOGKV_RETURN_IF_ERROR(fs->create_dirs(temp_dir));
  {
    Result<std::unique_ptr<Store>> store = open_store(fs, temp_dir, options);
    if (!store.is_ok()) return store.status();
    // With SyncMode::kNever, close() syncs the active segment; every earlier one was synced in
    // full when it was sealed, and each segment's name when it was created.
    LOGKV_RETURN_IF_ERROR(close_after(**store, copy_rows(reader, label, **store, progress)));
  }
  LOGKV_RETURN_IF_ERROR(fs->sync_dir(temp_dir));

  // Verified from what a fresh open recovers, not from the writer's memory.
  Options reopen = options;
  reopen.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = open_store(fs, temp_dir, reopen);
  if (!store.is_ok()) return store.status();
  Result<StoreDigest> digest = digest_store(**store, label);
  LOGKV_RETURN_IF_ERROR(close_after(**store, digest.is_ok() ? Status::ok() : digest.status()));
  LOGKV_RETURN_IF_ERROR(compare_digests(
      scan.digest, *digest, "the store built in '" + temp_dir + "' with '" + reader.path() + "'"));
  // Opening may have started a segment or removed temporary files.
  LOGKV_RETURN_IF_ERROR(fs->sync_dir(temp_dir));
  return digest;
}

// Moves the finished store from `temp_dir` to `target_dir` in one rename and makes that durable.
Status publish(const std::shared_ptr<FileSystem>& fs, const std::string& temp_dir,
               const std::string& target_dir, const Options& options) {
  // Checked again: a host may have opened and written the target while the copy ran.
  LOGKV_RETURN_IF_ERROR(check_import_target(fs, target_dir, options));
  // rename(2) replaces an empty folder but no other, so an empty store's files go first. A crash
  // after this leaves an empty folder: still no keys.
  Result<std::vector<std::string>> existing = fs->list_dir(target_dir);
  if (existing.is_ok() && !existing->empty()) {
    LOGKV_RETURN_IF_ERROR(remove_store_files(*fs, target_dir));
  } else if (!existing.is_ok() && existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  const Status renamed = fs->rename(temp_dir, target_dir);
  if (!renamed.is_ok()) {
    return renamed.with_context("cannot publish the imported store (the target is unchanged)");
  }
  return fs->sync_dir(parent_dir(target_dir));
}

}  // namespace

std::string import_temp_dir(std::string_view target_dir) {
  return without_trailing_slashes(target_dir) + ".import-tmp";
}

Result<SqliteLabelScan> scan_sqlite_label(SqliteReader& reader, std::string_view label,
                                          const Limits& limits) {
  SqliteLabelScan scan;
  scan.digest.label = std::string(label);
  scan.needed = limits;
  // `key` is printable_key's form, or empty for the label's row count.
  const auto refuse = [&](std::string key, uint64_t bytes, std::string_view setting) {
    scan.violations.push_back({std::string(label), std::move(key), bytes,
                               std::string(setting) + " = " + std::to_string(bytes)});
  };
  LOGKV_RETURN_IF_ERROR(
      reader.for_each_row(label, [&](std::string_view key, std::string_view value) -> Status {
        add_to_digest(scan.digest, key, value);
        if (key.size() > limits.key_bytes_max) {
          refuse(printable_key(key), key.size(), "max_key_bytes");
          scan.needed.key_bytes_max = std::max(scan.needed.key_bytes_max, key.size());
        }
        if (value.size() > limits.value_bytes_max) {
          refuse(printable_key(key), value.size(), "max_value_bytes");
          scan.needed.value_bytes_max = std::max(scan.needed.value_bytes_max, value.size());
        }
        return Status::ok();
      }));
  if (scan.digest.rows > limits.keys_max) {
    refuse({}, scan.digest.rows, "max_keys");
    scan.needed.keys_max = scan.digest.rows;
  }
  return scan;
}

Status limit_violations_error(std::string_view sqlite_path,
                              const std::vector<LimitViolation>& violations) {
  if (violations.empty()) return Status::ok();
  std::string message = "'" + std::string(sqlite_path) + "' holds " +
                        std::to_string(violations.size()) +
                        " rows or labels beyond the limits of their logkv stores, so nothing was "
                        "imported: ";
  const size_t listed = std::min(violations.size(), kViolationsInMessageMax);
  for (size_t i = 0; i < listed; ++i) {
    if (i > 0) message += "; ";
    message += describe_violation(violations[i]);
  }
  if (listed < violations.size()) {
    message += "; and " + std::to_string(violations.size() - listed) + " more";
  }
  return Status::limit_exceeded(
      message +
      ". Put these settings in the label's [key_value_store.<label>] table of the runtime config "
      "and import with raise_limits, or shrink or delete those rows in SQLite");
}

Status check_import_target(const std::shared_ptr<FileSystem>& fs, const std::string& target_dir,
                           const Options& options) {
  Result<std::vector<std::string>> names = fs->list_dir(target_dir);
  if (!names.is_ok()) {
    if (names.status().code() == StatusCode::kNotFound) return Status::ok();
    return names.status().with_context("cannot import into '" + target_dir + "'");
  }
  if (names->empty()) return Status::ok();
  Options existing = options;
  existing.create_if_missing = false;
  existing.in_memory = false;
  existing.automatic_compaction = false;
  Result<std::unique_ptr<Store>> store = open_store(fs, target_dir, existing);
  if (!store.is_ok()) {
    return store.status().with_context("cannot import into '" + target_dir +
                                       "', which must be a new folder or an empty store");
  }
  const uint64_t keys = (*store)->stats().keys;
  LOGKV_RETURN_IF_ERROR((*store)->close());
  if (keys == 0) return Status::ok();
  return Status::invalid_argument("'" + target_dir + "' already holds a logkv store with " +
                                  std::to_string(keys) +
                                  " keys; an import only fills a new or empty store: move that "
                                  "folder away (or delete it) and import again");
}

Result<StoreDigest> import_sqlite_label_into_folder(const std::shared_ptr<FileSystem>& fs,
                                                    SqliteReader& reader,
                                                    const SqliteLabelScan& scan,
                                                    const std::string& target_dir,
                                                    const Options& options, bool raise_limits,
                                                    const ImportProgress& progress) {
  const std::string target = without_trailing_slashes(target_dir);
  if (target.empty() || target == "/") {
    return Status::invalid_argument("cannot import label " + printable_key(scan.digest.label) +
                                    " into '" + target_dir + "': give a store folder");
  }
  if (!scan.violations.empty() && !raise_limits) {
    return limit_violations_error(reader.path(), scan.violations);
  }
  LOGKV_RETURN_IF_ERROR(check_import_target(fs, target, options));

  Options write_options = options;
  write_options.sync_mode = SyncMode::kNever;  // one sync per segment instead of per batch
  write_options.automatic_compaction = false;  // nothing to reclaim: every record is live
  write_options.create_if_missing = true;
  write_options.in_memory = false;
  if (raise_limits) write_options.limits = scan.needed;

  const std::string temp_dir = import_temp_dir(target);
  Result<StoreDigest> digest =
      build_verified_store(fs, reader, scan, temp_dir, write_options, progress);
  if (!digest.is_ok()) {
    // Best effort: the next import empties the folder anyway.
    static_cast<void>(remove_store_files(*fs, temp_dir));
    return digest.status().with_context("importing label " + printable_key(scan.digest.label) +
                                        " of '" + reader.path() + "' into '" + target + "'");
  }
  LOGKV_RETURN_IF_ERROR(publish(fs, temp_dir, target, options));
  return digest;
}

Result<StoreDigest> import_sqlite_label_into_store(Store& store, SqliteReader& reader,
                                                   const SqliteLabelScan& scan,
                                                   const ImportProgress& progress) {
  const std::string& label = scan.digest.label;
  if (!scan.violations.empty()) {
    return Status::limit_exceeded(
        limit_violations_error(reader.path(), scan.violations).message() +
        " (the limits of a store that is already open cannot be raised for the import: raise "
        "them in the runtime config and open the host again)");
  }
  Result<KeyPage> first = store.list_keys(std::nullopt, 1);
  if (!first.is_ok()) return first.status();
  if (!first->keys.empty()) {
    return Status::invalid_argument("the store of label " + printable_key(label) +
                                    " already holds keys; an import only fills an empty store: "
                                    "delete its keys and import again");
  }
  LOGKV_RETURN_IF_ERROR(copy_rows(reader, label, store, progress));
  Result<StoreDigest> digest = digest_store(store, label);
  if (!digest.is_ok()) return digest.status();
  LOGKV_RETURN_IF_ERROR(compare_digests(
      scan.digest, *digest,
      "the store of label " + printable_key(label) + " with '" + reader.path() + "'"));
  return digest;
}

Result<StoreDigest> import_spin_sqlite_label(const std::shared_ptr<FileSystem>& fs,
                                             const std::string& sqlite_path, std::string_view label,
                                             const std::string& target_dir, const Options& options,
                                             bool raise_limits, const ImportProgress& progress) {
  Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(sqlite_path);
  if (!reader.is_ok()) return reader.status();
  Result<uint64_t> rows = (*reader)->row_count(label);
  if (!rows.is_ok()) return rows.status();
  if (*rows == 0) {
    return Status::not_found("'" + sqlite_path + "' holds no rows of label " +
                             printable_key(label));
  }
  Result<SqliteLabelScan> scan = scan_sqlite_label(**reader, label, options.limits);
  if (!scan.is_ok()) return scan.status();
  return import_sqlite_label_into_folder(fs, **reader, *scan, target_dir, options, raise_limits,
                                         progress);
}

}  // namespace logkv
