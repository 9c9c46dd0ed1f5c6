// What the C API's source files share: the handle type, error reporting, and the guard that keeps
// C++ exceptions from unwinding into C callers.
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

inline logkv_status fail(const Status& status, char** errmsg) {
  return fail(static_cast<logkv_status>(status.code()), status.to_string(), errmsg);
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

// Checks the pointer/length pairs every key-taking call receives.
inline std::optional<logkv_status> check_handle_and_key(const logkv_store* store, const char* key,
                                                        size_t key_len, const char* function,
                                                        char** errmsg) {
  if (store == nullptr || store->store == nullptr) {
    return fail(LOGKV_INVALID_ARGUMENT, std::string(function) + ": the store handle is NULL",
                errmsg);
  }
  if (key == nullptr && key_len != 0) {
    return fail(LOGKV_INVALID_ARGUMENT,
                std::string(function) + ": key is NULL but key_len is " + std::to_string(key_len),
                errmsg);
  }
  return std::nullopt;
}

inline std::string_view bytes_of(const char* data, size_t length) {
  return length == 0 ? std::string_view() : std::string_view(data, length);
}

}  // namespace logkv::c_api

#endif  // LOGKV_CAPI_C_API_SUPPORT_H_
