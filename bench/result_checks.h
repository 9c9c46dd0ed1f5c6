// The --quick self-check: proves that the harness works, not how fast anything is.
#ifndef LOGKV_BENCH_RESULT_CHECKS_H_
#define LOGKV_BENCH_RESULT_CHECKS_H_

#include <string>
#include <vector>

#include "bench/engine_adapter.h"
#include "bench/results.h"
#include "bench/workloads/workload.h"

namespace logkv::bench {

// Returns one line per problem; empty means every selected workload produced rows for every
// selected engine, an ok row wherever the engine has what the workload needs, n/a rows only
// with a reason, no failed rows, and sane figures (finite, ops/s > 0, p50 <= p99, ratios
// present wherever logkv has a figure for the same variant).
std::vector<std::string> check_results(const std::vector<Row>& rows,
                                       const std::vector<Workload*>& workloads,
                                       const std::vector<EngineInfo>& engines);

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_RESULT_CHECKS_H_
