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
struct StoreSelection {
  std::string path;
  Limits limits;
};

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

// A store that is closed when the command ends, so that close errors (the last sync) reach the
// user instead of being dropped by the destructor.
class OpenStore {
 public:
  static Result<OpenStore> open(const StoreSelection& selection, IfMissing if_missing);

  Store& operator*() { return *store_; }
  Store* operator->() { return store_.get(); }

  // The command's exit code after closing: `result` unless closing fails.
  ExitCode close(CommandIo& io, const StoreSelection& selection, ExitCode result);

 private:
  explicit OpenStore(std::unique_ptr<Store> store) : store_(std::move(store)) {}
  std::unique_ptr<Store> store_;
};

}  // namespace logkv::tool

#endif  // LOGKV_TOOLS_COMMAND_SUPPORT_H_
