// The C API's multi-key, counter, compare-and-swap and paging calls (logkv/logkv.h) over
// logkv::Store. Conventions and helpers are those of c_api.cc (see c_api_support.h); the bodies
// (c_api_store_calls.h) also serve the host's store handles (c_api_host.cc).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capi/c_api_store_calls.h"
#include "capi/c_api_support.h"
#include "logkv/compare_and_swap.h"
#include "logkv/logkv.h"
#include "logkv/status.h"
#include "logkv/store.h"

struct logkv_cas {
  logkv::CasToken token;
};

namespace {

using logkv::Status;
using logkv::c_api::bytes_of;
using logkv::c_api::fail;
using logkv::c_api::malloc_copy;
using logkv::c_api::with_store;

// Borrows the caller's key array as string_views after checking every pointer/length pair.
std::optional<logkv_status> borrow_keys(const char* const* keys, const size_t* key_lens,
                                        size_t count, const char* function,
                                        std::vector<std::string_view>& out, char** errmsg) {
  if (count != 0 && (keys == nullptr || key_lens == nullptr)) {
    return fail(LOGKV_INVALID_ARGUMENT,
                std::string(function) + ": keys and key_lens must not be NULL when count is " +
                    std::to_string(count),
                errmsg);
  }
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (keys[i] == nullptr && key_lens[i] != 0) {
      return fail(LOGKV_INVALID_ARGUMENT,
                  std::string(function) + ": keys[" + std::to_string(i) + "] is NULL but its " +
                      "length is " + std::to_string(key_lens[i]),
                  errmsg);
    }
    out.push_back(bytes_of(keys[i], key_lens[i]));
  }
  return std::nullopt;
}

// Copies `buffers` (nullopt entries become NULL) into malloc'ed arrays the caller frees with
// logkv_free_values / logkv_free_keys. Returns false, with nothing left allocated, when memory
// runs out part way.
bool copy_out(const std::vector<std::optional<std::string>>& buffers, char*** array_out,
              size_t** lengths_out) {
  const size_t count = buffers.size();
  if (count == 0) {
    *array_out = nullptr;
    if (lengths_out != nullptr) *lengths_out = nullptr;
    return true;
  }
  // calloc so that a partly filled array can be released by logkv_free_values.
  auto* array = static_cast<char**>(std::calloc(count, sizeof(char*)));
  size_t* lengths = nullptr;
  if (array != nullptr && lengths_out != nullptr) {
    lengths = static_cast<size_t*>(std::calloc(count, sizeof(size_t)));
  }
  bool complete = array != nullptr && (lengths_out == nullptr || lengths != nullptr);
  for (size_t i = 0; complete && i < count; ++i) {
    if (!buffers[i].has_value()) continue;
    array[i] = malloc_copy(*buffers[i]);
    if (array[i] == nullptr) complete = false;
    if (lengths != nullptr) lengths[i] = buffers[i]->size();
  }
  if (!complete) {
    logkv_free_values(array, lengths, array == nullptr ? 0 : count);
    return false;
  }
  *array_out = array;
  if (lengths_out != nullptr) *lengths_out = lengths;
  return true;
}

}  // namespace

