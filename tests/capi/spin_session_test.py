#!/usr/bin/env python3
"""A Spin-like session through the C API (logkv/logkv.h), from Python with ctypes, on the shared
library Meson built: what a host in another language sees, buffer ownership included.

Usage: spin_session_test.py LIBLOGKV_SO [--host] [--sanitized]

Part 1 (always): a plain store (logkv_open): set/get/exists/keys/delete, get_many with missing
keys, increment, compare-and-swap that succeeds and that fails, list_keys pages with cursors,
errors with messages, and a reopen that finds what was written.
Part 2 (with --host, or LOGKV_CAPI_HOST_TESTS=1 in the environment): the host calls
(logkv_host_*, logkv_component_*): the default store, access denied, no such store, store table
full, invalid store after close. It needs host/'s implementation of logkv/host.h; until that is
merged liblogkv.so lacks these functions and part 2 fails on the first one.

Prints one line per test and last "N passed, N failed"; exit status 0 when all passed, 1
otherwise, 77 (skipped) for a sanitizer build (python3 does not load the sanitizer runtime).
"""
import argparse
import ctypes
import os
import sys
import tempfile
import traceback
from ctypes import (POINTER, Structure, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32,
                    c_uint64, c_void_p)

# logkv_status values (logkv.h; they are ABI).
OK = 0
INVALID_ARGUMENT = 2
LIMIT_EXCEEDED = 3
STORE_TABLE_FULL = 9
NO_SUCH_STORE = 10
ACCESS_DENIED = 11
INVALID_STORE = 12


class Options(Structure):
    _fields_ = [("sync_mode", c_int), ("sync_interval_ms", c_uint32),
                ("key_bytes_max", c_uint64), ("value_bytes_max", c_uint64),
                ("keys_max", c_uint64), ("segment_bytes_max", c_uint64),
                ("create_if_missing", c_int), ("in_memory", c_int)]


class HostOptions(Structure):
    _fields_ = [("state_dir", c_char_p), ("store_table_capacity", c_size_t)]


class LogkvError(Exception):
    def __init__(self, status, message):
        super().__init__(f"status {status}: {message}")
        self.status = status
        self.message = message


STATUS = c_int
OUT_PTR = POINTER(c_void_p)  # char** / logkv_store** / logkv_cas**: freed by logkv's calls
OUT_ARRAY = POINTER(POINTER(c_void_p))  # char***
OUT_LENS = POINTER(POINTER(c_size_t))  # size_t**
KEYS = POINTER(c_char_p)  # const char* const*
LENS = POINTER(c_size_t)  # const size_t*


def declare(lib, name, restype, *argtypes):
    function = getattr(lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)


