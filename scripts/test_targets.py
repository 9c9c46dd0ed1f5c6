"""Prints the Ninja targets that the tests of some suites need, one per line.

    test_targets.py BUILD_DIR [--suite S]... [--no-suite S]...

./test.sh builds only these in its sanitizer passes, which run a few suites each: compiling
every target with the sanitizers costs more than running their tests, and pass 1 has already
built everything. The selection reads as `meson test` reads it: with no --suite every suite is
chosen, then --no-suite removes suites. A suite is named as in the meson.build files (engine) or
with the project (logkv:engine). Each chosen test contributes the files of the targets it
depends on: its executable and whatever else Meson knows it runs (the `depends` that Meson
itself rebuilds before a test). Exits 1 when nothing is chosen or the build folder cannot be read.
"""
import argparse
import json
import os
import subprocess
import sys


def introspect(build_dir, what):
    out = subprocess.run(["meson", "introspect", build_dir, what], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def suite_names(test):
    """Both spellings of each suite of a test: logkv:engine and engine."""
    names = set()
    for suite in test["suite"]:
        names.add(suite)
        names.add(suite.split(":", 1)[-1])
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--suite", action="append", default=[])
    parser.add_argument("--no-suite", action="append", default=[])
    args = parser.parse_args()
    try:
        tests = introspect(args.build_dir, "--tests")
        targets = introspect(args.build_dir, "--targets")
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError) as error:
        print(f"test_targets.py: cannot read the tests of {args.build_dir}: {error}",
              file=sys.stderr)
        return 1
    files_of = {target["id"]: target["filename"] for target in targets}
    wanted = set()
    for test in tests:
        names = suite_names(test)
        if args.suite and not names & set(args.suite):
            continue
        if names & set(args.no_suite):
            continue
        for target_id in test["depends"]:
            wanted.update(files_of.get(target_id, []))
    if not wanted:
        print(f"test_targets.py: no test of {args.build_dir} is in the chosen suites",
              file=sys.stderr)
        return 1
    build_dir = os.path.realpath(args.build_dir)
    for path in sorted(wanted):
        print(os.path.relpath(os.path.realpath(path), build_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