namespace logkv::c_api {

logkv_status store_get_many(Store& store, const char* function, const char* const* keys,
                            const size_t* key_lens, size_t count, char*** values_out,
                            size_t** value_lens_out, char** errmsg) {
  if (values_out == nullptr) {
    return fail(LOGKV_INVALID_ARGUMENT, std::string(function) + ": values_out must not be NULL",
                errmsg);
  }
  std::vector<std::string_view> borrowed;
  if (auto refused = borrow_keys(keys, key_lens, count, function, borrowed, errmsg)) {
    return *refused;
  }
  Result<std::vector<std::optional<std::string>>> values = store.get_many(borrowed);
  if (!values.is_ok()) return fail(values.status(), errmsg);
  if (!copy_out(*values, values_out, value_lens_out)) {
    return fail(
        LOGKV_OUT_OF_MEMORY,
        std::string(function) + ": no memory for the values of " + std::to_string(count) + " keys",
        errmsg);
  }
  return LOGKV_OK;
}

logkv_status store_set_many(Store& store, const char* function, const char* const* keys,
                            const size_t* key_lens, const char* const* values,
                            const size_t* value_lens, size_t count, char** errmsg) {
  std::vector<std::string_view> borrowed_keys;
  if (auto refused = borrow_keys(keys, key_lens, count, function, borrowed_keys, errmsg)) {
    return *refused;
  }
  // Values follow the same pointer/length rules as keys.
  std::vector<std::string_view> borrowed_values;
  if (auto refused =
          borrow_keys(values, value_lens, count, (std::string(function) + " (values)").c_str(),
                      borrowed_values, errmsg)) {
    return *refused;
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  pairs.reserve(count);
  for (size_t i = 0; i < count; ++i) pairs.emplace_back(borrowed_keys[i], borrowed_values[i]);
  Status status = store.set_many(pairs);
  return status.is_ok() ? LOGKV_OK : fail(status, errmsg);
}

logkv_status store_delete_many(Store& store, const char* function, const char* const* keys,
                               const size_t* key_lens, size_t count, char** errmsg) {
  std::vector<std::string_view> borrowed;
  if (auto refused = borrow_keys(keys, key_lens, count, function, borrowed, errmsg)) {
    return *refused;
  }
  Status status = store.delete_many(borrowed);
  return status.is_ok() ? LOGKV_OK : fail(status, errmsg);
}

logkv_status store_increment(Store& store, const char* function, const char* key, size_t key_len,
                             int64_t delta, int64_t* value_out, char** errmsg) {
  if (auto refused = check_bytes(key, key_len, "key", function, errmsg)) return *refused;
  if (value_out == nullptr) {
    return fail(LOGKV_INVALID_ARGUMENT, std::string(function) + ": value_out must not be NULL",
                errmsg);
  }
  Result<int64_t> value = store.increment(bytes_of(key, key_len), delta);
  if (!value.is_ok()) return fail(value.status(), errmsg);
  *value_out = *value;
  return LOGKV_OK;
}

logkv_status store_cas_begin(Store& store, const char* function, const char* key, size_t key_len,
                             logkv_cas** cas_out, char** errmsg) {
  if (auto refused = check_bytes(key, key_len, "key", function, errmsg)) return *refused;
  if (cas_out == nullptr) {
    return fail(LOGKV_INVALID_ARGUMENT, std::string(function) + ": cas_out must not be NULL",
                errmsg);
  }
  Result<CasToken> token = store.cas_begin(bytes_of(key, key_len));
  if (!token.is_ok()) return fail(token.status(), errmsg);
  auto cas = std::make_unique<logkv_cas>();
  cas->token = std::move(token).value();
  *cas_out = cas.release();
  return LOGKV_OK;
}

logkv_status store_cas_swap(Store& store, const char* function, logkv_cas* cas, const char* value,
                            size_t value_len, int* swapped_out, char** errmsg) {
  if (cas == nullptr || swapped_out == nullptr) {
    return fail(LOGKV_INVALID_ARGUMENT,
                std::string(function) + ": cas and swapped_out must not be NULL", errmsg);
  }
  if (auto refused = check_bytes(value, value_len, "value", function, errmsg)) return *refused;
  Result<CasOutcome> outcome = store.cas_swap(cas->token, bytes_of(value, value_len));
  if (!outcome.is_ok()) return fail(outcome.status(), errmsg);
  cas->token = std::move(outcome->current);
  *swapped_out = outcome->swapped ? 1 : 0;
  return LOGKV_OK;
}

logkv_status store_list_keys(Store& store, const char* function, const char* cursor, size_t limit,
                             const char* prefix, size_t prefix_len, char*** keys_out,
                             size_t** key_lens_out, size_t* count_out, char** next_cursor_out,
                             char** errmsg) {
  if (auto refused = check_bytes(prefix, prefix_len, "prefix", function, errmsg)) {
    return *refused;
  }
  if (keys_out == nullptr || count_out == nullptr || next_cursor_out == nullptr) {
    return fail(
        LOGKV_INVALID_ARGUMENT,
        std::string(function) + ": keys_out, count_out and next_cursor_out must not be NULL",
        errmsg);
  }
  std::optional<std::string_view> from;
  if (cursor != nullptr) from = std::string_view(cursor);
  Result<KeyPage> page = store.list_keys(from, limit, bytes_of(prefix, prefix_len));
  if (!page.is_ok()) return fail(page.status(), errmsg);
  char* next_cursor = nullptr;
  if (page->cursor.has_value()) {
    next_cursor = malloc_copy(*page->cursor);
    if (next_cursor == nullptr) {
      return fail(LOGKV_OUT_OF_MEMORY, std::string(function) + ": no memory for the cursor",
                  errmsg);
    }
  }
  const std::vector<std::optional<std::string>> keys(std::make_move_iterator(page->keys.begin()),
                                                     std::make_move_iterator(page->keys.end()));
  if (!copy_out(keys, keys_out, key_lens_out)) {
    std::free(next_cursor);
    return fail(LOGKV_OUT_OF_MEMORY,
                std::string(function) + ": no memory for a page of " + std::to_string(keys.size()) +
                    " keys",
                errmsg);
  }
  *count_out = keys.size();
  *next_cursor_out = next_cursor;
  return LOGKV_OK;
}

}  // namespace logkv::c_api

extern "C" {

logkv_status logkv_get_many(logkv_store* store, const char* const* keys, const size_t* key_lens,
                            size_t count, char*** values_out, size_t** value_lens_out,
                            char** errmsg) {
  return with_store(store, "logkv_get_many", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_get_many(opened, "logkv_get_many", keys, key_lens, count, values_out,
                                        value_lens_out, errmsg);
  });
}

logkv_status logkv_set_many(logkv_store* store, const char* const* keys, const size_t* key_lens,
                            const char* const* values, const size_t* value_lens, size_t count,
                            char** errmsg) {
  return with_store(store, "logkv_set_many", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_set_many(opened, "logkv_set_many", keys, key_lens, values,
                                        value_lens, count, errmsg);
  });
}

