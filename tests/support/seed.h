// Seeds for randomised tests: printed, and replayable through LOGKV_TEST_SEED.
#ifndef LOGKV_TESTS_SUPPORT_SEED_H_
#define LOGKV_TESTS_SUPPORT_SEED_H_

#include <cstdint>

namespace logkv::testing {

// Returns $LOGKV_TEST_SEED when set, otherwise a fresh random seed. Either way prints
// "seed=N (replay: LOGKV_TEST_SEED=N)" and records it as the test's "seed" property, so that a
// failure can be replayed exactly.
uint64_t test_seed();

}  // namespace logkv::testing

#endif  // LOGKV_TESTS_SUPPORT_SEED_H_
