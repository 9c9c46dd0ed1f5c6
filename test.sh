#!/usr/bin/env bash
# Installs what logkv needs, builds it with Meson and runs the test suites in up to four passes,
# then prints one line "N passed, N failed" counting the individual test cases of every pass.
# That line is always the last one, also when a build fails: a failed build counts as one failed
# case (its pass's tests are skipped, and the other passes still run). Skipped cases are named
# on the line before it. The exit status is non-zero when anything failed.
#
#   ./test.sh               the default tier (what CI runs), four passes:
#                             1. build-test: warnings are errors; every suite
#                             1b. the same build again, without rebuilding, with
#                                LOGKV_IO_BACKEND=io_uring: the suites whose stores use real
#                                files (engine, compaction, tools, crash) on the io_uring backend,
#                                while pass 1 used the default, pwrite (skipped, saying why, where
#                                io_uring is unusable)
#                             2. build-test-asan: AddressSanitizer + UBSan, unoptimised (-O0);
#                                every suite but bench
#                             3. build-test-tsan: ThreadSanitizer; the concurrency suites
#                                (engine, fs, index)
#   ./test.sh --fast        pass 1 only
#   ./test.sh --extended    all these passes with the crash, kill, corruption and I/O-error
#                           counts raised (LOGKV_CRASH_POINTS etc., see docs/TESTING.md; values
#                           already in the environment win), plus, when clang++ is installed,
#                           every libFuzzer target for LOGKV_FUZZ_SECONDS (build-test-fuzz)
#   ./test.sh --suite S     only suite S (base, fs, wal, index, compaction, engine, host, redis,
#                           migration, capi, tools, crash, fuzz, bench), in each pass that runs
#                           it; may be repeated. The redis suite (passes 1 and 2) starts its own
#                           redis-servers on 127.0.0.1 and skips, naming why, when none can start
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

# A failure here is not fatal: the builds say whether what is installed suffices, and the
# summary line still comes.
failed_steps=()
install_args=()
if [[ $tier == extended ]]; then install_args=(--with-clang); fi
if ! ./scripts/install_deps.sh "${install_args[@]}"; then
  echo "test.sh: installing the dependencies failed; building with what is installed" >&2
  failed_steps+=("installing the dependencies")
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
  export LOGKV_CHECK_FLIPS="${LOGKV_CHECK_FLIPS:-2000}"
  export LOGKV_CHECK_TRUNCATIONS="${LOGKV_CHECK_TRUNCATIONS:-300}"
  export LOGKV_REPAIR_FLIPS="${LOGKV_REPAIR_FLIPS:-300}"
  export LOGKV_REPAIR_TRUNCATIONS="${LOGKV_REPAIR_TRUNCATIONS:-150}"
  export LOGKV_SEGMENT_SET_ROUNDS="${LOGKV_SEGMENT_SET_ROUNDS:-240}"
  export LOGKV_MANIFEST_ROUNDS="${LOGKV_MANIFEST_ROUNDS:-1500}"
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

