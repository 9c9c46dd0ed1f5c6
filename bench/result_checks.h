// The --quick self-check: proves that the harness works, not how fast anything is.
#ifndef LOGKV_BENCH_RESULT_CHECKS_H_
#define LOGKV_BENCH_RESULT_CHECKS_H_

#include <string>
#include <vector>

#include "bench/bench_config.h"
#include "bench/engine_adapter.h"
#include "bench/results.h"
#include "bench/workloads/workload.h"

namespace logkv::bench {

// Returns one line per problem; empty means that every selected workload produced rows for every
// selected engine, an ok row for every variant the workload says the engine measures
// (Workload::measured_variants at `sizes`), n/a rows only with a reason, no failed rows, and
// sane figures (finite, ops/s > 0, p50 <= p99, ratios present wherever logkv has a figure for
// the same variant).
std::vector<std::string> check_results(const std::vector<Row>& rows,
                                       const std::vector<Workload*>& workloads,
                                       const std::vector<EngineInfo>& engines,
                                       const WorkloadSizes& sizes);

// The names in `required` that are not in `available`, in the order of `required`. The run
// refuses to start with --require-engines naming an engine this build lacks.
std::vector<std::string> missing_engines(const std::vector<std::string>& required,
                                         const std::vector<std::string>& available);

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_RESULT_CHECKS_H_
