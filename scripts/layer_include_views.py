#!/usr/bin/env python3
"""Makes the include folder of each layer of logkv, so that a wrong include fails the build.

Every internal header is included by its folder ("wal/record.h"). A layer's code is compiled
with only its own view on the include path: a folder of symbolic links to the source folders
it may use (itself and those below it) and to the public headers it may use. An include of a
higher folder is then "No such file or directory" from the compiler. The stack itself is drawn
in docs/DESIGN.md ("Layers"); this table is its one home in the build.

Usage: layer_include_views.py SOURCE_ROOT OUTPUT_FOLDER   (run by meson.build at setup)
"""
import os
import shutil
import sys

# Internal folders in stack order: each may include itself and those before it.
STACK = ["base", "fs", "wal", "index", "compaction", "engine", "redis", "host"]

# Public headers (include/logkv/) by the lowest layer that may include them. The C API's
# logkv.h is for capi/ and above only.
PUBLIC_FROM = {
    "export.h": "base",
    "status.h": "base",
    "key_text.h": "base",
    "options.h": "fs",
    "write_batch.h": "engine",
    "compare_and_swap.h": "engine",
    "key_page.h": "engine",
    "store.h": "engine",
    "log_records.h": "engine",
    "check.h": "engine",
    "backup.h": "engine",
    "repair.h": "engine",
    "value_view.h": "engine",
    "host.h": "host",
    "sqlite_migration.h": "host",
}

# Layers above the engine see only include/logkv/ (every public header) and their own folder.
PUBLIC_ONLY = ["capi", "tools", "examples"]


def link(target, name):
    os.symlink(target, name)


def write_header_check(source_root, output, layer):
    """One translation unit that includes every header of `layer`, compiled with the layer's
    view, so that a wrong include in a header no .cc of its own folder includes fails too."""
    folder = os.path.join(source_root, layer)
    headers = sorted(n for n in os.listdir(folder) if n.endswith(".h"))
    lines = [f'#include "{layer}/{h}"' for h in headers]
    if layer == "examples":
        lines = [f'#include "{h}"' for h in headers]
    text = ("// Made by scripts/layer_include_views.py: every header of " + layer +
            "/, compiled with its layer's include view.\n" + "\n".join(lines) + "\n")
    with open(os.path.join(output, layer + "_headers.cc"), "w") as out:
        out.write(text)


def make_view(source_root, view, folders, public_headers):
    os.makedirs(os.path.join(view, "logkv"))
    for folder in folders:
        link(os.path.join(source_root, folder), os.path.join(view, folder))
    for header in public_headers:
        link(os.path.join(source_root, "include", "logkv", header),
             os.path.join(view, "logkv", header))


def main():
    source_root, output = os.path.abspath(sys.argv[1]), sys.argv[2]
    shutil.rmtree(output, ignore_errors=True)
    public_dir = os.path.join(source_root, "include", "logkv")
    all_public = sorted(n for n in os.listdir(public_dir) if n.endswith(".h"))
    unknown = [n for n in all_public if n not in PUBLIC_FROM and n != "logkv.h"]
    if unknown:
        sys.exit(f"layer_include_views.py: public header(s) {unknown} have no layer in "
                 "PUBLIC_FROM; add them there")
    for depth, layer in enumerate(STACK):
        below = STACK[: depth + 1]
        headers = [h for h, lowest in PUBLIC_FROM.items() if lowest in below]
        make_view(source_root, os.path.join(output, layer), below, headers)
    for layer in PUBLIC_ONLY:
        make_view(source_root, os.path.join(output, layer), [layer], all_public)
    for layer in STACK + ["capi", "tools"]:
        write_header_check(source_root, output, layer)


if __name__ == "__main__":
    main()
