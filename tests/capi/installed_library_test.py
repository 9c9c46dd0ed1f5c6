#!/usr/bin/env python3
"""Installs logkv into a temporary folder and builds a C program against it with pkg-config,
as an embedder would: once with the shared library, once with the static one.

Usage: installed_library_test.py --build-dir DIR --source-dir DIR --demo FILE.c
                                 [--meson PROGRAM] [--sanitized] -- CC [CC_ARGS...]

Steps, each a check:
  1. `meson install --destdir` of the build into a temporary folder (nothing is rebuilt);
  2. every header of include/logkv/ is installed, and logkv.pc;
  3. `cc demo.c $(pkg-config --cflags --libs logkv)` links against liblogkv.so, the binary
     needs liblogkv.so.0 (the SONAME), runs with LD_LIBRARY_PATH and prints what it should;
  4. `cc demo.c $(pkg-config --static --cflags --libs logkv)` with liblogkv.a in place of
     -llogkv (the linker would take the .so otherwise) links, which needs logkv.pc's
     Libs.private (-lstdc++ ...), does not need liblogkv.so, and runs without LD_LIBRARY_PATH.
pkg-config finds the installed logkv.pc through PKG_CONFIG_PATH; PKG_CONFIG_SYSROOT_DIR maps its
/usr/local paths into the temporary folder.

Exit status 0 when every check passes, 1 otherwise, 77 (skipped) for a sanitizer build (its
libraries need the sanitizer runtime, which a plain `cc` does not link) or without pkg-config.
"""
import argparse
import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

# What examples/c_api_demo.c prints when every step did what the API promises.
EXPECTED_LINES = [
    "set greeting (12 bytes)",
    "get greeting -> 12 bytes, same bytes",
    "keys: 1",
    "after delete, exists greeting -> false",
]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"ok: {what}")
        else:
            self.failed += 1
            print(f"FAILED: {what}" + (f"\n{detail}" if detail else ""))
        return ok


def run(command, env=None, cwd=None):
    print("$ " + " ".join(shlex.quote(part) for part in command))
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)


def needed_libraries(binary):
    dynamic = run(["readelf", "-d", binary]).stdout
    return [line.split("[")[1].rstrip("]") for line in dynamic.splitlines() if "(NEEDED)" in line]


def demo_output_ok(result):
    lines = result.stdout.splitlines()
    return result.returncode == 0 and all(line in lines for line in EXPECTED_LINES)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--demo", required=True)
    parser.add_argument("--meson", default="meson")
    parser.add_argument("--sanitized", action="store_true")
    parser.add_argument("cc", nargs="+", help="the C compiler command, after --")
    args = parser.parse_args()
    if args.sanitized:
        print("skipped: a sanitizer build's libraries need the sanitizer runtime")
        return 77
    for tool in ("pkg-config", "readelf"):
        if shutil.which(tool) is None:
            print(f"skipped: {tool} is not installed")
            return 77

    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="logkv-install-") as temp:
        destdir = os.path.join(temp, "root")
        installed = run([args.meson, "install", "-C", args.build_dir, "--no-rebuild", "--quiet",
                         "--destdir", destdir])
        if not checks.check(installed.returncode == 0, "meson install --destdir",
                            installed.stdout + installed.stderr):
            return finish(checks)

        pc_files = glob.glob(os.path.join(destdir, "**", "pkgconfig", "logkv.pc"), recursive=True)
        if not checks.check(len(pc_files) == 1, "logkv.pc is installed", str(pc_files)):
            return finish(checks)
        with open(pc_files[0], encoding="utf-8") as pc:
            print(pc.read())
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc_files[0]),
                   PKG_CONFIG_SYSROOT_DIR=destdir)
        env.pop("LD_LIBRARY_PATH", None)

        def pkg_config(*options):
            result = run(["pkg-config", *options, "logkv"], env=env)
            checks.check(result.returncode == 0, f"pkg-config {' '.join(options)} logkv",
                         result.stderr)
            return result.stdout.strip()

        includedir = destdir + run(["pkg-config", "--variable=includedir", "logkv"],
                                   env=dict(env, PKG_CONFIG_SYSROOT_DIR="")).stdout.strip()
        libdir = destdir + run(["pkg-config", "--variable=libdir", "logkv"],
                               env=dict(env, PKG_CONFIG_SYSROOT_DIR="")).stdout.strip()
        public = sorted(os.listdir(os.path.join(args.source_dir, "include", "logkv")))
        missing = [h for h in public
                   if not os.path.isfile(os.path.join(includedir, "logkv", h))]
        checks.check(not missing, f"the {len(public)} public headers are installed in "
                     f"{includedir}/logkv", f"missing: {missing}")

        # Shared: the default pkg-config line.
        shared_flags = shlex.split(pkg_config("--cflags", "--libs"))
        shared_exe = os.path.join(temp, "demo_shared")
        built = run(args.cc + [args.demo, "-o", shared_exe] + shared_flags, env=env)
        if checks.check(built.returncode == 0, "a C program links against liblogkv.so",
                        built.stderr):
            needed = needed_libraries(shared_exe)
            checks.check("liblogkv.so.0" in needed, "it needs liblogkv.so.0 (the SONAME)",
                         f"NEEDED: {needed}")
            ran = run([shared_exe], env=dict(env, LD_LIBRARY_PATH=libdir), cwd=temp)
            checks.check(demo_output_ok(ran), "it runs with LD_LIBRARY_PATH",
                         ran.stdout + ran.stderr)

        # Static: --static adds Libs.private and Requires.private; liblogkv.a by its file name.
        static_flags = ["-l:liblogkv.a" if flag == "-llogkv" else flag
                        for flag in shlex.split(pkg_config("--static", "--cflags", "--libs"))]
        checks.check("-l:liblogkv.a" in static_flags, "pkg-config --static names -llogkv",
                     str(static_flags))
        static_exe = os.path.join(temp, "demo_static")
        built = run(args.cc + [args.demo, "-o", static_exe] + static_flags, env=env)
        if checks.check(built.returncode == 0,
                        "a C program links against liblogkv.a with pkg-config --static",
                        built.stderr):
            needed = needed_libraries(static_exe)
            checks.check(not any(n.startswith("liblogkv") for n in needed),
                         "it does not need liblogkv.so", f"NEEDED: {needed}")
            ran = run([static_exe], env=env, cwd=temp)
            checks.check(demo_output_ok(ran), "it runs without LD_LIBRARY_PATH",
                         ran.stdout + ran.stderr)
    return finish(checks)


def finish(checks):
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
