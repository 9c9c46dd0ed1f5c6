#include "tools/exit_codes.h"

namespace logkv::tool {

ExitCode exit_code_for(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return ExitCode::kSuccess;
    case StatusCode::kInvalidArgument:
    case StatusCode::kLimitExceeded:
    // A label the config does not define, or one the tool was not given: the input was wrong.
    case StatusCode::kNoSuchStore:
    case StatusCode::kAccessDenied:
      return ExitCode::kRefusedInput;
    case StatusCode::kNotFound:
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
    case StatusCode::kLocked:
    case StatusCode::kWritesStopped:
    case StatusCode::kNotSupported:
    case StatusCode::kStoreTableFull:
    case StatusCode::kInvalidStore:
      return ExitCode::kStoreError;
  }
  // A code added to StatusCode later is a store error until someone decides otherwise.
  return ExitCode::kStoreError;
}

}  // namespace logkv::tool
