/* The logkv C API from C: open a store, set, get, check, list and delete keys, close.
 *
 *   c_api_demo            uses an in-memory store (nothing is written to disk)
 *   c_api_demo FOLDER     uses (and creates) the store in FOLDER
 *
 * Every call returns a logkv_status; on failure the message in `error` says what went wrong and
 * must be freed with logkv_free. Exits 0 when every step did what the API promises, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "logkv/logkv.h"

static int report(const char* step, logkv_status status, char* error) {
  fprintf(stderr, "c_api_demo: %s failed (%s): %s\n", step, logkv_status_name(status),
          error != NULL ? error : "no message");
  logkv_free(error);
  return 1;
}

/* Sets, reads back and removes one key; returns 0 when all behaved as documented. */
static int exercise(logkv_store* store) {
  char* error = NULL;
  const char key[] = "greeting";
  const char value[] = "hello\0from C"; /* values are bytes: the NUL is kept */
  const size_t value_len = sizeof(value) - 1;

  logkv_status status = logkv_set(store, key, strlen(key), value, value_len, &error);
  if (status != LOGKV_OK) return report("logkv_set", status, error);
  printf("set %s (%zu bytes)\n", key, value_len);

  char* read = NULL;
  size_t read_len = 0;
  status = logkv_get(store, key, strlen(key), &read, &read_len, &error);
  if (status != LOGKV_OK) return report("logkv_get", status, error);
  const int same = read != NULL && read_len == value_len && memcmp(read, value, value_len) == 0;
  printf("get %s -> %zu bytes, %s\n", key, read_len, same ? "same bytes" : "DIFFERENT bytes");
  logkv_free(read);
  if (!same) return 1;

  char** keys = NULL;
  size_t* key_lens = NULL;
  size_t count = 0;
  status = logkv_keys(store, &keys, &key_lens, &count, &error);
  if (status != LOGKV_OK) return report("logkv_keys", status, error);
  printf("keys: %zu\n", count);
  for (size_t i = 0; i < count; ++i) printf("  %.*s\n", (int)key_lens[i], keys[i]);
  logkv_free_keys(keys, key_lens, count);

  status = logkv_delete(store, key, strlen(key), &error);
  if (status != LOGKV_OK) return report("logkv_delete", status, error);
  int exists = 1;
  status = logkv_exists(store, key, strlen(key), &exists, &error);
  if (status != LOGKV_OK) return report("logkv_exists", status, error);
  printf("after delete, exists %s -> %s\n", key, exists ? "true" : "false");
  return exists ? 1 : 0;
}

int main(int argc, char** argv) {
  logkv_options options;
  logkv_options_init(&options);
  const char* path = "c_api_demo";
  if (argc > 1) {
    path = argv[1];
  } else {
    options.in_memory = 1;
  }

  logkv_store* store = NULL;
  char* error = NULL;
  logkv_status status = logkv_open(path, &options, &store, &error);
  if (status != LOGKV_OK) return report("logkv_open", status, error);

  int failed = exercise(store);
  status = logkv_close(store, &error); /* frees the handle even when it fails */
  if (status != LOGKV_OK) failed = report("logkv_close", status, error);
  return failed;
}