def bind_store_calls(lib):
    declare(lib, "logkv_options_init", None, POINTER(Options))
    declare(lib, "logkv_status_name", c_char_p, STATUS)
    declare(lib, "logkv_open", STATUS, c_char_p, POINTER(Options), OUT_PTR, OUT_PTR)
    declare(lib, "logkv_close", STATUS, c_void_p, OUT_PTR)
    declare(lib, "logkv_get", STATUS, c_void_p, c_char_p, c_size_t, OUT_PTR, POINTER(c_size_t),
            OUT_PTR)
    declare(lib, "logkv_set", STATUS, c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, OUT_PTR)
    declare(lib, "logkv_delete", STATUS, c_void_p, c_char_p, c_size_t, OUT_PTR)
    declare(lib, "logkv_exists", STATUS, c_void_p, c_char_p, c_size_t, POINTER(c_int), OUT_PTR)
    declare(lib, "logkv_keys", STATUS, c_void_p, OUT_ARRAY, OUT_LENS, POINTER(c_size_t), OUT_PTR)
    declare(lib, "logkv_get_many", STATUS, c_void_p, KEYS, LENS, c_size_t, OUT_ARRAY, OUT_LENS,
            OUT_PTR)
    declare(lib, "logkv_set_many", STATUS, c_void_p, KEYS, LENS, KEYS, LENS, c_size_t, OUT_PTR)
    declare(lib, "logkv_delete_many", STATUS, c_void_p, KEYS, LENS, c_size_t, OUT_PTR)
    declare(lib, "logkv_increment", STATUS, c_void_p, c_char_p, c_size_t, c_int64,
            POINTER(c_int64), OUT_PTR)
    declare(lib, "logkv_cas_begin", STATUS, c_void_p, c_char_p, c_size_t, OUT_PTR, OUT_PTR)
    declare(lib, "logkv_cas_current", c_int, c_void_p, OUT_PTR, POINTER(c_size_t))
    declare(lib, "logkv_cas_swap", STATUS, c_void_p, c_void_p, c_char_p, c_size_t,
            POINTER(c_int), OUT_PTR)
    declare(lib, "logkv_cas_free", None, c_void_p)
    declare(lib, "logkv_list_keys", STATUS, c_void_p, c_char_p, c_size_t, c_char_p, c_size_t,
            OUT_ARRAY, OUT_LENS, POINTER(c_size_t), OUT_PTR, OUT_PTR)
    declare(lib, "logkv_free", None, c_void_p)
    declare(lib, "logkv_free_keys", None, POINTER(c_void_p), POINTER(c_size_t), c_size_t)
    declare(lib, "logkv_free_values", None, POINTER(c_void_p), POINTER(c_size_t), c_size_t)


def bind_host_calls(lib):
    handle = c_uint32
    declare(lib, "logkv_host_options_init", None, POINTER(HostOptions))
    declare(lib, "logkv_host_open", STATUS, c_char_p, POINTER(HostOptions), OUT_PTR, OUT_PTR)
    declare(lib, "logkv_host_open_toml", STATUS, c_char_p, c_size_t, c_char_p,
            POINTER(HostOptions), OUT_PTR, OUT_PTR)
    declare(lib, "logkv_host_default_store_message", c_char_p, c_void_p)
    declare(lib, "logkv_host_instantiate", STATUS, c_void_p, KEYS, c_size_t, OUT_PTR, OUT_PTR)
    declare(lib, "logkv_component_free", None, c_void_p)
    declare(lib, "logkv_host_close", STATUS, c_void_p, OUT_PTR)
    declare(lib, "logkv_component_open", STATUS, c_void_p, c_char_p, POINTER(handle), OUT_PTR)
    declare(lib, "logkv_component_close", STATUS, c_void_p, handle, OUT_PTR)
    declare(lib, "logkv_component_get", STATUS, c_void_p, handle, c_char_p, c_size_t, OUT_PTR,
            POINTER(c_size_t), OUT_PTR)
    declare(lib, "logkv_component_set", STATUS, c_void_p, handle, c_char_p, c_size_t, c_char_p,
            c_size_t, OUT_PTR)
    declare(lib, "logkv_component_delete", STATUS, c_void_p, handle, c_char_p, c_size_t, OUT_PTR)
    declare(lib, "logkv_component_exists", STATUS, c_void_p, handle, c_char_p, c_size_t,
            POINTER(c_int), OUT_PTR)
    declare(lib, "logkv_component_keys", STATUS, c_void_p, handle, OUT_ARRAY, OUT_LENS,
            POINTER(c_size_t), OUT_PTR)
    declare(lib, "logkv_component_get_many", STATUS, c_void_p, handle, KEYS, LENS, c_size_t,
            OUT_ARRAY, OUT_LENS, OUT_PTR)
    declare(lib, "logkv_component_increment", STATUS, c_void_p, handle, c_char_p, c_size_t,
            c_int64, POINTER(c_int64), OUT_PTR)
    declare(lib, "logkv_component_cas_begin", STATUS, c_void_p, handle, c_char_p, c_size_t,
            OUT_PTR, OUT_PTR)
    declare(lib, "logkv_component_cas_swap", STATUS, c_void_p, handle, c_void_p, c_char_p,
            c_size_t, POINTER(c_int), OUT_PTR)
    declare(lib, "logkv_component_list_keys", STATUS, c_void_p, handle, c_char_p, c_size_t,
            c_char_p, c_size_t, OUT_ARRAY, OUT_LENS, POINTER(c_size_t), OUT_PTR, OUT_PTR)


