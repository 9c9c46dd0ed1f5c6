// The public migration functions (logkv/sqlite_migration.h): the host's view of labels on top of
// the per-label import (host/sqlite_import.h) and the export (host/sqlite_export.h).
#include "logkv/sqlite_migration.h"

#include <memory>
#include <utility>

#include "fs/file_system.h"
#include "host/sqlite_export.h"
#include "host/sqlite_import.h"
#include "host/sqlite_reader.h"
#include "logkv/key_text.h"

namespace logkv {
namespace {

// Rows between two calls of SqliteImportOptions::progress.
constexpr uint64_t kProgressEveryRows = 1000;

struct LabelPlan {
  const StoreConfig* config = nullptr;
  SqliteLabelScan scan;
  bool in_memory() const { return config->path.empty(); }
};

std::string quoted_list(const std::vector<std::string>& labels) {
  std::string text;
  for (const std::string& label : labels) {
    if (!text.empty()) text += ", ";
    text += printable_key(label);
  }
  return text;
}

// Every label of the database with its store's configuration and its rows checked against the
// store's limits. Fails, naming them, when the host does not serve some labels.
Result<std::vector<LabelPlan>> plan_import(Host& host, SqliteReader& reader) {
  Result<std::vector<std::string>> labels = reader.labels();
  if (!labels.is_ok()) return labels.status();
  std::vector<std::string> unserved;
  std::vector<LabelPlan> plans;
  for (const std::string& label : *labels) {
    const StoreConfig* config = host.store_config(label);
    if (config == nullptr) {
      unserved.push_back(label);
    } else {
      plans.push_back({config, {}});
    }
  }
  if (!unserved.empty()) {
    return Status::invalid_argument(
        "'" + reader.path() + "' holds rows of label(s) " + quoted_list(unserved) +
        " that the host does not serve, so nothing was imported; add a [key_value_store.<label>] "
        "table for each to the runtime config (their rows would be lost otherwise), or delete "
        "their rows in SQLite");
  }
  for (LabelPlan& plan : plans) {
    Result<SqliteLabelScan> scan =
        scan_sqlite_label(reader, plan.config->label, plan.config->options.limits);
    if (!scan.is_ok()) return scan.status();
    plan.scan = std::move(*scan);
  }
  return plans;
}

std::vector<LimitViolation> all_violations(const std::vector<LabelPlan>& plans) {
  std::vector<LimitViolation> violations;
  for (const LabelPlan& plan : plans) {
    violations.insert(violations.end(), plan.scan.violations.begin(), plan.scan.violations.end());
  }
  return violations;
}

// The open stores of the in-memory labels of `plans`, through one component instance.
struct OpenStores {
  std::unique_ptr<ComponentStores> instance;
  std::vector<std::shared_ptr<Store>> stores;  // one per label asked for, in order
};

Result<OpenStores> open_through_host(Host& host, const std::vector<std::string>& labels) {
  OpenStores open;
  if (labels.empty()) return open;
  Result<std::unique_ptr<ComponentStores>> instance = host.instantiate(labels);
  if (!instance.is_ok()) return instance.status();
  open.instance = std::move(*instance);
  for (const std::string& label : labels) {
    Result<StoreHandle> handle = open.instance->open(label);
    if (!handle.is_ok()) {
      return handle.status().with_context("cannot open the store of label " + printable_key(label));
    }
    Result<std::shared_ptr<Store>> store = open.instance->store(*handle);
    if (!store.is_ok()) return store.status();
    open.stores.push_back(std::move(*store));
  }
  return open;
}

}  // namespace

Result<std::vector<LimitViolation>> check_spin_sqlite_import(Host& host,
                                                             const std::string& sqlite_path) {
  Result<std::unique_ptr<SqliteReader>> reader = SqliteReader::open(sqlite_path);
  if (!reader.is_ok()) return reader.status();
  Result<std::vector<LabelPlan>> plans = plan_import(host, **reader);
  if (!plans.is_ok()) return plans.status();
  return all_violations(*plans);
}

Result<SqliteImportReport> import_spin_sqlite(Host& host, const std::string& sqlite_path,
                                              const SqliteImportOptions& options) {
  Result<std::unique_ptr<SqliteReader>> opened = SqliteReader::open(sqlite_path);
  if (!opened.is_ok()) return opened.status();
  SqliteReader& reader = **opened;
  Result<std::vector<LabelPlan>> plans = plan_import(host, reader);
  if (!plans.is_ok()) return plans.status();
  const std::vector<LimitViolation> violations = all_violations(*plans);
  if (!violations.empty() && !options.raise_limits) {
    return limit_violations_error(sqlite_path, violations);
  }

  // Every target is checked before the first is written.
  const std::shared_ptr<FileSystem> fs = posix_file_system();
  std::vector<std::string> in_memory_labels;
  for (const LabelPlan& plan : *plans) {
    if (plan.in_memory()) {
      if (!plan.scan.violations.empty()) {
        return Status::limit_exceeded(
            limit_violations_error(sqlite_path, plan.scan.violations).message() + " (label " +
            printable_key(plan.config->label) +
            " is an in-memory store, open with the limits of the runtime config: raise them "
            "there)");
      }
      in_memory_labels.push_back(plan.config->label);
    } else {
      LOGKV_RETURN_IF_ERROR(check_import_target(fs, plan.config->path, plan.config->options));
    }
  }
  Result<OpenStores> memory = open_through_host(host, in_memory_labels);
  if (!memory.is_ok()) return memory.status();
  for (size_t i = 0; i < in_memory_labels.size(); ++i) {
    Result<KeyPage> first = memory->stores[i]->list_keys(std::nullopt, 1);
    if (!first.is_ok()) return first.status();
    if (!first->keys.empty()) {
      return Status::invalid_argument("the in-memory store of label " +
                                      printable_key(in_memory_labels[i]) +
                                      " already holds keys; an import only fills an empty store");
    }
  }

  uint64_t rows_total = 0;
  for (const LabelPlan& plan : *plans) rows_total += plan.scan.digest.rows;
  uint64_t rows_before = 0;  // in the labels already copied
  uint64_t rows_reported = 0;
  SqliteImportReport report;
  size_t next_memory_store = 0;
  for (const LabelPlan& plan : *plans) {
    const ImportProgress progress = [&](uint64_t rows_done) {
      const uint64_t done = rows_before + rows_done;
      if (options.progress && done - rows_reported >= kProgressEveryRows) {
        rows_reported = done;
        options.progress(done, rows_total);
      }
    };
    Result<StoreDigest> digest =
        plan.in_memory()
            ? import_sqlite_label_into_store(*memory->stores[next_memory_store++], reader,
                                             plan.scan, progress)
            : import_sqlite_label_into_folder(fs, reader, plan.scan, plan.config->path,
                                              plan.config->options, options.raise_limits, progress);
    if (!digest.is_ok()) {
      if (report.imported.empty()) return digest.status();
      std::vector<std::string> done;
      for (const StoreDigest& imported : report.imported) done.push_back(imported.label);
      return digest.status().with_context("label(s) " + quoted_list(done) +
                                          " were imported and verified before this failure");
    }
    report.imported.push_back(std::move(*digest));
    report.limits_raised.insert(report.limits_raised.end(), plan.scan.violations.begin(),
                                plan.scan.violations.end());
    rows_before += plan.scan.digest.rows;
  }
  if (options.progress) options.progress(rows_total, rows_total);
  return report;
}

Result<std::vector<StoreDigest>> export_spin_sqlite(Host& host, const std::string& sqlite_path,
                                                    const std::vector<std::string>& labels,
                                                    bool overwrite) {
  const std::vector<std::string> chosen = labels.empty() ? host.labels() : labels;
  const std::shared_ptr<FileSystem> fs = posix_file_system();
  std::vector<std::string> unserved;
  std::vector<std::string> to_open;  // labels whose store exists or lives in memory
  for (const std::string& label : chosen) {
    const StoreConfig* config = host.store_config(label);
    if (config == nullptr) {
      unserved.push_back(label);
    } else if (config->path.empty() || fs->list_dir(config->path).is_ok()) {
      to_open.push_back(label);
    }
  }
  if (!unserved.empty()) {
    return Status::invalid_argument("the host does not serve label(s) " + quoted_list(unserved) +
                                    "; export only labels of the runtime config");
  }
  Result<OpenStores> open = open_through_host(host, to_open);
  if (!open.is_ok()) return open.status();
  std::vector<LabeledStore> stores;
  size_t next_open = 0;
  for (const std::string& label : chosen) {
    Store* store = nullptr;
    if (next_open < to_open.size() && to_open[next_open] == label) {
      store = open->stores[next_open++].get();
    }
    stores.push_back({label, store});
  }
  return export_stores_to_sqlite(fs, sqlite_path, stores, overwrite);
}

}  // namespace logkv
