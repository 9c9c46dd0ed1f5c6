/* logkv C API: the store for hosts written in C, Rust or any language with a C FFI.
 *
 * It wraps logkv::Store (logkv/store.h) one to one, and the Spin-style host (logkv/host.h):
 * stores by label, component instances, store handles. Conventions shared by every function:
 *
 * - Return value: a logkv_status. LOGKV_OK is 0; the other values mirror logkv::StatusCode and
 *   never change meaning (they are ABI).
 * - Keys and values are byte buffers with explicit lengths, so a value may hold NUL bytes.
 *   A NULL pointer is accepted only with length 0. Keys must be UTF-8 (LOGKV_INVALID_ARGUMENT
 *   otherwise) and within the store's limits (LOGKV_LIMIT_EXCEEDED).
 * - Errors: when `errmsg` is not NULL, *errmsg is set to NULL on success, or to a one-line,
 *   NUL-terminated message (what failed, on which key or file, what to do) that the caller
 *   frees with logkv_free. Its earlier value is overwritten, never freed. Outputs other than
 *   *errmsg are left unchanged when a call fails.
 * - Memory: the caller owns every buffer logkv returns; each comes from malloc and is released
 *   with logkv_free, or as a whole with logkv_free_keys (a key list) or logkv_free_values (the
 *   values of logkv_get_many). Objects are released by their own call: a logkv_store* by
 *   logkv_close, a logkv_value* by logkv_value_free, a logkv_cas* by logkv_cas_free, a logkv_host*
 * by logkv_host_close, a logkv_component* by logkv_component_free. The few `const char*` results
 * logkv keeps (logkv_status_name, logkv_cas_current, logkv_host_default_store_message) say how long
 * they live and are never freed by the caller. Inputs are borrowed for the call only.
 * - Failure: a failed call changes nothing that is stored. After a failed write or sync the
 *   store refuses further writes (LOGKV_WRITES_STOPPED) until it is closed and opened again.
 * - Thread-safety: one logkv_store* may be used from many threads at once, except that
 *   logkv_close must not run concurrently with (or before) any other call on the same handle.
 * - Durability: with LOGKV_SYNC_ALWAYS (the default) a write that returns LOGKV_OK is on stable
 *   storage; with LOGKV_SYNC_NEVER a power loss may take back recent writes.
 * - Process-safety: one process opens a store folder at a time; a second gets LOGKV_LOCKED
 *   with a message naming the holder's pid.
 */
#ifndef LOGKV_LOGKV_H_
#define LOGKV_LOGKV_H_

#include <stddef.h>
#include <stdint.h>

#include "logkv/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Mirrors logkv::StatusCode; see logkv/status.h for what each means and what to do. */
typedef enum logkv_status {
  LOGKV_OK = 0,
  LOGKV_NOT_FOUND = 1,        /* a store folder or file; a missing key is not an error */
  LOGKV_INVALID_ARGUMENT = 2, /* bad input (also a NULL pointer where one is required) */
  LOGKV_LIMIT_EXCEEDED = 3,   /* key or value too large, store full; nothing written */
  LOGKV_CORRUPTION = 4,
  LOGKV_IO_ERROR = 5,
  LOGKV_LOCKED = 6,
  LOGKV_WRITES_STOPPED = 7,
  LOGKV_NOT_SUPPORTED = 8,
  /* Spin's host errors, from the logkv_host_* and logkv_component_* calls (logkv/host.h): */
  LOGKV_STORE_TABLE_FULL = 9, /* the component instance holds store_table_capacity handles */
  LOGKV_NO_SUCH_STORE = 10,   /* the label is granted but no store is configured for it */
  LOGKV_ACCESS_DENIED = 11,   /* the label is not granted to the instance (configured or not) */
  LOGKV_INVALID_STORE = 12,   /* a store handle not open in this instance (closed, never issued) */
  /* Only from the C API: memory for a result could not be allocated. Nothing was changed,
   * except that a write that had already succeeded stays written (none returns a buffer). */
  LOGKV_OUT_OF_MEMORY = 64
} logkv_status;