class Api:
    """The C calls with Python values: raises LogkvError on a status other than LOGKV_OK, copies
    every returned buffer and frees it with the function logkv.h names."""

    def __init__(self, lib):
        self.lib = lib

    def call(self, name, *args):
        error = c_void_p()
        status = getattr(self.lib, name)(*args, byref(error))
        if status != OK:
            message = ctypes.string_at(error.value).decode() if error.value else ""
            self.lib.logkv_free(error)
            raise LogkvError(status, message)
        assert error.value is None, f"{name} returned LOGKV_OK with a message"

    def take_bytes(self, pointer, length):
        data = ctypes.string_at(pointer, length)
        self.lib.logkv_free(pointer)
        return data

    def take_list(self, array, lengths, count, free):
        """Copies an array from logkv_keys/_get_many/_list_keys (NULL entries become None)."""
        items = [None if array[i] is None else ctypes.string_at(array[i], lengths[i])
                 for i in range(count)]
        free(array, lengths, count)
        return items

    def options(self, **fields):
        options = Options()
        self.lib.logkv_options_init(byref(options))
        for name, value in fields.items():
            setattr(options, name, value)
        return options

    def open(self, path, **fields):
        store = c_void_p()
        self.call("logkv_open", path.encode(), byref(self.options(**fields)), byref(store))
        return store

    # Each store call below takes `target`: (name prefix, leading arguments), so that one method
    # serves logkv_get(store, ...) and logkv_component_get(component, handle, ...).
    def get(self, target, key):
        prefix, head = target
        value, length = c_void_p(), c_size_t()
        self.call(prefix + "get", *head, key, len(key), byref(value), byref(length))
        return None if value.value is None else self.take_bytes(value, length.value)

    def set(self, target, key, value):
        prefix, head = target
        self.call(prefix + "set", *head, key, len(key), value, len(value))

    def delete(self, target, key):
        prefix, head = target
        self.call(prefix + "delete", *head, key, len(key))

    def exists(self, target, key):
        prefix, head = target
        found = c_int(-1)
        self.call(prefix + "exists", *head, key, len(key), byref(found))
        return found.value

    def keys(self, target):
        prefix, head = target
        array, lengths, count = POINTER(c_void_p)(), POINTER(c_size_t)(), c_size_t()
        self.call(prefix + "keys", *head, byref(array), byref(lengths), byref(count))
        return self.take_list(array, lengths, count.value, self.lib.logkv_free_keys)

    def get_many(self, target, keys):
        prefix, head = target
        values, lengths = POINTER(c_void_p)(), POINTER(c_size_t)()
        self.call(prefix + "get_many", *head, (c_char_p * len(keys))(*keys),
                  (c_size_t * len(keys))(*map(len, keys)), len(keys), byref(values),
                  byref(lengths))
        return self.take_list(values, lengths, len(keys), self.lib.logkv_free_values)

    def increment(self, target, key, delta):
        prefix, head = target
        value = c_int64()
        self.call(prefix + "increment", *head, key, len(key), delta, byref(value))
        return value.value

    def cas_begin(self, target, key):
        prefix, head = target
        cas = c_void_p()
        self.call(prefix + "cas_begin", *head, key, len(key), byref(cas))
        return cas

    def cas_current(self, cas):
        value, length = c_void_p(), c_size_t()
        present = self.lib.logkv_cas_current(cas, byref(value), byref(length))
        return ctypes.string_at(value, length.value) if present else None  # owned by the token

    def cas_swap(self, target, cas, value):
        prefix, head = target
        swapped = c_int(-1)
        self.call(prefix + "cas_swap", *head, cas, value, len(value), byref(swapped))
        return swapped.value

    def list_keys(self, target, cursor, limit, key_prefix=b""):
        prefix, head = target
        array, lengths, count = POINTER(c_void_p)(), POINTER(c_size_t)(), c_size_t()
        next_cursor = c_void_p()
        self.call(prefix + "list_keys", *head, cursor, limit, key_prefix or None,
                  len(key_prefix), byref(array), byref(lengths), byref(count),
                  byref(next_cursor))
        keys = self.take_list(array, lengths, count.value, self.lib.logkv_free_keys)
        cursor_out = None
        if next_cursor.value is not None:
            cursor_out = ctypes.string_at(next_cursor.value)
            self.lib.logkv_free(next_cursor)
        return keys, cursor_out


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def expect_error(status, function, *args):
    try:
        function(*args)
    except LogkvError as error:
        expect(error.status == status,
               f"expected status {status}, got {error.status}: {error.message}")
        expect(error.message != "", "the error came without a message")
        return error
    raise AssertionError(f"expected status {status}, the call succeeded")


