// Turning errno values into logkv Status values for the POSIX file system.
//
// Thread-safety: both functions are safe to call from any thread (no static buffers).
#ifndef LOGKV_FS_POSIX_ERROR_H_
#define LOGKV_FS_POSIX_ERROR_H_

#include <string>
#include <string_view>

#include "logkv/status.h"

namespace logkv {

// The operating system's text for `error_number`, e.g. "No space left on device".
std::string errno_text(int error_number);

// A Status "<what>: <errno text>". ENOENT becomes kNotFound so that callers can tell a missing
// file from a failing disk; every other errno is kIOError. `what` names the operation and the
// path, e.g. "cannot append to 'store/0001.log'".
Status posix_error(std::string_view what, int error_number);

}  // namespace logkv

#endif  // LOGKV_FS_POSIX_ERROR_H_