# Keeps only the suites of "$@" (a pass's selection, as for pass_allows) that --suite asked for,
# as --suite arguments, in the array named selection; leaves "$@" when --suite was not given.
# Returns 1 when --suite leaves nothing for this pass.
select_suites() {
  selection=("$@")
  if ((${#suites[@]})); then
    selection=()
    local suite
    for suite in "${suites[@]}"; do
      if [[ -n $(pass_allows "$suite" "$@") ]]; then selection+=(--suite "$suite"); fi
    done
    ((${#selection[@]})) || return 1
  fi
  return 0
}

# run_pass BUILD_DIR TIMEOUT_MULTIPLIER SETUP_OPTIONS... -- SUITE_SELECTION...
# Sets up (once) and builds BUILD_DIR, then runs the selected suites with the variables in
# pass_env. An empty selection after filtering by --suite skips the pass. A pass that names
# suites itself (the sanitizer passes) builds only what those suites' tests run
# (scripts/test_targets.py): the sanitizer builds cost more than their tests. Pass 1 names none
# and builds every target, also under --suite: pass 1b needs tests/fs/io_uring_usable, and every
# target is compiled with warnings as errors once. A failed setup or build is reported, counted
# as one failed case, and skips the pass's tests. Sets built=true when the build succeeded.
run_pass() {
  local build=$1 multiplier=$2
  shift 2
  local setup=()
  while [[ $1 != -- ]]; do setup+=("$1"); shift; done
  shift
  local selection
  built=false
  select_suites "$@" || return 0
  if [[ ! -f "$build/build.ninja" ]] &&
     ! meson setup "$build" --buildtype=debugoptimized "${setup[@]}"; then
    build_failed "$build"
    return 0
  fi
  local compile=(meson compile -C "$build") targets
  if (($#)); then
    # Regenerates the build files first when a meson.build changed, so that the list of tests
    # read from meson-info/ is current.
    if ! ninja -C "$build" build.ninja ||
       ! targets=$(python3 scripts/test_targets.py "$build" "${selection[@]}"); then
      build_failed "$build"
      return 0
    fi
    # Meson's own backend, given output files rather than target names.
    readarray -t targets <<<"$targets"
    compile=(ninja -C "$build" "${targets[@]}")
  fi
  if ! "${compile[@]}"; then
    build_failed "$build"
    return 0
  fi
  built=true
  run_tests "$build" "$multiplier" testlog "${selection[@]}"
}

build_failed() {
  echo "test.sh: build of $1 failed; its tests are skipped (counted as one failed case)" >&2
  failed_steps+=("build of $1")
  status=1
}

# run_tests BUILD_DIR TIMEOUT_MULTIPLIER LOGBASE MESON_TEST_ARGS...
# Runs `meson test` without rebuilding, with the variables in pass_env, and adds its JUnit log
# (BUILD_DIR/meson-logs/LOGBASE.junit.xml) to the count. The old log is removed first, so that a
# `meson test` that dies before writing one is counted as a failure rather than a stale success.
run_tests() {
  local build=$1 multiplier=$2 logbase=$3
  shift 3
  local junit="$build/meson-logs/$logbase.junit.xml"
  rm -f "$junit"
  env "${pass_env[@]}" meson test -C "$build" --no-rebuild --print-errorlogs --num-processes 2 \
    --timeout-multiplier "$multiplier" --logbase "$logbase" "$@" || status=$?
  junit_files+=("$junit")
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
  # Pass 1 reaches the CI figures (docs/TESTING.md); under the sanitizers, and on the second
  # backend, the crash tests look for memory errors, races and backend differences on the same
  # code paths, so smaller counts do.
  if [[ $tier == default ]]; then
    pass_env=(LOGKV_CRASH_POINTS=2000 LOGKV_CRASH_WORKLOADS=1 LOGKV_GROUP_COMMIT_CRASHES=50
              LOGKV_KILLS=80 LOGKV_IO_ERROR_OPERATIONS=600 LOGKV_CORRUPTION_POSITIONS=500)
  fi
  # Pass 1b: pass 1's build again on the io_uring backend (include/logkv/options.h, io_backend),
  # where this machine allows io_uring. Stores that choose their backend themselves
  # (io_backend_test) and the in-memory ones are unaffected; the fs suite tests both backends
  # directly. Skipped when pass 1 was not built.
  if $built && select_suites --suite engine --suite compaction --suite tools --suite crash; then
    if "$prefix/tests/fs/io_uring_usable" "${TMPDIR:-/tmp}"; then
      pass_env+=(LOGKV_IO_BACKEND=io_uring)
      run_tests "$prefix" "$timeout_multiplier" testlog-io_uring "${selection[@]}"
      unset 'pass_env[-1]'
    else
      echo "test.sh: pass 1b (the real-disk suites on io_uring) skipped: io_uring is unusable here"
    fi
  fi
  # Sanitized code runs several times slower: more time per test, and no benchmarks. The ASan
  # build is unoptimised: with -O2 its compiling took about 3x as long as its tests, at -O0 the
  # whole pass takes half the time (docs/TESTING.md), and pass 1 runs the optimised code.
  run_pass "$prefix-asan" $((timeout_multiplier * 4)) \
    -Db_sanitize=address,undefined -Doptimization=0 -Dbench=false -- --no-suite bench
  run_pass "$prefix-tsan" $((timeout_multiplier * 4)) \
    -Db_sanitize=thread -Dbench=false -- --suite engine --suite fs --suite index --suite host
fi
pass_env=()
if [[ $tier == extended ]] && command -v clang++ >/dev/null; then
  if [[ ! -f "$prefix-fuzz/build.ninja" ]]; then
    CXX=clang++ meson setup "$prefix-fuzz" --buildtype=debugoptimized -Dbench=false \
      -Dfuzzing=true || build_failed "$prefix-fuzz"
  fi
  if [[ -f "$prefix-fuzz/build.ninja" ]]; then
    if meson configure "$prefix-fuzz" -Dfuzz_seconds="$LOGKV_FUZZ_SECONDS"; then
      run_pass "$prefix-fuzz" "$timeout_multiplier" -- --suite fuzz
    else
      build_failed "$prefix-fuzz"
    fi
  fi
fi

count_args=()
for step in "${failed_steps[@]}"; do count_args+=(--failed "$step"); done
if ((${#failed_steps[@]})); then status=1; fi
# Reached whatever failed above; if even the counting fails, the last line is still the total.
if ! python3 scripts/count_test_cases.py "${count_args[@]}" "${junit_files[@]}"; then
  echo "0 passed, 1 failed"
  status=1
fi
exit "$status"
