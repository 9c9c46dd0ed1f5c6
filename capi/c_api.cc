// The C API (logkv/logkv.h) over logkv::Store: opening, single-key calls (reads with a copy or
// a view) and key lists. The
// multi-key, counter, compare-and-swap and paging calls are in c_api_ops.cc, the host's calls in
// c_api_host.cc; both reuse the store call bodies declared in c_api_store_calls.h.
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capi/c_api_store_calls.h"
#include "capi/c_api_support.h"
#include "logkv/logkv.h"
#include "logkv/options.h"
#include "logkv/status.h"
#include "logkv/store.h"

struct logkv_value {
  logkv::ValueView view;
};

namespace {

using logkv::Status;
using logkv::StatusCode;
using logkv::c_api::bytes_of;
using logkv::c_api::check_bytes;
using logkv::c_api::fail;
using logkv::c_api::guarded;
using logkv::c_api::malloc_copy;
using logkv::c_api::with_store;

// The C values are ABI: pin them to the C++ codes they mirror.
static_assert(LOGKV_OK == static_cast<int>(StatusCode::kOk));
static_assert(LOGKV_NOT_FOUND == static_cast<int>(StatusCode::kNotFound));
static_assert(LOGKV_INVALID_ARGUMENT == static_cast<int>(StatusCode::kInvalidArgument));
static_assert(LOGKV_LIMIT_EXCEEDED == static_cast<int>(StatusCode::kLimitExceeded));
static_assert(LOGKV_CORRUPTION == static_cast<int>(StatusCode::kCorruption));
static_assert(LOGKV_IO_ERROR == static_cast<int>(StatusCode::kIOError));
static_assert(LOGKV_LOCKED == static_cast<int>(StatusCode::kLocked));
static_assert(LOGKV_WRITES_STOPPED == static_cast<int>(StatusCode::kWritesStopped));
static_assert(LOGKV_NOT_SUPPORTED == static_cast<int>(StatusCode::kNotSupported));
static_assert(LOGKV_STORE_TABLE_FULL == static_cast<int>(StatusCode::kStoreTableFull));
static_assert(LOGKV_NO_SUCH_STORE == static_cast<int>(StatusCode::kNoSuchStore));
static_assert(LOGKV_ACCESS_DENIED == static_cast<int>(StatusCode::kAccessDenied));
static_assert(LOGKV_INVALID_STORE == static_cast<int>(StatusCode::kInvalidStore));
static_assert(LOGKV_SYNC_ALWAYS == static_cast<int>(logkv::SyncMode::kAlways));
static_assert(LOGKV_SYNC_NEVER == static_cast<int>(logkv::SyncMode::kNever));
static_assert(LOGKV_SYNC_INTERVAL == static_cast<int>(logkv::SyncMode::kInterval));

// logkv_options -> logkv::Options, refusing values that the C++ types cannot hold.
std::optional<logkv_status> convert_options(const logkv_options& in, logkv::Options& out,
                                            char** errmsg) {
  if (in.sync_mode != LOGKV_SYNC_ALWAYS && in.sync_mode != LOGKV_SYNC_NEVER &&
      in.sync_mode != LOGKV_SYNC_INTERVAL) {
    return fail(LOGKV_INVALID_ARGUMENT,
                "logkv_open: options.sync_mode is " + std::to_string(in.sync_mode) +
                    "; use LOGKV_SYNC_ALWAYS, LOGKV_SYNC_NEVER or LOGKV_SYNC_INTERVAL",
                errmsg);
  }
  constexpr uint64_t kSizeMax = std::numeric_limits<size_t>::max();
  if (in.key_bytes_max > kSizeMax || in.value_bytes_max > kSizeMax || in.keys_max > kSizeMax) {
    return fail(LOGKV_INVALID_ARGUMENT,
                "logkv_open: a limit in options does not fit this platform's size_t", errmsg);
  }
  out.sync_mode = static_cast<logkv::SyncMode>(in.sync_mode);
  out.sync_interval_ms = in.sync_interval_ms;
  out.limits.key_bytes_max = static_cast<size_t>(in.key_bytes_max);
  out.limits.value_bytes_max = static_cast<size_t>(in.value_bytes_max);
  out.limits.keys_max = static_cast<size_t>(in.keys_max);
  out.segment_bytes_max = in.segment_bytes_max;
  out.create_if_missing = in.create_if_missing != 0;
  out.in_memory = in.in_memory != 0;
  return std::nullopt;
}

}  // namespace