typedef enum logkv_sync_mode {
  LOGKV_SYNC_ALWAYS = 0,  /* every write is fdatasync'ed before it returns */
  LOGKV_SYNC_NEVER = 1,   /* the operating system decides when data reaches the disk */
  LOGKV_SYNC_INTERVAL = 2 /* a background sync every sync_interval_ms; a power loss can lose
                           * the writes of the last interval, never half a batch */
} logkv_sync_mode;

/* Open-time settings; fill with logkv_options_init, then change what you need. */
typedef struct logkv_options {
  /* A logkv_sync_mode value. Held as an int so that any value a caller stores is well-defined
   * to read; logkv_open refuses one that is not a logkv_sync_mode. */
  int sync_mode;
  uint32_t sync_interval_ms;  /* LOGKV_SYNC_INTERVAL's period, default 100 */
  uint64_t key_bytes_max;     /* default 256 */
  uint64_t value_bytes_max;   /* default 1048576 */
  uint64_t keys_max;          /* default 1024 */
  uint64_t segment_bytes_max; /* default 64 MiB */
  int create_if_missing;      /* non-zero: create the folder (default 1) */
  int in_memory;              /* non-zero: keep nothing on disk (default 0) */
} logkv_options;

/* An open store. Opaque: only pointers to it exist outside logkv. */
typedef struct logkv_store logkv_store;

/* Fills *options with the defaults of logkv::Options. NULL is a no-op.
 * Thread-safe; touches no store and cannot fail. */
LOGKV_EXPORT void logkv_options_init(logkv_options* options);

/* A stable lower-case name for `status`, e.g. "limit exceeded"; "unknown" for a value that is
 * not a logkv_status. The string is static: do not free it. Thread-safe; cannot fail. */
LOGKV_EXPORT const char* logkv_status_name(logkv_status status);

/* Opens (and with create_if_missing creates) the store in folder `path` (NUL-terminated),
 * recovering it from its log. `options` may be NULL for the defaults. On LOGKV_OK, *store_out
 * is a handle to release with logkv_close.
 * Thread-safe (different threads may open different folders). Durability: recovery keeps
 * exactly the records that were durable; a torn tail is cut off. On failure *store_out is
 * unchanged, nothing stored is modified, and the lock is not held: LOGKV_LOCKED (another
 * opener, named in the message), LOGKV_NOT_FOUND (missing folder without create_if_missing),
 * LOGKV_CORRUPTION (damaged log, file and offset in the message), LOGKV_INVALID_ARGUMENT. */
LOGKV_EXPORT logkv_status logkv_open(const char* path, const logkv_options* options,
                                     logkv_store** store_out, char** errmsg);

/* Looks up `key`. On LOGKV_OK: if the key is stored, *value_out is a malloc'ed copy of its value
 * (non-NULL even for an empty value) and *value_len_out its length; if it is not stored,
 * *value_out is NULL and *value_len_out is 0. Free the value with logkv_free.
 * Thread-safe; sees every write that returned LOGKV_OK before it started. Reads only: on
 * failure (bad key, I/O error, LOGKV_OUT_OF_MEMORY) the outputs are unchanged. */
LOGKV_EXPORT logkv_status logkv_get(logkv_store* store, const char* key, size_t key_len,
                                    char** value_out, size_t* value_len_out, char** errmsg);

/* A value read without a copy (logkv_get_view); released with logkv_value_free. */
typedef struct logkv_value logkv_value;

/* As logkv_get, without copying the value: on LOGKV_OK, if the key is stored, *value_out is a
 * handle to release with logkv_value_free, and *data_out / *len_out point at the value's bytes
 * (non-NULL even for an empty value) in the store's memory mapping, read-only, valid until the
 * handle is freed: later writes, compaction and logkv_close do not change or unmap them (the
 * disk space of a segment compaction deleted is freed only when the last handle into it is, so
 * free handles promptly). If the key is not stored, *value_out and *data_out are NULL and
 * *len_out is 0. Checks the value as logkv_get does (logkv/store.h, Store::get: a large
 * value's checksum is verified on its first read after the store is opened, its key and version
 * on every read). A handle holds no lock; handles may be freed on any thread.
 * Thread-safe, like logkv_get. On failure the outputs are unchanged and nothing is allocated. */
