// Keys, values and random numbers the workloads feed to engines.
//
// Values are random bytes so that no engine can shrink them by compression. Everything derives
// from the run's seed, so a run can be repeated byte for byte.
//
// Thread-safety: a ValuePool is immutable once built and may be read by many threads; an Rng
// belongs to one thread.
#ifndef LOGKV_BENCH_BENCH_DATA_H_
#define LOGKV_BENCH_BENCH_DATA_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace logkv::bench {

// The i-th key: "key-" and eight decimal digits, so every key has the same length (12 bytes)
// up to 100 million keys.
std::string key_for(uint64_t i);
inline constexpr size_t kKeyBytes = 12;

// xorshift64*: fast, and good enough to pick keys.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed == 0 ? 0x9E3779B97F4A7C15ull : seed) {}
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  // Uniform in [0, bound) for bound > 0 (the modulo bias is negligible for small bounds).
  uint64_t below(uint64_t bound) { return next() % bound; }

 private:
  uint64_t state_;
};

// A buffer of random bytes from which values are cut. value(i, n) is a different window for
// successive i, so consecutive writes of one key change its bytes.
class ValuePool {
 public:
  ValuePool(uint64_t seed, size_t value_bytes_max);
  std::string_view value(uint64_t i, size_t bytes) const;

 private:
  std::string bytes_;
};

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_BENCH_DATA_H_
