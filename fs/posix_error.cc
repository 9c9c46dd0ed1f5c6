#include "fs/posix_error.h"

#include <cerrno>
#include <system_error>

namespace logkv {

std::string errno_text(int error_number) {
  // std::generic_category() is thread-safe where strerror() is not.
  return std::generic_category().message(error_number);
}

Status posix_error(std::string_view what, int error_number) {
  std::string message(what);
  message += ": ";
  message += errno_text(error_number);
  if (error_number == ENOENT) return Status::not_found(std::move(message));
  return Status::io_error(std::move(message));
}

}  // namespace logkv