LOGKV_EXPORT logkv_status logkv_get_view(logkv_store* store, const char* key, size_t key_len,
                                         logkv_value** value_out, const char** data_out,
                                         size_t* len_out, char** errmsg);

/* Releases a handle of logkv_get_view; its bytes must not be used afterwards. NULL is a no-op.
 * Cannot fail. */
LOGKV_EXPORT void logkv_value_free(logkv_value* value);

/* Stores `value` under `key`, replacing any older value.
 * Thread-safe; concurrent writers are serialised. Durable on LOGKV_OK with LOGKV_SYNC_ALWAYS.
 * On failure nothing is written: LOGKV_INVALID_ARGUMENT (key not UTF-8), LOGKV_LIMIT_EXCEEDED
 * (key or value too long, or a new key in a full store; the message names the limit), or
 * LOGKV_IO_ERROR / LOGKV_WRITES_STOPPED (reopen the store to recover). */
LOGKV_EXPORT logkv_status logkv_set(logkv_store* store, const char* key, size_t key_len,
                                    const char* value, size_t value_len, char** errmsg);

/* Removes `key`; LOGKV_OK also when the key was not stored (then nothing is written).
 * Thread-safe. Durable on LOGKV_OK with LOGKV_SYNC_ALWAYS. On failure the key is unchanged. */
LOGKV_EXPORT logkv_status logkv_delete(logkv_store* store, const char* key, size_t key_len,
                                       char** errmsg);

/* Sets *exists_out to 1 when `key` is stored, else 0, from the in-memory index: the value is
 * never read. Thread-safe; reads only. On failure *exists_out is unchanged. */
LOGKV_EXPORT logkv_status logkv_exists(logkv_store* store, const char* key, size_t key_len,
                                       int* exists_out, char** errmsg);

/* Lists every stored key, in no particular order. On LOGKV_OK, *keys_out is a malloc'ed array of
 * *count_out malloc'ed keys, each NUL-terminated for convenience; when key_lens_out is not NULL,
 * *key_lens_out is a malloc'ed array of their lengths (use it if keys may contain NUL). With no
 * keys, the arrays are NULL and *count_out is 0. Release everything with logkv_free_keys.
 * Thread-safe; reads only. On failure (including LOGKV_OUT_OF_MEMORY part way) nothing is
 * returned and nothing is left allocated. */
LOGKV_EXPORT logkv_status logkv_keys(logkv_store* store, char*** keys_out, size_t** key_lens_out,
                                     size_t* count_out, char** errmsg);

/* ---- Several keys at once ----
 * The key arrays below are `count` pointers with `count` lengths (keys[i] has key_lens[i] bytes);
 * both arrays may be NULL only when count is 0, and keys[i] may be NULL only when key_lens[i]
 * is 0. A result over the store's result cap (128 MiB, Options::result_bytes_max in C++) fails
 * with LOGKV_LIMIT_EXCEEDED and a message containing "query result exceeds limit". */

/* Looks up every key. On LOGKV_OK, *values_out is a malloc'ed array of `count` entries in
 * request order: a malloc'ed copy of the value (non-NULL even for an empty value), or NULL when
 * that key is not stored; when value_lens_out is not NULL, *value_lens_out is a malloc'ed array
 * of their lengths (0 for a missing key). With count 0 both arrays are NULL. Release everything
 * with logkv_free_values(values, value_lens, count).
 * Thread-safety: each key is read like logkv_get, on its own. Reads only: on failure (a bad key,
 * named in the message; the result cap; LOGKV_OUT_OF_MEMORY) nothing is returned. */
LOGKV_EXPORT logkv_status logkv_get_many(logkv_store* store, const char* const* keys,
                                         const size_t* key_lens, size_t count, char*** values_out,
                                         size_t** value_lens_out, char** errmsg);

/* Stores values[i] (value_lens[i] bytes) under keys[i] for every i, as one atomic batch: after
 * any crash all pairs are stored or none. A key given twice keeps its last value.
 * Thread-safety: as logkv_set. Durable on LOGKV_OK with LOGKV_SYNC_ALWAYS. On failure nothing is
 * written; a refusal names the offending key. */