namespace logkv::c_api {

logkv_status store_get(Store& store, const char* function, const char* key, size_t key_len,
                       char** value_out, size_t* value_len_out, char** errmsg) {
  if (auto refused = check_bytes(key, key_len, "key", function, errmsg)) return *refused;
  if (value_out == nullptr || value_len_out == nullptr) {
    return fail(LOGKV_INVALID_ARGUMENT,
                std::string(function) + ": value_out and value_len_out must not be NULL", errmsg);
  }
  Result<std::optional<std::string>> value = store.get(bytes_of(key, key_len));
  if (!value.is_ok()) return fail(value.status(), errmsg);
  if (!value->has_value()) {
    *value_out = nullptr;
    *value_len_out = 0;
    return LOGKV_OK;
  }
  char* copy = malloc_copy(**value);
  if (copy == nullptr) {
    return fail(LOGKV_OUT_OF_MEMORY,
                std::string(function) + ": no memory for a copy of the " +
                    std::to_string((*value)->size()) + "-byte value",
                errmsg);
  }
  *value_out = copy;
  *value_len_out = (*value)->size();
  return LOGKV_OK;
}

logkv_status store_set(Store& store, const char* function, const char* key, size_t key_len,
                       const char* value, size_t value_len, char** errmsg) {
  if (auto refused = check_bytes(key, key_len, "key", function, errmsg)) return *refused;
  if (auto refused = check_bytes(value, value_len, "value", function, errmsg)) return *refused;
  Status status = store.set(bytes_of(key, key_len), bytes_of(value, value_len));
  return status.is_ok() ? LOGKV_OK : fail(status, errmsg);
}

logkv_status store_delete(Store& store, const char* function, const char* key, size_t key_len,
                          char** errmsg) {
  if (auto refused = check_bytes(key, key_len, "key", function, errmsg)) return *refused;
  Status status = store.del(bytes_of(key, key_len));
  return status.is_ok() ? LOGKV_OK : fail(status, errmsg);
}

logkv_status store_exists(Store& store, const char* function, const char* key, size_t key_len,
                          int* exists_out, char** errmsg) {
  if (auto refused = check_bytes(key, key_len, "key", function, errmsg)) return *refused;
  if (exists_out == nullptr) {
    return fail(LOGKV_INVALID_ARGUMENT, std::string(function) + ": exists_out must not be NULL",
                errmsg);
  }
  Result<bool> exists = store.exists(bytes_of(key, key_len));
  if (!exists.is_ok()) return fail(exists.status(), errmsg);
  *exists_out = *exists ? 1 : 0;
  return LOGKV_OK;
}

logkv_status store_keys(Store& store, const char* function, char*** keys_out, size_t** key_lens_out,
                        size_t* count_out, char** errmsg) {
  if (keys_out == nullptr || count_out == nullptr) {
    return fail(LOGKV_INVALID_ARGUMENT,
                std::string(function) + ": keys_out and count_out must not be NULL", errmsg);
  }
  Result<std::vector<std::string>> keys = store.keys();
  if (!keys.is_ok()) return fail(keys.status(), errmsg);
  const size_t count = keys->size();
  if (count == 0) {
    *keys_out = nullptr;
    if (key_lens_out != nullptr) *key_lens_out = nullptr;
    *count_out = 0;
    return LOGKV_OK;
  }
  // calloc so that a partly filled array can be released by logkv_free_keys.
  auto* array = static_cast<char**>(std::calloc(count, sizeof(char*)));
  size_t* lengths = nullptr;
  if (array != nullptr && key_lens_out != nullptr) {
    lengths = static_cast<size_t*>(std::calloc(count, sizeof(size_t)));
  }
  bool complete = array != nullptr && (key_lens_out == nullptr || lengths != nullptr);
  for (size_t i = 0; complete && i < count; ++i) {
    array[i] = malloc_copy((*keys)[i]);
    if (array[i] == nullptr) complete = false;
    if (lengths != nullptr) lengths[i] = (*keys)[i].size();
  }
  if (!complete) {
    logkv_free_keys(array, lengths, array == nullptr ? 0 : count);
    return fail(
        LOGKV_OUT_OF_MEMORY,
        std::string(function) + ": no memory for the list of " + std::to_string(count) + " keys",
        errmsg);
  }
  *keys_out = array;
  if (key_lens_out != nullptr) *key_lens_out = lengths;
  *count_out = count;
  return LOGKV_OK;
}

}  // namespace logkv::c_api

