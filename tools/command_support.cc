#include "tools/command_support.h"

#include <ostream>
#include <utility>

#include "logkv/key_text.h"

namespace logkv::tool {
namespace {

// The engine's limit messages name the Limits field; a tool user raises it with a flag.
std::string_view flag_for_limit(const Status& status) {
  if (status.code() != StatusCode::kLimitExceeded) return {};
  const std::string& message = status.message();
  if (message.find("key_bytes_max") != std::string::npos) return "--key-bytes-max";
  if (message.find("value_bytes_max") != std::string::npos) return "--value-bytes-max";
  if (message.find("keys_max") != std::string::npos) return "--keys-max";
  return {};
}

}  // namespace

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

Result<OpenStore> OpenStore::open(const StoreSelection& selection, IfMissing if_missing) {
  Options options;
  options.limits = selection.limits;
  options.create_if_missing = if_missing == IfMissing::kCreate;
  // A command lives for one operation: a background compaction would only be started and
  // cancelled. `logkv compact` compacts explicitly.
  options.automatic_compaction = false;
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
  return OpenStore(std::move(store).value());
}

ExitCode OpenStore::close(CommandIo& io, const StoreSelection& selection, ExitCode result) {
  Status status = store_->close();
  if (!status.is_ok()) return report(io, "close store '" + selection.path + "'", status);
  return result;
}

}  // namespace logkv::tool