LOGKV_EXPORT logkv_status logkv_set_many(logkv_store* store, const char* const* keys,
                                         const size_t* key_lens, const char* const* values,
                                         const size_t* value_lens, size_t count, char** errmsg);

/* Removes every key as one atomic batch; keys that are not stored are skipped.
 * Thread-safety: as logkv_delete. Durable on LOGKV_OK with LOGKV_SYNC_ALWAYS. On failure nothing
 * is removed. */
LOGKV_EXPORT logkv_status logkv_delete_many(logkv_store* store, const char* const* keys,
                                            const size_t* key_lens, size_t count, char** errmsg);

/* ---- Counters ---- */

/* Adds `delta` to the counter under `key` (a missing key counts as 0) and sets *value_out to
 * the new value. The counter is stored as 8 bytes, little-endian two's complement.
 * Thread-safety: atomic; concurrent increments never lose an update. Durable on LOGKV_OK with
 * LOGKV_SYNC_ALWAYS. On failure nothing is written and *value_out is unchanged:
 * LOGKV_INVALID_ARGUMENT when the stored value is not 8 bytes or the sum overflows int64_t,
 * LOGKV_LIMIT_EXCEEDED for a new key in a full store. */
LOGKV_EXPORT logkv_status logkv_increment(logkv_store* store, const char* key, size_t key_len,
                                          int64_t delta, int64_t* value_out, char** errmsg);

/* ---- Compare-and-swap ----
 * A logkv_cas remembers one key's value and version (every set or delete changes the version,
 * so A -> B -> A is detected). Typical use: logkv_cas_begin, compute from logkv_cas_current,
 * logkv_cas_swap; when it reports *swapped_out == 0, the token already holds the newer value:
 * compute again and swap again. */
typedef struct logkv_cas logkv_cas;

/* Reads `key` and returns a new token for it in *cas_out, to release with logkv_cas_free.
 * Thread-safety: reads only. On failure *cas_out is unchanged and nothing is allocated. */
LOGKV_EXPORT logkv_status logkv_cas_begin(logkv_store* store, const char* key, size_t key_len,
                                          logkv_cas** cas_out, char** errmsg);

/* The value the token holds: returns 1 and points *value_out / *value_len_out at it (owned by
 * the token, valid until the next logkv_cas_swap or logkv_cas_free of it), or returns 0 with
 * *value_out NULL and *value_len_out 0 when the key was absent (or `cas` is NULL). Either output
 * pointer may be NULL. A token may be used by one thread at a time. */
LOGKV_EXPORT int logkv_cas_current(const logkv_cas* cas, const char** value_out,
                                   size_t* value_len_out);

/* Writes `value` under the token's key only if no set or delete of the key was committed since
 * the token's value was read (for a token that saw the key absent: only if it is still absent).
 * On LOGKV_OK, *swapped_out is 1 if the value was written, 0 if the key had changed (nothing
 * written); either way the token now holds the key's current value and version.
 * Thread-safety: the check and the write are atomic with respect to every other write; one
 * token must not be used by two threads at once. Durable on LOGKV_OK with LOGKV_SYNC_ALWAYS. On
 * failure (bad value, full store, I/O error) nothing is written and the token is unchanged. */
LOGKV_EXPORT logkv_status logkv_cas_swap(logkv_store* store, logkv_cas* cas, const char* value,
                                         size_t value_len, int* swapped_out, char** errmsg);

/* Frees a token. NULL is a no-op. Cannot fail. */
LOGKV_EXPORT void logkv_cas_free(logkv_cas* cas);

/* ---- Paging through keys ---- */

