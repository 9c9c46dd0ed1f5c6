#include "tools/command_support.h"

#include <filesystem>
#include <ostream>
#include <system_error>
#include <utility>

#include "logkv/key_text.h"

namespace logkv::tool {

std::string_view flag_for_limit(const Status& status) {
  if (status.code() != StatusCode::kLimitExceeded) return {};
  const std::string& message = status.message();
  if (message.find("key_bytes_max") != std::string::npos) return "--key-bytes-max";
  if (message.find("value_bytes_max") != std::string::npos) return "--value-bytes-max";
  if (message.find("keys_max") != std::string::npos) return "--keys-max";
  return {};
}

ExitCode report(CommandIo& io, std::string_view what_failed, const Status& status) {
  io.err << "logkv: " << what_failed << ": " << status.to_string();
  const std::string_view flag = flag_for_limit(status);
  if (!flag.empty()) io.err << " (this tool: " << flag << ")";
  io.err << '\n';
  return exit_code_for(status);
}

std::string describe(std::string_view command, std::string_view key) {
  std::string text(command);
  text += ' ';
  text += printable_key(key);
  return text;
}

ExitCode finish_output(CommandIo& io, ExitCode result) {
  io.out.flush();
  if (!io.out) {
    return report(io, "write to standard output",
                  Status::io_error("the output was not fully written; rerun with a writable "
                                   "destination"));
  }
  return result;
}

Result<OpenStore> OpenStore::open(const StoreSelection& selection, IfMissing if_missing,
                                  Access access) {
  if (selection.path.empty()) return open_through_host(selection, if_missing);
  Options options;
  options.read_only = access == Access::kReadOnly;
  options.limits = selection.limits;
  options.create_if_missing = if_missing == IfMissing::kCreate;
  options.lock_wait_ms = selection.lock_wait_ms;
  // A command lives for one operation: a background compaction would only be started and
  // cancelled. `logkv compact` compacts explicitly; a server compacts as it goes.
  options.automatic_compaction = selection.long_lived;
  Result<std::unique_ptr<Store>> store = Store::open(selection.path, options);
  if (!store.is_ok()) {
    // The engine's message names the folder; add what a tool user can do about a missing one.
    if (store.status().code() == StatusCode::kNotFound) {
      return Status::not_found(store.status().message() +
                               "; check --store or LOGKV_STORE, or create the store with "
                               "`logkv set`");
    }
    return store.status();
  }
  OpenStore open;
  open.store_ = std::move(store).value();
  open.limits_ = selection.limits;
  return open;
}

ExitCode listing_result(CommandIo& io, const StoreSelection& selection, Store& store,
                        ExitCode result) {
  const uint64_t damaged = store.stats().damaged_keys;
  if (damaged == 0 || result != ExitCode::kSuccess) return result;
  const std::string where = selection.path.empty() ? "" : " --store " + selection.path;
  io.err << "logkv: the store is damaged: the output leaves out " << damaged
         << " key(s) whose newest record cannot be read; run `logkv check" << where
         << "` to see which, then `logkv repair" << where << "`\n";
  return ExitCode::kStoreError;
}

Result<std::unique_ptr<Host>> open_host(const StoreSelection& selection, bool migrate) {
  RuntimeConfig config;
  if (!selection.config_path.empty()) {
    Result<RuntimeConfig> loaded = RuntimeConfig::load(selection.config_path);
    // A missing or unusable config file is the user's input, whatever the reason.
    if (!loaded.is_ok()) return Status::invalid_argument(loaded.status().message());
    config = std::move(loaded).value();
  }
  if (Status label = check_label(selection.label); !label.is_ok()) {
    return Status::invalid_argument("--label: " + label.message());
  }
  if (selection.limits_given) {
    StoreConfig store;
    if (const StoreConfig* configured = config.find(selection.label)) {
      store = *configured;
    } else if (selection.label != "default") {
      return Status::invalid_argument("--label '" + selection.label +
                                      "': the runtime config defines no such store; add a "
                                      "[key_value_store." +
                                      selection.label + "] table to it (see docs/HOST.md)");
    } else {
      store = default_store_config(selection.state_dir);
    }
    store.options.limits = selection.limits;
    config.put(std::move(store));
  }
  HostOptions options;
  options.state_dir = selection.state_dir;
  options.lock_wait_ms = selection.lock_wait_ms;
  options.migrate_spin_sqlite = migrate;
  Result<std::unique_ptr<Host>> host = Host::open(std::move(config), options);
  if (!host.is_ok() && host.status().code() == StatusCode::kNotSupported) {
    return Status::invalid_argument(host.status().message());
  }
  if (host.is_ok() && selection.notices != nullptr) {
    for (const std::string& line : (*host)->migration_messages()) {
      *selection.notices << "logkv: " << line << '\n';
    }
  }
  return host;
}

Result<Limits> selected_limits(const StoreSelection& selection) {
  if (!selection.path.empty()) return selection.limits;
  Result<std::unique_ptr<Host>> host = open_host(selection);
  if (!host.is_ok()) return host.status();
  const StoreConfig* config = (*host)->store_config(selection.label);
  // An unknown label fails with its own message when the store is opened.
  return config != nullptr ? config->options.limits : selection.limits;
}

Result<OpenStore> OpenStore::open_through_host(const StoreSelection& selection,
                                               IfMissing if_missing) {
  Result<std::unique_ptr<Host>> host = open_host(selection);
  if (!host.is_ok()) return host.status();
  const StoreConfig* config = (*host)->store_config(selection.label);
  if (config == nullptr) {
    return Status::invalid_argument(
        "--label '" + selection.label + "': no store of that label is configured" +
        (selection.config_path.empty() ? std::string("; name a runtime config with --config")
                                       : " in '" + selection.config_path + "'"));
  }
  // As with --store: a command that only reads never creates an empty store where the user
  // expected data.
  if (if_missing == IfMissing::kFail && !config->path.empty()) {
    std::error_code error;
    if (!std::filesystem::exists(config->path, error)) {
      return Status::not_found("store '" + selection.label + "' has no data yet (folder '" +
                               config->path +
                               "' does not exist); store something with `logkv set`");
    }
  }
  Result<std::unique_ptr<ComponentStores>> component = (*host)->instantiate({selection.label});
  if (!component.is_ok()) return component.status();
  Result<StoreHandle> handle = (*component)->open(selection.label);
  if (!handle.is_ok()) return handle.status();
  Result<std::shared_ptr<Store>> store = (*component)->store(*handle);
  if (!store.is_ok()) return store.status();
  OpenStore open;
  open.limits_ = config->options.limits;
  open.host_ = std::move(host).value();
  open.component_ = std::move(component).value();
  open.store_ = std::move(store).value();
  return open;
}

ExitCode seed_key_values(const StoreSelection& selection, const std::vector<std::string>& pairs,
                         CommandIo& io) {
  if (pairs.empty()) return ExitCode::kSuccess;
  StoreSelection target = selection;
  if (target.path.empty()) target.label = "default";
  Result<OpenStore> store = OpenStore::open(target, IfMissing::kCreate);
  if (!store.is_ok()) return report(io, "--key-value", store.status());
  for (const std::string& pair : pairs) {
    const size_t equals = pair.find('=');
    if (equals == std::string::npos) {
      return store->close(
          io, target,
          report(io, "--key-value",
                 Status::invalid_argument("'" + pair + "' has no '='; write KEY=VALUE")));
    }
    const std::string_view key = std::string_view(pair).substr(0, equals);
    Status status = (*store)->set(key, std::string_view(pair).substr(equals + 1));
    if (!status.is_ok()) {
      return store->close(io, target, report(io, describe("--key-value", key), status));
    }
  }
  return store->close(io, target, ExitCode::kSuccess);
}

ExitCode OpenStore::close(CommandIo& io, const StoreSelection& selection, ExitCode result) {
  Status status = store_->close();
  if (!status.is_ok()) {
    const std::string which = selection.path.empty() ? "store '" + selection.label + "'"
                                                     : "store '" + selection.path + "'";
    return report(io, "close " + which, status);
  }
  return result;
}

}  // namespace logkv::tool