# ---- Part 1: a plain store ----

def store_tests(api, folder):
    path = os.path.join(folder, "plain-store")
    state = {"store": api.open(path)}

    def target():
        return ("logkv_", (state["store"],))

    def basics():
        api.set(target(), b"greeting", b"hello\0world")
        expect(api.get(target(), b"greeting") == b"hello\0world", "get returns the bytes set")
        expect(api.get(target(), b"missing") is None, "a missing key reads as None")
        expect(api.exists(target(), b"greeting") == 1, "exists after set")
        expect(api.exists(target(), b"missing") == 0, "not exists for a missing key")
        api.set(target(), b"empty", b"")
        expect(api.get(target(), b"empty") == b"", "an empty value is not a missing one")
        expect(sorted(api.keys(target())) == [b"empty", b"greeting"], "keys lists both")
        api.delete(target(), b"empty")
        api.delete(target(), b"never-there")
        expect(api.exists(target(), b"empty") == 0, "deleted")
        expect(api.keys(target()) == [b"greeting"], "keys after delete")

    def get_many_with_missing():
        api.set(target(), b"a", b"1")
        api.set(target(), b"b", b"2")
        values = api.get_many(target(), [b"a", b"nope", b"b", b"also-nope"])
        expect(values == [b"1", None, b"2", None], f"get_many in order, None if missing: {values}")
        expect(api.get_many(target(), []) == [], "get_many of nothing")

    def increment():
        expect(api.increment(target(), b"counter", 5) == 5, "a missing counter starts at 0")
        expect(api.increment(target(), b"counter", -7) == -2, "negative deltas")
        expect(api.get(target(), b"counter") == (-2).to_bytes(8, "little", signed=True),
               "stored as 8 bytes little-endian")
        expect_error(INVALID_ARGUMENT, api.increment, target(), b"greeting", 1)

    def compare_and_swap():
        api.set(target(), b"cas", b"v1")
        cas = api.cas_begin(target(), b"cas")
        try:
            expect(api.cas_current(cas) == b"v1", "the token holds the value read")
            expect(api.cas_swap(target(), cas, b"v2") == 1, "an unchanged key swaps")
            expect(api.get(target(), b"cas") == b"v2", "the swap wrote")
            api.set(target(), b"cas", b"other writer")  # the token's version is now stale
            expect(api.cas_swap(target(), cas, b"v3") == 0, "a changed key does not swap")
            expect(api.get(target(), b"cas") == b"other writer", "nothing written on failure")
            expect(api.cas_current(cas) == b"other writer", "the token got the current value")
            expect(api.cas_swap(target(), cas, b"v3") == 1, "the refreshed token swaps")
        finally:
            api.lib.logkv_cas_free(cas)
        absent = api.cas_begin(target(), b"cas-absent")
        try:
            expect(api.cas_current(absent) is None, "a token of an absent key holds nothing")
            expect(api.cas_swap(target(), absent, b"created") == 1, "swap creates an absent key")
        finally:
            api.lib.logkv_cas_free(absent)

    def list_keys_pages():
        for i in range(25):
            api.set(target(), b"page/%02d" % i, b"x")
        seen, cursor, pages = [], None, 0
        while True:
            keys, cursor = api.list_keys(target(), cursor, 10, b"page/")
            seen += keys
            pages += 1
            expect(pages <= 3, "paging ends")
            if cursor is None:
                break
        expect(pages == 3, f"25 keys in pages of 10 take 3 pages, took {pages}")
        expect(seen == [b"page/%02d" % i for i in range(25)], "every key once, in byte order")
        expect_error(INVALID_ARGUMENT, api.list_keys, target(), b"not-a-cursor", 10)
        expect_error(INVALID_ARGUMENT, api.list_keys, target(), None, 0)

    def errors_carry_messages():
        error = expect_error(INVALID_ARGUMENT, api.set, target(), b"\xff\xfe", b"v")
        expect("UTF-8" in error.message, f"the message names the rule: {error.message}")
        error = expect_error(LIMIT_EXCEEDED, api.set, target(), b"k" * 300, b"v")
        expect("key_bytes_max" in error.message, f"names the limit: {error.message}")
        expect(api.lib.logkv_status_name(ACCESS_DENIED) == b"access denied",
               "Spin's codes have names")

    def reopen_keeps_everything():
        api.call("logkv_close", state["store"])
        state["store"] = api.open(path, create_if_missing=0)
        expect(api.get(target(), b"greeting") == b"hello\0world", "durable across close")
        expect(api.get(target(), b"cas") == b"v3", "the swapped value is durable")
        expect(api.increment(target(), b"counter", 2) == 0, "the counter is durable")

    tests = [basics, get_many_with_missing, increment, compare_and_swap, list_keys_pages,
             errors_carry_messages, reopen_keeps_everything]
    return tests, lambda: api.call("logkv_close", state["store"])


