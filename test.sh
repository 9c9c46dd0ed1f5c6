#!/usr/bin/env bash
# Installs what logkv needs, builds it with Meson (warnings are errors) and runs every test
# suite. Ends with the line "N passed, N failed", counting individual test cases.
#
#   ./test.sh               the default tier (what CI runs)
#   ./test.sh --suite S     only suite S (fs, wal, index, engine, tools, bench)
set -euo pipefail
cd "$(dirname "$0")"

suite_args=()
while (($#)); do
  case "$1" in
    --suite) suite_args+=(--suite "$2"); shift 2 ;;
    *) echo "test.sh: unknown argument '$1' (expected --suite NAME)" >&2; exit 2 ;;
  esac
done

./scripts/install_deps.sh

build=build-test
if [[ ! -f "$build/build.ninja" ]]; then
  meson setup "$build" --buildtype=debugoptimized -Dwerror=true
fi
meson compile -C "$build"

status=0
meson test -C "$build" --print-errorlogs --num-processes 2 "${suite_args[@]}" || status=$?

python3 scripts/count_test_cases.py "$build/meson-logs/testlog.junit.xml"
exit "$status"