/* One page of the keys that start with `prefix` (prefix_len bytes; NULL with 0 for all keys), in
 * byte order: at most `limit` (1 to 100000) keys after `cursor`, a NUL-terminated string from an
 * earlier call's *next_cursor_out, or NULL for the first page. Keys come back as in logkv_keys
 * (release with logkv_free_keys). *next_cursor_out is a malloc'ed cursor for the next page, or
 * NULL when no keys remain; free it with logkv_free.
 * Paging while the store changes returns every key present for the whole listing exactly once;
 * keys added or deleted meanwhile may or may not appear. Thread-safety: reads only; each page
 * scans the in-memory index once (O(n log limit)). On failure nothing is returned:
 * LOGKV_INVALID_ARGUMENT for a limit out of range or a cursor logkv did not issue,
 * LOGKV_LIMIT_EXCEEDED over the result cap. */
LOGKV_EXPORT logkv_status logkv_list_keys(logkv_store* store, const char* cursor, size_t limit,
                                          const char* prefix, size_t prefix_len, char*** keys_out,
                                          size_t** key_lens_out, size_t* count_out,
                                          char** next_cursor_out, char** errmsg);

/* ---- Maintenance ---- */

/* A snapshot of a store's counters (see logkv::StoreStats in logkv/store.h for each). Counters
 * named _written count since the store was opened. */
typedef struct logkv_stats {
  uint64_t keys;
  uint64_t segments;
  uint64_t disk_bytes; /* bytes in all segment files */
  uint64_t live_bytes; /* bytes of the newest record of each live key */
  uint64_t dead_bytes; /* disk_bytes - live_bytes: what compaction can reclaim */
  uint64_t index_bytes;
  uint64_t last_sequence;
  uint64_t torn_bytes_dropped;
  uint64_t user_bytes_written;
  uint64_t compactions;
  uint64_t compaction_bytes_written; /* write amplification: this / user_bytes_written */
  uint64_t compaction_failures;
  int64_t last_compaction_unix_ms; /* 0: none since open */
  uint64_t hint_files_loaded;
  uint64_t hint_files_rejected;
  uint64_t hint_file_bytes;
} logkv_stats;

/* Fills *stats_out. Thread-safety: reads only; the counters are read one by one, so a snapshot
 * taken during writes may mix moments. Fails only with LOGKV_INVALID_ARGUMENT for a NULL
 * argument (then *stats_out is unchanged). */
LOGKV_EXPORT logkv_status logkv_get_stats(logkv_store* store, logkv_stats* stats_out,
                                          char** errmsg);

/* Compacts the whole store now and returns when it is done: the live records of every segment
 * are copied into new segments, which are durable before the old ones are deleted; a crash at
 * any point leaves the store consistent. Thread-safety: may run while other threads read and
 * write (they wait at most for an index swap). On failure nothing stored is lost; the message
 * says what failed, and the store stays usable. */
LOGKV_EXPORT logkv_status logkv_compact(logkv_store* store, char** errmsg);

/* Syncs, releases the folder lock and frees the handle. NULL is a no-op returning LOGKV_OK.
 * Not thread-safe: no other call may use the handle during or after it. Every write that
 * returned LOGKV_OK stays durable. On failure (the message says what could not be synced or
 * closed) the handle is freed all the same and the lock released. */
LOGKV_EXPORT logkv_status logkv_close(logkv_store* store, char** errmsg);

/* ---- The Spin-style host (logkv/host.h, docs/HOST.md) ----
 * A host serves stores by label from a runtime config: `default` always (at
 * <state_dir>/logkv/default/, or in memory when state_dir is ""), and every
 * `[key_value_store.<label>]` table of the config. A component instance is made with the labels
 * granted to it and opens stores by label into its table of handles; every store call then names
 * (instance, handle). Spin's errors come back as LOGKV_STORE_TABLE_FULL, LOGKV_NO_SUCH_STORE,
 * LOGKV_ACCESS_DENIED and LOGKV_INVALID_STORE; any other code is Spin's `other(text)`, the text
 * being *errmsg.
 * Ownership: logkv_host_open* gives a logkv_host* released with logkv_host_close;
 * logkv_host_instantiate a logkv_component* released with logkv_component_free, which must be
 * before the host's close. Every other buffer follows the rules at the top of this file.
 * Thread-safety: a host and its component instances may be used from many threads at once,
 * except that logkv_component_free and logkv_host_close must not run concurrently with (or
 * before) another call on the same object. */
typedef struct logkv_host logkv_host;
typedef struct logkv_component logkv_component;