# ---- Part 2: the host ----

HOST_CONFIG = b"""
[key_value_store.cache]
type = "spin"
path = "cache-store"
"""


def host_tests(api, folder):
    lib = api.lib
    bind_host_calls(lib)
    options = HostOptions()
    lib.logkv_host_options_init(byref(options))
    expect(options.state_dir == b".spin" and options.store_table_capacity == 256,
           "the host defaults")
    options.state_dir = os.path.join(folder, "state").encode()
    options.store_table_capacity = 3
    host = c_void_p()
    api.call("logkv_host_open_toml", HOST_CONFIG, len(HOST_CONFIG), folder.encode(),
             byref(options), byref(host))
    components = []

    def instantiate(*labels):
        component = c_void_p()
        api.call("logkv_host_instantiate", host, (c_char_p * len(labels))(*labels), len(labels),
                 byref(component))
        components.append(component)
        return component

    def open_store(component, label):
        handle = c_uint32()
        api.call("logkv_component_open", component, label, byref(handle))
        expect(handle.value != 0, "0 is never a handle")
        return handle.value

    def default_store():
        message = lib.logkv_host_default_store_message(host).decode()
        expect(message.startswith("Storing default key-value data to"), message)
        expect(os.path.join("state", "logkv", "default") in message, message)
        component = instantiate(b"default", b"cache")
        handle = open_store(component, b"default")
        target = ("logkv_component_", (component, handle))
        api.set(target, b"k", b"v")
        expect(api.get(target, b"k") == b"v", "get through a handle")
        expect(api.exists(target, b"k") == 1, "exists through a handle")
        expect(api.get_many(target, [b"k", b"x"]) == [b"v", None], "get_many through a handle")
        expect(api.increment(target, b"n", 3) == 3, "increment through a handle")
        expect(api.list_keys(target, None, 10) == ([b"k", b"n"], None), "list_keys")
        cas = api.cas_begin(target, b"k")
        try:
            expect(api.cas_swap(target, cas, b"w") == 1, "cas through a handle")
        finally:
            lib.logkv_cas_free(cas)
        api.delete(target, b"n")
        expect(api.keys(target) == [b"k"], "keys through a handle")
        other = instantiate(b"default")
        expect(api.get(("logkv_component_", (other, open_store(other, b"default"))), b"k") ==
               b"w", "two instances share the store of a label")

    def access_denied():
        component = instantiate(b"default")
        error = expect_error(ACCESS_DENIED, open_store, component, b"cache")
        expect(lib.logkv_status_name(error.status) == b"access denied", error.message)

    def no_such_store():
        component = instantiate(b"default", b"not-configured")
        expect_error(NO_SUCH_STORE, open_store, component, b"not-configured")

    def store_table_full():
        component = instantiate(b"default", b"cache")
        handles = [open_store(component, label) for label in (b"default", b"cache", b"default")]
        expect(len(set(handles)) == 3, "each open is its own handle")
        expect_error(STORE_TABLE_FULL, open_store, component, b"cache")
        api.call("logkv_component_close", component, handles[0])
        open_store(component, b"cache")  # a closed handle frees its slot

    def invalid_store_after_close():
        component = instantiate(b"cache")
        handle = open_store(component, b"cache")
        target = ("logkv_component_", (component, handle))
        api.set(target, b"kept", b"1")
        api.call("logkv_component_close", component, handle)
        expect_error(INVALID_STORE, api.get, target, b"kept")
        expect_error(INVALID_STORE, api.set, target, b"kept", b"2")
        expect_error(INVALID_STORE, api.call, "logkv_component_close", component, handle)
        expect_error(INVALID_STORE, api.get, ("logkv_component_", (component, 999)), b"kept")
        reopened = ("logkv_component_", (component, open_store(component, b"cache")))
        expect(api.get(reopened, b"kept") == b"1", "the store kept what the closed handle wrote")

    def host_close_waits_for_components():
        expect_error(INVALID_ARGUMENT, api.call, "logkv_host_close", host)
        while components:
            lib.logkv_component_free(components.pop())
        api.call("logkv_host_close", host)
        host.value = None

    def cleanup():
        while components:
            lib.logkv_component_free(components.pop())
        if host.value is not None:
            api.call("logkv_host_close", host)

    tests = [default_store, access_denied, no_such_store, store_table_full,
             invalid_store_after_close, host_close_waits_for_components]
    return tests, cleanup


