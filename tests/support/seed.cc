#include "tests/support/seed.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace logkv::testing {

uint64_t test_seed() {
  uint64_t seed;
  if (const char* text = std::getenv("LOGKV_TEST_SEED"); text != nullptr && *text != '\0') {
    seed = std::strtoull(text, nullptr, 10);
  } else {
    std::random_device device;
    seed = (uint64_t{device()} << 32) ^ device();
  }
  std::cout << "seed=" << seed << " (replay: LOGKV_TEST_SEED=" << seed << ")" << std::endl;
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

}  // namespace logkv::testing
