// Status and Result: how every logkv call reports success or failure.
//
// logkv never throws across its API. A call returns a Status (or a Result<T>, which is a value
// or a Status). Messages are one line, say what failed (on which key, file or offset) and what
// the caller can do about it.
//
// Thread-safety: Status and Result are values; distinct objects may be used from any thread.
#ifndef LOGKV_STATUS_H_
#define LOGKV_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "logkv/export.h"

namespace logkv {

enum class StatusCode : uint8_t {
  kOk = 0,
  // The thing asked for does not exist (a store folder with create_if_missing=false, a file).
  // A missing *key* is not an error: get() returns an empty optional.
  kNotFound,
  // The caller passed something logkv cannot accept: a key that is not UTF-8, bad options.
  // Nothing was written. Fix the input and retry.
  kInvalidArgument,
  // A capacity limit refused the write: key or value too large, store full. Nothing was
  // written. The message names the limit and the option that raises it.
  kLimitExceeded,
  // Stored data failed verification (checksum, framing, unknown format). The message names the
  // file and offset. Data may be lost: the message says where, and docs/TOOL.md what to do.
  kCorruption,
  // The operating system reported an I/O error. Whether data was written is unknown to the
  // caller; the store stops accepting writes when it cannot tell (see kWritesStopped).
  kIOError,
  // Another process (or another open in this process) holds the store folder's lock.
  kLocked,
  // A write or sync failed earlier, so the store can no longer promise durability; it refuses
  // further writes until it is closed and opened again (which recovers from the log).
  kWritesStopped,
  // The operation is not supported by this store or build.
  kNotSupported,
  // Spin's host errors (logkv/host.h): the component's store table is full; the label is
  // granted but no store is configured for it; the label is not granted to the component; the
  // store handle is not open in this component.
  kStoreTableFull,
  kNoSuchStore,
  kAccessDenied,
  kInvalidStore,
};

// Returns a stable lower-case name for a code, e.g. "limit exceeded".
LOGKV_EXPORT std::string_view status_code_name(StatusCode code);

class [[nodiscard]] LOGKV_EXPORT Status {
 public:
  Status() = default;  // ok

  static Status ok() { return Status(); }
  static Status not_found(std::string message) {
    return {StatusCode::kNotFound, std::move(message)};
  }
  static Status invalid_argument(std::string message) {
    return {StatusCode::kInvalidArgument, std::move(message)};
  }
  static Status limit_exceeded(std::string message) {
    return {StatusCode::kLimitExceeded, std::move(message)};
  }
  static Status corruption(std::string message) {
    return {StatusCode::kCorruption, std::move(message)};
  }
  static Status io_error(std::string message) { return {StatusCode::kIOError, std::move(message)}; }
  static Status locked(std::string message) { return {StatusCode::kLocked, std::move(message)}; }
  static Status writes_stopped(std::string message) {
    return {StatusCode::kWritesStopped, std::move(message)};
  }
  static Status not_supported(std::string message) {
    return {StatusCode::kNotSupported, std::move(message)};
  }
  static Status store_table_full(std::string message) {
    return {StatusCode::kStoreTableFull, std::move(message)};
  }
  static Status no_such_store(std::string message) {
    return {StatusCode::kNoSuchStore, std::move(message)};
  }
  static Status access_denied(std::string message) {
    return {StatusCode::kAccessDenied, std::move(message)};
  }
  static Status invalid_store(std::string message) {
    return {StatusCode::kInvalidStore, std::move(message)};
  }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "ok", or "<code name>: <message>".
  std::string to_string() const;

  // Returns a copy whose message is "<context>: <message>"; ok stays ok.
  Status with_context(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) { return a.code_ == b.code_; }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value of type T, or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.is_ok()) status_ = Status::invalid_argument("Result built from an ok Status");
  }

  bool is_ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // Precondition: is_ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  // By value, so that `for (auto& k : store->keys().value())` does not dangle.
  T value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace logkv

// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define LOGKV_RETURN_IF_ERROR(expr)                   \
  do {                                                \
    ::logkv::Status logkv_status_ = (expr);           \
    if (!logkv_status_.is_ok()) return logkv_status_; \
  } while (0)

#endif  // LOGKV_STATUS_H_