extern "C" {

void logkv_options_init(logkv_options* options) {
  if (options == nullptr) return;
  const logkv::Options defaults;
  options->sync_mode = static_cast<int>(defaults.sync_mode);
  options->sync_interval_ms = defaults.sync_interval_ms;
  options->key_bytes_max = defaults.limits.key_bytes_max;
  options->value_bytes_max = defaults.limits.value_bytes_max;
  options->keys_max = defaults.limits.keys_max;
  options->segment_bytes_max = defaults.segment_bytes_max;
  options->create_if_missing = defaults.create_if_missing ? 1 : 0;
  options->in_memory = defaults.in_memory ? 1 : 0;
}

const char* logkv_status_name(logkv_status status) {
  if (status == LOGKV_OUT_OF_MEMORY) return "out of memory";
  if (status < LOGKV_OK || status > LOGKV_INVALID_STORE) return "unknown";
  // status_code_name returns views of string literals, so data() is NUL-terminated.
  return logkv::status_code_name(static_cast<StatusCode>(status)).data();
}

logkv_status logkv_open(const char* path, const logkv_options* options, logkv_store** store_out,
                        char** errmsg) {
  return guarded(errmsg, [&]() -> logkv_status {
    if (path == nullptr || store_out == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT, "logkv_open: path and store_out must not be NULL",
                  errmsg);
    }
    logkv::Options cpp_options;
    if (options != nullptr) {
      if (auto refused = convert_options(*options, cpp_options, errmsg)) return *refused;
    }
    logkv::Result<std::unique_ptr<logkv::Store>> opened = logkv::Store::open(path, cpp_options);
    if (!opened.is_ok()) return fail(opened.status(), errmsg);
    auto handle = std::make_unique<logkv_store>();
    handle->store = std::move(opened).value();
    *store_out = handle.release();
    return LOGKV_OK;
  });
}

logkv_status logkv_get(logkv_store* store, const char* key, size_t key_len, char** value_out,
                       size_t* value_len_out, char** errmsg) {
  return with_store(store, "logkv_get", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_get(opened, "logkv_get", key, key_len, value_out, value_len_out,
                                   errmsg);
  });
}

logkv_status logkv_get_view(logkv_store* store, const char* key, size_t key_len,
                            logkv_value** value_out, const char** data_out, size_t* len_out,
                            char** errmsg) {
  return with_store(store, "logkv_get_view", errmsg, [&](logkv::Store& opened) {
    if (auto refused = check_bytes(key, key_len, "key", "logkv_get_view", errmsg)) {
      return *refused;
    }
    if (value_out == nullptr || data_out == nullptr || len_out == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT,
                  "logkv_get_view: value_out, data_out and len_out must not be NULL", errmsg);
    }
    logkv::Result<std::optional<logkv::ValueView>> view = opened.get_view(bytes_of(key, key_len));
    if (!view.is_ok()) return fail(view.status(), errmsg);
    if (!view->has_value()) {
      *value_out = nullptr;
      *data_out = nullptr;
      *len_out = 0;
      return LOGKV_OK;
    }
    auto handle = std::make_unique<logkv_value>(logkv_value{std::move(**view)});
    // An empty value may have no address of its own; the contract promises non-NULL.
    *data_out = handle->view.empty() ? "" : handle->view.data();
    *len_out = handle->view.size();
    *value_out = handle.release();
    return LOGKV_OK;
  });
}

void logkv_value_free(logkv_value* value) { std::unique_ptr<logkv_value> owned(value); }

logkv_status logkv_set(logkv_store* store, const char* key, size_t key_len, const char* value,
                       size_t value_len, char** errmsg) {
  return with_store(store, "logkv_set", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_set(opened, "logkv_set", key, key_len, value, value_len, errmsg);
  });
}

logkv_status logkv_delete(logkv_store* store, const char* key, size_t key_len, char** errmsg) {
  return with_store(store, "logkv_delete", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_delete(opened, "logkv_delete", key, key_len, errmsg);
  });
}

logkv_status logkv_exists(logkv_store* store, const char* key, size_t key_len, int* exists_out,
                          char** errmsg) {
  return with_store(store, "logkv_exists", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_exists(opened, "logkv_exists", key, key_len, exists_out, errmsg);
  });
}

logkv_status logkv_keys(logkv_store* store, char*** keys_out, size_t** key_lens_out,
                        size_t* count_out, char** errmsg) {
  return with_store(store, "logkv_keys", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_keys(opened, "logkv_keys", keys_out, key_lens_out, count_out,
                                    errmsg);
  });
}

logkv_status logkv_close(logkv_store* store, char** errmsg) {
  // Owned from here on: the handle is freed whatever close() reports.
  std::unique_ptr<logkv_store> handle(store);
  return guarded(errmsg, [&]() -> logkv_status {
    if (handle == nullptr || handle->store == nullptr) return LOGKV_OK;
    Status status = handle->store->close();
    return status.is_ok() ? LOGKV_OK : fail(status, errmsg);
  });
}

void logkv_free(void* buffer) { std::free(buffer); }

void logkv_free_keys(char** keys, size_t* key_lens, size_t count) {
  if (keys != nullptr) {
    for (size_t i = 0; i < count; ++i) std::free(keys[i]);
  }
  std::free(keys);
  std::free(key_lens);
}

}  // extern "C"
