// What every fuzz target in tests/fuzz/ shares: the libFuzzer entry point and the check that
// turns a broken invariant into a crash that libFuzzer (or the replay runner) reports.
//
// A target is built twice: with replay_main.cc as a plain executable that `meson test` runs over
// the checked-in corpus (suite 'fuzz'), and, with -Dfuzzing=true and clang, linked with
// libFuzzer (-fsanitize=fuzzer,address) for real fuzzing (docs/TESTING.md).
//
// Thread-safety: targets are called from one thread.
#ifndef LOGKV_TESTS_FUZZ_FUZZ_TARGET_H_
#define LOGKV_TESTS_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// Runs one input. Returns 0 (libFuzzer reserves other values); a broken invariant aborts.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Aborts with the failed condition and `what` when `condition` is false. Not an assert(): it
// stays on in every build type.
#define LOGKV_FUZZ_CHECK(condition, what)                                                   \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   #condition, what);                                                       \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

#endif  // LOGKV_TESTS_FUZZ_FUZZ_TARGET_H_
