// The C API of the Spin-style host (logkv/logkv.h, "The Spin-style host") over logkv::Host and
// logkv::ComponentStores (logkv/host.h). A store call on (instance, handle) resolves the handle
// to its Store and runs the body the logkv_store* call of the same name runs
// (c_api_store_calls.h), so both families behave alike; Spin's errors come back through the one
// StatusCode -> logkv_status mapping (to_c_status in c_api_support.h).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capi/c_api_store_calls.h"
#include "capi/c_api_support.h"
#include "logkv/host.h"
#include "logkv/logkv.h"
#include "logkv/status.h"
#include "logkv/store.h"

struct logkv_host {
  std::unique_ptr<logkv::Host> host;
  // Component instances made and not yet freed: logkv::Host must outlive them, so
  // logkv_host_close refuses while this is not 0.
  std::atomic<size_t> components{0};
};

struct logkv_component {
  std::unique_ptr<logkv::ComponentStores> stores;
  logkv_host* host = nullptr;
};

namespace {

using logkv::c_api::fail;
using logkv::c_api::guarded;

// The C defaults are those of logkv::HostOptions; the default state folder is a static string.
constexpr const char* kDefaultStateDir = ".spin";

logkv::HostOptions convert_host_options(const logkv_host_options* in) {
  logkv::HostOptions out;
  if (in == nullptr) return out;
  out.state_dir = in->state_dir == nullptr ? std::string(kDefaultStateDir) : in->state_dir;
  out.store_table_capacity = in->store_table_capacity;
  return out;
}

logkv_status open_host(logkv::Result<logkv::RuntimeConfig> config,
                       const logkv_host_options* options, logkv_host** host_out, char** errmsg) {
  if (!config.is_ok()) return fail(config.status(), errmsg);
  logkv::Result<std::unique_ptr<logkv::Host>> opened =
      logkv::Host::open(std::move(config).value(), convert_host_options(options));
  if (!opened.is_ok()) return fail(opened.status(), errmsg);
  auto handle = std::make_unique<logkv_host>();
  handle->host = std::move(opened).value();
  *host_out = handle.release();
  return LOGKV_OK;
}

// Runs `body(Store&)` on the store behind (component, handle) inside `guarded`. The shared_ptr
// keeps the store open for the call even if another thread closes the handle meanwhile.
template <typename Body>
logkv_status with_component_store(logkv_component* component, logkv_store_handle handle,
                                  const char* function, char** errmsg, Body&& body) noexcept {
  return guarded(errmsg, [&]() -> logkv_status {
    if (component == nullptr || component->stores == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT, std::string(function) + ": the component is NULL",
                  errmsg);
    }
    logkv::Result<std::shared_ptr<logkv::Store>> store = component->stores->store(handle);
    if (!store.is_ok()) return fail(store.status().with_context(function), errmsg);
    return body(**store);
  });
}

}  // namespace

extern "C" {

void logkv_host_options_init(logkv_host_options* options) {
  if (options == nullptr) return;
  const logkv::HostOptions defaults;
  // HostOptions' default is ".spin" too; the C struct holds a pointer, so it names the literal.
  options->state_dir = kDefaultStateDir;
  options->store_table_capacity = defaults.store_table_capacity;
}

logkv_status logkv_host_open(const char* config_path, const logkv_host_options* options,
                             logkv_host** host_out, char** errmsg) {
  return guarded(errmsg, [&]() -> logkv_status {
    if (host_out == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT, "logkv_host_open: host_out must not be NULL", errmsg);
    }
    if (config_path == nullptr) {
      return open_host(logkv::RuntimeConfig(), options, host_out, errmsg);
    }
    return open_host(logkv::RuntimeConfig::load(config_path), options, host_out, errmsg);
  });
}