def run_part(name, make, api, folder, results):
    try:
        tests, cleanup = make(api, folder)
    except Exception:  # the part could not start: count it as one failure
        results.append((f"{name}: setup", traceback.format_exc()))
        return
    try:
        for test in tests:
            try:
                test()
                results.append((f"{name}: {test.__name__}", None))
            except Exception:
                results.append((f"{name}: {test.__name__}", traceback.format_exc()))
    finally:
        cleanup()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("library")
    parser.add_argument("--host", action="store_true",
                        help="also run part 2, the host calls (needs host/ merged)")
    parser.add_argument("--sanitized", action="store_true")
    args = parser.parse_args()
    if args.sanitized:
        print("skipped: python3 cannot load a sanitizer build's liblogkv.so")
        return 77
    run_host = args.host or os.environ.get("LOGKV_CAPI_HOST_TESTS") == "1"

    lib = ctypes.CDLL(os.path.abspath(args.library))
    bind_store_calls(lib)
    api = Api(lib)
    results = []
    with tempfile.TemporaryDirectory(prefix="logkv-ctypes-") as folder:
        run_part("store", store_tests, api, folder, results)
        if run_host:
            run_part("host", host_tests, api, folder, results)
    for name, failure in results:
        print(f"{'ok' if failure is None else 'FAILED'}: {name}")
        if failure is not None:
            print(failure)
    if not run_host:
        print("host part not run: pass --host or set LOGKV_CAPI_HOST_TESTS=1 (needs host/)")
    failed = sum(1 for _, failure in results if failure is not None)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
