#include "bench/bench_data.h"

#include <algorithm>
#include <cstdio>

namespace logkv::bench {
namespace {

// Windows start at multiples of this stride, which is prime so that windows of neighbouring
// indexes overlap as little as the pool allows.
constexpr size_t kWindowStride = 4099;
constexpr size_t kPoolSlackBytes = 64 * 1024;

}  // namespace

std::string key_for(uint64_t i) {
  char buffer[32];
  const int length =
      std::snprintf(buffer, sizeof(buffer), "key-%08llu", static_cast<unsigned long long>(i));
  return std::string(buffer, static_cast<size_t>(length));
}

ValuePool::ValuePool(uint64_t seed, size_t value_bytes_max) {
  Rng rng(seed);
  bytes_.resize(value_bytes_max + kPoolSlackBytes);
  for (size_t i = 0; i < bytes_.size(); i += sizeof(uint64_t)) {
    const uint64_t word = rng.next();
    const size_t n = std::min(sizeof(word), bytes_.size() - i);
    for (size_t b = 0; b < n; ++b) bytes_[i + b] = static_cast<char>(word >> (8 * b));
  }
}

std::string_view ValuePool::value(uint64_t i, size_t bytes) const {
  const size_t room = bytes_.size() - std::min(bytes, bytes_.size()) + 1;
  const size_t offset = static_cast<size_t>(i * kWindowStride) % room;
  return std::string_view(bytes_).substr(offset, bytes);
}

}  // namespace logkv::bench