logkv_status logkv_host_open_toml(const char* toml, size_t toml_len, const char* base_dir,
                                  const logkv_host_options* options, logkv_host** host_out,
                                  char** errmsg) {
  return guarded(errmsg, [&]() -> logkv_status {
    if (auto refused =
            logkv::c_api::check_bytes(toml, toml_len, "toml", "logkv_host_open_toml", errmsg)) {
      return *refused;
    }
    if (host_out == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT, "logkv_host_open_toml: host_out must not be NULL",
                  errmsg);
    }
    const std::string_view base = base_dir == nullptr ? std::string_view(".") : base_dir;
    return open_host(logkv::RuntimeConfig::parse(logkv::c_api::bytes_of(toml, toml_len), base),
                     options, host_out, errmsg);
  });
}

const char* logkv_host_default_store_message(const logkv_host* host) {
  if (host == nullptr || host->host == nullptr) return nullptr;
  return host->host->default_store_message().c_str();
}

logkv_status logkv_host_instantiate(logkv_host* host, const char* const* labels, size_t label_count,
                                    logkv_component** component_out, char** errmsg) {
  return guarded(errmsg, [&]() -> logkv_status {
    if (host == nullptr || host->host == nullptr || component_out == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT,
                  "logkv_host_instantiate: host and component_out must not be NULL", errmsg);
    }
    if (labels == nullptr && label_count != 0) {
      return fail(LOGKV_INVALID_ARGUMENT,
                  "logkv_host_instantiate: labels is NULL but label_count is " +
                      std::to_string(label_count),
                  errmsg);
    }
    std::vector<std::string> granted;
    granted.reserve(label_count);
    for (size_t i = 0; i < label_count; ++i) {
      if (labels[i] == nullptr) {
        return fail(LOGKV_INVALID_ARGUMENT,
                    "logkv_host_instantiate: labels[" + std::to_string(i) + "] is NULL", errmsg);
      }
      granted.emplace_back(labels[i]);
    }
    logkv::Result<std::unique_ptr<logkv::ComponentStores>> made = host->host->instantiate(granted);
    if (!made.is_ok()) return fail(made.status(), errmsg);
    auto component = std::make_unique<logkv_component>();
    component->stores = std::move(made).value();
    component->host = host;
    host->components.fetch_add(1);
    *component_out = component.release();
    return LOGKV_OK;
  });
}

void logkv_component_free(logkv_component* component) {
  if (component == nullptr) return;
  logkv_host* host = component->host;
  // The instance's handles close in ComponentStores' destructor, before the host hears of it.
  std::unique_ptr<logkv_component> owned(component);
  owned.reset();
  if (host != nullptr) host->components.fetch_sub(1);
}

logkv_status logkv_host_close(logkv_host* host, char** errmsg) {
  return guarded(errmsg, [&]() -> logkv_status {
    if (host == nullptr) return LOGKV_OK;
    if (const size_t live = host->components.load(); live != 0) {
      return fail(LOGKV_INVALID_ARGUMENT,
                  "logkv_host_close: " + std::to_string(live) +
                      " component instance(s) of this host are not freed; free them with "
                      "logkv_component_free first (the host stays open)",
                  errmsg);
    }
    std::unique_ptr<logkv_host> owned(host);
    return LOGKV_OK;
  });
}

logkv_status logkv_component_open(logkv_component* component, const char* label,
                                  logkv_store_handle* handle_out, char** errmsg) {
  return guarded(errmsg, [&]() -> logkv_status {
    if (component == nullptr || component->stores == nullptr || label == nullptr ||
        handle_out == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT,
                  "logkv_component_open: component, label and handle_out must not be NULL", errmsg);
    }
    logkv::Result<logkv::StoreHandle> opened = component->stores->open(label);
    if (!opened.is_ok()) return fail(opened.status(), errmsg);
    static_assert(sizeof(logkv_store_handle) == sizeof(logkv::StoreHandle));
    *handle_out = *opened;
    return LOGKV_OK;
  });
}

logkv_status logkv_component_close(logkv_component* component, logkv_store_handle handle,
                                   char** errmsg) {
  return guarded(errmsg, [&]() -> logkv_status {
    if (component == nullptr || component->stores == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT, "logkv_component_close: the component is NULL", errmsg);
    }
    logkv::Status status = component->stores->close(handle);
    return status.is_ok() ? LOGKV_OK : fail(status, errmsg);
  });
}