/* A store open in a component instance's table. 0 is never issued. Values are reused after
 * logkv_component_close, as Spin's resource handles are. */
typedef uint32_t logkv_store_handle;

/* Host settings; fill with logkv_host_options_init, then change what you need. */
typedef struct logkv_host_options {
  /* The state folder: the default store lives at <state_dir>/logkv/default/, and Spin's SQLite
   * database <state_dir>/sqlite_key_value.db is migrated from when found. "" keeps the default
   * store in memory and migrates nothing. NUL-terminated, borrowed: read during logkv_host_open*
   * only. Default ".spin" (a static string); NULL also means ".spin". */
  const char* state_dir;
  /* Most handles one component instance may hold open at once (default 256). */
  size_t store_table_capacity;
} logkv_host_options;

/* Fills *options with the defaults of logkv::HostOptions. NULL is a no-op. Cannot fail. */
LOGKV_EXPORT void logkv_host_options_init(logkv_host_options* options);

/* Opens a host for the runtime config file `config_path` (TOML, NUL-terminated; relative paths in
 * it resolve against its folder), or for no config (only the default store) when config_path is
 * NULL. `options` may be NULL for the defaults. On LOGKV_OK, *host_out is a handle to release with
 * logkv_host_close. Creates nothing until a store is opened, except a migration from Spin's
 * SQLite database (docs/HOST.md). On failure *host_out is unchanged: LOGKV_NOT_FOUND (no such
 * file), LOGKV_INVALID_ARGUMENT (malformed TOML, a bad label or value: line and key in the
 * message), LOGKV_NOT_SUPPORTED (a store type this build does not support). */
LOGKV_EXPORT logkv_status logkv_host_open(const char* config_path,
                                          const logkv_host_options* options, logkv_host** host_out,
                                          char** errmsg);

/* As logkv_host_open, for a runtime config held in memory: `toml` (toml_len bytes, borrowed for
 * the call). Relative paths resolve against `base_dir` (NUL-terminated; NULL means "."). */
LOGKV_EXPORT logkv_status logkv_host_open_toml(const char* toml, size_t toml_len,
                                               const char* base_dir,
                                               const logkv_host_options* options,
                                               logkv_host** host_out, char** errmsg);

/* The line Spin logs for the default store: `Storing default key-value data to "<path>"` (or
 * `... to memory`). NUL-terminated and owned by the host: valid until logkv_host_close, not to be
 * freed. NULL when `host` is NULL. Thread-safe. */
LOGKV_EXPORT const char* logkv_host_default_store_message(const logkv_host* host);

/* A new component instance granted the labels `labels[0..label_count)` (NUL-terminated strings,
 * borrowed for the call; `labels` may be NULL when label_count is 0). On LOGKV_OK, *component_out
 * is a handle to release with logkv_component_free. On failure *component_out is unchanged:
 * LOGKV_INVALID_ARGUMENT when a label breaks the label rule (the message states it). */
LOGKV_EXPORT logkv_status logkv_host_instantiate(logkv_host* host, const char* const* labels,
                                                 size_t label_count,
                                                 logkv_component** component_out, char** errmsg);

/* Closes every handle the instance holds and frees it. NULL is a no-op. Cannot fail. An on-disk
 * store closes when its last handle in any instance is gone; an in-memory one lives as long as
 * the host. */
LOGKV_EXPORT void logkv_component_free(logkv_component* component);

/* Frees the host. NULL is a no-op returning LOGKV_OK. Refused with LOGKV_INVALID_ARGUMENT, the
 * host left open and usable, while a component instance it made is not yet freed. */
LOGKV_EXPORT logkv_status logkv_host_close(logkv_host* host, char** errmsg);

/* Opens the store of `label` (NUL-terminated) in the instance's table and sets *handle_out.
 * On failure *handle_out is unchanged: LOGKV_ACCESS_DENIED (not granted), LOGKV_NO_SUCH_STORE
 * (granted, not configured), LOGKV_STORE_TABLE_FULL, or the store's own error when it cannot be
 * opened (e.g. LOGKV_LOCKED, LOGKV_CORRUPTION). */
