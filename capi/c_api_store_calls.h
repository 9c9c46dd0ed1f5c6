// The C API's store calls over a logkv::Store that the entry point has already found: logkv_get
// on a logkv_store* (c_api.cc, c_api_ops.cc) and logkv_component_get on a host's store handle
// (c_api_host.cc) run the same body, so the two families cannot drift apart.
//
// Each takes the C function's name for its messages, checks the pointers and lengths as
// logkv/logkv.h documents for the logkv_store* call of the same name, and fills the outputs only
// on LOGKV_OK. They may throw std::bad_alloc: the entry point runs them inside `guarded`.
//
// Thread-safety: as the Store call each one makes.
#ifndef LOGKV_CAPI_C_API_STORE_CALLS_H_
#define LOGKV_CAPI_C_API_STORE_CALLS_H_

#include <cstddef>
#include <cstdint>

#include "logkv/logkv.h"
#include "logkv/store.h"

namespace logkv::c_api {

// c_api.cc: single keys and the key list.
logkv_status store_get(Store& store, const char* function, const char* key, size_t key_len,
                       char** value_out, size_t* value_len_out, char** errmsg);
logkv_status store_set(Store& store, const char* function, const char* key, size_t key_len,
                       const char* value, size_t value_len, char** errmsg);
logkv_status store_delete(Store& store, const char* function, const char* key, size_t key_len,
                          char** errmsg);
logkv_status store_exists(Store& store, const char* function, const char* key, size_t key_len,
                          int* exists_out, char** errmsg);
logkv_status store_keys(Store& store, const char* function, char*** keys_out, size_t** key_lens_out,
                        size_t* count_out, char** errmsg);

// c_api_ops.cc: several keys, counters, compare-and-swap, paging.
logkv_status store_get_many(Store& store, const char* function, const char* const* keys,
                            const size_t* key_lens, size_t count, char*** values_out,
                            size_t** value_lens_out, char** errmsg);
logkv_status store_set_many(Store& store, const char* function, const char* const* keys,
                            const size_t* key_lens, const char* const* values,
                            const size_t* value_lens, size_t count, char** errmsg);
logkv_status store_delete_many(Store& store, const char* function, const char* const* keys,
                               const size_t* key_lens, size_t count, char** errmsg);
logkv_status store_increment(Store& store, const char* function, const char* key, size_t key_len,
                             int64_t delta, int64_t* value_out, char** errmsg);
logkv_status store_cas_begin(Store& store, const char* function, const char* key, size_t key_len,
                             logkv_cas** cas_out, char** errmsg);
logkv_status store_cas_swap(Store& store, const char* function, logkv_cas* cas, const char* value,
                            size_t value_len, int* swapped_out, char** errmsg);
logkv_status store_list_keys(Store& store, const char* function, const char* cursor, size_t limit,
                             const char* prefix, size_t prefix_len, char*** keys_out,
                             size_t** key_lens_out, size_t* count_out, char** next_cursor_out,
                             char** errmsg);

}  // namespace logkv::c_api

#endif  // LOGKV_CAPI_C_API_STORE_CALLS_H_