logkv_status logkv_component_get(logkv_component* component, logkv_store_handle handle,
                                 const char* key, size_t key_len, char** value_out,
                                 size_t* value_len_out, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_get";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_get(store, kFunction, key, key_len, value_out, value_len_out,
                                   errmsg);
  });
}

logkv_status logkv_component_set(logkv_component* component, logkv_store_handle handle,
                                 const char* key, size_t key_len, const char* value,
                                 size_t value_len, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_set";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_set(store, kFunction, key, key_len, value, value_len, errmsg);
  });
}

logkv_status logkv_component_delete(logkv_component* component, logkv_store_handle handle,
                                    const char* key, size_t key_len, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_delete";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_delete(store, kFunction, key, key_len, errmsg);
  });
}

logkv_status logkv_component_exists(logkv_component* component, logkv_store_handle handle,
                                    const char* key, size_t key_len, int* exists_out,
                                    char** errmsg) {
  constexpr const char* kFunction = "logkv_component_exists";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_exists(store, kFunction, key, key_len, exists_out, errmsg);
  });
}

logkv_status logkv_component_keys(logkv_component* component, logkv_store_handle handle,
                                  char*** keys_out, size_t** key_lens_out, size_t* count_out,
                                  char** errmsg) {
  constexpr const char* kFunction = "logkv_component_keys";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_keys(store, kFunction, keys_out, key_lens_out, count_out, errmsg);
  });
}

logkv_status logkv_component_list_keys(logkv_component* component, logkv_store_handle handle,
                                       const char* cursor, size_t limit, const char* prefix,
                                       size_t prefix_len, char*** keys_out, size_t** key_lens_out,
                                       size_t* count_out, char** next_cursor_out, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_list_keys";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_list_keys(store, kFunction, cursor, limit, prefix, prefix_len,
                                         keys_out, key_lens_out, count_out, next_cursor_out,
                                         errmsg);
  });
}

logkv_status logkv_component_get_many(logkv_component* component, logkv_store_handle handle,
                                      const char* const* keys, const size_t* key_lens, size_t count,
                                      char*** values_out, size_t** value_lens_out, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_get_many";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_get_many(store, kFunction, keys, key_lens, count, values_out,
                                        value_lens_out, errmsg);
  });
}

logkv_status logkv_component_set_many(logkv_component* component, logkv_store_handle handle,
                                      const char* const* keys, const size_t* key_lens,
                                      const char* const* values, const size_t* value_lens,
                                      size_t count, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_set_many";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_set_many(store, kFunction, keys, key_lens, values, value_lens, count,
                                        errmsg);
  });
}

logkv_status logkv_component_delete_many(logkv_component* component, logkv_store_handle handle,
                                         const char* const* keys, const size_t* key_lens,
                                         size_t count, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_delete_many";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_delete_many(store, kFunction, keys, key_lens, count, errmsg);
  });
}

logkv_status logkv_component_increment(logkv_component* component, logkv_store_handle handle,
                                       const char* key, size_t key_len, int64_t delta,
                                       int64_t* value_out, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_increment";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_increment(store, kFunction, key, key_len, delta, value_out, errmsg);
  });
}

logkv_status logkv_component_cas_begin(logkv_component* component, logkv_store_handle handle,
                                       const char* key, size_t key_len, logkv_cas** cas_out,
                                       char** errmsg) {
  constexpr const char* kFunction = "logkv_component_cas_begin";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_cas_begin(store, kFunction, key, key_len, cas_out, errmsg);
  });
}

logkv_status logkv_component_cas_swap(logkv_component* component, logkv_store_handle handle,
                                      logkv_cas* cas, const char* value, size_t value_len,
                                      int* swapped_out, char** errmsg) {
  constexpr const char* kFunction = "logkv_component_cas_swap";
  return with_component_store(component, handle, kFunction, errmsg, [&](logkv::Store& store) {
    return logkv::c_api::store_cas_swap(store, kFunction, cas, value, value_len, swapped_out,
                                        errmsg);
  });
}

}  // extern "C"
