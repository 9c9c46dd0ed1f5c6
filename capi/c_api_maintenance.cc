// The C API's maintenance calls (logkv/logkv.h): counters and compaction. Conventions and
// helpers are those of c_api.cc (see c_api_support.h).
#include "capi/c_api_support.h"
#include "logkv/logkv.h"
#include "logkv/status.h"
#include "logkv/store.h"

namespace {

using logkv::c_api::fail;
using logkv::c_api::with_store;

}  // namespace

extern "C" {

logkv_status logkv_get_stats(logkv_store* store, logkv_stats* stats_out, char** errmsg) {
  return with_store(store, "logkv_get_stats", errmsg, [&](logkv::Store& opened) {
    if (stats_out == nullptr) {
      return fail(LOGKV_INVALID_ARGUMENT, "logkv_get_stats: stats_out must not be NULL", errmsg);
    }
    const logkv::StoreStats stats = opened.stats();
    logkv_stats out{};
    out.keys = stats.keys;
    out.segments = stats.segments;
    out.disk_bytes = stats.disk_bytes;
    out.live_bytes = stats.live_bytes;
    out.dead_bytes = stats.dead_bytes;
    out.index_bytes = stats.index_bytes;
    out.last_sequence = stats.last_sequence;
    out.torn_bytes_dropped = stats.torn_bytes_dropped;
    out.user_bytes_written = stats.user_bytes_written;
    out.compactions = stats.compactions;
    out.compaction_bytes_written = stats.compaction_bytes_written;
    out.compaction_failures = stats.compaction_failures;
    out.last_compaction_unix_ms = stats.last_compaction_unix_ms;
    out.hint_files_loaded = stats.hint_files_loaded;
    out.hint_files_rejected = stats.hint_files_rejected;
    out.hint_file_bytes = stats.hint_file_bytes;
    *stats_out = out;
    return LOGKV_OK;
  });
}

logkv_status logkv_compact(logkv_store* store, char** errmsg) {
  return with_store(store, "logkv_compact", errmsg, [&](logkv::Store& opened) {
    if (logkv::Status status = opened.compact(); !status.is_ok()) {
      return fail(status, errmsg);
    }
    return LOGKV_OK;
  });
}

}  // extern "C"
