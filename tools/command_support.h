// What every command of the `logkv` tool shares: opening the store with the user's limits,
// closing it so that close errors are reported, and the one-line error format.
//
// Thread-safety: the functions share no state; an OpenStore is used by one command at a time.
#ifndef LOGKV_TOOLS_COMMAND_SUPPORT_H_
#define LOGKV_TOOLS_COMMAND_SUPPORT_H_

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logkv/host.h"
#include "logkv/options.h"
#include "logkv/status.h"
#include "logkv/store.h"
#include "tools/exit_codes.h"

namespace logkv::tool {

// The streams a command uses: the process's stdin/stdout/stderr in the tool, strings in tests.
// The streams must be binary-safe (no newline translation), as they are on POSIX.
struct CommandIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Which store a command works on, and the limits it is opened with.
//
// With `path` set (--store, or $LOGKV_STORE) the command opens that folder directly, with
// `limits`. Otherwise it goes through a Spin-style host (logkv/host.h), as an application would:
// the runtime config `config_path` (none: only the default store), the state folder
// `state_dir`, and the store of `label`, with the limits its config table sets; limit flags
// given on the command line (`limits_given`) override those of that label.
struct StoreSelection {
  std::string path;
  Limits limits;
  bool limits_given = false;
  std::string config_path;
  std::string state_dir = ".spin";
  std::string label = "default";
  // How long to wait for another writer to close the store (--wait).
  uint32_t lock_wait_ms = 0;
  // The store is held for long (`serve`): it keeps automatic compaction on, as a host does,
  // instead of leaving compaction to `logkv compact`.
  bool long_lived = false;
  // Where the host's notices go (a migration from Spin's database), one line each; none: dropped.
  std::ostream* notices = nullptr;
};

// The flag that raises the limit which refused `status` ("--key-bytes-max", ...), or "" when no
// limit did: the engine's messages name the Limits field, a tool user raises it with a flag.
std::string_view flag_for_limit(const Status& status);

// Prints the one-line error every failure produces ("logkv: <what failed>: <status>", plus the
// flag that raises the limit when a limit refused the input) and picks the exit code for it.
ExitCode report(CommandIo& io, std::string_view what_failed, const Status& status);

// "<command> '<key>'" for error lines, the key quoted and escaped as in engine messages.
std::string describe(std::string_view command, std::string_view key);

// Output that did not reach its destination (a full disk, a closed pipe) is a failed command:
// `result` when everything was written, else an error line and kStoreError.
ExitCode finish_output(CommandIo& io, ExitCode result);

// Only commands that store new data create a missing store folder: any other command on a
// mistyped path would leave an empty store behind and answer as if the data were gone.
enum class IfMissing { kCreate, kFail };

// Commands that only read open a --store folder read-only (Options::read_only): they take no
// lock, so they work while another process writes, and change no file. Through a host the
// store is opened as the host opens it (for writing).
enum class Access { kReadWrite, kReadOnly };

// A store that is closed when the command ends, so that close errors (the last sync) reach the
// user instead of being dropped by the destructor.
class OpenStore {
 public:
  static Result<OpenStore> open(const StoreSelection& selection, IfMissing if_missing,
                                Access access = Access::kReadWrite);

  Store& operator*() { return *store_; }
  Store* operator->() { return store_.get(); }
  // The limits the store was opened with (the label's, through a host).
  const Limits& limits() const { return limits_; }

  // The command's exit code after closing: `result` unless closing fails.
  ExitCode close(CommandIo& io, const StoreSelection& selection, ExitCode result);

 private:
  OpenStore() = default;
  static Result<OpenStore> open_through_host(const StoreSelection& selection, IfMissing if_missing);

  // Declared in this order so that the store goes first, then its handle table, then the host.
  std::unique_ptr<Host> host_;
  std::unique_ptr<ComponentStores> component_;
  std::shared_ptr<Store> store_;
  Limits limits_;
};

// For commands that list the store (keys, dump): a read-only open serves a damaged store, and a
// listing leaves out the keys whose newest record is damaged, which would look complete. Then
// says so on stderr and returns kStoreError; otherwise returns `result`.
ExitCode listing_result(CommandIo& io, const StoreSelection& selection, Store& store,
                        ExitCode result);

// The host a selection without --store goes through: its runtime config (with the limit flags
// applied to the selected label) opened on its state folder. Errors in the config or label are
// kInvalidArgument (the tool's "input refused", exit 3).
// `migrate` is HostOptions::migrate_spin_sqlite (off for an explicit import).
Result<std::unique_ptr<Host>> open_host(const StoreSelection& selection, bool migrate = true);

// The limits the selected store is opened with: `limits` with --store, else its label's in the
// host (which this opens, without opening the store).
Result<Limits> selected_limits(const StoreSelection& selection);

// --key-value KEY=VALUE: sets each pair, overwriting, before the command runs. As in Spin they
// go to the default store (the `default` label of the host), or to the --store folder when one
// is given. Splits at the first '='.
ExitCode seed_key_values(const StoreSelection& selection, const std::vector<std::string>& pairs,
                         CommandIo& io);

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_COMMAND_SUPPORT_H_
