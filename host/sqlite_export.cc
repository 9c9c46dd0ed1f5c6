#include "host/sqlite_export.h"

#include <optional>
#include <set>

#include "host/sqlite_database.h"
#include "host/sqlite_digest.h"
#include "host/sqlite_reader.h"
#include "logkv/key_text.h"

namespace logkv {
namespace {

// Pages of this many keys bound the listing's memory, whatever a store holds.
constexpr size_t kExportPageKeys = 4096;

std::string parent_dir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool file_exists(FileSystem& fs, const std::string& path) { return fs.file_size(path).is_ok(); }

// Writes every key of every store into a new database at `path` in one transaction and returns
// the digest of what was written, per store.
Result<std::vector<StoreDigest>> write_database(const std::string& path,
                                                const std::vector<LabeledStore>& stores) {
  Result<SqliteConnection> db = open_sqlite(path, SqliteOpenMode::kReadWriteCreate);
  if (!db.is_ok()) return db.status();
  LOGKV_RETURN_IF_ERROR(exec_sqlite(db->get(), kSpinCreateTableSql, path));
  LOGKV_RETURN_IF_ERROR(exec_sqlite(db->get(), "BEGIN", path));
  Result<SqliteStatement> insert = prepare_sqlite(
      db->get(), "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)", path);
  if (!insert.is_ok()) return insert.status();
  sqlite3_stmt* row = insert->get();

  std::vector<StoreDigest> digests;
  for (const LabeledStore& labeled : stores) {
    StoreDigest& digest = digests.emplace_back();
    digest.label = labeled.label;
    if (labeled.store == nullptr) continue;
    std::optional<std::string> cursor;
    do {
      Result<KeyPage> page = labeled.store->list_keys(cursor, kExportPageKeys);
      if (!page.is_ok())
        return page.status().with_context("listing label " + printable_key(labeled.label));
      for (const std::string& key : page->keys) {
        Result<std::optional<std::string>> value = labeled.store->get(key);
        if (!value.is_ok()) return value.status();
        if (!value->has_value()) continue;  // deleted since it was listed
        LOGKV_RETURN_IF_ERROR(bind_sqlite_bytes(row, 1, labeled.label, /*as_text=*/true, path));
        LOGKV_RETURN_IF_ERROR(bind_sqlite_bytes(row, 2, key, /*as_text=*/true, path));
        LOGKV_RETURN_IF_ERROR(bind_sqlite_bytes(row, 3, **value, /*as_text=*/false, path));
        const int rc = sqlite3_step(row);
        if (rc != SQLITE_DONE) {
          return sqlite_error(db->get(), rc,
                              "'" + path + "': cannot insert key " + printable_key(key) +
                                  " of label " + printable_key(labeled.label));
        }
        sqlite3_reset(row);
        add_to_digest(digest, key, **value);
      }
      cursor = std::move(page->cursor);
    } while (cursor.has_value());
  }
  insert = SqliteStatement();
  LOGKV_RETURN_IF_ERROR(exec_sqlite(db->get(), "COMMIT", path));
  return digests;
}

// Reads the written file back and compares each label with what was written; a label the file
// holds that was not written is an error too.
Status verify_database(const std::string& path, const std::vector<StoreDigest>& written) {
  Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(path);
  if (!reader.is_ok()) return reader.status();
  Result<std::vector<std::string>> labels = (*reader)->labels();
  if (!labels.is_ok()) return labels.status();
  std::set<std::string> expected_labels;
  for (const StoreDigest& expected : written) {
    if (expected.rows > 0) expected_labels.insert(expected.label);
    StoreDigest found;
    found.label = expected.label;
    LOGKV_RETURN_IF_ERROR(
        (*reader)->for_each_row(expected.label, [&](std::string_view key, std::string_view value) {
          add_to_digest(found, key, value);
          return Status::ok();
        }));
    LOGKV_RETURN_IF_ERROR(
        compare_digests(expected, found, "the exported rows read back from '" + path + "'"));
  }
  if (std::set<std::string>(labels->begin(), labels->end()) != expected_labels) {
    return Status::corruption("'" + path +
                              "' holds other labels than were exported; the export is not used");
  }
  return Status::ok();
}

}  // namespace

Result<std::vector<StoreDigest>> export_stores_to_sqlite(const std::shared_ptr<FileSystem>& fs,
                                                         const std::string& sqlite_path,
                                                         const std::vector<LabeledStore>& stores,
                                                         bool overwrite) {
  std::set<std::string> labels;
  for (const LabeledStore& labeled : stores) {
    if (!labels.insert(labeled.label).second) {
      return Status::invalid_argument("label " + printable_key(labeled.label) +
                                      " is given twice; export each label once");
    }
  }
  if (file_exists(*fs, sqlite_path) && !overwrite) {
    return Status::invalid_argument("'" + sqlite_path +
                                    "' exists; export into a new file, or ask to overwrite it");
  }
  for (const char* suffix : {"-journal", "-wal"}) {
    if (file_exists(*fs, sqlite_path + suffix)) {
      return Status::invalid_argument("'" + sqlite_path + suffix +
                                      "' exists: SQLite would apply it to the exported file. "
                                      "Open '" +
                                      sqlite_path +
                                      "' once with sqlite3 (which settles it) or move both away, "
                                      "then export again");
    }
  }
  const std::string temp_path = sqlite_path + ".tmp";
  // A stale journal beside a new file of the same name would be rolled back into it.
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    const Status removed = fs->remove(temp_path + suffix);
    if (!removed.is_ok() && removed.code() != StatusCode::kNotFound) return removed;
  }

  Result<std::vector<StoreDigest>> written = write_database(temp_path, stores);
  Status status = written.status();
  if (written.is_ok()) {
    // SQLite synced the file at COMMIT (synchronous=FULL); this sync does not rest on that.
    Result<std::unique_ptr<WritableFile>> file =
        fs->open_writable(temp_path, OpenMode::kAppendExisting);
    status = file.is_ok() ? (*file)->sync() : file.status();
    if (file.is_ok()) {
      const Status closed = (*file)->close();
      if (status.is_ok()) status = closed;
    }
  }
  if (status.is_ok()) status = verify_database(temp_path, *written);
  if (status.is_ok()) status = fs->rename(temp_path, sqlite_path);
  if (!status.is_ok()) {
    static_cast<void>(fs->remove(temp_path));
    return status.with_context("exporting to '" + sqlite_path + "' (nothing was changed there)");
  }
  LOGKV_RETURN_IF_ERROR(fs->sync_dir(parent_dir(sqlite_path)));
  return written;
}

}  // namespace logkv
