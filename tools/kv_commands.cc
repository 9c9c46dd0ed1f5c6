#include "tools/kv_commands.h"

#include <algorithm>
#include <array>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "engine/limits.h"
#include "logkv/store.h"

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

// Prints the one-line error every failure produces and picks the exit code for it.
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

// Only `set` creates a missing store folder: any other command on a mistyped path would leave
// an empty store behind and answer as if the data were gone.
enum class IfMissing { kCreate, kFail };

// A store that is closed when the command ends, so that close errors (the last sync) reach the
// user instead of being dropped by the destructor.
class OpenStore {
 public:
  static Result<OpenStore> open(const StoreSelection& selection, IfMissing if_missing) {
    Options options;
    options.limits = selection.limits;
    options.create_if_missing = if_missing == IfMissing::kCreate;
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

  Store& operator*() { return *store_; }
  Store* operator->() { return store_.get(); }

  // The command's exit code after closing: `result` unless closing fails.
  ExitCode close(CommandIo& io, const StoreSelection& selection, ExitCode result) {
    Status status = store_->close();
    if (!status.is_ok()) return report(io, "close store '" + selection.path + "'", status);
    return result;
  }

 private:
  explicit OpenStore(std::unique_ptr<Store> store) : store_(std::move(store)) {}
  std::unique_ptr<Store> store_;
};

// Reads all of `in`, but stops as soon as it holds more than `value_bytes_max` bytes: a value
// that cannot be stored is refused without buffering an unbounded stream.
Result<std::string> read_bounded_value(std::istream& in, size_t value_bytes_max) {
  std::string value;
  std::array<char, 64 * 1024> chunk;
  while (true) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    value.append(chunk.data(), got);
    if (value.size() > value_bytes_max) {
      return Status::limit_exceeded("the value on standard input is longer than value_bytes_max (" +
                                    std::to_string(value_bytes_max) +
                                    " bytes); store a smaller value or raise the limit");
    }
    if (got < chunk.size()) break;
  }
  if (in.bad()) {
    return Status::io_error("reading standard input failed after " + std::to_string(value.size()) +
                            " bytes; nothing was stored");
  }
  return value;
}

// Output that did not reach its destination (a full disk, a closed pipe) is a failed command.
ExitCode finish_output(CommandIo& io, ExitCode result) {
  io.out.flush();
  if (!io.out) {
    return report(io, "write to standard output",
                  Status::io_error("the output was not fully written; rerun with a writable "
                                   "destination"));
  }
  return result;
}

}  // namespace

ExitCode run_set(const StoreSelection& selection, std::string_view key,
                 const std::optional<std::string>& value, CommandIo& io) {
  std::string from_stdin;
  if (!value.has_value()) {
    // Read before opening, so the store's lock is not held while a slow pipe fills.
    Result<std::string> read = read_bounded_value(io.in, selection.limits.value_bytes_max);
    if (!read.is_ok()) return report(io, describe("set", key), read.status());
    from_stdin = std::move(read).value();
  }
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kCreate);
  if (!store.is_ok()) return report(io, describe("set", key), store.status());
  Status status = (*store)->set(key, value.has_value() ? *value : from_stdin);
  if (!status.is_ok()) {
    return store->close(io, selection, report(io, describe("set", key), status));
  }
  return store->close(io, selection, ExitCode::kSuccess);
}

ExitCode run_get(const StoreSelection& selection, std::string_view key, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail);
  if (!store.is_ok()) return report(io, describe("get", key), store.status());
  Result<std::optional<std::string>> value = (*store)->get(key);
  if (!value.is_ok()) {
    return store->close(io, selection, report(io, describe("get", key), value.status()));
  }
  if (!value->has_value()) {
    io.err << "logkv: " << describe("get", key) << ": no such key\n";
    return store->close(io, selection, ExitCode::kNotFoundOrFalse);
  }
  const std::string& bytes = **value;
  io.out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

ExitCode run_delete(const StoreSelection& selection, std::string_view key, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail);
  if (!store.is_ok()) return report(io, describe("delete", key), store.status());
  Status status = (*store)->del(key);
  if (!status.is_ok()) {
    return store->close(io, selection, report(io, describe("delete", key), status));
  }
  return store->close(io, selection, ExitCode::kSuccess);
}

ExitCode run_exists(const StoreSelection& selection, std::string_view key, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail);
  if (!store.is_ok()) return report(io, describe("exists", key), store.status());
  Result<bool> exists = (*store)->exists(key);
  if (!exists.is_ok()) {
    return store->close(io, selection, report(io, describe("exists", key), exists.status()));
  }
  io.out << (*exists ? "true\n" : "false\n");
  const ExitCode answer = *exists ? ExitCode::kSuccess : ExitCode::kNotFoundOrFalse;
  return store->close(io, selection, finish_output(io, answer));
}

ExitCode run_keys(const StoreSelection& selection, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail);
  if (!store.is_ok()) return report(io, "keys", store.status());
  Result<std::vector<std::string>> keys = (*store)->keys();
  if (!keys.is_ok()) return store->close(io, selection, report(io, "keys", keys.status()));
  std::sort(keys->begin(), keys->end());
  for (const std::string& key : *keys) {
    io.out.write(key.data(), static_cast<std::streamsize>(key.size()));
    io.out.put('\n');
  }
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

ExitCode run_stats(const StoreSelection& selection, CommandIo& io) {
  Result<OpenStore> store = OpenStore::open(selection, IfMissing::kFail);
  if (!store.is_ok()) return report(io, "stats", store.status());
  const StoreStats stats = (*store)->stats();
  const std::pair<const char*, uint64_t> fields[] = {
      {"keys", stats.keys},
      {"segments", stats.segments},
      {"disk_bytes", stats.disk_bytes},
      {"live_bytes", stats.live_bytes},
      {"index_bytes", stats.index_bytes},
      {"last_sequence", stats.last_sequence},
      {"torn_bytes_dropped", stats.torn_bytes_dropped},
  };
  for (const auto& [name, number] : fields) io.out << name << ": " << number << '\n';
  return store->close(io, selection, finish_output(io, ExitCode::kSuccess));
}

}  // namespace logkv::tool
