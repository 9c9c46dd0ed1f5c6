// The figures one benchmark run produces: one Row per (workload, variant, engine).
//
// Thread-safety: plain values; the thread that drives the workloads owns them.
#ifndef LOGKV_BENCH_RESULTS_H_
#define LOGKV_BENCH_RESULTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace logkv::bench {

enum class RowStatus {
  kOk,
  kNotApplicable,  // the engine lacks what the row measures; `note` says what
  kFailed,         // the engine returned an error; `note` holds it
};

std::string_view row_status_name(RowStatus status);  // "ok", "n/a", "failed"

// A named figure beyond the common ones, e.g. {"disk_bytes", 4.1e6, "B"}.
struct Figure {
  std::string name;
  double value = 0;
  std::string unit;
};

// One point of a figure sampled over time while a workload runs.
struct Sample {
  double seconds = 0;
  uint64_t ops = 0;
  uint64_t disk_bytes = 0;
  uint64_t live_bytes = 0;
};

struct Row {
  std::string workload;  // the --workloads name, e.g. "sets"
  std::string group;     // the chart the row belongs to, e.g. "writes"
  std::string variant;   // e.g. "4 writers"
  std::string engine;
  RowStatus status = RowStatus::kOk;
  std::string note;  // why n/a, the error, or a remark that qualifies the figures

  // The figure engines are compared by: ops/s for rates, a time, a size. `ratio` is logkv's
  // primary divided by this row's (same workload and variant), so its meaning follows the unit.
  std::string primary_name;
  std::string primary_unit;
  double primary = 0;
  bool higher_is_better = true;
  std::optional<double> ratio;

  std::optional<double> ops_per_sec;
  std::optional<double> p50_us;
  std::optional<double> p99_us;
  uint64_t ops = 0;
  double seconds = 0;
  std::vector<Figure> figures;
  std::vector<Sample> series;
};

Row make_row(std::string_view workload, std::string_view group, std::string_view variant,
             std::string_view engine);
Row not_applicable_row(std::string_view workload, std::string_view group, std::string_view variant,
                       std::string_view engine, std::string reason);

// The row to report out of the same row measured in several rounds: the first failure if any
// round failed, else the round with the median primary figure (the lower middle one for an even
// count). With more than one measured round, the smallest and largest primary figure are added
// as figures "round_min" and "round_max", so the spread is visible.
Row median_of_rounds(std::vector<Row> rounds);

// Fills `ratio` of every ok row from the ok "logkv" row of the same workload and variant.
void compute_ratios(std::vector<Row>& rows);

}  // namespace logkv::bench

#endif  // LOGKV_BENCH_RESULTS_H_
