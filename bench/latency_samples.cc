#include "bench/latency_samples.h"

#include <algorithm>
#include <cmath>

namespace logkv::bench {

void LatencySamples::merge(const LatencySamples& other) {
  nanos_.insert(nanos_.end(), other.nanos_.begin(), other.nanos_.end());
}

double LatencySamples::percentile_us(double q) {
  if (nanos_.empty()) return 0;
  if (!std::is_sorted(nanos_.begin(), nanos_.end())) std::sort(nanos_.begin(), nanos_.end());
  const double rank = std::ceil(q * static_cast<double>(nanos_.size()));
  const size_t index = std::clamp<size_t>(static_cast<size_t>(rank), 1, nanos_.size()) - 1;
  return static_cast<double>(nanos_[index]) / 1000.0;
}

}  // namespace logkv::bench
