// The engines compiled into this build of logkv-bench.
#ifndef LOGKV_BENCH_ENGINE_REGISTRY_H_
#define LOGKV_BENCH_ENGINE_REGISTRY_H_

#include <vector>

#include "bench/engine_adapter.h"

namespace logkv::bench {

// logkv first (every ratio is taken against it), then the peers whose libraries were found at
// configure time, then the raw append+fdatasync loop.
std::vector<EngineFactory> available_engines();

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_ENGINE_REGISTRY_H_
