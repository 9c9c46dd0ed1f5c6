#!/usr/bin/env python3
"""Checks that liblogkv.so exports exactly its public API, and nothing of its internals.

Usage: exported_symbols_test.py LIBLOGKV_SO PUBLIC_HEADER_DIR

The allowed set comes from the public headers (include/logkv/): the C functions logkv.h declares
with LOGKV_EXPORT, and the C++ classes and functions of namespace logkv marked LOGKV_EXPORT
(their members, vtables and type information included). Any other defined dynamic symbol fails
the test: logkv::StoreImpl, logkv::HashIndex, xxhash's XXH64, liburing's io_uring_*, an
instantiation of a standard template... Every C function of logkv.h (but those waiting for the
host, below) and the core C++ entry points must be exported too.

Exit status 0 when the exports are right, 1 otherwise, 77 (skipped) without nm or c++filt.
"""
import os
import re
import shutil
import subprocess
import sys

# Symbols the linker itself defines in some toolchains; not logkv's code.
LINKER_SYMBOLS = {"_init", "_fini", "_edata", "_end", "__bss_start"}


# C++ symbols that must be there: what every C++ embedder calls.
REQUIRED_CXX = [
    "logkv::Store::open(",
    "logkv::Status::to_string",
    "logkv::status_code_name(",
    "logkv::printable_key",
    "logkv::first_invalid_utf8_offset(",
]

# What a demangled name may start with before the entity it belongs to.
SPECIAL_PREFIXES = ("vtable for ", "typeinfo for ", "typeinfo name for ", "VTT for ",
                    "non-virtual thunk to ", "virtual thunk to ", "guard variable for ")


def marked_entities(header_dir):
    """Returns (C function names, C++ entity names) marked LOGKV_EXPORT in the headers."""
    c_functions, cxx_entities = set(), set()
    for name in sorted(os.listdir(header_dir)):
        if not name.endswith(".h") or name == "export.h":
            continue
        with open(os.path.join(header_dir, name), encoding="utf-8") as header:
            text = header.read()
        classes = re.findall(r"\bclass\s+(?:\[\[\w+\]\]\s*)?LOGKV_EXPORT\s+(\w+)", text)
        functions = re.findall(r"LOGKV_EXPORT\s+[^;{}()]*?\b(\w+)\s*\(", text)
        for function in functions:
            (c_functions if name == "logkv.h" else cxx_entities).add(function)
        cxx_entities.update(classes)
    return c_functions, cxx_entities


def exported_symbols(library):
    """Returns [(mangled, demangled)] of every defined dynamic symbol of `library`."""
    listing = subprocess.run(["nm", "-D", "--defined-only", "--format=posix", library],
                             check=True, capture_output=True, text=True).stdout
    names = [line.split()[0] for line in listing.splitlines() if line.strip()]
    demangled = subprocess.run(["c++filt"], input="\n".join(names) + "\n", check=True,
                               capture_output=True, text=True).stdout.splitlines()
    if len(demangled) != len(names):
        sys.exit("exported_symbols_test: c++filt returned a different number of lines")
    return list(zip(names, demangled))


def cxx_entity(demangled):
    """The first name inside namespace logkv that `demangled` belongs to, or None."""
    for prefix in SPECIAL_PREFIXES:
        if demangled.startswith(prefix):
            demangled = demangled[len(prefix):]
            break
    match = re.match(r"logkv::(\w+)", demangled)
    return match.group(1) if match else None


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    library, header_dir = argv[1], argv[2]
    for tool in ("nm", "c++filt"):
        if shutil.which(tool) is None:
            print(f"skipped: {tool} is not installed")
            return 77
    c_functions, cxx_entities = marked_entities(header_dir)
    symbols = exported_symbols(library)
    failures = []
    checks = 0
    for mangled, demangled in symbols:
        if mangled in LINKER_SYMBOLS:
            continue
        checks += 1
        if mangled.startswith("_Z"):
            entity = cxx_entity(demangled)
            if entity not in cxx_entities:
                failures.append(f"exported but not public C++ API: {demangled} ({mangled})")
        elif mangled not in c_functions:
            failures.append(f"exported but not a C function of logkv.h: {mangled}")

    exported = {mangled for mangled, _ in symbols}
    for function in sorted(c_functions):
        checks += 1
        if function not in exported:
            failures.append(f"logkv.h declares {function} but the library does not export it")
    demangled_all = [demangled for _, demangled in symbols]
    for required in REQUIRED_CXX:
        checks += 1
        if not any(d.startswith(required) for d in demangled_all):
            failures.append(f"the library does not export {required}...")

    for failure in failures:
        print(failure)
    print(f"{library}: {len(symbols)} exported symbols; public C++ entities: "
          f"{', '.join(sorted(cxx_entities))}")
    print(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
