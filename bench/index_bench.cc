// Micro-benchmarks of the in-memory hash index: lookups that hit, lookups that miss, and
// inserts, at 1,000 and 1,000,000 keys of 16 bytes. Each also reports the index's memory
// overhead per key (memory_bytes() minus the key bytes, divided by the key count).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "index/hash_index.h"

namespace logkv {
namespace {

// "<prefix>:" and n zero-padded to 14 digits (n < 10^14).
std::string key16(uint64_t n, char prefix) {
  const std::string digits = std::to_string(n);
  return std::string{prefix, ':'} + std::string(14 - digits.size(), '0') + digits;
}

// Keys in a scrambled order, so that successive lookups do not walk the entry array in order.
std::vector<std::string> make_keys(size_t count, char prefix) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (size_t i = 0; i < count; ++i) keys.push_back(key16((i * 2654435761u) % count, prefix));
  return keys;
}

IndexEntry entry_for(uint64_t n) {
  return IndexEntry{.segment_id = static_cast<uint32_t>(n % 1024),
                    .offset = n * 128,
                    .record_bytes = 128,
                    .sequence = n};
}

struct Fixture {
  std::vector<std::string> present;
  std::vector<std::string> absent;
  HashIndex index;
};

// Built once per size and shared by the lookup benchmarks: filling 1M keys takes a while.
const Fixture& fixture(size_t keys) {
  static std::map<size_t, std::unique_ptr<Fixture>> fixtures;
  std::unique_ptr<Fixture>& slot = fixtures[keys];
  if (!slot) {
    slot = std::make_unique<Fixture>();
    slot->present = make_keys(keys, 'k');
    slot->absent = make_keys(keys, 'm');
    for (size_t i = 0; i < keys; ++i) slot->index.put(slot->present[i], entry_for(i));
  }
  return *slot;
}

void report_overhead(benchmark::State& state, const HashIndex& index) {
  state.counters["overhead_bytes_per_key"] =
      static_cast<double>(index.memory_bytes() - index.key_bytes()) /
      static_cast<double>(index.size());
}

void BM_LookupHit(benchmark::State& state) {
  const Fixture& f = fixture(static_cast<size_t>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.index.find(f.present[i]));
    if (++i == f.present.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  report_overhead(state, f.index);
}
BENCHMARK(BM_LookupHit)->Arg(1000)->Arg(1000000);

void BM_LookupMiss(benchmark::State& state) {
  const Fixture& f = fixture(static_cast<size_t>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.index.find(f.absent[i]));
    if (++i == f.absent.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  report_overhead(state, f.index);
}
BENCHMARK(BM_LookupMiss)->Arg(1000)->Arg(1000000);

// Fills an empty index with N keys per iteration, resizes included.
void BM_Insert(benchmark::State& state) {
  const std::vector<std::string> keys = make_keys(static_cast<size_t>(state.range(0)), 'k');
  double overhead = 0;
  for (auto _ : state) {
    HashIndex index;
    for (size_t i = 0; i < keys.size(); ++i) index.put(keys[i], entry_for(i));
    benchmark::DoNotOptimize(index.size());
    overhead = static_cast<double>(index.memory_bytes() - index.key_bytes()) /
               static_cast<double>(index.size());
    state.PauseTiming();  // freeing the index is not part of inserting
    index.clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["overhead_bytes_per_key"] = overhead;
}
BENCHMARK(BM_Insert)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace logkv

BENCHMARK_MAIN();
