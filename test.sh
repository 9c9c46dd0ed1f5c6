#!/usr/bin/env bash
# Installs what logkv needs, builds it with Meson and runs the test suites in up to three passes,
# then prints one line "N passed, N failed" counting the individual test cases of every pass.
#
#   ./test.sh               the default tier (what CI runs), three passes:
#                             1. build-test: warnings are errors; every suite
#                             2. build-test-asan: AddressSanitizer + UBSan; every suite but bench
#                             3. build-test-tsan: ThreadSanitizer; the concurrency suites
#                                (engine, fs, index)
#   ./test.sh --fast        pass 1 only
#   ./test.sh --extended    all three passes with the crash, kill, corruption and I/O-error
#                           counts raised (LOGKV_CRASH_POINTS etc., see docs/TESTING.md; values
#                           already in the environment win), plus, when clang++ is installed,
#                           every libFuzzer target for LOGKV_FUZZ_SECONDS (build-test-fuzz)
#   ./test.sh --suite S     only suite S (fs, wal, index, engine, tools, crash, fuzz, bench...),
#                           in each pass that runs it; may be repeated
#
# LOGKV_BUILD_PREFIX renames the build folders (default build-test: build-test, build-test-asan,
# build-test-tsan, build-test-fuzz), so that several people can run the script in one tree.
set -euo pipefail
cd "$(dirname "$0")"

tier=default
suites=()
while (($#)); do
  case "$1" in
    --fast) tier=fast; shift ;;
    --extended) tier=extended; shift ;;
    --suite) suites+=("$2"); shift 2 ;;
    *) echo "test.sh: unknown argument '$1' (expected --fast, --extended or --suite NAME)" >&2
       exit 2 ;;
  esac
done

if [[ $tier == extended ]]; then
  ./scripts/install_deps.sh --with-clang
else
  ./scripts/install_deps.sh
fi

# Long runs for the extended tier; the bounded defaults are in the tests themselves.
if [[ $tier == extended ]]; then
  export LOGKV_CRASH_POINTS="${LOGKV_CRASH_POINTS:-100000}"
  export LOGKV_CRASH_WORKLOADS="${LOGKV_CRASH_WORKLOADS:-20}"
  export LOGKV_GROUP_COMMIT_CRASHES="${LOGKV_GROUP_COMMIT_CRASHES:-2000}"
  export LOGKV_KILLS="${LOGKV_KILLS:-2000}"
  export LOGKV_CORRUPTION_POSITIONS="${LOGKV_CORRUPTION_POSITIONS:-20000}"
  export LOGKV_IO_ERROR_OPERATIONS="${LOGKV_IO_ERROR_OPERATIONS:-5000}"
  export LOGKV_FUZZ_SECONDS="${LOGKV_FUZZ_SECONDS:-600}"
  timeout_multiplier=30
else
  timeout_multiplier=1
fi
# Sanitizer reports fail the test that triggers them (UBSan only warns by default).
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-second_deadlock_stack=1}"

junit_files=()
status=0

# run_pass BUILD_DIR TIMEOUT_MULTIPLIER SETUP_OPTIONS... -- SUITE_SELECTION...
# Sets up (once) and builds BUILD_DIR, then runs the selected suites. An empty selection after
# filtering by --suite skips the pass.
run_pass() {
  local build=$1 multiplier=$2
  shift 2
  local setup=()
  while [[ $1 != -- ]]; do setup+=("$1"); shift; done
  shift
  local selection=("$@")
  if ((${#suites[@]})); then
    selection=()
    local suite allowed
    for suite in "${suites[@]}"; do
      allowed=$(pass_allows "$suite" "$@")
      if [[ -n $allowed ]]; then selection+=(--suite "$suite"); fi
    done
    ((${#selection[@]})) || return 0
  fi
  if [[ ! -f "$build/build.ninja" ]]; then
    meson setup "$build" --buildtype=debugoptimized "${setup[@]}"
  fi
  meson compile -C "$build"
  env "${pass_env[@]}" meson test -C "$build" --print-errorlogs --num-processes 2 \
    --timeout-multiplier "$multiplier" "${selection[@]}" || status=$?
  junit_files+=("$build/meson-logs/testlog.junit.xml")
}

# Prints suite "$1" if the pass whose selection is "$2..." runs it (an empty selection runs
# every suite; "--no-suite X" every suite but X).
pass_allows() {
  local suite=$1
  shift
  if (($# == 0)); then
    echo "$suite"
  elif [[ $1 == --no-suite ]]; then
    if [[ $suite != "$2" ]]; then echo "$suite"; fi
  else
    local arg
    for arg in "$@"; do
      if [[ $arg == "$suite" ]]; then echo "$suite"; fi
    done
  fi
  return 0
}

prefix="${LOGKV_BUILD_PREFIX:-build-test}"
pass_env=()
run_pass "$prefix" "$timeout_multiplier" -Dwerror=true --
if [[ $tier != fast ]]; then
  # Pass 1 reaches the CI figures (docs/TESTING.md); under the sanitizers the crash tests look
  # for memory errors and races on the same code paths, so smaller counts do.
  if [[ $tier == default ]]; then
    pass_env=(LOGKV_CRASH_POINTS=2000 LOGKV_CRASH_WORKLOADS=1 LOGKV_GROUP_COMMIT_CRASHES=50
              LOGKV_KILLS=80 LOGKV_IO_ERROR_OPERATIONS=600 LOGKV_CORRUPTION_POSITIONS=500)
  fi
  # Sanitized code runs several times slower: more time per test, and no benchmarks.
  run_pass "$prefix-asan" $((timeout_multiplier * 4)) \
    -Db_sanitize=address,undefined -Dbench=false -- --no-suite bench
  run_pass "$prefix-tsan" $((timeout_multiplier * 4)) \
    -Db_sanitize=thread -Dbench=false -- --suite engine --suite fs --suite index
fi
pass_env=()
if [[ $tier == extended ]] && command -v clang++ >/dev/null; then
  if [[ ! -f "$prefix-fuzz/build.ninja" ]]; then
    CXX=clang++ meson setup "$prefix-fuzz" --buildtype=debugoptimized -Dbench=false \
      -Dfuzzing=true
  fi
  meson configure "$prefix-fuzz" -Dfuzz_seconds="$LOGKV_FUZZ_SECONDS"
  run_pass "$prefix-fuzz" "$timeout_multiplier" -- --suite fuzz
fi

python3 scripts/count_test_cases.py "${junit_files[@]}"
exit "$status"