LOGKV_EXPORT logkv_status logkv_component_open(logkv_component* component, const char* label,
                                               logkv_store_handle* handle_out, char** errmsg);

/* Closes a handle; LOGKV_INVALID_STORE when it is not open in this instance. A call running on
 * the handle in another thread finishes first on the store it started with. */
LOGKV_EXPORT logkv_status logkv_component_close(logkv_component* component,
                                                logkv_store_handle handle, char** errmsg);

/* The store calls on (instance, handle). Each behaves exactly as the logkv_store* call of the
 * same name above (logkv_get, logkv_set, ...): the same arguments, outputs, buffer ownership
 * (free with logkv_free, logkv_free_keys, logkv_free_values, logkv_cas_free), durability and
 * errors, plus LOGKV_INVALID_STORE for a handle not open in this instance and
 * LOGKV_INVALID_ARGUMENT for a NULL component. */
LOGKV_EXPORT logkv_status logkv_component_get(logkv_component* component, logkv_store_handle handle,
                                              const char* key, size_t key_len, char** value_out,
                                              size_t* value_len_out, char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_set(logkv_component* component, logkv_store_handle handle,
                                              const char* key, size_t key_len, const char* value,
                                              size_t value_len, char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_delete(logkv_component* component,
                                                 logkv_store_handle handle, const char* key,
                                                 size_t key_len, char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_exists(logkv_component* component,
                                                 logkv_store_handle handle, const char* key,
                                                 size_t key_len, int* exists_out, char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_keys(logkv_component* component,
                                               logkv_store_handle handle, char*** keys_out,
                                               size_t** key_lens_out, size_t* count_out,
                                               char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_list_keys(logkv_component* component,
                                                    logkv_store_handle handle, const char* cursor,
                                                    size_t limit, const char* prefix,
                                                    size_t prefix_len, char*** keys_out,
                                                    size_t** key_lens_out, size_t* count_out,
                                                    char** next_cursor_out, char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_get_many(logkv_component* component,
                                                   logkv_store_handle handle,
                                                   const char* const* keys, const size_t* key_lens,
                                                   size_t count, char*** values_out,
                                                   size_t** value_lens_out, char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_set_many(logkv_component* component,
                                                   logkv_store_handle handle,
                                                   const char* const* keys, const size_t* key_lens,
                                                   const char* const* values,
                                                   const size_t* value_lens, size_t count,
                                                   char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_delete_many(logkv_component* component,
                                                      logkv_store_handle handle,
                                                      const char* const* keys,
                                                      const size_t* key_lens, size_t count,
                                                      char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_increment(logkv_component* component,
                                                    logkv_store_handle handle, const char* key,
                                                    size_t key_len, int64_t delta,
                                                    int64_t* value_out, char** errmsg);
/* A token from logkv_component_cas_begin is a logkv_cas like any other (read it with
 * logkv_cas_current, free it with logkv_cas_free); swap it on the handle it was begun on. */
LOGKV_EXPORT logkv_status logkv_component_cas_begin(logkv_component* component,
                                                    logkv_store_handle handle, const char* key,
                                                    size_t key_len, logkv_cas** cas_out,
                                                    char** errmsg);
LOGKV_EXPORT logkv_status logkv_component_cas_swap(logkv_component* component,
                                                   logkv_store_handle handle, logkv_cas* cas,
                                                   const char* value, size_t value_len,
                                                   int* swapped_out, char** errmsg);

/* Frees a buffer returned by logkv (a value or an error message). NULL is a no-op.
 * Thread-safe; cannot fail. */
LOGKV_EXPORT void logkv_free(void* buffer);

/* Frees what logkv_keys returned (`count` as it returned it). `key_lens` may be NULL.
 * Thread-safe; cannot fail. */
LOGKV_EXPORT void logkv_free_keys(char** keys, size_t* key_lens, size_t count);

/* Frees what logkv_get_many returned (`count` as passed to it). `value_lens` may be NULL.
 * Thread-safe; cannot fail. */
LOGKV_EXPORT void logkv_free_values(char** values, size_t* value_lens, size_t count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOGKV_LOGKV_H_ */
