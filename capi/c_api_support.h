// What the C API's source files share: the handle type, the one mapping of StatusCode to
// logkv_status, error reporting, and the guard that keeps C++ exceptions from unwinding into C
// callers.
//
// Nothing may unwind through an extern "C" frame, so every entry point runs its body inside
// `guarded`, which turns an exception (in practice std::bad_alloc from copying keys or values)
// into a status and a message.
//
// Thread-safety: the helpers share no state.
#ifndef LOGKV_CAPI_C_API_SUPPORT_H_
#define LOGKV_CAPI_C_API_SUPPORT_H_

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "logkv/logkv.h"
#include "logkv/status.h"
#include "logkv/store.h"

struct logkv_store {
  std::unique_ptr<logkv::Store> store;
};

namespace logkv::c_api {

// A malloc'ed, NUL-terminated copy; NULL when memory is short (the caller then reports without
// a message rather than failing twice).
inline char* malloc_copy(std::string_view bytes) {
  auto* copy = static_cast<char*>(std::malloc(bytes.size() + 1));
  if (copy == nullptr) return nullptr;
  if (!bytes.empty()) std::memcpy(copy, bytes.data(), bytes.size());
  copy[bytes.size()] = '\0';
  return copy;
}

inline logkv_status fail(logkv_status code, std::string_view message, char** errmsg) {
  if (errmsg != nullptr) *errmsg = malloc_copy(message);
  return code;
}

// The C code of a StatusCode: the one place that maps them. The values are equal (they are
// ABI, pinned by the static_asserts in c_api.cc); the switch makes -Wswitch name a code added
// to StatusCode without a C counterpart.
inline logkv_status to_c_status(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return LOGKV_OK;
    case StatusCode::kNotFound:
      return LOGKV_NOT_FOUND;
    case StatusCode::kInvalidArgument:
      return LOGKV_INVALID_ARGUMENT;
    case StatusCode::kLimitExceeded:
      return LOGKV_LIMIT_EXCEEDED;
    case StatusCode::kCorruption:
      return LOGKV_CORRUPTION;
    case StatusCode::kIOError:
      return LOGKV_IO_ERROR;
    case StatusCode::kLocked:
      return LOGKV_LOCKED;
    case StatusCode::kWritesStopped:
      return LOGKV_WRITES_STOPPED;
    case StatusCode::kNotSupported:
      return LOGKV_NOT_SUPPORTED;
    case StatusCode::kStoreTableFull:
      return LOGKV_STORE_TABLE_FULL;
    case StatusCode::kNoSuchStore:
      return LOGKV_NO_SUCH_STORE;
    case StatusCode::kAccessDenied:
      return LOGKV_ACCESS_DENIED;
    case StatusCode::kInvalidStore:
      return LOGKV_INVALID_STORE;
  }
  return LOGKV_IO_ERROR;  // not reached: a StatusCode outside the enumeration
}

inline logkv_status fail(const Status& status, char** errmsg) {
  return fail(to_c_status(status.code()), status.to_string(), errmsg);
}

template <typename Body>
logkv_status guarded(char** errmsg, Body&& body) noexcept {
  if (errmsg != nullptr) *errmsg = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(LOGKV_OUT_OF_MEMORY, "out of memory: nothing was changed", errmsg);
  } catch (const std::exception& error) {
    return fail(LOGKV_IO_ERROR, std::string("unexpected failure inside logkv: ") + error.what(),
                errmsg);
  } catch (...) {
    return fail(LOGKV_IO_ERROR, "unexpected failure inside logkv", errmsg);
  }
}

// Checks a pointer/length pair the caller passed (a key, a value, a prefix): NULL is accepted
// only with length 0. `what` names the argument in the message.
inline std::optional<logkv_status> check_bytes(const char* data, size_t length, const char* what,
                                               const char* function, char** errmsg) {
  if (data == nullptr && length != 0) {
    return fail(LOGKV_INVALID_ARGUMENT,
                std::string(function) + ": " + what + " is NULL but " + what + "_len is " +
                    std::to_string(length),
                errmsg);
  }
  return std::nullopt;
}

// Runs `body(Store&)` for a logkv_store* handle inside `guarded`, refusing a NULL handle.
template <typename Body>
logkv_status with_store(logkv_store* store, const char* function, char** errmsg,
                        Body&& body) noexcept {
  return guarded(errmsg, [&]() -> logkv_status {
    if (store == nullptr || store->store == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT, std::string(function) + ": the store handle is NULL",
                  errmsg);
    }
    return body(*store->store);
  });
}

inline std::string_view bytes_of(const char* data, size_t length) {
  return length == 0 ? std::string_view() : std::string_view(data, length);
}

}  // namespace logkv::c_api

#endif  // LOGKV_CAPI_C_API_SUPPORT_H_