logkv_status logkv_delete_many(logkv_store* store, const char* const* keys, const size_t* key_lens,
                               size_t count, char** errmsg) {
  return with_store(store, "logkv_delete_many", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_delete_many(opened, "logkv_delete_many", keys, key_lens, count,
                                           errmsg);
  });
}

logkv_status logkv_increment(logkv_store* store, const char* key, size_t key_len, int64_t delta,
                             int64_t* value_out, char** errmsg) {
  return with_store(store, "logkv_increment", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_increment(opened, "logkv_increment", key, key_len, delta, value_out,
                                         errmsg);
  });
}

logkv_status logkv_cas_begin(logkv_store* store, const char* key, size_t key_len,
                             logkv_cas** cas_out, char** errmsg) {
  return with_store(store, "logkv_cas_begin", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_cas_begin(opened, "logkv_cas_begin", key, key_len, cas_out, errmsg);
  });
}

int logkv_cas_current(const logkv_cas* cas, const char** value_out, size_t* value_len_out) {
  const bool present = cas != nullptr && cas->token.value.has_value();
  if (value_out != nullptr) *value_out = present ? cas->token.value->data() : nullptr;
  if (value_len_out != nullptr) *value_len_out = present ? cas->token.value->size() : 0;
  return present ? 1 : 0;
}

logkv_status logkv_cas_swap(logkv_store* store, logkv_cas* cas, const char* value, size_t value_len,
                            int* swapped_out, char** errmsg) {
  return with_store(store, "logkv_cas_swap", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_cas_swap(opened, "logkv_cas_swap", cas, value, value_len,
                                        swapped_out, errmsg);
  });
}

void logkv_cas_free(logkv_cas* cas) { std::unique_ptr<logkv_cas> owned(cas); }

logkv_status logkv_list_keys(logkv_store* store, const char* cursor, size_t limit,
                             const char* prefix, size_t prefix_len, char*** keys_out,
                             size_t** key_lens_out, size_t* count_out, char** next_cursor_out,
                             char** errmsg) {
  return with_store(store, "logkv_list_keys", errmsg, [&](logkv::Store& opened) {
    return logkv::c_api::store_list_keys(opened, "logkv_list_keys", cursor, limit, prefix,
                                         prefix_len, keys_out, key_lens_out, count_out,
                                         next_cursor_out, errmsg);
  });
}

void logkv_free_values(char** values, size_t* value_lens, size_t count) {
  if (values != nullptr) {
    for (size_t i = 0; i < count; ++i) std::free(values[i]);
  }
  std::free(values);
  std::free(value_lens);
}

}  // extern "C"
