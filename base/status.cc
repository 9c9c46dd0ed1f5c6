#include "logkv/status.h"

namespace logkv {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kLimitExceeded:
      return "limit exceeded";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIOError:
      return "I/O error";
    case StatusCode::kLocked:
      return "locked";
    case StatusCode::kWritesStopped:
      return "writes stopped";
    case StatusCode::kNotSupported:
      return "not supported";
    case StatusCode::kStoreTableFull:
      return "store table full";
    case StatusCode::kNoSuchStore:
      return "no such store";
    case StatusCode::kAccessDenied:
      return "access denied";
    case StatusCode::kInvalidStore:
      return "invalid store";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  std::string text(status_code_name(code_));
  if (!message_.empty()) {
    text += ": ";
    text += message_;
  }
  return text;
}

Status Status::with_context(std::string_view context) const {
  if (is_ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  return Status(code_, std::move(message));
}

}  // namespace logkv
