// Per-operation latencies of a measurement, and their percentiles.
//
// Thread-safety: not thread-safe; give each worker thread its own LatencySamples and merge
// them once the workers have stopped.
#ifndef LOGKV_BENCH_LATENCY_SAMPLES_H_
#define LOGKV_BENCH_LATENCY_SAMPLES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace logkv::bench {

class LatencySamples {
 public:
  // Reserves room so that recording does not allocate inside the timed loop for a while.
  void reserve(size_t count) { nanos_.reserve(count); }
  void add(uint64_t nanos) { nanos_.push_back(nanos); }
  void merge(const LatencySamples& other);

  size_t count() const { return nanos_.size(); }
  // The q-quantile (0 < q <= 1) in microseconds, by the nearest-rank method; 0 when empty.
  // Sorts the samples on first use.
  double percentile_us(double q);

 private:
  std::vector<uint64_t> nanos_;
};

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_LATENCY_SAMPLES_H_
