// The output of a run: a table on the terminal and, with --json, a file holding every figure
// and the machine description (the input of bench/plot.py).
//
// Thread-safety: call from one thread. Failure: only write_json can fail (the file cannot be
// written); the terminal output is best effort.
#ifndef LOGKV_BENCH_REPORT_H_
#define LOGKV_BENCH_REPORT_H_

#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench_config.h"
#include "bench/engine_adapter.h"
#include "bench/machine_info.h"
#include "bench/results.h"
#include "logkv/status.h"

namespace logkv::bench {

struct WorkloadDescription {
  std::string name;
  std::string group;
  std::string description;
};

struct RunReport {
  const BenchConfig* config = nullptr;
  std::string started_at;  // UTC, ISO 8601
  MachineInfo machine;
  std::vector<EngineInfo> engines;
  std::vector<WorkloadDescription> workloads;
  std::vector<Row> rows;
  bool checked = false;  // the --quick self-check ran
  std::vector<std::string> check_problems;
};

// The machine, the engines and their settings: printed before the workloads run.
void print_header(const RunReport& report, std::FILE* out);

// One section per workload; within it one block per variant, one line per engine.
void print_table(const RunReport& report, std::FILE* out);

// Writes the whole report as JSON; the file is replaced.
Status write_json(const RunReport& report, const std::string& path);

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_REPORT_H_
